//! Errors as a person reads them. Every `machines-api` error becomes a code from a closed set, a title, a
//! message (the API layer's facts, with the server's own words when it sent some, then what to do about
//! it, said here and nowhere else) and one action the UI offers; field errors go to their inputs. The UI
//! switches on `code` and `action`, never on text, and never sees a Rust debug string or raw JSON.

use machines_api::{ApiError, Credential, Service, StateGate};
use std::time::Duration;

use serde::Serialize;

use crate::kyc_form::FieldProblem;
use crate::signin::SignInError;

/// The stable machine code the UI switches on, exported to TypeScript as a string-literal union so that
/// `svelte-check` rejects a comparison with a code that does not exist. Add a variant only when a consumer
/// (UI code or a test assertion) tells it apart from the others; each variant's comment names who does.
/// Failures nobody tells apart share a variant, and their title and message say which one it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // One per `ApiError` variant, so every API failure keeps its own code: wallet-core's
    // `every_code_has_a_title_and_an_action` asserts that, and the shell's tests assert several of them.
    /// The server could not be reached (src-tauri `commands` test: a server that goes away).
    Network,
    /// No answer in time.
    Timeout,
    /// A 401 for the session after one fresh sign-in.
    Unauthorized,
    /// A 403: the session lacks a scope.
    Forbidden,
    /// A 409 state gate (KYC, agreements, contract, a canceled card), or a shell request that needs
    /// something that is not there yet (no deposit address, no expiry to copy). src-tauri `commands` test.
    InvalidState,
    /// Input refused, by the API or by the shell's own checks (src-tauri `commands` test).
    Validation,
    /// A 404.
    NotFound,
    /// A reused Idempotency-Key.
    Conflict,
    /// A 429 after the allowed retries: a status watch waits these out quietly (`machines_api::poll`).
    RateLimited,
    /// A 5xx after the allowed retries (src-tauri `stale_creates` test).
    Server,
    /// An answer that is not the documented envelope.
    Decode,
    /// Card details that could not be decrypted.
    Crypto,
    /// Local configuration: a base URL, an environment, settings changed while connecting.
    Config,
    /// A wait the caller cancelled.
    Cancelled,
    /// The partner sign-in has ended (no refresh token, the provider rejected it, or the gateway refused
    /// the sign-in after a renewal): the shell shows the sign-in and keeps what the person typed
    /// (`wallet_core::signin` error tests).
    SignInAgain,
    /// The partner's gateway has no wallet linked to the signed-in person (its 409 `not_linked`): the UI
    /// opens the Partner set-up, which asks for the wallet address only (src-tauri `partner_signin` test).
    NotLinked,

    // The shell's own refusals.
    /// The app is locked: `api.ts` calls the locked listener and `App.svelte` shows the lock screen
    /// instead of a banner.
    Locked,
    /// No user id or wallet yet: `App.svelte` opens the set-up screen.
    Setup,
    /// No partner key for this environment: `app_state` (src-tauri `commands/app.rs`) reports the key
    /// missing instead of failing.
    PartnerKey,
    /// The reveal or the weaker setting needs the passphrase again: `reauth.svelte.ts` asks for it.
    ReauthNeeded,
    /// No unlock passphrase is set yet (src-tauri `passphrase` test).
    PassphraseNeeded,
    /// A passphrase is already set; setting one again is refused (src-tauri `passphrase` test).
    PassphraseExists,
    /// The passphrase was wrong (src-tauri `passphrase` and `keychain_unlock` tests).
    WrongPassphrase,
    /// Unlock refused until the wait after wrong attempts ends (src-tauri `passphrase` test).
    UnlockWait,
    /// Too many reveals or copies in a minute (src-tauri `passphrase` test).
    TooMany,
    /// There is no verification link to open (src-tauri `commands` test).
    NoLink,
    /// The verification link was not one this app opens (src-tauri `commands` test).
    LinkRefused,
    /// A Demo-only action outside Demo (src-tauri `commands` test).
    NotDemo,
    /// The OS keychain failed or is missing (src-tauri `keychain_mock` and `keychain_wait` tests).
    Keychain,
    /// The card-create journal could not be written (src-tauri `crash_create` test).
    Journal,
    /// Fill cannot type on this desktop (Wayland without X11, no X server): the UI shows the reason and
    /// the Copy buttons instead (`ui/src/screens/wallet/CardsPanel.svelte`).
    FillUnavailable,
    /// Something on this computer failed that nobody tells apart: the clipboard, the browser, the
    /// settings file, the demo server, the stored passphrase record, a busy lock. Also `api.ts`'s
    /// fallback when what was thrown is not a `UiError`.
    Internal,
}

