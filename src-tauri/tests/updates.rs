//! The core tells the UI: a KYC status and a deposit as they move, the balances once the deposit is
//! in, and the lock (idle, lock button, panic) and unlock, each down the channel the page passed to the
//! command. Nothing is asked of the server while the app is locked or its window hidden. The commands go
//! through the IPC as the UI calls them (so the capability and ACL apply); where the test must read what
//! a channel carries, it calls the same command function with a channel of its own, since the mock
//! runtime's webview keeps only the last script it was given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use machines_api::poll::PollPolicy;
use machines_sim::{KycStatus, SimConfig, SimHandle, Simulator};
use machines_wallet::commands::updates;
use machines_wallet::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;

/// Waits as the real app does, but never more than 5 s without a hint (the simulator gives hints).
fn policy() -> PollPolicy {
    PollPolicy { min: Duration::from_millis(10), ..PollPolicy::default() }
}

/// A channel as the page would pass it, whose messages the test reads.
fn channel<T>() -> (Channel<T>, mpsc::Receiver<Value>) {
    let (tx, rx) = mpsc::channel();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            let _ = tx.send(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    });
    (channel, rx)
}

fn next(rx: &mpsc::Receiver<Value>, within: Duration) -> Value {
    rx.recv_timeout(within).expect("no update in time")
}

/// Asserts that no `path` request is made for a while.
fn quiet(sim: &SimHandle, path: &str, why: &str) {
    // A check already under way may finish first.
    std::thread::sleep(Duration::from_millis(150));
    let before = sim.counted(path);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(sim.counted(path), before, "{why}");
}

#[test]
fn the_kyc_status_and_the_lock_reach_the_page_and_checks_pause_while_locked_or_hidden() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = SimConfig {
        kyc_manual_review_for: Duration::from_secs(600),
        kyc_poll_after: Duration::from_millis(100),
        ..SimConfig::instant()
    };
    let sim = runtime.block_on(Simulator::start(config)).unwrap();
    sim.count_requests(Some("GET"), "/kyc/status");
    let (app, mut h) = common::harness_with(&sim, |state| state.with_poll_policy(policy()));
    common::start(&mut h, "wait@example.com");
    sim.set_kyc("wait@example.com", KycStatus::ManualReview).unwrap();

    // The page's own calls pass the capability: a channel needs no permission of its own.
    let listening = h.call("watch_lock", json!({"onChange": "__CHANNEL__:7"})).unwrap();
    assert!(listening.is_u64(), "{listening}");
    let watching = h.call("watch_kyc", json!({"onUpdate": "__CHANNEL__:8"})).unwrap();
    assert!(watching.is_u64(), "{watching}");

    // The same commands with channels the test reads (each replaces the page's of its kind).
    let state = app.state::<AppState>();
    let (locks, lock_updates) = channel();
    tauri::async_runtime::block_on(updates::watch_lock(app.state(), locks)).unwrap();
    let (statuses, kyc_updates) = channel();
    let id = tauri::async_runtime::block_on(updates::watch_kyc(app.state(), statuses)).unwrap();
    let first = next(&kyc_updates, Duration::from_secs(2));
    assert_eq!(first["kind"], "status", "{first}");
    assert_eq!(first["view"]["status"], "manual_review");
    assert_eq!(first["view"]["terminal"], false);
    // Every 100 ms, as the server asks.
    let second = Instant::now();
    next(&kyc_updates, Duration::from_secs(1));
    assert!(second.elapsed() < Duration::from_millis(400), "{:?}", second.elapsed());
    assert_eq!(h.call("check_now", json!({"watch": id})).unwrap(), json!(true));

    // The lock button: the page hears it, and nothing is asked until the person unlocks.
    h.call("lock_app", json!({})).unwrap();
    assert_eq!(next(&lock_updates, Duration::from_secs(1)), json!({"locked": true}));
    quiet(&sim, "/kyc/status", "a check while locked");
    while kyc_updates.try_recv().is_ok() {}
    let unlocked = Instant::now();
    h.call("unlock_app", json!({"passphrase": common::PASSPHRASE})).unwrap();
    assert_eq!(next(&lock_updates, Duration::from_secs(1)), json!({"locked": false}));
    next(&kyc_updates, Duration::from_secs(1));
    assert!(unlocked.elapsed() < Duration::from_millis(400), "checks resume at once: {:?}", unlocked.elapsed());

    // The window hidden: no checks; shown again: a check at once.
    h.call("window_visible", json!({"visible": false})).unwrap();
    quiet(&sim, "/kyc/status", "a check while the window was hidden");
    while kyc_updates.try_recv().is_ok() {}
    let shown = Instant::now();
    h.call("window_visible", json!({"visible": true})).unwrap();
    next(&kyc_updates, Duration::from_secs(1));
    assert!(shown.elapsed() < Duration::from_millis(400), "{:?}", shown.elapsed());

    // The screen goes away: the watch stops.
    h.call("stop_watch", json!({"watch": id})).unwrap();
    quiet(&sim, "/kyc/status", "a check after the screen went away");
    assert_eq!(h.call("check_now", json!({"watch": id})).unwrap(), json!(false));

    // The idle lock and the panic button reach the page too.
    state.set_idle_for(Duration::from_secs(24 * 3600));
    assert!(tauri::async_runtime::block_on(state.lock_if_idle()));
    assert_eq!(next(&lock_updates, Duration::from_secs(1)), json!({"locked": true}));
    h.call("unlock_app", json!({"passphrase": common::PASSPHRASE})).unwrap();
    assert_eq!(next(&lock_updates, Duration::from_secs(1)), json!({"locked": false}));
    h.call("panic_button", json!({})).unwrap();
    assert_eq!(next(&lock_updates, Duration::from_secs(1)), json!({"locked": true}));
}

