//! A crash must not make a second card: the app is killed with SIGKILL at three points of a card create,
//! relaunched on the same data folder, and the simulator is asked how many cards there are.
//!
//! The app is this test binary run again as a child process (`CRASH_CREATE_CHILD`), with the real
//! commands through the mock runtime's IPC and the real ACL, as the command tests use them. That is
//! chosen over the built `machines-wallet` in a window because the kill points must be exact: the test
//! sees the journal file appear and the server's card count change, and kills at that moment, with no
//! WebDriver, display or WebKit timing in between, and it runs in a plain `cargo test`. What dies is a
//! whole process, as in a crash; nothing of it is shut down in order.
//!
//! The simulator runs in this (the parent) process, so it outlives every child with its idempotency
//! records, as a real server would; Demo's embedded simulator would die with the app.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use machines_sim::{FaultKind, FaultRule, SimConfig, SimHandle, Simulator};
use serde_json::{json, Value};

const CHILD: &str = "CRASH_CREATE_CHILD";
const TEST: &str = "a_create_killed_at_any_point_makes_exactly_one_card";
const LABEL: &str = "Groceries";

fn card_request() -> Value {
    json!({"label": LABEL, "limit": "25", "frequency": "perAuthorization"})
}

#[test]
fn a_create_killed_at_any_point_makes_exactly_one_card() {
    if let Ok(action) = std::env::var(CHILD) {
        return child(&action);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = std::env::temp_dir().join(format!("machines-wallet-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);

    // 1. Killed after the create was written down, before the server made anything (the server holds
    //    the request for 3 s before handling it). The relaunched app finishes it: one card.
    {
        let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
        let journal = root.join("before");
        ready_user(&sim, "before@example.com");
        sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::Latency { ms: 3000 }).times(1));
        let mut app = spawn(&sim, &journal, "before@example.com", "create");
        wait_until("the create is written down", || !records(&journal).is_empty());
        kill(&mut app);
        assert_eq!(cards_on(&sim), 0, "killed before the server made the card");
        let record = std::fs::read_to_string(&records(&journal)[0]).unwrap();
        assert!(record.contains("\"key\"") && record.contains("\"requestHash\"") && record.contains("\"ct\""));
        assert!(!record.contains(LABEL), "the label is on disk only as the API's ciphertext: {record}");
        // The held request dies with its connection or is handled late; either way, after the relaunch:
        std::thread::sleep(Duration::from_millis(3500));
        let relaunch = run(&sim, &journal, "before@example.com", "list");
        assert_eq!(relaunch["cards"].as_array().map(Vec::len), Some(1), "{relaunch}");
        assert_eq!(relaunch["cards"][0]["label"], json!(LABEL), "{relaunch}");
        let notes = relaunch["notes"].to_string();
        assert!(notes.contains("has been finished"), "the person is told: {notes}");
        assert_eq!(cards_on(&sim), 1, "exactly one card on the server");
        assert!(records(&journal).is_empty(), "nothing left to finish");
    }

    // 2. Killed after the server made the card but before any answer arrived (every answer to the create
    //    is dropped after the commit). The person, not knowing, presses Create again after the relaunch.
    {
        let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
        let journal = root.join("committed");
        ready_user(&sim, "committed@example.com");
        sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::DropAfterCommit));
        let mut app = spawn(&sim, &journal, "committed@example.com", "create");
        wait_until("the server makes the card", || cards_on(&sim) == 1);
        kill(&mut app);
        assert_eq!(records(&journal).len(), 1, "the create is still written down");
        sim.clear_faults();
        let relaunch = run(&sim, &journal, "committed@example.com", "create-again");
        assert_eq!(relaunch["created"]["label"], json!(LABEL), "{relaunch}");
        assert_eq!(relaunch["cards"].as_array().map(Vec::len), Some(1), "{relaunch}");
        assert_eq!(relaunch["created"]["id"], relaunch["cards"][0]["id"], "Create answered with the card it made");
        assert_eq!(cards_on(&sim), 1, "exactly one card on the server, not two");
        assert!(records(&journal).is_empty());
    }

    // 3. Killed after the answer arrived: nothing is left to finish, and nothing is sent again.
    {
        let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
        let journal = root.join("answered");
        ready_user(&sim, "answered@example.com");
        let (mut app, lines) = spawn_reading(&sim, &journal, "answered@example.com", "create");
        let created = lines.recv_timeout(Duration::from_secs(60)).unwrap();
        kill(&mut app);
        assert_eq!(created["created"]["label"], json!(LABEL), "{created}");
        assert!(records(&journal).is_empty(), "the answer removed the record");
        let relaunch = run(&sim, &journal, "answered@example.com", "list");
        assert_eq!(relaunch["cards"].as_array().map(Vec::len), Some(1), "{relaunch}");
        assert!(!relaunch["notes"].to_string().contains("finished"), "{relaunch}");
        assert_eq!(cards_on(&sim), 1);
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// A user who is approved and has accepted the agreements, set up through the commands.
fn ready_user(sim: &SimHandle, user: &str) {
    let (_app, mut h) = common::harness(sim);
    common::ready(&mut h, sim, user);
}

/// Cards on the server, all users (each step has its own simulator).
fn cards_on(sim: &SimHandle) -> u64 {
    sim.summary()["cards"].as_u64().unwrap_or_default()
}

/// The journal's records (set-aside files excluded).
fn records(journal: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(journal)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default()
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn command(sim: &SimHandle, journal: &Path, user: &str, action: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, action)
        .env("CRASH_SIM_URL", sim.base_url())
        .env("CRASH_SIM_KEY", sim.partner_key())
        .env("CRASH_JOURNAL", journal)
        .env("CRASH_USER", user)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

fn spawn(sim: &SimHandle, journal: &Path, user: &str, action: &str) -> Child {
    command(sim, journal, user, action).stdout(Stdio::null()).spawn().unwrap()
}

/// The child, and its `CHILD {...}` lines as they come.
fn spawn_reading(sim: &SimHandle, journal: &Path, user: &str, action: &str) -> (Child, mpsc::Receiver<Value>) {
    let mut child = command(sim, journal, user, action).stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest prints the test's name on the same line before the child's own output.
            match line.find("CHILD ").map(|at| &line[at + "CHILD ".len()..]) {
                Some(json) => drop(send.send(serde_json::from_str(json).unwrap_or(Value::Null))),
                // The child's own test output (a failure in it, say) is shown with the parent's.
                None => eprintln!("child: {line}"),
            }
        }
    });
    (child, receive)
}

