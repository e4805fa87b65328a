//! The partner key against a real Secret Service (gnome-keyring under `dbus-run-session`, as
//! `scripts/test` runs it): stored, read back, visible to the system's own tool, and forgotten.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use machines_api::PartnerKey;
use machines_wallet::vault;

fn lookup(environment: &str) -> String {
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "cash.machines.wallet", "username", &format!("partner-key:{environment}")])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/setup");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
#[ignore = "needs a Secret Service: scripts/test runs it under dbus-run-session with gnome-keyring-daemon"]
async fn the_partner_key_lives_in_the_system_keychain() {
    let environment = format!("test-{}", std::process::id());
    vault::forget(environment.clone()).await.unwrap();
    assert!(vault::load(environment.clone()).await.unwrap().is_none());

    vault::store(environment.clone(), PartnerKey::parse("pk_test_keychain_0123").unwrap()).await.unwrap();
    assert_eq!(vault::load(environment.clone()).await.unwrap().unwrap().expose(), "pk_test_keychain_0123");
    assert_eq!(lookup(&environment), "pk_test_keychain_0123", "the system's own tool sees it");

    vault::store(environment.clone(), PartnerKey::parse("pk_test_replaced_4567").unwrap()).await.unwrap();
    assert_eq!(vault::load(environment.clone()).await.unwrap().unwrap().expose(), "pk_test_replaced_4567");

    vault::forget(environment.clone()).await.unwrap();
    assert!(vault::load(environment.clone()).await.unwrap().is_none());
    assert_eq!(lookup(&environment), "");
    vault::forget(environment).await.unwrap();
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it under dbus-run-session with gnome-keyring-daemon"]
fn the_partner_sign_ins_refresh_token_lives_in_the_system_keychain() {
    use machines_api::SecretString;
    use wallet_core::signin::RefreshTokenStore;

    let account = format!("signin:https://login.acme.example#machines-wallet-test-{}", std::process::id());
    let store = vault::KeychainRefreshTokens::new(account.clone());
    store.forget().unwrap();
    assert!(store.load().unwrap().is_none());

    store.save(&SecretString::new("refresh-token-one".to_owned())).unwrap();
    assert_eq!(store.load().unwrap().unwrap().expose(), "refresh-token-one");
    let seen = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "cash.machines.wallet", "username", &account])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/setup");
    assert_eq!(String::from_utf8_lossy(&seen.stdout), "refresh-token-one", "under signin:<issuer>#<clientId>");

    store.save(&SecretString::new("refresh-token-rotated".to_owned())).unwrap();
    assert_eq!(store.load().unwrap().unwrap().expose(), "refresh-token-rotated", "a rotation replaces it");
    store.forget().unwrap();
    assert!(store.load().unwrap().is_none());
    store.forget().unwrap();
}
