//! What can go wrong when signing in, as a closed set with stable codes, and the words a person reads.
//! No variant carries a token, a code or the provider's raw answer: a provider's error body can echo what
//! was sent to it.

use std::time::Duration;

use machines_api::{ApiError, Credential, Problem, Service};

use crate::error::{ErrorCode, UiAction, UiError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    /// The provider could not be reached (discovery, the token endpoint, its keys).
    #[error("The sign-in provider could not be reached ({detail}).")]
    Unreachable { detail: String },
    /// The person stopped it: the app's Cancel, or "deny" on the provider's page (`access_denied`).
    #[error("Sign-in was cancelled.")]
    Cancelled,
    /// The provider answered with an error (`error=` on the redirect, or the token endpoint), or its
    /// answer did not pass the checks (the ID token's signature, issuer, audience or nonce).
    #[error("The sign-in provider refused the sign-in ({reason}).")]
    Refused { reason: String },
    /// No sign-in to renew, or the provider rejected the refresh token (expired, revoked, reused).
    #[error("The sign-in has ended.")]
    SignInAgain,
    /// The browser did not come back within the time limit.
    #[error("The browser did not come back from the sign-in page within {} minutes.", .after.as_secs().div_ceil(60))]
    TimedOut { after: Duration },
    /// The browser could not be opened.
    #[error("{0}")]
    Browser(#[from] super::BrowserError),
    /// The keychain holding the refresh token failed.
    #[error("{0}")]
    Keychain(#[from] super::StoreError),
    /// The partner's settings cannot work: an issuer that is not a URL, a provider without a token endpoint.
    #[error("The sign-in settings cannot be used ({detail}).")]
    Config { detail: String },
}

impl SignInError {
    /// A stable code for logs and tests; the UI switches on [`UiError::code`] instead.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "provider_unreachable",
            Self::Cancelled => "sign_in_cancelled",
            Self::Refused { .. } => "provider_refused",
            Self::SignInAgain => "sign_in_again",
            Self::TimedOut { .. } => "sign_in_timed_out",
            Self::Browser(_) => "browser",
            Self::Keychain(_) => "keychain",
            Self::Config { .. } => "sign_in_config",
        }
    }
}

impl From<&SignInError> for UiError {
    fn from(error: &SignInError) -> Self {
        let facts = error.to_string();
        let (code, title, advice, action) = match error {
            SignInError::Unreachable { .. } => (
                ErrorCode::Network,
                "Sign-in provider unreachable",
                "Check your connection and try again.",
                UiAction::Retry,
            ),
            SignInError::Cancelled => (ErrorCode::Cancelled, "Sign-in cancelled", "", UiAction::Dismiss),
            SignInError::Refused { .. } => (
                ErrorCode::Unauthorized,
                "Sign-in provider refused",
                "Try again; if it keeps happening, contact the app's provider.",
                UiAction::Retry,
            ),
            SignInError::SignInAgain => {
                (ErrorCode::SignInAgain, "Sign in again", "Sign in again to continue.", UiAction::Retry)
            }
            SignInError::TimedOut { .. } => (
                ErrorCode::Timeout,
                "Sign-in took too long",
                "Start the sign-in again when you are ready.",
                UiAction::Retry,
            ),
            SignInError::Browser(_) => {
                (ErrorCode::Internal, "Browser not opened", "Check that a web browser is set up.", UiAction::Retry)
            }
            SignInError::Keychain(_) => (
                ErrorCode::Keychain,
                "Keychain unavailable",
                "The sign-in is kept in the system keychain; check that it is unlocked.",
                UiAction::Retry,
            ),
            SignInError::Config { .. } => (
                ErrorCode::Config,
                "Sign-in settings unusable",
                "The app's sign-in settings need attention from whoever set it up.",
                UiAction::Dismiss,
            ),
        };
        let message = if advice.is_empty() { facts } else { format!("{facts} {advice}") };
        UiError::new(code, title, message, action)
    }
}

/// For `machines-api`'s session source (`machines_api::AccessTokens`): "sign in again" is a refused
/// sign-in credential, an unreachable provider a network failure, the rest their nearest fact.
impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::SignInAgain | SignInError::Refused { .. } => ApiError::Unauthorized {
                credential: Credential::SignIn,
                problem: Problem { status: 401, summary: Some(error.to_string()), ..Problem::default() },
            },
            SignInError::Unreachable { detail } => {
                ApiError::Network { host: String::new(), detail, service: Service::SignInProvider }
            }
            SignInError::TimedOut { after } => ApiError::Timeout { after, service: Service::SignInProvider },
            SignInError::Cancelled => ApiError::Cancelled,
            other => ApiError::Config { detail: other.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_reads_in_words_with_its_own_code() {
        let cases = [
            (SignInError::Unreachable { detail: "refused".into() }, ErrorCode::Network, "Sign-in provider unreachable"),
            (SignInError::Cancelled, ErrorCode::Cancelled, "Sign-in cancelled"),
            (
                SignInError::Refused { reason: "server_error".into() },
                ErrorCode::Unauthorized,
                "Sign-in provider refused",
            ),
            (SignInError::SignInAgain, ErrorCode::SignInAgain, "Sign in again"),
            (SignInError::TimedOut { after: Duration::from_secs(300) }, ErrorCode::Timeout, "Sign-in took too long"),
        ];
        for (error, code, title) in cases {
            let ui = UiError::from(&error);
            assert_eq!((ui.code, ui.title.as_str()), (code, title), "{error:?}");
            assert!(!ui.message.contains("Error") && !ui.message.contains('{'), "{}", ui.message);
        }
    }

    #[test]
    fn sign_in_again_reaches_the_api_as_a_refused_sign_in() {
        let api = ApiError::from(SignInError::SignInAgain);
        assert!(matches!(api, ApiError::Unauthorized { credential: Credential::SignIn, .. }), "{api:?}");
        assert_eq!(UiError::from(&api).code, ErrorCode::SignInAgain, "the UI shows the sign-in, not a failure");
        let api = ApiError::from(SignInError::Unreachable { detail: "connection refused".into() });
        assert_eq!(api.code(), "network");
    }

    #[test]
    fn a_provider_met_in_the_middle_of_a_call_is_named_as_the_provider() {
        // A card command whose access token had to be renewed, with the provider down: the person reads
        // about the sign-in provider, not the Machines API they never dealt with.
        for failure in [
            SignInError::Unreachable { detail: "connection refused".into() },
            SignInError::TimedOut { after: Duration::from_secs(15) },
        ] {
            let ui = UiError::from(&ApiError::from(failure));
            assert_eq!((ui.code, ui.title.as_str()), (ErrorCode::Network, "Sign-in provider unreachable"));
            assert!(!ui.message.contains("Machines API"), "{}", ui.message);
        }
    }
}
