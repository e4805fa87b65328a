//! The gateway's one error type. Each variant has a stable `code` a client switches on, an HTTP status,
//! and a message in plain words. None carries a token or the partner key.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use machines_api::{ApiError, StateGate};

use crate::auth::Refusal;
use crate::envelope;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The Bearer token is missing or refused (401), or the identity provider is unreachable (503).
    #[error("{}", .0.message)]
    Token(Refusal),

    /// The request body is not what the route takes (400/413/415/422). `field` names the JSON field when known.
    #[error("{message}")]
    BadRequest { status: StatusCode, code: &'static str, message: String, field: Option<&'static str> },

    /// The signed-in user has not linked a wallet yet.
    #[error("Link a wallet first: POST /v1/link with your wallet address.")]
    NotLinked,

    /// This subject is already linked to another wallet.
    #[error("You already linked wallet {linked}; one sign-in links one wallet.")]
    AlreadyLinked { linked: String },

    /// Another subject has linked this wallet.
    #[error("This wallet is linked to another account.")]
    AddressTaken,

    /// Too many requests for one subject or one address.
    #[error("Too many requests; try again in {} s.", .retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },

    /// The Machines API could not be reached or was busy, after the client's retries.
    #[error("The card service is not reachable right now; try again shortly. ({0})")]
    UpstreamUnavailable(ApiError),

    /// The Machines API refused the call for a reason that is not the caller's to fix.
    #[error("The card service refused the request. ({0})")]
    Upstream(ApiError),

    /// The database could not be used.
    #[error("The gateway's database is not available right now; try again shortly.")]
    Database(#[source] sqlx::Error),
}

impl GatewayError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Token(refusal) => refusal.code,
            Self::BadRequest { code, .. } => code,
            Self::NotLinked => "not_linked",
            Self::AlreadyLinked { .. } => "already_linked",
            Self::AddressTaken => "address_taken",
            Self::RateLimited { .. } => "rate_limited",
            Self::UpstreamUnavailable(_) => "upstream_unavailable",
            Self::Upstream(_) => "upstream_error",
            Self::Database(_) => "database_unavailable",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Token(refusal) if refusal.unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Token(_) => StatusCode::UNAUTHORIZED,
            Self::BadRequest { status, .. } => *status,
            Self::NotLinked | Self::AlreadyLinked { .. } | Self::AddressTaken => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::UpstreamUnavailable(_) | Self::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field",
            message: message.into(),
            field: Some(field),
        }
    }

    /// Whether the upstream said the user's KYC is not approved (the session route falls back on it).
    pub fn is_kyc_required(&self) -> bool {
        matches!(self, Self::Upstream(err) if err.gate() == Some(StateGate::KycRequired))
    }
}

impl From<Refusal> for GatewayError {
    fn from(refusal: Refusal) -> Self {
        Self::Token(refusal)
    }
}

impl From<sqlx::Error> for GatewayError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

impl From<ApiError> for GatewayError {
    fn from(err: ApiError) -> Self {
        if err.is_transient() {
            Self::UpstreamUnavailable(err)
        } else {
            Self::Upstream(err)
        }
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let status = self.status();
        // What went wrong inside stays in the log (without secrets: neither error type holds one); the
        // caller gets the code and the sentence.
        match &self {
            Self::Database(err) => tracing::warn!(code = self.code(), %err, "database error"),
            Self::Upstream(err) | Self::UpstreamUnavailable(err) => {
                tracing::warn!(code = self.code(), upstream = err.code(), %err, "upstream error")
            }
            _ => tracing::debug!(code = self.code(), status = status.as_u16(), "refused"),
        }
        metrics::counter!("gateway_refusals_total", "code" => self.code()).increment(1);
        let field = match &self {
            Self::BadRequest { field, .. } => *field,
            _ => None,
        };
        let mut response = envelope::failure(status, self.code(), &self.to_string(), field);
        let wait = match &self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::UpstreamUnavailable(ApiError::RateLimited { retry_after, .. }) => *retry_after,
            _ => None,
        };
        if let Some(wait) = wait {
            // Retry-After is whole seconds; round up so a client that waits it out is let in.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        response
    }
}