/// What the screen offers next to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum UiAction {
    /// "Try again" (the same action, now or after `retry_after_seconds`).
    Retry,
    /// "Open Settings": the partner key, the environment or the API URL needs attention.
    OpenSettings,
    /// "Continue verification": finish KYC first.
    FinishKyc,
    /// "Review agreements": accept them first.
    AcceptAgreements,
    /// Correct the marked fields.
    FixFields,
    /// Nothing to do but read it.
    Dismiss,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UiError {
    /// The stable machine code (`network`, `locked`, `reauth_needed`, …).
    pub code: ErrorCode,
    pub title: String,
    pub message: String,
    pub action: UiAction,
    /// Field errors on dotted paths (`address.postalCode`), for the form.
    pub fields: Vec<FieldProblem>,
    pub retry_after_seconds: Option<u32>,
}

impl UiError {
    pub fn new(code: ErrorCode, title: &str, message: impl Into<String>, action: UiAction) -> Self {
        Self {
            code,
            title: title.to_owned(),
            message: message.into(),
            action,
            fields: Vec::new(),
            retry_after_seconds: None,
        }
    }

    /// Fill cannot type here; `reason` says why in words (`wallet_core::fill::NO_X11_REASON`).
    pub fn fill_unavailable(reason: &str) -> Self {
        let reason = if reason.trim().is_empty() {
            "This desktop offers no way for an app to type into another app's window. Use the Copy buttons instead."
        } else {
            reason
        };
        Self::new(ErrorCode::FillUnavailable, "Fill is not available here", reason, UiAction::Dismiss)
    }

    /// A validation error on one input: the message shows in the banner and under the field.
    pub fn on_field(title: &str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut error = Self::new(ErrorCode::Validation, title, message.clone(), UiAction::FixFields);
        error.fields = vec![FieldProblem { field: field.to_owned(), message }];
        error
    }
}

/// An API failure in words. One that the partner's gateway gave (Partner sign-in: it mints every session, so
/// a card or KYC call meets it too) speaks of the partner's service, by the partner's name.
impl From<&ApiError> for UiError {
    fn from(error: &ApiError) -> Self {
        match error.service() {
            Service::Gateway { partner } => Self::from_gateway(error, partner.as_deref().unwrap_or("the partner")),
            Service::MachinesApi => Self::in_api_words(error),
            // Met while an access token was renewed in the middle of a call: the same words as at sign-in.
            Service::SignInProvider => Self::from(&match error {
                ApiError::Timeout { .. } => SignInError::Unreachable { detail: "it did not answer in time".into() },
                ApiError::Network { detail, .. } => SignInError::Unreachable { detail: detail.clone() },
                _ => SignInError::Refused { reason: error.to_string() },
            }),
        }
    }
}

impl UiError {
    /// The words of a failure as the Machines API's.
    fn in_api_words(error: &ApiError) -> Self {
        let (title, action, advice) = words(error);
        let message = with_advice(error.to_string(), advice.as_deref());
        let fields: Vec<FieldProblem> = error
            .field_errors()
            .iter()
            .map(|e| FieldProblem { field: e.field.clone().unwrap_or_default(), message: e.message.clone() })
            .collect();
        // A validation error with no field to point at is read as a message, not a form to fix.
        let action = if action == UiAction::FixFields && fields.iter().all(|f| f.field.is_empty()) {
            UiAction::Dismiss
        } else {
            action
        };
        let retry_after_seconds = error.retry_after().map(|after| after.as_secs().min(u64::from(u32::MAX)) as u32);
        Self { code: code_of(error), title: title.to_owned(), message, action, fields, retry_after_seconds }
    }

