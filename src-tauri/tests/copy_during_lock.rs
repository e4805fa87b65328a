//! Copy meets Lock or Panic: the server is slow to answer the copy's reveal, and the person locks (or
//! presses Panic) while it waits. The lock clears the clipboard at once; when the digits arrive later,
//! the copy must not write them after that clear. The clipboard ends empty and the copy says it was
//! refused because the app is locked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::time::Duration;

use common::{ready_with_board, ReadyWithBoard};
use machines_sim::{FaultKind, FaultRule};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, INVOKE_KEY};
use tauri::webview::InvokeRequest;

/// Starts `copy_card` on another thread, as the UI's click would, and returns its answer when it ends.
fn copy_in_background(h: &common::Harness, id: &str) -> std::thread::JoinHandle<Result<Value, Value>> {
    let webview = h.webview.clone();
    let request = InvokeRequest {
        cmd: "copy_card".into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(json!({"id": id, "what": "number"})),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    std::thread::spawn(move || get_ipc_response(&webview, request).map(|body| body.deserialize::<Value>().unwrap()))
}

/// A card, and the server made slow (1.5 s) for the next reveal of its digits.
fn slow_card(h: &mut common::Harness, sim: &machines_sim::SimHandle) -> String {
    let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
    sim.inject(FaultRule::new(Some("POST"), "/cards/*/secrets", FaultKind::Latency { ms: 1500 }).times(1));
    card["cardId"].as_str().unwrap().to_owned()
}

#[test]
fn a_lock_issued_while_a_copy_waits_for_the_server_leaves_the_clipboard_empty() {
    let ReadyWithBoard { mut h, app: _app, board, sim, runtime: _runtime } = ready_with_board("slowcopy@example.com");
    let id = slow_card(&mut h, &sim);

    let copy = copy_in_background(&h, &id);
    std::thread::sleep(Duration::from_millis(500));
    h.call("lock_app", json!({})).unwrap();
    let answer = copy.join().unwrap();

    assert_eq!(*board.0.lock().unwrap(), None, "the number was written after the lock had cleared the clipboard");
    assert_eq!(answer.unwrap_err()["code"], json!("locked"), "the copy says why it did not happen");
}

#[test]
fn a_panic_pressed_while_a_copy_waits_for_the_server_leaves_the_clipboard_empty() {
    let ReadyWithBoard { mut h, app: _app, board, sim, runtime: _runtime } = ready_with_board("slowpanic@example.com");
    let id = slow_card(&mut h, &sim);

    let copy = copy_in_background(&h, &id);
    std::thread::sleep(Duration::from_millis(500));
    h.call("panic_button", json!({})).unwrap();
    let answer = copy.join().unwrap();

    assert_eq!(*board.0.lock().unwrap(), None, "the number was written after the panic had cleared the clipboard");
    assert_eq!(answer.unwrap_err()["code"], json!("locked"));
}
