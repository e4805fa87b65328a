//! What start-up makes of the partner's file (`partner.json`, found through `MACHINES_PARTNER_CONFIG`
//! here): a first run with a usable file opens on Partner sign-in; a bad file is a note in words and no
//! Partner sign-in; a saved Partner choice with no file left opens in Demo with a note. Demo stays the
//! default without a file. One test, because the app's data folder comes from `XDG_DATA_HOME`, which is
//! the whole process's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::path::Path;

use serde_json::{json, Value};
use tauri::Manager;
use wallet_core::partner_config::ENV_PARTNER_CONFIG;

fn with_file(path: &Path) -> impl Fn(&str) -> Option<String> {
    let path = path.display().to_string();
    move |name| (name == ENV_PARTNER_CONFIG).then(|| path.clone())
}

fn partner_file() -> Value {
    json!({
        "version": 1,
        "name": "Acme Pay",
        "gatewayUrl": "https://wallet-gateway.acme.example",
        "issuer": "https://login.acme.example",
        "clientId": "machines-wallet",
        "scopes": ["profile"],
    })
}

#[test]
fn the_partner_file_decides_the_first_screen_and_a_bad_one_is_a_note() {
    let home = std::env::temp_dir().join(format!("machines-wallet-partner-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    std::env::set_var("XDG_DATA_HOME", &home);
    let file = home.join("partner.json");

    // No file: Demo, as always, and no sign-in offered.
    let (_app, mut h) = common::loaded_harness(|_| None);
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!((view["environment"].clone(), view["signIn"].clone()), (json!("demo"), Value::Null));
    drop((_app, h));

    // A first run with a usable file: Partner sign-in, locked until the passphrase, no key asked for.
    std::fs::write(&file, partner_file().to_string()).unwrap();
    let (app, mut h) = common::loaded_harness(with_file(&file));
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!(view["environment"], json!("partner"), "{view}");
    assert_eq!(view["locked"], json!(true), "a real environment opens locked");
    assert_eq!(view["hasPartnerKey"], json!(true), "nothing to add: the partner's service holds the key");
    assert_eq!(
        view["signIn"],
        json!({"partnerName": "Acme Pay", "providerHost": "login.acme.example",
               "gatewayHost": "wallet-gateway.acme.example", "signedIn": false, "selected": true})
    );
    let data = app.path().app_data_dir().unwrap();
    drop((app, h));

    // A file that is not JSON: a note that names the file and says why, and Demo.
    std::fs::write(&file, "{ \"version\": 1, ").unwrap();
    let (_app, mut h) = common::loaded_harness(with_file(&file));
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!((view["environment"].clone(), view["signIn"].clone()), (json!("demo"), Value::Null));
    let notes = view["notes"].to_string();
    assert!(notes.contains(&file.display().to_string()) && notes.contains("not valid JSON"), "{notes}");
    drop((_app, h));

    // Partner sign-in was saved, then the file went away: Demo, with a note; the other settings stay.
    std::fs::create_dir_all(&data).unwrap();
    let stored = json!({"settings": {"environment": {"kind": "partner"}, "revealSeconds": 45}});
    std::fs::write(data.join(machines_wallet::commands::settings::STORE_FILE), stored.to_string()).unwrap();
    std::fs::remove_file(&file).unwrap();
    let (_app, mut h) = common::loaded_harness(|_| None);
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!((view["environment"].clone(), view["signIn"].clone()), (json!("demo"), Value::Null));
    assert!(view["notes"].to_string().contains("opened in Demo"), "{}", view["notes"]);
    assert_eq!(h.call("get_settings", json!({})).unwrap()["revealSeconds"], json!(45));
    let refused = h
        .call(
            "save_settings",
            json!({"settings": {"environment": {"kind": "partner"}, "userId": null,
            "walletAddress": null, "walletLabel": null, "revealSeconds": 45, "clipboardClearSeconds": 20,
            "idleLockMinutes": 10, "sessionTtlSeconds": 900, "reauthMinutes": 5}}),
        )
        .unwrap_err();
    assert_eq!(refused["fields"][0]["field"], json!("environment"), "{refused}");
    drop((_app, h));
    let _ = std::fs::remove_dir_all(&home);
}
