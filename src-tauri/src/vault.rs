//! The partner key in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows), one entry per environment (for a custom server one per origin: a key saved for one URL is
//! never sent to another), the unlock credential's argon2id hash (one per install), and the partner
//! sign-in's refresh token (one per provider and client). Keychain calls
//! block, so they run on the blocking pool.
//!
//! `keyring` falls back to an in-memory mock store on a platform whose backend was not built in; Save
//! would then say yes and the key would be gone at the next start. Every entry is checked, and a mock one
//! is refused with a message (and `keeps_keys` lets start-up say so at once).

use machines_api::{PartnerKey, SecretString};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::settings::EnvironmentSetting;
use wallet_core::signin::{RefreshTokenStore, StoreError};

const SERVICE: &str = "cash.machines.wallet";

fn entry(account: &str) -> Result<keyring::Entry, UiError> {
    real(keyring::Entry::new(SERVICE, &format!("partner-key:{account}")).map_err(|e| keychain_error(&e))?)
}

/// `entry`, unless it lives in `keyring`'s mock store, which keeps nothing past this run.
fn real(entry: keyring::Entry) -> Result<keyring::Entry, UiError> {
    if entry.get_credential().downcast_ref::<keyring::mock::MockCredential>().is_some() {
        return Err(no_keychain());
    }
    Ok(entry)
}

/// Whether this build keeps keys in a real keychain (not `keyring`'s in-memory mock).
pub fn keeps_keys() -> bool {
    entry("probe").is_ok()
}

/// What start-up and every keychain call say when there is no real keychain.
pub const NO_KEYCHAIN: &str = "This build of Machines Wallet has no system keychain for this platform, so it cannot \
                               keep a partner key or an unlock passphrase. Use Demo.";

fn no_keychain() -> UiError {
    UiError::new(ErrorCode::Keychain, "No keychain on this system", NO_KEYCHAIN, UiAction::Dismiss)
}

/// The keychain account for an environment's partner key: `sandbox`, `production`, or `custom:` and the
/// custom server's origin (`https://host[:port]`), so changing the custom URL to another server asks for
/// its key. Demo has none.
pub fn account(environment: &EnvironmentSetting) -> Result<String, UiError> {
    match environment {
        EnvironmentSetting::Sandbox => Ok("sandbox".to_owned()),
        EnvironmentSetting::Production => Ok("production".to_owned()),
        EnvironmentSetting::Custom { url } => {
            Ok(format!("custom:{}", crate::state::custom_base_url(url)?.as_url().origin().ascii_serialization()))
        }
        EnvironmentSetting::Demo => Err(UiError::new(
            ErrorCode::Validation,
            "Demo needs no key",
            "Demo mode runs without a partner key. Choose Sandbox, Production or a custom URL first.",
            UiAction::Dismiss,
        )),
        EnvironmentSetting::Partner => Err(UiError::new(
            ErrorCode::Validation,
            "Partner sign-in needs no key",
            "With Partner sign-in the partner's service holds the key; this computer never does.",
            UiAction::Dismiss,
        )),
    }
}

fn keychain_error(err: &keyring::Error) -> UiError {
    let detail = match err {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "The system keychain is not available. Unlock your keyring (or install one) and try again."
        }
        _ => "The system keychain refused the request.",
    };
    UiError::new(ErrorCode::Keychain, "Keychain unavailable", detail, UiAction::Retry)
}

/// Stores `key` for `account`, replacing any earlier one.
pub async fn store(account: String, key: PartnerKey) -> Result<(), UiError> {
    run(move || {
        entry(&account)?.set_password(key.expose()).map_err(|e| keychain_error(&e))?;
        remember_account(&account, true)
    })
    .await
}

/// The custom accounts that hold a key, one per line (origins, not secrets), so that forgetting every
/// key can find them: a keychain cannot be listed through `keyring`.
const CUSTOM_ACCOUNTS: &str = "custom-accounts";