    /// An answer (or silence) of the partner's wallet gateway, in words about the partner's service: the
    /// API layer's text names a gateway, which is not a word a person signing in with their partner knows.
    /// Failures that are not about the service itself (a refused sign-in, a gate, a field to fix) read as
    /// the API's words say. `partner` is the partner's name, or "the partner" when the app has none.
    pub fn from_gateway(error: &ApiError, partner: &str) -> Self {
        let mut ui = Self::in_api_words(error);
        let service = format!("{partner}'s service");
        let service_ = capitalized(&service);
        let wait = |after: Duration| format!("Try again in {} s.", after.as_secs().max(1));
        let (title, message) = match error {
            ApiError::Network { .. } => (
                format!("{service_} could not be reached"),
                format!("{service_} could not be reached. Check your connection and try again."),
            ),
            ApiError::Timeout { .. } => {
                (format!("{service_} did not answer"), format!("{service_} did not answer in time. Try again."))
            }
            ApiError::RateLimited { retry_after, .. } => {
                let when = retry_after.map_or_else(|| "Try again in a moment.".to_owned(), wait);
                (format!("{service_} is busy"), format!("{service_} is busy. {when}"))
            }
            // A 503 with a wait is a service too busy for now (its own upstream may be): the wait is the news.
            ApiError::Server { retry_after: Some(after), .. } => {
                (format!("{service_} is busy"), format!("{service_} is busy. {}", wait(*after)))
            }
            ApiError::Server { .. } | ApiError::Decode { .. } | ApiError::NotTheApi { .. } => (
                format!("{service_} is not available"),
                format!("{service_} is not available right now. Try again later."),
            ),
            ApiError::Forbidden { .. } => (
                format!("{} refused", capitalized(partner)),
                format!(
                    "{} did not allow this for your account. Contact {partner} if you think it should.",
                    capitalized(partner)
                ),
            ),
            _ => return ui,
        };
        ui.title = title;
        ui.message = message;
        ui
    }
}

/// `text` with its first letter in capitals, for a name that starts a sentence ("the partner's service").
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The title, the action and the sentence of advice a person reads for an API failure. `machines-api`'s
/// text says what happened (with the server's own words); what to do about it is said here, once.
fn words(error: &ApiError) -> (&'static str, UiAction, Option<String>) {
    let advice = |text: &str| Some(text.to_owned());
    match error {
        ApiError::Network { .. } => (
            "Can't reach Machines Cash",
            UiAction::Retry,
            advice("Check the connection and the environment in Settings."),
        ),
        ApiError::Timeout { .. } => ("No answer in time", UiAction::Retry, advice("Try again in a moment.")),
        ApiError::Unauthorized { credential: Credential::PartnerKey, .. } => {
            ("Partner key refused", UiAction::OpenSettings, advice("Check it in Settings."))
        }
        ApiError::Unauthorized { credential: Credential::Session, .. } => {
            ("Signed out by the server", UiAction::Retry, advice("Try again later."))
        }
        ApiError::Unauthorized { credential: Credential::SignIn, .. } => {
            ("Sign in again", UiAction::OpenSettings, advice("Your sign-in has ended; sign in again."))
        }
        ApiError::Forbidden { .. } => ("Permission missing", UiAction::OpenSettings, None),
        ApiError::InvalidState { gate, .. } => match gate {
            StateGate::KycRequired => {
                ("Finish verification first", UiAction::FinishKyc, advice("Finish identity verification (KYC) first."))
            }
            StateGate::AgreementsRequired => {
                ("Accept the agreements first", UiAction::AcceptAgreements, advice("Accept the card agreements first."))
            }
            StateGate::MissingContract => (
                "Account still being set up",
                UiAction::Retry,
                advice("The account is still being set up; try again in a few seconds."),
            ),
            // Canceling is for good: trying again cannot help.
            StateGate::CardCanceled => {
                ("Card canceled", UiAction::Dismiss, advice("A canceled card cannot be changed or shown again."))
            }
            StateGate::NotLinked => (
                "Account not linked",
                UiAction::Dismiss,
                advice("Your account has no wallet linked yet; finish set-up with your wallet address."),
            ),
            StateGate::Other => ("Not possible right now", UiAction::Retry, None),
        },
        ApiError::Validation { .. } => ("Check the highlighted fields", UiAction::FixFields, None),
        ApiError::NotFound { .. } => ("Not found", UiAction::Dismiss, None),
        ApiError::Conflict { .. } => ("Already done differently", UiAction::Dismiss, None),
        ApiError::RateLimited { retry_after, .. } => {
            let when = match retry_after {
                Some(after) => format!("Try again in {} s.", after.as_secs().max(1)),
                None => "Try again in a moment.".to_owned(),
            };
            ("Busy \u{2014} please wait", UiAction::Retry, Some(when))
        }
        ApiError::Server { retry_after: Some(after), .. } => (
            "Machines Cash had a problem",
            UiAction::Retry,
            Some(format!("Try again in {} s.", after.as_secs().max(1))),
        ),
        ApiError::Server { .. } => ("Machines Cash had a problem", UiAction::Retry, advice("Try again later.")),
        ApiError::Decode { .. } => ("Unexpected answer", UiAction::Retry, None),
        ApiError::NotTheApi { .. } => {
            ("Not the Machines API", UiAction::OpenSettings, advice("Check the API URL in Settings."))
        }
        ApiError::Crypto(_) => ("Card details unreadable", UiAction::Retry, None),
        ApiError::Config { .. } => ("Settings need attention", UiAction::OpenSettings, None),
        ApiError::Cancelled => ("Stopped", UiAction::Dismiss, None),
    }
}

