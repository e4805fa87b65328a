//! The partner key in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows), one entry per environment, and the unlock credential's argon2id hash (one per install).
//! Keychain calls block, so they run on the blocking pool.

use machines_api::PartnerKey;
use wallet_core::error::{UiAction, UiError};

const SERVICE: &str = "cash.machines.wallet";

fn entry(environment: &str) -> Result<keyring::Entry, UiError> {
    keyring::Entry::new(SERVICE, &format!("partner-key:{environment}")).map_err(|e| keychain_error(&e))
}

fn keychain_error(err: &keyring::Error) -> UiError {
    let detail = match err {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "The system keychain is not available. Unlock your keyring (or install one) and try again."
        }
        _ => "The system keychain refused the request.",
    };
    UiError::new("keychain", "Keychain unavailable", detail, UiAction::Retry)
}

/// Stores `key` for `environment`, replacing any earlier one.
pub async fn store(environment: String, key: PartnerKey) -> Result<(), UiError> {
    run(move || entry(&environment)?.set_password(key.expose()).map_err(|e| keychain_error(&e))).await
}

/// The stored key for `environment`, if any.
pub async fn load(environment: String) -> Result<Option<PartnerKey>, UiError> {
    run(move || match entry(&environment)?.get_password() {
        Ok(text) => {
            let text = zeroize::Zeroizing::new(text);
            PartnerKey::parse(text.as_str()).map(Some).map_err(|e| {
                UiError::new("keychain", "Saved partner key unusable", e.to_string(), UiAction::OpenSettings)
            })
        }
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(keychain_error(&err)),
    })
    .await
}

/// Removes the key for `environment` (nothing to remove is fine).
pub async fn forget(environment: String) -> Result<(), UiError> {
    run(move || match entry(&environment)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(err) => Err(keychain_error(&err)),
    })
    .await
}

/// The keychain entry holding the unlock credential's PHC string (argon2id hash, salt and parameters;
/// never the credential itself).
fn unlock_entry() -> Result<keyring::Entry, UiError> {
    keyring::Entry::new(SERVICE, "unlock-credential").map_err(|e| keychain_error(&e))
}

/// The unlock credential's hash in the OS keychain, as the app uses it (see `crate::unlock`).
pub struct KeychainCredential;

impl crate::unlock::CredentialStore for KeychainCredential {
    fn load(&self) -> Result<Option<String>, UiError> {
        match unlock_entry()?.get_password() {
            Ok(phc) => Ok(Some(phc)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keychain_error(&err)),
        }
    }

    fn store(&self, phc: &str) -> Result<(), UiError> {
        unlock_entry()?.set_password(phc).map_err(|e| keychain_error(&e))
    }

    fn forget(&self) -> Result<(), UiError> {
        match unlock_entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keychain_error(&err)),
        }
    }
}

async fn run<T: Send + 'static>(work: impl FnOnce() -> Result<T, UiError> + Send + 'static) -> Result<T, UiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        Err(UiError::new("keychain", "Keychain unavailable", "The keychain call failed.", UiAction::Retry))
    })
}
