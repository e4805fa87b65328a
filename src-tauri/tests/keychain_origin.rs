//! The partner key goes only where it was given: a custom server's key is kept under that server's
//! origin, so pointing the app at another URL asks for the key again (and the first server's key comes
//! back with its URL). A custom server needs https://; plain http:// is Demo's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod keychain_stand_in;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keychain_stand_in::{app, app_with, call};
use serde_json::{json, Value};
use wallet_core::settings::{EnvironmentSetting, Settings};

type Saved = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// The keychain is process-wide: the tests that install one take turns.
static ONE_KEYCHAIN: Mutex<()> = Mutex::new(());

/// A keychain kept in this process, by account name (what the app asked for is what the test reads).
#[derive(Debug)]
struct Entry {
    saved: Saved,
    user: String,
}

impl keyring::credential::CredentialApi for Entry {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        self.saved.lock().unwrap().insert(self.user.clone(), secret.to_vec());
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        self.saved.lock().unwrap().get(&self.user).cloned().ok_or(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        self.saved.lock().unwrap().remove(&self.user).map(|_| ()).ok_or(keyring::Error::NoEntry)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct Store(Saved);

impl keyring::credential::CredentialBuilderApi for Store {
    fn build(&self, _: Option<&str>, _: &str, user: &str) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(Entry { saved: self.0.clone(), user: user.to_owned() }))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn custom(url: &str) -> Value {
    let settings = Settings { environment: EnvironmentSetting::Custom { url: url.into() }, ..Settings::default() };
    serde_json::to_value(settings).unwrap()
}

/// The partner keys kept, by account (the list of custom accounts beside them left out).
fn keys(saved: &Saved) -> Vec<String> {
    let mut keys: Vec<String> =
        saved.lock().unwrap().keys().filter(|k| *k != "partner-key:custom-accounts").cloned().collect();
    keys.sort();
    keys
}

fn has_key(webview: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Value {
    call(webview, "app_state", json!({})).unwrap()["hasPartnerKey"].clone()
}

#[test]
fn a_custom_servers_key_is_kept_by_origin_and_another_url_asks_again() {
    let _turn = ONE_KEYCHAIN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let saved: Saved = Arc::default();
    keyring::set_default_credential_builder(Box::new(Store(saved.clone())));
    let first = "https://api.partner-one.example/partner/v1";
    let settings = Settings { environment: EnvironmentSetting::Custom { url: first.into() }, ..Settings::default() };
    let (_app, webview) = app(settings, |state| state);

    assert_eq!(has_key(&webview), json!(false));
    call(&webview, "set_partner_key", json!({"key": "mk_partner_one_key_0123"})).unwrap();
    assert_eq!(has_key(&webview), json!(true));
    assert_eq!(keys(&saved), ["partner-key:custom:https://api.partner-one.example"], "kept under the origin");

    // Another server (even on the same host with another port) does not get that key.
    for other in ["https://api.partner-two.example", "https://api.partner-one.example:8443/partner/v1"] {
        call(&webview, "save_settings", json!({"settings": custom(other)})).unwrap();
        assert_eq!(has_key(&webview), json!(false), "{other} asks for its own key");
    }
    // The same origin by another path still has it.
    call(&webview, "save_settings", json!({"settings": custom("https://api.partner-one.example")})).unwrap();
    assert_eq!(has_key(&webview), json!(true));

    // Forgetting removes only this origin's key.
    call(&webview, "save_settings", json!({"settings": custom("https://api.partner-two.example")})).unwrap();
    call(&webview, "set_partner_key", json!({"key": "mk_partner_two_key_4567"})).unwrap();
    call(&webview, "forget_partner_key", json!({})).unwrap();
    assert_eq!(keys(&saved), ["partner-key:custom:https://api.partner-one.example"]);

    // Forgetting every key (a forgotten passphrase) finds each custom server's too.
    call(&webview, "set_partner_key", json!({"key": "mk_partner_two_key_4567"})).unwrap();
    assert_eq!(keys(&saved).len(), 2);
    tauri::async_runtime::block_on(machines_wallet::vault::forget_all()).unwrap();
    assert!(saved.lock().unwrap().is_empty(), "nothing left: {:?}", saved.lock().unwrap().keys());
}

#[test]
fn a_custom_server_needs_https() {
    let settings = Settings {
        environment: EnvironmentSetting::Custom { url: "http://127.0.0.1:9/".into() },
        ..Settings::default()
    };
    let (_app, webview) = app(settings, |state| state);
    let refused = call(&webview, "set_partner_key", json!({"key": "mk_never_sent_over_http"})).unwrap_err();
    assert_eq!(refused["fields"][0]["field"], json!("environment.url"), "{refused}");
    assert!(refused["fields"][0]["message"].as_str().unwrap().contains("https://"), "{refused}");
    let connecting = call(&webview, "stage", json!({})).unwrap_err();
    assert!(connecting.to_string().contains("https://"), "{connecting}");
}

#[test]
fn a_url_given_in_the_environment_without_a_key_keeps_its_key_under_its_own_origin() {
    let _turn = ONE_KEYCHAIN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let saved: Saved = Arc::default();
    keyring::set_default_credential_builder(Box::new(Store(saved.clone())));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(machines_sim::Simulator::start(machines_sim::SimConfig::instant())).unwrap();
    let overrides = machines_api::config::Overrides {
        base_url: Some(machines_api::BaseUrl::parse(&sim.base_url()).unwrap()),
        partner_key: None,
    };
    // Whatever the settings name (Demo here), the app talks to the given URL: it says so, and asks for its key.
    let (_app, webview) = app_with(Settings::default(), overrides, |state| state);
    let state = call(&webview, "app_state", json!({})).unwrap();
    assert_eq!((state["environment"].clone(), state["demo"].clone()), (json!("custom"), json!(false)), "{state}");
    assert_eq!(state["hasPartnerKey"], json!(false));

    call(&webview, "set_partner_key", json!({"key": sim.partner_key()})).unwrap();
    assert_eq!(keys(&saved), [format!("partner-key:custom:{}", sim.origin())]);
    let state = call(&webview, "app_state", json!({})).unwrap();
    assert_eq!((state["environment"].clone(), state["hasPartnerKey"].clone()), (json!("custom"), json!(true)));
}
