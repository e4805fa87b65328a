//! Demo mode survives a quit and relaunch with the same data folder, command by command through the real
//! IPC and ACL: the app opens on the wallet with the card under its label, the same number and the
//! balance. No card number or national id reaches a file. "Start Demo over" forgets it all, and a damaged
//! save is set aside with one plain note.
//!
//! One test, because the app's data folder comes from `XDG_DATA_HOME`, which is the whole process's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{demo_harness, Harness};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::Manager;

const USER: &str = "restart@example.com";
const WALLET: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";
const NATIONAL_ID: &str = "123-45-6789";

/// Quits as a person does: the window closes and the app's own run-event handler sees it go.
fn quit(app: tauri::App<MockRuntime>, h: &Harness) {
    let window = h.webview.clone();
    app.run_return(move |handle, event| {
        if matches!(event, tauri::RunEvent::Ready) {
            window.close().unwrap();
        }
        machines_wallet::on_run_event(handle, event);
    });
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path).unwrap().windows(needle.len()).any(|w| w == needle.as_bytes()) {
                hits.push(path);
            }
        }
    }
    hits
}

fn pan_of(h: &mut Harness, card_id: &str) -> String {
    let reveal = h.call("reveal_card", json!({"id": card_id})).unwrap();
    h.call("hide_card", json!({"id": card_id})).unwrap();
    reveal["numberGroups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect()
}

/// Through set-up, KYC, agreements, a $60 deposit and a card "Groceries"; returns the card's id.
fn walk_to_a_card(h: &mut Harness) -> String {
    let stage = h.call("start", json!({"userId": USER, "walletAddress": WALLET, "walletLabel": "Main"})).unwrap();
    assert_eq!(stage, json!({"stage": "kycForm"}));
    let values = json!({
        "firstName": "Ada", "lastName": "TestApproved", "birthDate": "1990-01-01", "nationalId": NATIONAL_ID,
        "countryOfIssue": "US", "email": "ada@example.com", "occupation": "49-3023", "annualSalary": "50k\u{2013}99k",
        "accountPurpose": "everyday spend", "expectedMonthlyVolume": "$1k\u{2013}$5k",
        "address.line1": "123 Main St", "address.city": "New York", "address.region": "NY",
        "address.postalCode": "10001", "address.countryCode": "US"
    });
    assert_eq!(h.call("kyc_submit", json!({"values": values})).unwrap()["status"], json!("approved"));
    assert_eq!(h.call("accept_agreements", json!({})).unwrap()["accepted"], json!(true));
    let deposit = h.call("create_deposit", json!({"currency": "usdc", "network": "base"})).unwrap();
    let id = deposit["id"].as_str().unwrap().to_owned();
    h.call("deposit_status", json!({"id": id})).unwrap();
    h.call("demo_fund", json!({"id": id, "amount": "60"})).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.call("deposit_status", json!({"id": id})).unwrap()["succeeded"] != json!(true) {
        assert!(Instant::now() < deadline, "the demo deposit never completed");
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(h.call("balances", json!({})).unwrap()["spendingPower"], json!("$60.00"));
    let card = h.call("create_card", json!({"label": "Groceries", "limit": "25", "frequency": "perAuthorization"}));
    card.unwrap()["cardId"].as_str().unwrap().to_owned()
}

fn notes(h: &mut Harness) -> Vec<Value> {
    h.call("app_state", json!({})).unwrap()["notes"].as_array().unwrap().clone()
}

#[test]
fn demo_survives_a_restart_starts_over_on_request_and_sets_a_damaged_save_aside() {
    let home = std::env::temp_dir().join(format!("machines-wallet-demo-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::env::set_var("XDG_DATA_HOME", &home);

    // First launch: the journey to a card, then quit.
    let (app, mut h) = demo_harness();
    let state = h.call("app_state", json!({})).unwrap();
    assert_eq!((state["demo"].clone(), state["userId"].clone()), (json!(true), Value::Null));
    let card_id = walk_to_a_card(&mut h);
    let pan = pan_of(&mut h, &card_id);
    let data = app.path().app_data_dir().unwrap();
    quit(app, &h);
    drop(h);

    let file = data.join(machines_wallet::DEMO_STATE_FILE);
    assert!(file.is_file(), "Demo's state was saved to {}", file.display());
    assert!(!files_holding(&home, USER).is_empty(), "the scan finds what the files do hold (the user id)");
    for secret in [pan.as_str(), NATIONAL_ID, "123456789"] {
        assert_eq!(files_holding(&home, secret), Vec::<PathBuf>::new(), "a secret on disk: {secret}");
    }

    // Relaunch with the same data folder: straight to the wallet, the card, its number, the balance.
    let (app, mut h) = demo_harness();
    let state = h.call("app_state", json!({})).unwrap();
    assert_eq!((state["userId"].clone(), state["notes"].clone()), (json!(USER), json!([])));
    assert_eq!(h.call("stage", json!({})).unwrap(), json!({"stage": "wallet"}));
    let cards = h.call("cards", json!({})).unwrap();
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 1, "{cards:?}");
    assert_eq!((cards[0]["cardId"].as_str(), cards[0]["label"].as_str()), (Some(card_id.as_str()), Some("Groceries")));
    assert_eq!(h.call("balances", json!({})).unwrap()["spendingPower"], json!("$60.00"));
    assert_eq!(pan_of(&mut h, &card_id), pan, "the same card number after the restart");

    // Start Demo over: the save and the demo user are gone, and the app is back at set-up.
    let settings = h.call("start_demo_over", json!({})).unwrap();
    assert_eq!((settings["userId"].clone(), settings["walletAddress"].clone()), (Value::Null, Value::Null));
    assert!(!file.exists(), "the saved state is removed");
    assert_eq!(h.call("app_state", json!({})).unwrap()["userId"], Value::Null);
    assert_eq!(h.call("stage", json!({})).unwrap_err()["code"], json!("setup"));
    quit(app, &h);
    drop(h);

    // A damaged save: set aside, a fresh Demo, and one plain note about it.
    std::fs::write(&file, b"{\"version\": 1, \"users\": [ damaged").unwrap();
    let (app, mut h) = demo_harness();
    let said = notes(&mut h);
    assert_eq!(said.len(), 1, "{said:?}");
    let note = said[0].as_str().unwrap();
    assert!(note.starts_with("Demo's saved data could not be read, so Demo started over."), "{note}");
    assert_eq!(notes(&mut h), Vec::<Value>::new(), "said once");
    let aside: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("demo-state.json.unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(note.contains(&aside[0].display().to_string()), "the note says where the old file is: {note}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), b"{\"version\": 1, \"users\": [ damaged", "kept as it was");
    quit(app, &h);
    let _ = std::fs::remove_dir_all(&home);
}
