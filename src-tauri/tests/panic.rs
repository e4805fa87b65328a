//! The panic button, through the IPC as the UI calls it: one action clears the clipboard, locks the app
//! and locks every active card; when the cards cannot be reached, the app is still locked and the report
//! says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::{ready_with_board, ReadyWithBoard};
use machines_sim::{FaultKind, FaultRule};
use serde_json::json;

#[test]
fn one_press_locks_every_card_clears_the_clipboard_and_locks_the_app() {
    // Every field bound: an unbound one would be dropped here, and the simulator with it.
    let ReadyWithBoard { mut h, app: _app, board, sim: _sim, runtime: _runtime } =
        ready_with_board("panic@example.com");

    let mut ids = Vec::new();
    for label in ["Travel", "Groceries", "Ads"] {
        let card = h.call("create_card", json!({"label": label, "limit": null, "frequency": null})).unwrap();
        ids.push(card["cardId"].as_str().unwrap().to_owned());
    }
    h.call("lock_card", json!({"id": ids[2]})).unwrap();
    h.call("copy_card", json!({"id": ids[0], "what": "number"})).unwrap();
    assert!(board.0.lock().unwrap().is_some(), "the number is on the clipboard before the panic");

    let report = h.call("panic_button", json!({})).unwrap();
    assert_eq!(report, json!({"cardsLocked": 2, "alreadyLocked": 1, "problem": null}));
    assert_eq!(*board.0.lock().unwrap(), None, "the clipboard is cleared");
    assert_eq!(h.call("app_state", json!({})).unwrap()["locked"], json!(true));
    let refused = h.call("cards", json!({})).unwrap_err();
    assert_eq!(refused["code"], json!("locked"), "nothing works until the person unlocks: {refused}");

    h.call("unlock_app", json!({"passphrase": common::PASSPHRASE})).unwrap();
    let cards = h.call("cards", json!({})).unwrap();
    let statuses: Vec<_> = cards.as_array().unwrap().iter().map(|c| c["status"].clone()).collect();
    assert_eq!(statuses, vec![json!("locked"); 3], "every card is locked on the server: {cards}");
}

#[test]
fn with_the_server_unreachable_the_app_still_locks_and_says_the_cards_may_be_active() {
    let ReadyWithBoard { mut h, app: _app, board, sim, runtime: _runtime } =
        ready_with_board("panic-offline@example.com");
    let card = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap();
    h.call("copy_card", json!({"id": card["cardId"], "what": "cvc"})).unwrap();

    sim.inject(FaultRule::new(Some("GET"), "/cards", FaultKind::Error { status: 503 }).times(100));
    let report = h.call("panic_button", json!({})).unwrap();
    assert_eq!(report["cardsLocked"], json!(0));
    let problem = report["problem"].as_str().unwrap();
    assert!(problem.starts_with("The cards could not be locked"), "{problem}");
    assert_eq!(*board.0.lock().unwrap(), None, "the clipboard is cleared anyway");
    assert_eq!(h.call("app_state", json!({})).unwrap()["locked"], json!(true), "the app is locked anyway");
}
