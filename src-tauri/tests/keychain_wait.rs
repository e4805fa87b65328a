//! A keychain that does not answer (a prompt nobody answers) holds up only the command that needs the
//! partner key, and only for the configured wait: it then says so, while the panic button, the settings
//! and the lock answer at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod keychain_stand_in;

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use keychain_stand_in::{app, call};
use serde_json::json;
use wallet_core::settings::{EnvironmentSetting, Settings};

/// Set when the test is done: the stand-in's reads wait for it (at most a minute).
static ANSWER: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// A keychain whose reads wait until the test lets them go, as a prompt left open does.
#[derive(Debug)]
struct Unanswered;

impl keyring::credential::CredentialApi for Unanswered {
    fn set_secret(&self, _: &[u8]) -> keyring::Result<()> {
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        let (answered, signal) = &ANSWER;
        let guard = answered.lock().unwrap();
        let _ = signal.wait_timeout_while(guard, Duration::from_secs(60), |answered| !*answered).unwrap();
        Err(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        Ok(())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct UnansweredStore;

impl keyring::credential::CredentialBuilderApi for UnansweredStore {
    fn build(&self, _: Option<&str>, _: &str, _: &str) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(Unanswered))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Runs `cmd` on its own thread and gives it `limit` to answer.
fn answered_within(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &'static str,
    limit: Duration,
) -> Option<Result<serde_json::Value, serde_json::Value>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let webview = webview.clone();
    std::thread::spawn(move || {
        let _ = tx.send(call(&webview, cmd, json!({})));
    });
    rx.recv_timeout(limit).ok()
}

#[test]
fn an_unanswered_keychain_prompt_freezes_nothing_and_ends_in_a_message() {
    keyring::set_default_credential_builder(Box::new(UnansweredStore));
    let settings = Settings { environment: EnvironmentSetting::Sandbox, ..Settings::default() };
    let (_app, webview) = app(settings, |state| state.with_keychain_wait(Duration::from_secs(3)));

    // The first command that needs the key starts the keychain read, which does not come back.
    let started = Instant::now();
    let (tx, waiting) = std::sync::mpsc::channel();
    let first = webview.clone();
    std::thread::spawn(move || {
        let _ = tx.send((call(&first, "app_state", json!({})), started.elapsed()));
    });
    std::thread::sleep(Duration::from_millis(300));

    // Meanwhile everything that needs no key answers at once, the panic button first.
    for cmd in ["get_settings", "activity", "panic_button", "lock_app"] {
        let answer = answered_within(&webview, cmd, Duration::from_secs(1));
        assert!(answer.is_some(), "{cmd} waited on the keychain");
        assert!(answer.unwrap().is_ok(), "{cmd} answers");
    }
    let panic = answered_within(&webview, "panic_button", Duration::from_secs(1)).unwrap().unwrap();
    assert_eq!(panic["cardsLocked"], json!(0));
    assert!(panic["problem"].as_str().is_some_and(|p| p.contains("keychain")), "the report says why: {panic}");

    // The command that needed the key gives up after the wait, with words a person can act on.
    let (answer, took) = waiting.recv_timeout(Duration::from_secs(20)).expect("the key read is given up on");
    let error = answer.unwrap_err();
    assert_eq!(error["code"], json!("keychain"), "{error}");
    assert_eq!(error["title"], json!("Keychain not answering"));
    assert!(error["message"].as_str().unwrap().contains("asking for your password"), "{error}");
    assert!(took >= Duration::from_secs(3) && took < Duration::from_secs(10), "gave up after the wait: {took:?}");

    let (answered, signal) = &ANSWER;
    *answered.lock().unwrap() = true;
    signal.notify_all();
}
