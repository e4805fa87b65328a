//! The one error type of the API client layer.
//!
//! Every variant has a stable machine code (`ApiError::code`) that callers switch on; the `Display` text is
//! a sentence a person can read, built from the API's own `summary` and `errors[].message` when it sent
//! them. No variant ever carries a secret: request bodies and tokens are not kept in errors.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::crypto::CryptoError;

/// One entry of the envelope's `errors[]`: what went wrong and, for validation, on which field. `field` is
/// a dotted JSON path such as `address.postalCode` or `limit.frequency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub code: Option<String>,
    pub message: String,
    pub field: Option<String>,
}

/// What the server said about a failed call: its HTTP status and the envelope's words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    pub status: u16,
    pub summary: Option<String>,
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// The sentence the official clients show: `summary: message; message`, or whichever part exists.
    pub fn message(&self) -> Option<String> {
        let details: Vec<&str> = self.errors.iter().map(|e| e.message.trim()).filter(|m| !m.is_empty()).collect();
        let summary = self.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
        match (summary, details.is_empty()) {
            (Some(s), true) => Some(s.to_owned()),
            (Some(s), false) => Some(format!("{s}: {}", details.join("; "))),
            (None, false) => Some(details.join("; ")),
            (None, true) => None,
        }
    }

    /// The first machine code in `errors[]`, e.g. `missing_contract` or `idempotency_conflict`.
    pub fn api_code(&self) -> Option<&str> {
        self.errors.iter().find_map(|e| e.code.as_deref())
    }

    pub(crate) fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }

    /// Whether the summary or any error message contains `needle` (ASCII case-insensitive): how a 409
    /// says which gate it is ("kyc required", "agreements required").
    pub fn mentions(&self, needle: &str) -> bool {
        let needle = needle.to_ascii_lowercase();
        self.summary
            .iter()
            .chain(self.errors.iter().map(|e| &e.message))
            .any(|t| t.to_ascii_lowercase().contains(&needle))
    }

    fn or(&self, fallback: &str) -> String {
        self.message().unwrap_or_else(|| fallback.to_owned())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached at all (DNS, refused connection, TLS, dropped connection).
    #[error(
        "Could not reach the Machines API at {host}: {detail}. Check the connection and the environment in Settings."
    )]
    Network { host: String, detail: String },

    /// No answer within the configured time.
    #[error("The Machines API did not answer within {} s. Try again in a moment.", .after.as_secs().max(1))]
    Timeout { after: Duration },

    /// 401: the partner key was refused, or a session token was refused even after one fresh session.
    #[error("{}", unauthorized_text(*.credential, .problem))]
    Unauthorized { credential: Credential, problem: Problem },

    /// 403: the session lacks a permission. `required` names the scopes the call needed.
    #[error("Permission missing: this needs {}. ({})", required_text(.required), .problem.or("forbidden"))]
    Forbidden { required: Vec<String>, problem: Problem },

    /// 409 because of the user's state: KYC not approved, agreements not accepted, a card that is canceled,
    /// a collateral contract still being provisioned (`missing_contract`).
    #[error("{}", state_text(.problem))]
    InvalidState { problem: Problem },

    /// 400/422 and other refusals of what was sent; field errors are in `problem.errors`.
    #[error("{}", .problem.or("The request was not accepted"))]
    Validation { problem: Problem },

    /// 404: the card, deposit or session is unknown, or belongs to someone else.
    #[error("Not found: {}", .problem.or("the item does not exist or is not yours"))]
    NotFound { problem: Problem },

    /// 409 `idempotency_conflict`: the same Idempotency-Key was used for a different request.
    #[error("This request conflicts with an earlier one ({}). Nothing was changed twice.", .problem.or("conflict"))]
    Conflict { problem: Problem },

    /// 429 after the retries allowed for this call.
    #[error("The Machines API is busy ({}). {}", .problem.or("rate limited"), retry_text(*.retry_after))]
    RateLimited { retry_after: Option<Duration>, problem: Problem },

    /// 5xx after the retries allowed for this call.
    #[error("The Machines API had a problem (HTTP {}: {}). Try again later.", .problem.status, .problem.or("server error"))]
    Server { problem: Problem },

    /// The server answered with something that is not the documented envelope.
    #[error("The Machines API sent a response this app cannot read: {detail}.")]
    Decode { detail: String },

    /// A card secret could not be decrypted.
    #[error("The card details could not be decrypted: {0}.")]
    Crypto(#[from] CryptoError),

    /// Bad local configuration: a base URL, a partner key, an environment variable, an argument.
    #[error("{detail}")]
    Config { detail: String },

    /// A poll or a wait was cancelled by the caller.
    #[error("Cancelled.")]
    Cancelled,
}

