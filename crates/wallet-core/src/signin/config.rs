//! What a partner sets for its provider: the issuer, the app's client id, the scopes its gateway needs.

use std::time::Duration;

/// How long a sign-in waits for the browser to come back before it gives up: long enough to type a
/// password and pass a second factor, short enough that a forgotten tab does not keep a port open all day.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInConfig {
    /// The provider's issuer, exactly as the provider spells it (a URL type would add a trailing `/` that
    /// the discovered `issuer` must match); discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// The app's public client id (no secret: a desktop app cannot keep one).
    pub client_id: String,
    /// Scopes beyond `openid` (always sent) and `offline_access` (always sent, for the refresh token).
    pub scopes: Vec<String>,
    /// See [`DEFAULT_TIME_LIMIT`].
    pub time_limit: Duration,
}

impl SignInConfig {
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>, scopes: Vec<String>) -> Self {
        Self { issuer: issuer.into(), client_id: client_id.into(), scopes, time_limit: DEFAULT_TIME_LIMIT }
    }
}
