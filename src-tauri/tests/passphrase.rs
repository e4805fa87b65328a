//! A person behind every unlock and reveal, through the IPC as the UI calls it (mock runtime, real ACL)
//! against a simulator outside Demo: the passphrase set on first use, a wrong one refused with a growing
//! wait, a reveal that asks again after the re-auth window, weaker settings that need it, the rate limit
//! on reveals and copies, and the activity log, which holds no digit of a card beyond its last four.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::time::Duration;

use common::{harness_with, ready, ready_with_board, MemoryCredential, ReadyWithBoard, PASSPHRASE};
use machines_sim::{SimConfig, Simulator};
use machines_wallet::state::AppState;
use machines_wallet::unlock::Gate;
use serde_json::{json, Value};
use tauri::Manager;
use wallet_core::error::ErrorCode;

fn code(refused: &Value) -> &str {
    refused["code"].as_str().unwrap_or_default()
}

fn new_card(h: &mut common::Harness) -> String {
    let card = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap();
    card["cardId"].as_str().unwrap().to_owned()
}

#[test]
fn first_use_outside_demo_asks_for_a_passphrase_before_any_card_detail() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let fresh = || Gate::new(std::sync::Arc::new(MemoryCredential::default()), None);
    let (_app, mut h) = harness_with(&sim, |state| state.with_gate(fresh(), false));
    ready(&mut h, &sim, "first-use@example.com");
    let id = new_card(&mut h);

    assert_eq!(h.call("app_state", json!({})).unwrap()["needsPassphrase"], json!(true));
    for (cmd, args) in [("reveal_card", json!({"id": id})), ("copy_card", json!({"id": id, "what": "number"}))] {
        let refused = h.call(cmd, args).unwrap_err();
        assert_eq!(code(&refused), "passphrase_needed", "{cmd}: {refused}");
    }
    // A lock now cannot be undone with the button alone.
    h.call("lock_app", json!({})).unwrap();
    assert_eq!(code(&h.call("unlock_app", json!({})).unwrap_err()), "passphrase_needed");

    let weak = h.call("check_passphrase", json!({"candidate": "12345"})).unwrap();
    assert_eq!(weak["acceptable"], json!(false), "{weak}");
    let refused = h.call("set_passphrase", json!({"passphrase": "123456", "confirmation": "123456"})).unwrap_err();
    assert_eq!(refused["fields"][0]["field"], json!("passphrase"), "a run is refused: {refused}");
    let refused =
        h.call("set_passphrase", json!({"passphrase": PASSPHRASE, "confirmation": "correct horse"})).unwrap_err();
    assert!(refused["message"].as_str().unwrap().contains("differ"), "{refused}");

    h.call("set_passphrase", json!({"passphrase": PASSPHRASE, "confirmation": PASSPHRASE})).unwrap();
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!((view["locked"].clone(), view["needsPassphrase"].clone()), (json!(false), json!(false)));
    h.call("reveal_card", json!({"id": id})).unwrap();
    let again =
        h.call("set_passphrase", json!({"passphrase": "another passphrase", "confirmation": "another passphrase"}));
    assert_eq!(code(&again.unwrap_err()), "passphrase_exists", "setting it again is not a way around it");
}

