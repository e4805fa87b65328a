//! Copy through the command layer onto a real X11 clipboard (Xvfb): the number, expiry and CVC go from
//! Rust to the clipboard with the password-manager hint, never through the webview, and the clipboard is
//! cleared after the configured time only if it still holds our value. Run by `scripts/test` under
//! `xvfb-run` (plain `cargo test` skips it: there is no display).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::time::Duration;

use common::{harness, ready};
use machines_sim::{SimConfig, Simulator};
use serde_json::json;

fn clipboard_text() -> Option<String> {
    arboard::Clipboard::new().unwrap().get_text().ok()
}

#[test]
#[ignore = "needs a display: scripts/test runs it under xvfb-run"]
fn copy_goes_from_rust_to_the_clipboard_and_is_cleared_only_if_still_ours() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    ready(&mut h, &sim, "clip@example.com");
    let mut settings = h.call("get_settings", json!({})).unwrap();
    settings["clipboardClearSeconds"] = json!(10);
    h.call("save_settings", json!({"settings": settings})).unwrap();
    let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
    let id = card["cardId"].as_str().unwrap().to_owned();
    let last4 = card["last4"].as_str().unwrap().to_owned();

    let receipt = h.call("copy_card", json!({"id": id, "what": "number"})).unwrap();
    assert_eq!(receipt, json!({"label": "Card number", "clearsInSeconds": 10}));
    let copied = clipboard_text().unwrap();
    assert!(copied.len() == 16 && copied.ends_with(&last4), "the digits are on the clipboard");
    assert!(!h.transcript.iter().any(|l| l.contains(&copied)), "and never crossed IPC");
    let targets = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .output()
        .expect("xclip is installed by scripts/setup");
    assert!(String::from_utf8_lossy(&targets.stdout).contains("x-kde-passwordManagerHint"), "marked as a secret");
    std::thread::sleep(Duration::from_secs(11));
    assert_eq!(clipboard_text().unwrap_or_default(), "", "cleared after 10 s");

    // Something the person copied afterwards is left alone.
    h.call("copy_card", json!({"id": id, "what": "cvc"})).unwrap();
    assert_eq!(clipboard_text().unwrap().len(), 3);
    arboard::Clipboard::new().unwrap().set_text("a shipping address").unwrap();
    std::thread::sleep(Duration::from_secs(11));
    assert_eq!(clipboard_text().unwrap(), "a shipping address");

    // The expiry in MM/YY; and the deposit address copies too.
    h.call("copy_card", json!({"id": id, "what": "expiry"})).unwrap();
    let expiry = clipboard_text().unwrap();
    assert!(expiry.len() == 5 && expiry.as_bytes()[2] == b'/', "{expiry}");
    let deposit = h.call("create_deposit", json!({"currency": "usdc", "network": "base"})).unwrap();
    h.call("deposit_status", json!({"id": deposit["id"]})).unwrap();
    h.call("copy_deposit_address", json!({"id": deposit["id"]})).unwrap();
    let address = clipboard_text().unwrap();
    assert!(address.starts_with("0x") && address.len() == 42 && address != address.to_lowercase(), "EIP-55: {address}");
    // Lock clears what is ours.
    h.call("copy_card", json!({"id": id, "what": "number"})).unwrap();
    h.call("lock_app", json!({})).unwrap();
    assert_eq!(clipboard_text().unwrap_or_default(), "");
}