/// Which credential a 401 refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    PartnerKey,
    Session,
}

fn unauthorized_text(credential: Credential, problem: &Problem) -> String {
    let said = problem.or("not authorized");
    match credential {
        Credential::PartnerKey => format!("The Machines API refused the partner key ({said}). Check it in Settings."),
        Credential::Session => {
            format!("The Machines API refused this session even after signing in again ({said}). Try again later.")
        }
    }
}

fn required_text(required: &[String]) -> String {
    if required.is_empty() {
        "a scope this session does not have".to_owned()
    } else {
        required.join(", ")
    }
}

fn retry_text(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!("Try again in {} s.", d.as_secs().max(1)),
        None => "Try again in a moment.".to_owned(),
    }
}

fn state_text(problem: &Problem) -> String {
    let said = problem.or("not allowed in the current state");
    if problem.mentions("kyc") {
        format!("{said}. Finish identity verification (KYC) first.")
    } else if problem.mentions("agreement") {
        format!("{said}. Accept the card agreements first.")
    } else if problem.has_code("missing_contract") {
        format!("{said}. The account is still being set up; try again in a few seconds.")
    } else {
        said
    }
}

impl ApiError {
    /// The stable machine code of this error. Callers switch on this, never on message text.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::InvalidState { .. } => "invalid_state",
            Self::Validation { .. } => "validation",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server",
            Self::Decode { .. } => "decode",
            Self::Crypto(_) => "crypto",
            Self::Config { .. } => "config",
            Self::Cancelled => "cancelled",
        }
    }

    /// The server's words, when the server answered.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Unauthorized { problem, .. }
            | Self::Forbidden { problem, .. }
            | Self::InvalidState { problem }
            | Self::Validation { problem }
            | Self::NotFound { problem }
            | Self::Conflict { problem }
            | Self::RateLimited { problem, .. }
            | Self::Server { problem } => Some(problem),
            _ => None,
        }
    }

    /// Field errors to place on form inputs (`field` is a dotted path).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation { problem } => &problem.errors,
            _ => &[],
        }
    }

    /// The API's own error code (`errors[0].code`), e.g. `missing_contract`.
    pub fn api_code(&self) -> Option<&str> {
        self.problem().and_then(Problem::api_code)
    }

    /// Whether trying the same call again later can succeed without the person changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Network { .. } | Self::Timeout { .. } | Self::RateLimited { .. } | Self::Server { .. })
    }

    pub(crate) fn config(detail: impl fmt::Display) -> Self {
        Self::Config { detail: detail.to_string() }
    }

    pub(crate) fn decode(detail: impl fmt::Display) -> Self {
        Self::Decode { detail: detail.to_string() }
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: u16, summary: Option<&str>, messages: &[&str]) -> Problem {
        Problem {
            status,
            summary: summary.map(str::to_owned),
            errors: messages
                .iter()
                .map(|m| FieldError { code: Some("invalid_request".into()), message: (*m).into(), field: None })
                .collect(),
        }
    }

    #[test]
    fn message_joins_summary_and_errors_like_the_official_client() {
        let p = problem(400, Some("invalid request"), &["missing wallet", "bad ttl"]);
        assert_eq!(p.message().as_deref(), Some("invalid request: missing wallet; bad ttl"));
        assert_eq!(problem(400, None, &["missing wallet"]).message().as_deref(), Some("missing wallet"));
        assert_eq!(problem(400, Some("invalid request"), &[]).message().as_deref(), Some("invalid request"));
        assert_eq!(problem(400, Some("  "), &[" "]).message(), None);
    }

    #[test]
    fn person_reads_what_to_do() {
        let kyc = ApiError::InvalidState { problem: problem(409, Some("kyc required"), &[]) };
        assert_eq!(kyc.code(), "invalid_state");
        assert_eq!(kyc.to_string(), "kyc required. Finish identity verification (KYC) first.");

        let forbidden = ApiError::Forbidden {
            required: vec!["cards.secrets.read".into()],
            problem: problem(403, Some("forbidden"), &["missing scope"]),
        };
        assert_eq!(
            forbidden.to_string(),
            "Permission missing: this needs cards.secrets.read. (forbidden: missing scope)"
        );

        let limited = ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)), problem: Problem::default() };
        assert_eq!(limited.to_string(), "The Machines API is busy (rate limited). Try again in 7 s.");
        assert!(limited.is_transient());
        assert!(!kyc.is_transient());
    }
}