#[test]
fn a_wrong_passphrase_is_refused_with_a_growing_wait_and_the_right_one_unlocks() {
    let ReadyWithBoard { mut h, app: _app, board: _board, sim: _sim, runtime: _runtime } =
        ready_with_board("unlock@example.com");
    h.call("lock_app", json!({})).unwrap();
    let empty = h.call("unlock_app", json!({})).unwrap_err();
    assert_eq!(empty["fields"][0]["field"], json!("passphrase"), "nothing typed is not a guess: {empty}");
    let refused = h.call("unlock_app", json!({"passphrase": "not it"})).unwrap_err();
    assert_eq!(code(&refused), "wrong_passphrase", "{refused}");
    assert_eq!(refused["retryAfterSeconds"], json!(1), "the first wrong one, not the second: {refused}");

    // Before the wait is over even the right one is not judged.
    let early = h.call("unlock_app", json!({"passphrase": PASSPHRASE})).unwrap_err();
    assert_eq!(code(&early), "unlock_wait", "{early}");
    assert!(early["message"].as_str().unwrap().contains("Try again in 1 second"), "{early}");
    std::thread::sleep(Duration::from_millis(1_100));

    let second = h.call("unlock_app", json!({"passphrase": "correct horse batterz"})).unwrap_err();
    assert_eq!(second["retryAfterSeconds"], json!(2), "the wait doubles: {second}");
    assert_eq!(second["message"], json!("That is not the passphrase. Try again in 2 seconds."));
    assert_eq!(code(&h.call("cards", json!({})).unwrap_err()), "locked", "still locked");
    std::thread::sleep(Duration::from_millis(2_100));

    h.call("unlock_app", json!({"passphrase": PASSPHRASE})).unwrap();
    assert!(h.call("cards", json!({})).is_ok());
    // The count started over: the next wrong one waits 1 s again.
    h.call("lock_app", json!({})).unwrap();
    let fresh = h.call("unlock_app", json!({"passphrase": "nope nope nope"})).unwrap_err();
    assert_eq!(fresh["retryAfterSeconds"], json!(1), "{fresh}");
}