/// Runs a relaunch to its end and returns what it reported.
fn run(sim: &SimHandle, journal: &Path, user: &str, action: &str) -> Value {
    let (mut child, lines) = spawn_reading(sim, journal, user, action);
    let report = lines.recv_timeout(Duration::from_secs(60)).unwrap();
    assert!(child.wait().unwrap().success());
    report
}

/// SIGKILL: no destructor, no run-event handler, no flush; the process is simply gone.
fn kill(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The app, relaunched: the real commands through the IPC, journaling in `CRASH_JOURNAL`.
fn child(action: &str) {
    let var = |name: &str| std::env::var(name).unwrap();
    let journal = PathBuf::from(var("CRASH_JOURNAL"));
    let (_app, mut h) =
        common::harness_at(&var("CRASH_SIM_URL"), &var("CRASH_SIM_KEY"), |state| state.with_intents(Some(journal)));
    h.call(
        "start",
        json!({"userId": var("CRASH_USER"), "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": null}),
    )
    .unwrap();
    let mut report = serde_json::Map::new();
    if action.starts_with("create") {
        report.insert("created".into(), h.call("create_card", card_request()).unwrap_or_else(|e| e));
    }
    if action == "create" {
        println!("CHILD {}", Value::Object(report));
        // The parent kills the app here, or earlier.
        std::thread::sleep(Duration::from_secs(120));
        return;
    }
    report.insert("cards".into(), h.call("cards", json!({})).unwrap());
    report.insert("notes".into(), h.call("app_state", json!({})).unwrap()["notes"].clone());
    println!("CHILD {}", Value::Object(report));
}

/// A create that cannot be written down is not sent: sent unrecorded, a crash could make a second card.
#[test]
fn a_create_that_cannot_be_written_down_is_not_sent() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let blocked = std::env::temp_dir().join(format!("machines-wallet-crash-blocked-{}", std::process::id()));
    // A file where the journal's folder should be: nothing can be written under it.
    std::fs::write(&blocked, b"not a folder").unwrap();
    let (_app, mut h) = common::harness_with(&sim, |state| state.with_intents(Some(blocked.join("journal"))));
    common::ready(&mut h, &sim, "blocked@example.com");
    let refused = h.call("create_card", card_request()).unwrap_err();
    assert_eq!(refused["code"], json!("journal"), "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("did not ask"), "{refused}");
    assert_eq!(cards_on(&sim), 0, "nothing was sent");
    let _ = std::fs::remove_file(&blocked);
}

/// A damaged record met at start is set aside with a note the person reads, and the cards still list.
#[test]
fn a_damaged_record_is_set_aside_with_a_note() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let journal = std::env::temp_dir().join(format!("machines-wallet-crash-damaged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&journal);
    std::fs::create_dir_all(&journal).unwrap();
    std::fs::write(journal.join("card-0b8e7c1e-half-written.json"), b"{\"format\":1,\"key\":\"0b8e").unwrap();
    let (_app, mut h) = common::harness_with(&sim, |state| state.with_intents(Some(journal.clone())));
    common::ready(&mut h, &sim, "damaged@example.com");
    assert_eq!(h.call("cards", json!({})).unwrap(), json!([]));
    let notes = h.call("app_state", json!({})).unwrap()["notes"].to_string();
    assert!(notes.contains("could not be resumed") && notes.contains("Check your cards"), "{notes}");
    assert!(journal.join("card-0b8e7c1e-half-written.json.set-aside").exists(), "kept aside, not deleted");
    assert_eq!(cards_on(&sim), 0, "nothing was sent for it");
    let _ = std::fs::remove_dir_all(&journal);
}
