//! An unfinished create belongs to the environment and account it was made for: after the person
//! switches user, the same label and limit pressed again is a new create for the new account, with its
//! own key and its own encrypted label, never the stale ones of before.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use machines_sim::{FaultKind, FaultRule, SimConfig, Simulator};
use serde_json::json;
use tauri::Manager;

use common::{harness, ready};

#[test]
fn a_create_that_failed_for_one_user_is_not_resent_for_the_next() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    ready(&mut h, &sim, "first@example.com");

    // The server is down for the first user's create: it stays unfinished (its key and encrypted label
    // are kept for the person's retry).
    sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::Error { status: 503 }));
    let failed = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap_err();
    assert_eq!(failed["code"], json!("server"), "{failed}");
    sim.clear_faults();

    // Another user signs in on the same app and asks for a card with the same label.
    ready(&mut h, &sim, "second@example.com");
    let card = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap();
    assert_eq!(card["label"], json!("Travel"));
    // Read back from the server: the label is the second user's own, which their key can decrypt.
    let cards = h.call("cards", json!({})).unwrap();
    assert_eq!(cards.as_array().map(Vec::len), Some(1), "{cards}");
    assert_eq!(cards[0]["label"], json!("Travel"), "the label was encrypted for this account: {cards}");

    // Nothing of the first user's is kept to be sent later.
    let state = h.webview.state::<machines_wallet::state::AppState>();
    assert!(state.pending_keys().unwrap().is_empty(), "the first user's unfinished create was dropped at the switch");
}

#[test]
fn saving_settings_for_another_user_drops_what_is_unfinished() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    ready(&mut h, &sim, "settings@example.com");
    sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::Error { status: 503 }));
    h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap_err();
    let webview = h.webview.clone();
    let pending = || webview.state::<machines_wallet::state::AppState>().pending_keys().unwrap().len();
    assert_eq!(pending(), 1, "kept for the person's retry");

    // The same user saved again keeps it (a retry is still the same card)...
    let settings = h.call("get_settings", json!({})).unwrap();
    h.call("save_settings", json!({"settings": settings.clone()})).unwrap();
    assert_eq!(pending(), 1);
    // ...another user in Settings drops it.
    let mut other = settings;
    other["userId"] = json!("someone-else@example.com");
    h.call("save_settings", json!({"settings": other})).unwrap();
    assert_eq!(pending(), 0);
}
