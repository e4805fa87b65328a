//! A build whose `keyring` has no backend for its platform (macOS or Windows without `apple-native` /
//! `windows-native`) gets the crate's in-memory mock store: Save would say yes and the key would be gone
//! at the next start. Here that mock is made the store, and the app refuses it with a message instead.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod keychain_stand_in;

use keychain_stand_in::{app, call};
use machines_api::PartnerKey;
use serde_json::json;
use wallet_core::error::ErrorCode;
use wallet_core::settings::{EnvironmentSetting, Settings};

#[tokio::test]
async fn a_mock_keychain_is_refused_with_a_message_never_used() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    assert!(!machines_wallet::vault::keeps_keys());
    let refused = machines_wallet::vault::store("sandbox".into(), PartnerKey::parse("mk_would_be_lost").unwrap())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Keychain);
    assert_eq!(refused.title, "No keychain on this system");
    assert!(refused.message.contains("cannot keep a partner key"), "{}", refused.message);
    assert!(machines_wallet::vault::load("sandbox".into()).await.is_err(), "nothing is read from it either");
}

#[test]
fn saving_a_key_into_a_mock_keychain_is_refused_through_the_command() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    let settings = Settings { environment: EnvironmentSetting::Production, ..Settings::default() };
    let (_app, webview) = app(settings, |state| state);
    let refused = call(&webview, "set_partner_key", json!({"key": "mk_would_be_lost"})).unwrap_err();
    assert_eq!(refused["title"], json!("No keychain on this system"), "{refused}");
}
