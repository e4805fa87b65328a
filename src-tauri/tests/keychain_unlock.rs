//! The unlock passphrase against a real Secret Service (gnome-keyring under `dbus-run-session`, as
//! `scripts/test` runs it): only its argon2id hash is stored, the system's own tool sees that and nothing
//! else, it verifies after a relaunch, and a forgotten one is reset only by forgetting the partner keys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::sync::Arc;

use common::{harness_with, ready, PASSPHRASE};
use machines_sim::{SimConfig, Simulator};
use machines_wallet::unlock::Gate;
use machines_wallet::vault::{self, KeychainCredential};
use serde_json::json;
use wallet_core::error::ErrorCode;

fn lookup(username: &str) -> String {
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "cash.machines.wallet", "username", username])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/setup");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Both tests use the one keychain entry, so they take turns.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it under dbus-run-session with gnome-keyring-daemon"]
fn only_the_passphrase_hash_lives_in_the_keychain_and_a_relaunch_verifies_it() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    tokio::runtime::Runtime::new().unwrap().block_on(hash_only());
}

async fn hash_only() {
    let gate = Gate::new(Arc::new(KeychainCredential), None);
    gate.forget().await.unwrap();
    assert!(!gate.has_credential().await.unwrap());
    gate.set(PASSPHRASE.into(), PASSPHRASE.into()).await.unwrap();

    let stored = lookup("unlock-credential");
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "the PHC string with its parameters: {stored}");
    assert!(!stored.contains("horse"), "never the passphrase itself");

    let relaunched = Gate::new(Arc::new(KeychainCredential), None);
    assert_eq!(relaunched.verify("correct horse batterz".into()).await.unwrap_err().code, ErrorCode::WrongPassphrase);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    relaunched.verify(PASSPHRASE.into()).await.unwrap();

    relaunched.forget().await.unwrap();
    assert_eq!(lookup("unlock-credential"), "");
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it under dbus-run-session with gnome-keyring-daemon"]
fn a_forgotten_passphrase_is_reset_only_by_forgetting_the_partner_keys() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    runtime
        .block_on(vault::store("sandbox".into(), machines_api::PartnerKey::parse("pk_test_sandbox_0123").unwrap()))
        .unwrap();
    let (_app, mut h) =
        harness_with(&sim, |state| state.with_gate(Gate::new(Arc::new(KeychainCredential), None), false));
    h.call("set_passphrase", json!({"passphrase": PASSPHRASE, "confirmation": PASSPHRASE})).unwrap();
    ready(&mut h, &sim, "forgot@example.com");

    // The person is locked out and has forgotten it: the lock screen's reset.
    h.call("lock_app", json!({})).unwrap();
    h.call("reset_passphrase", json!({})).unwrap();
    assert_eq!(lookup("unlock-credential"), "", "the hash is gone");
    assert_eq!(lookup("partner-key:sandbox"), "", "and every saved partner key with it");
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!(view["locked"], json!(true), "{view}");
    assert_eq!(view["hasPartnerKey"], json!(false), "the key given at launch is forgotten too: {view}");
    assert_eq!(view["needsPassphrase"], json!(true));

    h.call("set_passphrase", json!({"passphrase": "a brand new phrase", "confirmation": "a brand new phrase"}))
        .unwrap();
    let refused = h.call("cards", json!({})).unwrap_err();
    assert_eq!(refused["code"], json!("partner_key"), "nothing is reachable without a key again: {refused}");
    runtime.block_on(Gate::new(Arc::new(KeychainCredential), None).forget()).unwrap();
}

/// No browser is opened here: the test signs nobody in, it finds a sign-in already kept.
struct NoBrowser;

impl wallet_core::signin::OpenBrowser for NoBrowser {
    fn open(&self, url: &url::Url) -> Result<(), wallet_core::signin::BrowserError> {
        panic!("nothing in this test signs in, yet the browser was asked for {url}");
    }
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it under dbus-run-session with gnome-keyring-daemon"]
fn a_forgotten_passphrase_in_partner_mode_is_reset_only_by_forgetting_the_sign_in() {
    use machines_api::SecretString;
    use wallet_core::settings::{EnvironmentSetting, Settings};
    use wallet_core::signin::RefreshTokenStore;

    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = wallet_core::partner_config::parse(
        br#"{"version":1,"name":"Acme Pay","gatewayUrl":"https://wallet-gateway.acme.example",
            "issuer":"https://login.acme.example","clientId":"machines-wallet-reset-test"}"#,
    )
    .unwrap();
    let account = config.keychain_account();
    // The person signed in on an earlier run: their refresh token is in the real keychain.
    let store = Arc::new(vault::KeychainRefreshTokens::new(account.clone()));
    store.save(&SecretString::new("refresh-token-of-the-person".to_owned())).unwrap();
    let partner = machines_wallet::state::PartnerSignIn::new(config, store.clone(), Arc::new(NoBrowser)).unwrap();
    let settings = Settings { environment: EnvironmentSetting::Partner, ..Settings::default() };
    let (_app, mut h) = common::partner_harness(partner, settings, |state| {
        state.with_gate(Gate::new(Arc::new(KeychainCredential), None), false)
    });
    h.call("set_passphrase", json!({"passphrase": PASSPHRASE, "confirmation": PASSPHRASE})).unwrap();
    assert_eq!(h.call("app_state", json!({})).unwrap()["signIn"]["signedIn"], json!(true));

    // Locked out with the passphrase forgotten: the reset must not be a way into the person's cards.
    h.call("lock_app", json!({})).unwrap();
    h.call("reset_passphrase", json!({})).unwrap();
    assert_eq!(lookup(&account), "", "the refresh token left the keychain with the passphrase's hash");
    assert!(store.load().unwrap().is_none());
    h.call("set_passphrase", json!({"passphrase": "a brand new phrase", "confirmation": "a brand new phrase"}))
        .unwrap();
    let view = h.call("app_state", json!({})).unwrap();
    assert_eq!(view["signIn"]["signedIn"], json!(false), "{view}");
    let refused = h.call("cards", json!({})).unwrap_err();
    assert_eq!(refused["code"], json!("sign_in_again"), "the cards need the person's own sign-in: {refused}");
    store.forget().unwrap();
    runtime.block_on(Gate::new(Arc::new(KeychainCredential), None).forget()).unwrap();
}
