//! SIGTERM and SIGINT clear our value from the clipboard and end the app cleanly. A child process (this
//! test binary again, running only [`app_process`]) runs the app's commands over the real X11 clipboard,
//! copies a card number, installs the app's own signal handler (`signals::quit_on_termination`) and
//! runs the app's own run-event handler; the test sends it the signal.
//!
//! What each check shows: the exit status is 0 only if the signal went through the app's quit path
//! (without the handler the process dies of the signal, and this fails). The clipboard is then empty. On
//! bare X11 a dead owner's selection goes with it, so that check alone would also pass without the
//! handler; it matters with a clipboard manager that keeps what it saw, which Xvfb does not have.
//! Run by `scripts/test` under `xvfb-run` (plain `cargo test` skips it: there is no display).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

const CHILD: &str = "TERMINATION_TEST_CHILD";
const READY: &str = "number-copied-and-listening";

fn clipboard_text() -> String {
    let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().expect("xclip is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The app's process: a ready user, the number copied onto the real clipboard, then the app runs until
/// a signal ends it. It prints [`READY`] once the number is on the clipboard and the handler listens.
#[test]
#[ignore = "the app's process for the termination tests, started by them"]
fn app_process() {
    if std::env::var(CHILD).is_err() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(machines_sim::Simulator::start(machines_sim::SimConfig::instant())).unwrap();
    let (app, mut h) = common::harness(&sim);
    common::ready(&mut h, &sim, "term@example.com");
    let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
    h.call("copy_card", json!({"id": card["cardId"], "what": "number"})).unwrap();
    machines_wallet::signals::quit_on_termination(app.handle().clone());
    // libtest prints its "test app_process ..." before the test's own output, on the same line.
    println!("{READY}");
    app.run_return(machines_wallet::on_run_event);
    drop(sim);
}

/// Starts the app's process, waits for the copy, sends `signal`, and returns how it ended and what the
/// clipboard held before and after.
fn copy_then_signal(signal: &str) -> (std::process::ExitStatus, String, String) {
    // One clipboard for the display: the tests take turns.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "app_process", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let copied = lines.by_ref().map_while(Result::ok).any(|line| line.ends_with(READY));
    assert!(copied, "the app's process copied the number");
    let before = clipboard_text();
    let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the app did not end within 20 s of {signal}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(200));
    (status, before, clipboard_text())
}

#[test]
#[ignore = "needs a display: scripts/test runs it under xvfb-run"]
fn sigterm_clears_the_number_and_the_app_exits_cleanly() {
    let (status, before, after) = copy_then_signal("TERM");
    assert!(before.len() == 16 && before.bytes().all(|b| b.is_ascii_digit()), "the number was on the clipboard");
    assert!(status.success(), "the app ended through its quit path, not killed by the signal: {status}");
    assert_eq!(after, "", "the clipboard no longer holds the number");
}

#[test]
#[ignore = "needs a display: scripts/test runs it under xvfb-run"]
fn sigint_clears_the_number_and_the_app_exits_cleanly() {
    let (status, before, after) = copy_then_signal("INT");
    assert_eq!(before.len(), 16, "the number was on the clipboard");
    assert!(status.success(), "the app ended through its quit path, not killed by the signal: {status}");
    assert_eq!(after, "", "the clipboard no longer holds the number");
}
