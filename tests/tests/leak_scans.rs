//! The scans the Partner sign-in journey trusts to say "no partner key on the app's side", each shown to
//! find a copy planted where a leak would put it, on a Demo launch (no partner stack needed): the app's
//! environment, its files (its log file among them), its keychain, every IPC answer, and its process memory. A scan that cannot see
//! a planted copy would pass for a clean app, so each is checked on its own here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_wallet_e2e::answers::WALLET;
use machines_wallet_e2e::files::{files_containing, newest_app_log};
use machines_wallet_e2e::{leaks, Launch};

/// Values no part of the app could make up: a copy found is the planted one.
fn control(what: &str) -> String {
    format!("e2e-control-{what}-{}", machines_sim::random_secret(""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn each_scan_finds_a_planted_copy_and_nothing_else() {
    let (in_env, typed, absent) = (control("env"), control("typed"), control("never-planted"));
    let w = Launch::new("leak-scans").env("E2E_CONTROL", &in_env).start().await.unwrap();
    w.record_ipc().await.unwrap();
    let processes = w.processes();
    let app = processes.iter().find(|(_, name)| name == "machines-wallet").expect("the app is running").0;

    // A person types a value into set-up: it crosses the IPC into the app, which keeps it in its
    // settings (a file under its home).
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.fill("setup-userId", &typed).await.unwrap();
    w.fill("setup-walletAddress", WALLET).await.unwrap();
    w.click_button("Continue").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();

    // Environment: the value the launch set is in the app's own environ, and only there among values.
    let env_hits = leaks::in_environments(&processes, &in_env).unwrap();
    assert!(env_hits.iter().any(|(pid, _, n)| *pid == app && *n == 1), "the app's environ holds it: {env_hits:?}");
    assert!(leaks::in_environments(&processes, &absent).unwrap().is_empty());

    // Memory: the environment's copy (on the app's stack) and the typed one (on its heap, from the IPC).
    assert!(leaks::in_memory(app, &in_env).unwrap() >= 1, "the app's memory holds its environment");
    assert!(leaks::in_memory(app, &typed).unwrap() >= 1, "the app's memory holds what was typed to it");
    assert_eq!(leaks::in_memory(app, &absent).unwrap(), 0);

    // IPC: the app's own answers are recorded (the stage its set-up answered), and a planted one.
    let planted = control("ipc");
    w.plant_ipc_answer(&planted).await.unwrap();
    let answers = w.ipc_answers().await.unwrap();
    assert!(
        answers.iter().any(|a| a.contains(r#""stage":"kycForm""#)),
        "the set-up's answer is among the {} recorded",
        answers.len()
    );
    assert_eq!(answers.iter().filter(|a| a.contains(&planted)).count(), 1, "the planted answer is recorded once");
    assert!(!answers.iter().any(|a| a.contains(&absent)));

    // Keychain: every item on the app's bus is listed, one stored by another client included.
    let bus = leaks::environment_value(app, "DBUS_SESSION_BUS_ADDRESS").unwrap();
    let in_keychain = control("keychain");
    leaks::plant_keychain_item(&bus, "e2e control", &in_keychain).await.unwrap();
    let items = leaks::keychain_items(&bus).await.unwrap();
    let copies = items.iter().filter(|i| leaks::count(&i.secret, in_keychain.as_bytes()) > 0).count();
    assert_eq!(copies, 1, "the planted item is found among {} items", items.len());
    assert!(!items.iter().any(|i| leaks::count(&i.secret, absent.as_bytes()) > 0));

    // Files: the settings store under the home holds the typed user id.
    let files = files_containing(w.home(), &[&typed]).unwrap();
    assert!(!files.is_empty(), "the settings store holds the user id");
    assert!(files_containing(w.home(), &[&absent]).unwrap().is_empty());

    // Log file: the app's daily log (its log folder, under the home) holds lines, and the home's scan
    // reads it: a line planted in it is found there, and only there.
    let log = newest_app_log(&w.log_dir()).unwrap();
    let in_log = control("log");
    let mut lines = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut lines, format!("{in_log}\n").as_bytes()).unwrap();
    assert_eq!(files_containing(w.home(), &[&in_log]).unwrap(), vec![log], "the planted log line is found");

    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
