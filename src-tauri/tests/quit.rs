//! Quitting clears a card number we copied, and only ours. On bare X11 the selection dies with the
//! process anyway, so this runs the app's real run-event handler in Tauri's mock runtime over a clipboard
//! that outlives the app, as a clipboard manager or another OS's clipboard would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::{ready_with_board, Outliving, ReadyWithBoard};
use serde_json::json;

/// Copies the number of a fresh card and quits by closing the window; returns what the clipboard held
/// just before quitting and after.
fn copy_then_quit(after_copy: impl FnOnce(&Outliving)) -> (Option<String>, Option<String>, String) {
    // Every field bound: an unbound one would be dropped here, and the simulator with it.
    let ReadyWithBoard { mut h, app, board, sim: _sim, runtime: _runtime } = ready_with_board("quit@example.com");
    let card = h.call("create_card", json!({"label": "Quit", "limit": null, "frequency": null})).unwrap();
    let id = card["cardId"].as_str().unwrap().to_owned();
    let revealed = h.call("reveal_card", json!({"id": id})).unwrap();
    let pan: String = revealed["numberGroups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    h.call("hide_card", json!({"id": id})).unwrap();
    h.call("copy_card", json!({"id": id, "what": "number"})).unwrap();
    after_copy(&board);
    let before = board.0.lock().unwrap().clone();

    // Once the app runs, the person closes the window; the app's own run-event handler sees the window
    // close and the app quit.
    let window = h.webview.clone();
    app.run_return(move |handle, event| {
        if matches!(event, tauri::RunEvent::Ready) {
            window.close().unwrap();
        }
        machines_wallet::on_run_event(handle, event);
    });
    let after = board.0.lock().unwrap().clone();
    (before, after, pan)
}

#[test]
fn quitting_clears_the_card_number_we_copied() {
    let (before, after, pan) = copy_then_quit(|_| {});
    assert_eq!(before.as_deref(), Some(pan.as_str()), "the copy put the number on the clipboard");
    assert_eq!(after, None, "quitting left the card number on the clipboard");
}

#[test]
fn quitting_leaves_alone_what_the_person_copied_since() {
    let (before, after, _) = copy_then_quit(|board| {
        *board.0.lock().unwrap() = Some("a shopping list".into());
    });
    assert_eq!(before.as_deref(), Some("a shopping list"));
    assert_eq!(after.as_deref(), Some("a shopping list"), "quitting wiped something that was not ours");
}
