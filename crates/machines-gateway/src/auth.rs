//! Who is asking: the Bearer token on every `/v1` request, checked by a [`TokenVerifier`].
//!
//! The routes depend on this small trait rather than on `oidc::Verifier` directly so that route tests can
//! swap in a table of known tokens, and so the OpenID Connect code can change without touching a route.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::GatewayError;
use crate::state::AppState;

/// The signed-in end user, as the partner's identity provider names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub issuer: String,
    pub subject: String,
}

/// Why a token was refused. `code` is stable (e.g. `token_expired`); `unavailable` means the identity
/// provider could not be asked, which is our problem (503), not the caller's (401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    pub unavailable: bool,
}

pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Caller, Refusal>> + Send + 'a>>;

/// Checks an end user's access token. `oidc::Verifier` implements it for real tokens.
pub trait TokenVerifier: Send + Sync + 'static {
    fn verify<'a>(&'a self, bearer_token: &'a str) -> VerifyFuture<'a>;
}

pub type SharedVerifier = Arc<dyn TokenVerifier>;

impl FromRequestParts<AppState> for Caller {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        state.verifier.verify(token).await.map_err(GatewayError::from)
    }
}

/// The token after `Bearer `, or a refusal naming what is missing. The scheme is case-insensitive
/// (RFC 7235); the token is never echoed back.
fn bearer(parts: &Parts) -> Result<&str, GatewayError> {
    let missing = || {
        GatewayError::from(Refusal {
            code: "token_missing",
            message: "send the signed-in user's access token as `Authorization: Bearer <token>`".into(),
            unavailable: false,
        })
    };
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}
