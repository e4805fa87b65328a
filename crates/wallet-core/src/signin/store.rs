//! Where the refresh token lives between runs: the OS keychain, which the shell implements. The core
//! never writes it anywhere else, and forgets it when the provider rejects it or the person signs out.

use machines_api::SecretString;

pub trait RefreshTokenStore: Send + Sync {
    /// The saved refresh token, or `None` when there is none.
    fn load(&self) -> Result<Option<SecretString>, StoreError>;
    /// Replaces the saved refresh token (providers rotate it on every refresh).
    fn save(&self, token: &SecretString) -> Result<(), StoreError>;
    /// Removes it; forgetting a token that is not there is not an error.
    fn forget(&self) -> Result<(), StoreError>;
}

/// The keychain failed; `detail` says why and never holds the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the keychain failed: {detail}")]
pub struct StoreError {
    pub detail: String,
}