fn remember_account(account: &str, kept: bool) -> Result<(), UiError> {
    if !account.starts_with("custom:") {
        return Ok(());
    }
    let index = entry(CUSTOM_ACCOUNTS)?;
    let mut accounts: Vec<String> = match index.get_password() {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(keyring::Error::NoEntry) => Vec::new(),
        Err(err) => return Err(keychain_error(&err)),
    };
    accounts.retain(|a| a != account);
    if kept {
        accounts.push(account.to_owned());
    }
    index.set_password(&accounts.join("\n")).map_err(|e| keychain_error(&e))
}

/// Forgets every partner key: Sandbox's, Production's and each custom server's (and the one entry for
/// all custom servers that earlier versions kept).
pub async fn forget_all() -> Result<(), UiError> {
    let custom: Vec<String> = run(|| match entry(CUSTOM_ACCOUNTS)?.get_password() {
        Ok(text) => Ok(text.lines().map(str::to_owned).collect()),
        Err(keyring::Error::NoEntry) => Ok(Vec::new()),
        Err(err) => Err(keychain_error(&err)),
    })
    .await?;
    for account in ["sandbox", "production", "custom"].into_iter().map(str::to_owned).chain(custom) {
        forget(account).await?;
    }
    run(|| match entry(CUSTOM_ACCOUNTS)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(err) => Err(keychain_error(&err)),
    })
    .await
}

/// The stored key for `account`, if any.
pub async fn load(account: String) -> Result<Option<PartnerKey>, UiError> {
    run(move || match entry(&account)?.get_password() {
        Ok(text) => {
            let text = zeroize::Zeroizing::new(text);
            PartnerKey::parse(text.as_str()).map(Some).map_err(|e| {
                UiError::new(ErrorCode::Keychain, "Saved partner key unusable", e.to_string(), UiAction::OpenSettings)
            })
        }
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(err) => Err(keychain_error(&err)),
    })
    .await
}

/// Removes the key for `account` (nothing to remove is fine).
pub async fn forget(account: String) -> Result<(), UiError> {
    run(move || match entry(&account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => remember_account(&account, false),
        Err(err) => Err(keychain_error(&err)),
    })
    .await
}

/// The keychain entry holding the unlock credential's PHC string (argon2id hash, salt and parameters;
/// never the credential itself).
fn unlock_entry() -> Result<keyring::Entry, UiError> {
    real(keyring::Entry::new(SERVICE, "unlock-credential").map_err(|e| keychain_error(&e))?)
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

/// The partner sign-in's refresh token in the OS keychain, one entry per provider and client
/// (`signin:<issuer>#<clientId>`, see `PartnerConfig::keychain_account`). The access token is never here:
/// it stays in memory.
pub struct KeychainRefreshTokens {
    account: String,
}

impl KeychainRefreshTokens {
    pub fn new(account: String) -> Self {
        Self { account }
    }

    fn entry(&self) -> Result<keyring::Entry, StoreError> {
        let entry = keyring::Entry::new(SERVICE, &self.account).map_err(|e| store_error(&e))?;
        real(entry).map_err(|e| StoreError { detail: e.message })
    }
}

/// The keychain's failure in the store's words, never with the token (keyring's errors do not carry it).
fn store_error(err: &keyring::Error) -> StoreError {
    StoreError { detail: keychain_error(err).message }
}

impl RefreshTokenStore for KeychainRefreshTokens {
    fn load(&self) -> Result<Option<SecretString>, StoreError> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(SecretString::new(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(store_error(&err)),
        }
    }

    fn save(&self, token: &SecretString) -> Result<(), StoreError> {
        self.entry()?.set_password(token.expose()).map_err(|e| store_error(&e))
    }

    fn forget(&self) -> Result<(), StoreError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(store_error(&err)),
        }
    }
}

async fn run<T: Send + 'static>(work: impl FnOnce() -> Result<T, UiError> + Send + 'static) -> Result<T, UiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        Err(UiError::new(ErrorCode::Keychain, "Keychain unavailable", "The keychain call failed.", UiAction::Retry))
    })
}