#[test]
fn a_deposit_reaches_the_page_until_it_completes_and_then_the_new_balances() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (app, mut h) = common::harness_with(&sim, |state| state.with_poll_policy(policy()));
    common::ready(&mut h, &sim, "fund@example.com");
    let deposit = h.call("create_deposit", json!({"currency": "rusd", "network": "base"})).unwrap();
    let deposit_id = deposit["id"].as_str().unwrap().to_owned();
    sim.count_requests(Some("GET"), "/deposits/assets");
    sim.count_requests(Some("GET"), "/balances");

    let watching = h.call("watch_deposit", json!({"id": deposit_id, "onUpdate": "__CHANNEL__:9"})).unwrap();
    assert!(watching.is_u64(), "{watching}");
    let (statuses, deposit_updates) = channel();
    let id = tauri::async_runtime::block_on(updates::watch_deposit(app.state(), deposit_id.clone(), statuses)).unwrap();
    let first = next(&deposit_updates, Duration::from_secs(2));
    assert_eq!(first["kind"], "status", "{first}");
    assert_eq!(first["view"]["inProgress"], true);
    assert!(first["view"]["qrSvg"].is_string(), "the payment request's QR code: {first}");

    sim.fund_deposit(&deposit_id, 12.5).unwrap();
    // The server asks for a check every 1.5 s; the completion arrives by itself.
    let done = loop {
        let update = next(&deposit_updates, Duration::from_secs(3));
        assert_eq!(update["kind"], "status", "{update}");
        if update["view"]["inProgress"] == false {
            break update;
        }
    };
    assert_eq!(done["view"]["succeeded"], true, "{done}");
    let balances = next(&deposit_updates, Duration::from_secs(2));
    assert_eq!(balances["kind"], "balances", "{balances}");
    assert_eq!(balances["view"]["spendingPower"], "$12.50");
    let deadline = Instant::now() + Duration::from_secs(2);
    while h.call("check_now", json!({"watch": id})).unwrap() == json!(true) {
        assert!(Instant::now() < deadline, "a settled watch has ended");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(sim.counted("/balances"), 1, "the balances are read once");
    // The page's own watch (replaced by the test's) and the test's each read the asset list once at most.
    assert!(sim.counted("/deposits/assets") <= 2, "the asset list is read once per watch");
}

#[test]
fn notes_reach_the_page_as_the_core_learns_them_and_are_told_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (app, mut h) = common::harness(&sim);
    let state = app.state::<AppState>();
    tauri::async_runtime::block_on(state.add_notes(["noted before the page listened".to_owned()]));
    let (notes, heard) = channel();
    updates::watch_notes(app.state(), notes);
    assert_eq!(next(&heard, Duration::from_secs(1)), json!({"notes": ["noted before the page listened"]}));
    // Later, while the page shows something else (a crash's card finished while the cards are listed).
    tauri::async_runtime::block_on(
        state.add_notes(["A card you were creating when the app closed has been finished: ••4242".to_owned()]),
    );
    assert_eq!(
        next(&heard, Duration::from_secs(1)),
        json!({"notes": ["A card you were creating when the app closed has been finished: ••4242"]})
    );
    assert_eq!(h.call("app_state", json!({})).unwrap()["notes"], json!([]), "each note is told once");
    // The page's own call passes the capability (and takes the place of the test's channel).
    assert_eq!(h.call("watch_notes", json!({"onNotes": "__CHANNEL__:9"})).unwrap(), Value::Null);
}