#[test]
fn the_wait_after_wrong_attempts_survives_a_relaunch() {
    let dir = std::env::temp_dir().join(format!("unlock-relaunch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = MemoryCredential::default();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let gate = Gate::new(std::sync::Arc::new(store.clone()), Some(dir.clone()));
    runtime.block_on(gate.set(PASSPHRASE.into(), PASSPHRASE.into())).unwrap();
    // Three wrong attempts in a row, each after the last one's wait: the next waits 4 s.
    for wait in [1_100, 2_100, 0] {
        let refused = runtime.block_on(gate.verify("wrong guess here".into())).unwrap_err();
        assert_eq!(refused.code, ErrorCode::WrongPassphrase, "{refused:?}");
        std::thread::sleep(Duration::from_millis(wait));
    }
    drop(gate);
    let relaunched = Gate::new(std::sync::Arc::new(store), Some(dir.clone()));
    let refused = runtime.block_on(relaunched.verify(PASSPHRASE.into())).unwrap_err();
    assert_eq!(refused.code, ErrorCode::UnlockWait, "{refused:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reveal_asks_for_the_passphrase_again_after_the_window_and_copy_does_not() {
    let ReadyWithBoard { mut h, app, board, sim: _sim, runtime: _runtime } = ready_with_board("reauth@example.com");
    let id = new_card(&mut h);
    h.call("reveal_card", json!({"id": id})).unwrap();

    app.state::<AppState>().gate().age_verification(Duration::from_secs(5 * 60 + 1));
    let refused = h.call("reveal_card", json!({"id": id})).unwrap_err();
    assert_eq!(code(&refused), "reauth_needed", "{refused}");
    h.call("copy_card", json!({"id": id, "what": "number"})).unwrap();
    assert!(board.0.lock().unwrap().is_some(), "copy is the safe default and does not ask");

    let wrong = h.call("reauthenticate", json!({"passphrase": "not it at all"})).unwrap_err();
    assert_eq!(code(&wrong), "wrong_passphrase");
    std::thread::sleep(Duration::from_millis(1_100));
    h.call("reauthenticate", json!({"passphrase": PASSPHRASE})).unwrap();
    let reveal = h.call("reveal_card", json!({"id": id})).unwrap();
    assert_eq!(reveal["numberGroups"].as_array().unwrap().len(), 4);

    // A shorter window is honoured (the setting), a longer one needs the passphrase just given.
    let mut settings = h.call("get_settings", json!({})).unwrap();
    settings["reauthMinutes"] = json!(1);
    h.call("save_settings", json!({"settings": settings})).unwrap();
    app.state::<AppState>().gate().age_verification(Duration::from_secs(61));
    assert_eq!(code(&h.call("reveal_card", json!({"id": id})).unwrap_err()), "reauth_needed");
}

#[test]
fn settings_that_weaken_protection_need_the_passphrase_given_just_now() {
    let ReadyWithBoard { mut h, app, board: _board, sim: _sim, runtime: _runtime } =
        ready_with_board("weaker@example.com");
    app.state::<AppState>().gate().age_verification(Duration::from_secs(61));
    let original = h.call("get_settings", json!({})).unwrap();
    for (field, value) in [
        ("clipboardClearSeconds", json!(null)),
        ("clipboardClearSeconds", json!(60)),
        ("revealSeconds", json!(60)),
        ("idleLockMinutes", json!(60)),
        ("reauthMinutes", json!(30)),
    ] {
        let mut weaker = original.clone();
        weaker[field] = value.clone();
        let refused = h.call("save_settings", json!({"settings": weaker})).unwrap_err();
        assert_eq!(code(&refused), "reauth_needed", "{field} = {value}: {refused}");
    }
    let mut stronger = original.clone();
    stronger["revealSeconds"] = json!(10);
    stronger["idleLockMinutes"] = json!(2);
    h.call("save_settings", json!({"settings": stronger})).unwrap();

    h.call("reauthenticate", json!({"passphrase": PASSPHRASE})).unwrap();
    let mut never = stronger.clone();
    never["clipboardClearSeconds"] = json!(null);
    let saved = h.call("save_settings", json!({"settings": never})).unwrap();
    assert_eq!(saved["clipboardClearSeconds"], json!(null));
    let log = h.call("activity_log", json!({})).unwrap();
    assert_eq!(log[0]["text"], json!("Protection settings relaxed"), "{log}");
    assert_eq!(log[1]["text"], json!("Passphrase entered again"), "{log}");
}

#[test]
fn reveals_and_copies_are_refused_while_locked_and_limited_to_ten_a_minute() {
    let ReadyWithBoard { mut h, app: _app, board: _board, sim: _sim, runtime: _runtime } =
        ready_with_board("limited@example.com");
    let id = new_card(&mut h);
    h.call("lock_app", json!({})).unwrap();
    // The UI is not asked: these calls come straight through the IPC, as a script in the page would.
    for (cmd, args) in [("reveal_card", json!({"id": id})), ("copy_card", json!({"id": id, "what": "cvc"}))] {
        assert_eq!(code(&h.call(cmd, args).unwrap_err()), "locked", "{cmd}");
    }
    h.call("unlock_app", json!({"passphrase": PASSPHRASE})).unwrap();

    for i in 0..10 {
        let call = if i % 2 == 0 {
            h.call("reveal_card", json!({"id": id}))
        } else {
            h.call("copy_card", json!({"id": id, "what": "expiry"}))
        };
        call.unwrap_or_else(|e| panic!("use {i}: {e}"));
    }
    let refused = h.call("copy_card", json!({"id": id, "what": "number"})).unwrap_err();
    assert_eq!(code(&refused), "too_many", "{refused}");
    let wait = refused["retryAfterSeconds"].as_u64().unwrap();
    assert!((55..=60).contains(&wait), "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("10 times in a minute") && message.contains(&format!("Try again in {wait} seconds")));
}

/// Every run of digits in `text` that is a card's whole number, a group of four other than the last, or
/// its CVC.
fn secret_hits(text: &str, pan: &str, cvc: &str) -> Vec<String> {
    let mut hits = Vec::new();
    if text.contains(pan) {
        hits.push(pan.to_owned());
    }
    // The times hold digits (nanoseconds: nine of them), so a four-digit group or the CVC is looked for in
    // the entries' words only; searched in the whole line, a time would match a group about once a hundred runs.
    let groups: Vec<&str> = (0..pan.len() / 4).map(|i| &pan[i * 4..i * 4 + 4]).collect();
    for line in text.lines() {
        let words: Value = serde_json::from_str(line).unwrap_or(Value::Null);
        let Some(words) = words["text"].as_str() else { continue };
        for group in &groups[..groups.len() - 1] {
            if words.contains(group) {
                hits.push(format!("{group} in {line}"));
            }
        }
        if words.contains(cvc) {
            hits.push(format!("cvc in {line}"));
        }
    }
    hits
}

#[test]
fn the_activity_log_names_each_reveal_and_copy_by_its_last_four_and_holds_no_other_digit() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let dir = std::env::temp_dir().join(format!("activity-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let gate_dir = dir.clone();
    let (_app, mut h) = harness_with(&sim, move |state| {
        state
            .with_clipboard(Box::new(common::Outliving::default()))
            .with_gate(common::set_up_gate(Some(gate_dir)), false)
    });
    ready(&mut h, &sim, "logged@example.com");
    let id = new_card(&mut h);

    let reveal = h.call("reveal_card", json!({"id": id})).unwrap();
    let pan: String = reveal["numberGroups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    let cvc = reveal["cvc"].as_str().unwrap().to_owned();
    let last4 = &pan[pan.len() - 4..];
    for what in ["number", "expiry", "cvc"] {
        h.call("copy_card", json!({"id": id, "what": what})).unwrap();
    }

    let log = h.call("activity_log", json!({})).unwrap();
    let texts: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            format!("Copied the CVC of ••{last4}"),
            format!("Copied the expiry of ••{last4}"),
            format!("Copied the number of ••{last4}"),
            format!("Revealed card ••{last4}"),
            "Passphrase set".to_owned(),
        ]
    );
    assert!(log[0]["at"].as_str().unwrap().ends_with('Z'), "with its time: {log}");

    let file = dir.join(machines_wallet::unlock::ACTIVITY_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 5, "JSON lines on disk:\n{text}");
    assert_eq!(secret_hits(&text, &pan, &cvc), Vec::<String>::new(), "{text}");
    assert!(text.contains(last4), "the scan reads the file it should");
    // The control: an entry that did hold the number and the CVC is found by the same scan.
    let planted = format!("{text}{}\n", json!({"at": "2026-01-01T00:00:00Z", "text": format!("{pan} {cvc}")}));
    let hits = secret_hits(&planted, &pan, &cvc);
    assert_eq!(hits.len(), 5, "the whole number, three leading groups and the CVC: {hits:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn in_demo_a_weaker_setting_needs_the_passphrase_only_once_one_is_set() {
    let weaker = |h: &mut common::Harness| {
        let mut settings = h.call("get_settings", json!({})).unwrap();
        settings["clipboardClearSeconds"] = json!(null);
        h.call("save_settings", json!({"settings": settings}))
    };
    // Demo alone: no passphrase, nothing to ask.
    let fresh = Gate::new(std::sync::Arc::new(MemoryCredential::default()), None);
    let (_demo, mut h) = common::demo_harness_with(|state| state.with_gate(fresh, false));
    assert_eq!(weaker(&mut h).unwrap()["clipboardClearSeconds"], json!(null));

    // A passphrase set for a real environment: the weaker clipboard would carry over to it, so Demo asks.
    let (app, mut h) = common::demo_harness_with(|state| state.with_gate(common::set_up_gate(None), false));
    app.state::<AppState>().gate().age_verification(Duration::from_secs(61));
    assert_eq!(code(&weaker(&mut h).unwrap_err()), "reauth_needed");
    h.call("reauthenticate", json!({"passphrase": PASSPHRASE})).unwrap();
    assert!(weaker(&mut h).is_ok());
}