/// The facts, closed as a sentence, then the advice: "kyc required" becomes "kyc required. Finish …".
fn with_advice(facts: String, advice: Option<&str>) -> String {
    match advice {
        None => facts,
        Some(advice) if facts.ends_with(['.', '!', '?']) => format!("{facts} {advice}"),
        Some(advice) => format!("{facts}. {advice}"),
    }
}

/// Each API failure's own code (the same words as `ApiError::code`, now a closed set).
fn code_of(error: &ApiError) -> ErrorCode {
    match error {
        ApiError::Network { .. } => ErrorCode::Network,
        ApiError::Timeout { .. } => ErrorCode::Timeout,
        ApiError::Unauthorized { credential: Credential::SignIn, .. } => ErrorCode::SignInAgain,
        ApiError::Unauthorized { .. } => ErrorCode::Unauthorized,
        ApiError::Forbidden { .. } => ErrorCode::Forbidden,
        ApiError::InvalidState { gate: StateGate::NotLinked, .. } => ErrorCode::NotLinked,
        ApiError::InvalidState { .. } => ErrorCode::InvalidState,
        ApiError::Validation { .. } => ErrorCode::Validation,
        ApiError::NotFound { .. } => ErrorCode::NotFound,
        ApiError::Conflict { .. } => ErrorCode::Conflict,
        ApiError::RateLimited { .. } => ErrorCode::RateLimited,
        ApiError::Server { .. } => ErrorCode::Server,
        ApiError::Decode { .. } => ErrorCode::Decode,
        // Nothing tells it apart from other settings trouble: the person opens Settings either way.
        ApiError::NotTheApi { .. } => ErrorCode::Config,
        ApiError::Crypto(_) => ErrorCode::Crypto,
        ApiError::Config { .. } => ErrorCode::Config,
        ApiError::Cancelled => ErrorCode::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::{Credential, FieldError, Problem};
    use std::time::Duration;

    fn problem(summary: &str, fields: &[(&str, &str)]) -> Problem {
        Problem {
            status: 400,
            summary: Some(summary.into()),
            errors: fields
                .iter()
                .map(|(f, m)| FieldError {
                    code: Some("invalid_request".into()),
                    message: (*m).into(),
                    field: Some((*f).into()),
                })
                .collect(),
            ..Problem::default()
        }
    }

    #[test]
    fn every_code_has_a_title_and_an_action() {
        let errors = [
            ApiError::Network {
                host: "api.machines.cash".into(),
                detail: "refused".into(),
                service: Service::MachinesApi,
            },
            ApiError::Timeout { after: Duration::from_secs(20), service: Service::MachinesApi },
            ApiError::Unauthorized { credential: Credential::PartnerKey, problem: Problem::default() },
            ApiError::Forbidden { required: vec!["cards.read".into()], problem: Problem::default() },
            ApiError::invalid_state(problem("kyc required", &[])),
            ApiError::Validation { problem: problem("invalid request", &[("address.postalCode", "is required")]) },
            ApiError::NotFound { problem: Problem::default() },
            ApiError::Conflict { problem: Problem::default() },
            ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)), problem: Problem::default() },
            ApiError::Server { problem: Problem::default(), retry_after: None },
            ApiError::Decode { detail: "x".into(), service: Service::MachinesApi },
            ApiError::Crypto(machines_api::crypto::CryptoError::Authentication),
            ApiError::Config { detail: "The API URL must start with https://".into() },
            ApiError::Cancelled,
        ];
        let mut codes = Vec::new();
        for error in &errors {
            let ui = UiError::from(error);
            assert!(!ui.title.is_empty() && !ui.message.is_empty(), "{ui:?}");
            assert!(!ui.message.contains("Problem {") && !ui.message.contains("{\""), "no debug or JSON: {ui:?}");
            codes.push(ui.code);
        }
        codes.dedup();
        assert_eq!(codes.len(), errors.len(), "each error keeps its own code");
    }

    #[test]
    fn fill_unavailable_gives_the_reason_and_nothing_to_retry() {
        let ui = UiError::fill_unavailable(crate::fill::NO_X11_REASON);
        assert_eq!(
            (ui.code, ui.title.as_str(), ui.message.as_str(), ui.action),
            (ErrorCode::FillUnavailable, "Fill is not available here", crate::fill::NO_X11_REASON, UiAction::Dismiss)
        );
        assert_eq!(serde_json::to_value(ui.code).unwrap_or_default(), "fill_unavailable");
        let unexplained = UiError::fill_unavailable(" ");
        assert!(unexplained.message.contains("Copy buttons"), "{}", unexplained.message);
    }

    #[test]
    fn an_address_that_is_not_the_api_leads_to_settings_with_our_advice() {
        let ui = UiError::from(&ApiError::NotTheApi { status: 302 });
        assert_eq!(
            (ui.code, ui.title.as_str(), ui.action),
            (ErrorCode::Config, "Not the Machines API", UiAction::OpenSettings)
        );
        assert_eq!(
            ui.message,
            "The address answered HTTP 302 but does not serve the Machines partner API. Check the API URL in Settings."
        );
    }

    #[test]
    fn the_partners_gateway_refusals_say_what_to_do() {
        let sign_in =
            UiError::from(&ApiError::Unauthorized { credential: Credential::SignIn, problem: Problem::default() });
        assert_eq!((sign_in.title.as_str(), sign_in.action), ("Sign in again", UiAction::OpenSettings));
        assert!(sign_in.message.ends_with("sign in again."), "{}", sign_in.message);
        let problem = Problem {
            status: 409,
            summary: Some("Link a wallet first".into()),
            errors: vec![FieldError { code: Some("not_linked".into()), message: "no link".into(), field: None }],
            ..Problem::default()
        };
        let unlinked = UiError::from(&ApiError::invalid_state(problem));
        assert_eq!((unlinked.title.as_str(), unlinked.action), ("Account not linked", UiAction::Dismiss));
        assert!(unlinked.message.contains("no wallet linked yet"), "{}", unlinked.message);
        assert_eq!(unlinked.code, ErrorCode::NotLinked, "the UI goes to the wallet-address set-up");
    }

    #[test]
    fn the_gateways_failures_name_the_partners_service() {
        let said = |error: ApiError| UiError::from_gateway(&error, "Acme Pay");
        let down = said(ApiError::Network {
            host: "wallet-gateway.acme.example".into(),
            detail: "refused".into(),
            service: Service::MachinesApi,
        });
        assert_eq!((down.code, down.title.as_str()), (ErrorCode::Network, "Acme Pay's service could not be reached"));
        assert!(!down.message.contains("Machines API"), "{}", down.message);
        let busy =
            said(ApiError::RateLimited { retry_after: Some(Duration::from_secs(9)), problem: Problem::default() });
        assert_eq!((busy.code, busy.retry_after_seconds), (ErrorCode::RateLimited, Some(9)));
        assert_eq!(busy.message, "Acme Pay's service is busy. Try again in 9 s.");
        let refused = said(ApiError::Forbidden { required: Vec::new(), problem: Problem::default() });
        assert_eq!((refused.code, refused.title.as_str()), (ErrorCode::Forbidden, "Acme Pay refused"));
        let unavailable =
            said(ApiError::Server { problem: Problem { status: 503, ..Problem::default() }, retry_after: None });
        assert_eq!(unavailable.title, "Acme Pay's service is not available");
        let ended = said(ApiError::Unauthorized { credential: Credential::SignIn, problem: Problem::default() });
        assert_eq!(ended.code, ErrorCode::SignInAgain, "a sign-in that ended reads as it does everywhere");
    }

    #[test]
    fn a_failure_the_gateway_gave_reads_as_the_partners_service_wherever_it_is_met() {
        // A card or KYC call in Partner mode meets the gateway when its session is minted: the error says
        // which service it was, and the plain conversion every command uses words it in the partner's name.
        let acme = Service::Gateway { partner: Some("Acme Pay".into()) };
        let down = UiError::from(&ApiError::Network {
            host: "127.0.0.1".into(),
            detail: "refused".into(),
            service: acme.clone(),
        });
        assert_eq!((down.code, down.title.as_str()), (ErrorCode::Network, "Acme Pay's service could not be reached"));
        assert!(!down.message.contains("Machines"), "{}", down.message);
        let busy = UiError::from(&ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(42)),
            problem: Problem { status: 429, service: acme.clone(), ..Problem::default() },
        });
        assert_eq!((busy.code, busy.retry_after_seconds), (ErrorCode::RateLimited, Some(42)));
        assert_eq!(busy.message, "Acme Pay's service is busy. Try again in 42 s.");
        // A 503 with Retry-After: busy for that long, with the wait, still the server's code.
        let upstream = UiError::from(&ApiError::Server {
            problem: Problem { status: 503, service: acme.clone(), ..Problem::default() },
            retry_after: Some(Duration::from_secs(20)),
        });
        assert_eq!((upstream.code, upstream.retry_after_seconds), (ErrorCode::Server, Some(20)));
        assert_eq!(upstream.message, "Acme Pay's service is busy. Try again in 20 s.");
        // Without a name, still not the Machines API.
        let nameless = Service::Gateway { partner: None };
        let unnamed = UiError::from(&ApiError::Timeout { after: Duration::from_secs(20), service: nameless });
        assert_eq!(unnamed.title, "The partner's service did not answer");
        // The Machines API's own failures keep their words.
        let api = UiError::from(&ApiError::Network {
            host: "api.machines.cash".into(),
            detail: "refused".into(),
            service: Service::MachinesApi,
        });
        assert_eq!(api.title, "Can't reach Machines Cash");
    }

    #[test]
    fn a_busy_server_that_names_its_wait_gives_it() {
        let busy = UiError::from(&ApiError::Server {
            problem: Problem { status: 503, ..Problem::default() },
            retry_after: Some(Duration::from_secs(12)),
        });
        assert_eq!((busy.code, busy.action, busy.retry_after_seconds), (ErrorCode::Server, UiAction::Retry, Some(12)));
        assert!(busy.message.ends_with("Try again in 12 s."), "{}", busy.message);
        let broken = UiError::from(&ApiError::Server {
            problem: Problem { status: 503, ..Problem::default() },
            retry_after: None,
        });
        assert_eq!(broken.retry_after_seconds, None);
        assert!(broken.message.ends_with("Try again later."), "{}", broken.message);
    }

    #[test]
    fn gates_fields_and_waits_lead_somewhere() {
        assert_eq!(UiError::from(&ApiError::invalid_state(problem("kyc required", &[]))).action, UiAction::FinishKyc);
        assert_eq!(
            UiError::from(&ApiError::invalid_state(problem("agreements required", &[]))).action,
            UiAction::AcceptAgreements
        );
        let fields = UiError::from(&ApiError::Validation {
            problem: problem("invalid request", &[("address.postalCode", "is required")]),
        });
        assert_eq!(fields.action, UiAction::FixFields);
        assert_eq!(
            fields.fields,
            vec![FieldProblem { field: "address.postalCode".into(), message: "is required".into() }]
        );
        let limited = UiError::from(&ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            problem: Problem::default(),
        });
        assert_eq!((limited.action, limited.retry_after_seconds), (UiAction::Retry, Some(7)));
        let key =
            UiError::from(&ApiError::Unauthorized { credential: Credential::PartnerKey, problem: Problem::default() });
        assert_eq!(key.action, UiAction::OpenSettings);
    }

    fn said(summary: &str, errors: &[(&str, &str)]) -> Problem {
        Problem {
            status: 409,
            summary: Some(summary.into()),
            errors: errors
                .iter()
                .map(|(code, message)| FieldError {
                    code: Some((*code).into()),
                    message: (*message).into(),
                    field: None,
                })
                .collect(),
            ..Problem::default()
        }
    }

    #[test]
    fn the_person_reads_what_happened_then_what_to_do() {
        let message = |error: ApiError| UiError::from(&error).message;
        assert_eq!(
            message(ApiError::invalid_state(said("kyc required", &[]))),
            "kyc required. Finish identity verification (KYC) first."
        );
        assert_eq!(
            message(ApiError::invalid_state(said("agreements required", &[]))),
            "agreements required. Accept the card agreements first."
        );
        let contract = UiError::from(&ApiError::invalid_state(said("contract not ready", &[("missing_contract", "")])));
        assert_eq!(
            contract.message,
            "contract not ready. The account is still being set up; try again in a few seconds."
        );
        assert_eq!(contract.action, UiAction::Retry);
        let canceled = UiError::from(&ApiError::invalid_state(said("card is canceled", &[])));
        assert_eq!((canceled.title.as_str(), canceled.action), ("Card canceled", UiAction::Dismiss));
        // A sentence that already ends is not closed twice.
        assert_eq!(
            message(ApiError::invalid_state(said("kyc required.", &[]))),
            "kyc required. Finish identity verification (KYC) first."
        );
        assert_eq!(
            message(ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)), problem: Problem::default() }),
            "The Machines API is busy (rate limited). Try again in 7 s."
        );
        assert_eq!(
            message(ApiError::RateLimited { retry_after: None, problem: Problem::default() }),
            "The Machines API is busy (rate limited). Try again in a moment."
        );
        let key = Problem {
            status: 401,
            summary: Some("unauthorized".into()),
            errors: vec![FieldError {
                code: Some("unauthorized".into()),
                message: "invalid partner key".into(),
                field: None,
            }],
            ..Problem::default()
        };
        assert_eq!(
            message(ApiError::Unauthorized { credential: Credential::PartnerKey, problem: key }),
            "The Machines API refused the partner key (unauthorized: invalid partner key). Check it in Settings."
        );
        assert_eq!(
            message(ApiError::Network { host: "api.machines.cash".into(), detail: "refused".into(), service: Service::MachinesApi }),
            "Could not reach the Machines API at api.machines.cash: refused. Check the connection and the environment in Settings."
        );
        assert_eq!(
            message(ApiError::Timeout { after: Duration::from_secs(20), service: Service::MachinesApi }),
            "The Machines API did not answer within 20 s. Try again in a moment."
        );
    }
}
