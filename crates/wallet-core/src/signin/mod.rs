//! Signing a person in with the partner's OpenID Connect provider, as RFC 8252 asks of a native app: the
//! provider's own page in the system browser, the authorization code with PKCE (S256) coming back to a
//! loopback address the app listens on for that one answer, `state` and the ID token's `nonce` checked.
//! The protocol is `openidconnect`'s (discovery, the authorization URL, the code and refresh grants, the
//! ID token's signature and claims); this module adds the loopback listener, the time limit, cancel, and
//! where the tokens live: the access token in memory only, the refresh token in the shell's keychain
//! through [`RefreshTokenStore`].
//!
//! The shell implements the two traits that touch the OS ([`OpenBrowser`], [`RefreshTokenStore`]); the
//! signed-in [`SignIn`] gives access tokens to `machines-api` through `machines_api::AccessTokens`.

mod browser;
mod config;
mod error;
mod loopback;
mod session;
mod store;

pub use browser::{BrowserError, OpenBrowser};
pub use config::{SignInConfig, DEFAULT_TIME_LIMIT};
pub use error::SignInError;
pub use session::SignIn;
pub use store::{RefreshTokenStore, StoreError};
