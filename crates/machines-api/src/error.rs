//! The one error type of the API client layer.
//!
//! Every variant has a stable machine code (`ApiError::code`) that callers switch on, and a 409 carries the
//! state gate it names (`StateGate`), read once from the envelope. The `Display` text states facts: what
//! failed, the status, and the API's own `summary` and `errors[].message` when it sent them. What a person
//! should do about it is `wallet-core`'s to say. No variant ever carries a secret: request bodies and
//! tokens are not kept in errors. An error also says which server gave it ([`Service`]): in Partner
//! sign-in the partner's gateway mints every session, and its failures are not the Machines API's.

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

/// Which server gave an error: the Machines API, or the partner's wallet gateway that mints the sessions
/// in Partner sign-in. Callers word a failure by it: "the Machines API is busy" is not what a person who
/// signed in with their partner was talking to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Service {
    #[default]
    MachinesApi,
    /// The partner's gateway; `partner` is the name the partner goes by, when the app was given one
    /// ([`GatewayClient::named`](crate::GatewayClient::named)).
    Gateway { partner: Option<String> },
    /// The person's OpenID provider, met when an access token is renewed in the middle of a call (the app's
    /// sign-in reports it this way through [`AccessTokens`](crate::AccessTokens)).
    SignInProvider,
}

impl Service {
    /// The service as the subject of a sentence: "The Machines API", "Acme Pay's gateway".
    fn subject(&self) -> String {
        match self {
            Self::MachinesApi => "The Machines API".to_owned(),
            Self::Gateway { partner: Some(name) } => format!("{name}'s gateway"),
            Self::Gateway { partner: None } => "The partner's gateway".to_owned(),
            Self::SignInProvider => "The sign-in provider".to_owned(),
        }
    }

    /// The service inside a sentence: "the Machines API", "Acme Pay's gateway".
    fn object(&self) -> String {
        match self {
            Self::MachinesApi => "the Machines API".to_owned(),
            Self::Gateway { partner: Some(name) } => format!("{name}'s gateway"),
            Self::Gateway { partner: None } => "the partner's gateway".to_owned(),
            Self::SignInProvider => "the sign-in provider".to_owned(),
        }
    }
}

/// What the server said about a failed call: its HTTP status, the envelope's words, and which server it was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    pub status: u16,
    pub summary: Option<String>,
    pub errors: Vec<FieldError>,
    pub service: Service,
}

impl Problem {
    /// The sentence the official clients show: `summary: message; message`, or whichever part exists. A
    /// message that only repeats the summary (or an earlier message) is said once: the gateway, for one,
    /// puts the same sentence in both.
    pub fn message(&self) -> Option<String> {
        let summary = self.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let mut details: Vec<&str> = Vec::new();
        for message in self.errors.iter().map(|e| e.message.trim()).filter(|m| !m.is_empty()) {
            let repeated = summary.into_iter().chain(details.iter().copied()).any(|said| same_words(said, message));
            if !repeated {
                details.push(message);
            }
        }
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

    fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }

    /// Whether the summary or any error message contains `needle` (lower-case ASCII), ignoring case.
    fn mentions(&self, needle: &str) -> bool {
        self.summary
            .iter()
            .chain(self.errors.iter().map(|e| &e.message))
            .any(|t| t.to_ascii_lowercase().contains(needle))
    }

    fn or(&self, fallback: &str) -> String {
        self.message().unwrap_or_else(|| fallback.to_owned())
    }
}

/// The same sentence, whatever its case or closing stop.
fn same_words(a: &str, b: &str) -> bool {
    let bare = |t: &str| t.trim().trim_end_matches(['.', '!', '?']).trim_end().to_lowercase();
    bare(a) == bare(b)
}

/// Which of the user's states a 409 says is in the way. Read once, when the failure is classified
/// (`StateGate::of`), so that callers match on it and nothing searches the server's words again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateGate {
    /// KYC is not approved: the session falls back to KYC scopes; the person finishes verification.
    KycRequired,
    /// The card agreements are not accepted yet.
    AgreementsRequired,
    /// The collateral contract is still being provisioned (`missing_contract`): the same call works
    /// again after about 1.5 s.
    MissingContract,
    /// The card is canceled, which is terminal: a delete that meets it is already done.
    CardCanceled,
    /// The partner's gateway has no wallet linked to the signed-in person yet (`not_linked`).
    NotLinked,
    /// A state the contract does not name.
    Other,
}

impl StateGate {
    /// Decides the gate from the envelope's machine codes first, then from its words.
    ///
    /// The contract documents only `invalid_state` (for KYC and agreements alike) and `missing_contract`
    /// as codes, so the words decide between KYC and agreements today: "kyc required" on sessions [EX],
    /// "agreements required" and "card is canceled" from the simulator. The more specific codes are
    /// taken first in case the server starts naming its gates, so that a message worded differently
    /// cannot then send the person the wrong way.
    pub fn of(problem: &Problem) -> Self {
        const BY_CODE: [(&str, StateGate); 7] = [
            ("missing_contract", StateGate::MissingContract),
            ("kyc_required", StateGate::KycRequired),
            ("agreements_required", StateGate::AgreementsRequired),
            ("agreements_not_accepted", StateGate::AgreementsRequired),
            ("card_canceled", StateGate::CardCanceled),
            ("card_cancelled", StateGate::CardCanceled),
            ("not_linked", StateGate::NotLinked),
        ];
        if let Some((_, gate)) = BY_CODE.iter().find(|(code, _)| problem.has_code(code)) {
            return *gate;
        }
        // KYC first: a message about KYC may also mention the agreements that come after it. A missing
        // contract is taken from its code only: deposits are resent on it, so a message that merely
        // mentions a contract must not count.
        const BY_WORDS: [(&str, StateGate); 3] = [
            ("kyc", StateGate::KycRequired),
            ("agreement", StateGate::AgreementsRequired),
            ("cancel", StateGate::CardCanceled),
        ];
        BY_WORDS.iter().find(|(needle, _)| problem.mentions(needle)).map_or(StateGate::Other, |(_, gate)| *gate)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached at all (DNS, refused connection, TLS, dropped connection).
    #[error("Could not reach {} at {host}: {detail}.", .service.object())]
    Network { host: String, detail: String, service: Service },

    /// No answer within the configured time.
    #[error("{} did not answer within {} s.", .service.subject(), .after.as_secs().max(1))]
    Timeout { after: Duration, service: Service },

    /// 401: the partner key was refused, a session token was refused even after one fresh session, or the
    /// partner's gateway refused the person's sign-in even after one renewal.
    #[error("{}", unauthorized_text(*.credential, .problem))]
    Unauthorized { credential: Credential, problem: Problem },

    /// 403: the session lacks a permission. `required` names the scopes the call needed.
    #[error("Permission missing: this needs {}. ({})", required_text(.required), .problem.or("forbidden"))]
    Forbidden { required: Vec<String>, problem: Problem },

    /// 409 because of the user's state: KYC not approved, agreements not accepted, a card that is canceled,
    /// a collateral contract still being provisioned (`missing_contract`). `gate` says which; build it
    /// with `ApiError::invalid_state` so the two always agree.
    #[error("{}", .problem.or("not allowed in the current state"))]
    InvalidState { problem: Problem, gate: StateGate },

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
    #[error("{} is busy ({}).", .problem.service.subject(), .problem.or("rate limited"))]
    RateLimited { retry_after: Option<Duration>, problem: Problem },

    /// 5xx after the retries allowed for this call. `retry_after` is the server's `Retry-After`: a 503 that
    /// sends one is busy for that long, not broken.
    #[error("{} had a problem (HTTP {}: {}).", .problem.service.subject(), .problem.status, .problem.or("server error"))]
    Server { problem: Problem, retry_after: Option<Duration> },

    /// The server answered with something that is not the documented envelope.
    #[error("{} sent a response this app cannot read: {detail}.", .service.subject())]
    Decode { detail: String, service: Service },

    /// The address answered, but not as the partner API does: a redirect (never followed, since it would
    /// carry the partner key elsewhere) or a 404 without the API's envelope. The base URL is wrong.
    #[error("The address answered HTTP {status} but does not serve the Machines partner API.")]
    NotTheApi { status: u16 },

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
    /// The signed-in person's access token, refused by the partner's gateway even after one renewal.
    SignIn,
}

fn unauthorized_text(credential: Credential, problem: &Problem) -> String {
    let said = problem.or("not authorized");
    match credential {
        Credential::PartnerKey => format!("The Machines API refused the partner key ({said})."),
        Credential::Session => format!("The Machines API refused this session even after signing in again ({said})."),
        Credential::SignIn => {
            // Only the gateway checks the sign-in; an error made before it was asked has no service yet.
            let gateway = match &problem.service {
                Service::MachinesApi => Service::Gateway { partner: None },
                named => named.clone(),
            };
            format!("{} refused the sign-in ({said}).", gateway.subject())
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
            Self::NotTheApi { .. } => "not_the_api",
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
            | Self::InvalidState { problem, .. }
            | Self::Validation { problem }
            | Self::NotFound { problem }
            | Self::Conflict { problem }
            | Self::RateLimited { problem, .. }
            | Self::Server { problem, .. } => Some(problem),
            _ => None,
        }
    }

    fn problem_mut(&mut self) -> Option<&mut Problem> {
        match self {
            Self::Unauthorized { problem, .. }
            | Self::Forbidden { problem, .. }
            | Self::InvalidState { problem, .. }
            | Self::Validation { problem }
            | Self::NotFound { problem }
            | Self::Conflict { problem }
            | Self::RateLimited { problem, .. }
            | Self::Server { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Which server gave this error. Errors made on this side (settings, decryption, a cancel) are the
    /// Machines API client's own.
    pub fn service(&self) -> &Service {
        const OWN: &Service = &Service::MachinesApi;
        match self {
            Self::Network { service, .. } | Self::Timeout { service, .. } | Self::Decode { service, .. } => service,
            other => other.problem().map_or(OWN, |problem| &problem.service),
        }
    }

    /// This error as given by `service`: the transport words its failures as the Machines API's, and the
    /// gateway's client says they are the gateway's. A redirect or a bare 404 from the gateway's address
    /// is not "not the Machines API" (whose URL the person could check): it is an answer the app cannot
    /// read from that service.
    pub(crate) fn given_by(mut self, given: &Service) -> Self {
        if let (Self::NotTheApi { status }, Service::Gateway { .. }) = (&self, given) {
            self = Self::Decode {
                detail: format!("it answered HTTP {status} without the gateway's envelope"),
                service: Service::MachinesApi,
            };
        }
        match &mut self {
            Self::Network { service, .. } | Self::Timeout { service, .. } | Self::Decode { service, .. } => {
                *service = given.clone();
            }
            other => {
                if let Some(problem) = other.problem_mut() {
                    problem.service = given.clone();
                }
            }
        }
        self
    }

    /// How long the server asked us to wait before trying again (`Retry-After` on a 429 or a 5xx).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Server { retry_after, .. } => *retry_after,
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

    /// The state gate of a 409, `None` for every other error.
    pub fn gate(&self) -> Option<StateGate> {
        match self {
            Self::InvalidState { gate, .. } => Some(*gate),
            _ => None,
        }
    }

    /// Whether trying the same call again later can succeed without the person changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Network { .. } | Self::Timeout { .. } | Self::RateLimited { .. } | Self::Server { .. })
    }

    /// A 409 about the user's state, with its gate read from the envelope.
    pub fn invalid_state(problem: Problem) -> Self {
        Self::InvalidState { gate: StateGate::of(&problem), problem }
    }

    pub(crate) fn config(detail: impl fmt::Display) -> Self {
        Self::Config { detail: detail.to_string() }
    }

    pub(crate) fn decode(detail: impl fmt::Display) -> Self {
        Self::Decode { detail: detail.to_string(), service: Service::MachinesApi }
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
            ..Problem::default()
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
    fn a_message_that_repeats_the_summary_is_said_once() {
        let taken = "This wallet is linked to another account.";
        assert_eq!(problem(409, Some(taken), &[taken]).message().as_deref(), Some(taken));
        // The same words with another case or without the stop, and a message repeated in errors[].
        assert_eq!(
            problem(401, Some("Token expired"), &["token expired", "token expired."]).message().as_deref(),
            Some("Token expired")
        );
        // Different words are all kept, in order.
        assert_eq!(
            problem(409, Some(taken), &[taken, "use another wallet"]).message().as_deref(),
            Some("This wallet is linked to another account.: use another wallet")
        );
        let refused = ApiError::Validation { problem: problem(409, Some(taken), &[taken]) };
        assert_eq!(refused.to_string(), taken);
    }

    #[test]
    fn an_error_says_which_service_gave_it() {
        let gateway = Service::Gateway { partner: Some("Acme Pay".into()) };
        let busy = ApiError::RateLimited { retry_after: Some(Duration::from_secs(9)), problem: Problem::default() };
        assert_eq!(busy.service(), &Service::MachinesApi);
        let busy = busy.given_by(&gateway);
        assert_eq!((busy.service(), busy.retry_after()), (&gateway, Some(Duration::from_secs(9))));
        assert_eq!(busy.to_string(), "Acme Pay's gateway is busy (rate limited).");

        let down =
            ApiError::Network { host: "127.0.0.1".into(), detail: "refused".into(), service: Service::MachinesApi }
                .given_by(&Service::Gateway { partner: None });
        assert_eq!(down.code(), "network");
        assert_eq!(down.to_string(), "Could not reach the partner's gateway at 127.0.0.1: refused.");

        let unavailable = ApiError::Server { problem: problem(503, Some("upstream busy"), &[]), retry_after: None };
        assert_eq!(
            unavailable.given_by(&gateway).to_string(),
            "Acme Pay's gateway had a problem (HTTP 503: upstream busy)."
        );

        // What the gateway's address answered without its envelope is not "not the Machines API".
        let elsewhere = ApiError::NotTheApi { status: 404 }.given_by(&gateway);
        assert_eq!((elsewhere.code(), elsewhere.service()), ("decode", &gateway));
        assert!(!elsewhere.to_string().contains("Machines"), "{elsewhere}");

        // The gates, the codes and the credential stay what they were.
        let unlinked = ApiError::invalid_state(Problem {
            errors: vec![FieldError { code: Some("not_linked".into()), message: "m".into(), field: None }],
            ..problem(409, Some("Link a wallet first"), &[])
        })
        .given_by(&gateway);
        assert_eq!(unlinked.gate(), Some(StateGate::NotLinked));
        let ended =
            ApiError::Unauthorized { credential: Credential::SignIn, problem: problem(401, Some("expired"), &[]) }
                .given_by(&gateway);
        assert!(matches!(ended, ApiError::Unauthorized { credential: Credential::SignIn, .. }), "{ended:?}");
        assert_eq!(ended.to_string(), "Acme Pay's gateway refused the sign-in (expired).");
        assert_eq!(ApiError::Cancelled.given_by(&gateway).service(), &Service::MachinesApi);
    }

    #[test]
    fn display_states_the_facts_and_leaves_advice_to_the_app() {
        let kyc = ApiError::invalid_state(problem(409, Some("kyc required"), &[]));
        assert_eq!(kyc.code(), "invalid_state");
        assert_eq!(kyc.gate(), Some(StateGate::KycRequired));
        assert_eq!(kyc.to_string(), "kyc required");

        let forbidden = ApiError::Forbidden {
            required: vec!["cards.secrets.read".into()],
            problem: problem(403, Some("forbidden"), &["missing scope"]),
        };
        assert_eq!(
            forbidden.to_string(),
            "Permission missing: this needs cards.secrets.read. (forbidden: missing scope)"
        );

        let limited = ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)), problem: Problem::default() };
        assert_eq!(limited.to_string(), "The Machines API is busy (rate limited).");
        assert!(limited.is_transient());
        assert!(!kyc.is_transient());
        assert_eq!(limited.gate(), None);

        let network = ApiError::Network {
            host: "api.machines.cash".into(),
            detail: "refused".into(),
            service: Service::MachinesApi,
        };
        let timeout = ApiError::Timeout { after: Duration::from_secs(20), service: Service::MachinesApi };
        let server = ApiError::Server { problem: problem(502, Some("bad gateway"), &[]), retry_after: None };
        let key = ApiError::Unauthorized { credential: Credential::PartnerKey, problem: Problem::default() };
        for error in [&kyc, &limited, &network, &timeout, &server, &key] {
            let text = error.to_string();
            for advice in ["Try again", "try again", "first", "Check", "Settings"] {
                assert!(!text.contains(advice), "advice is wallet-core's to give: {text}");
            }
        }
    }

    fn state(code: Option<&str>, summary: Option<&str>, message: Option<&str>) -> StateGate {
        let problem = Problem {
            status: 409,
            summary: summary.map(str::to_owned),
            errors: vec![FieldError {
                code: code.map(str::to_owned),
                message: message.unwrap_or_default().to_owned(),
                field: None,
            }],
            ..Problem::default()
        };
        StateGate::of(&problem)
    }

    #[test]
    fn the_gate_is_read_from_the_code_first_then_the_words() {
        // Code only: no words at all.
        assert_eq!(state(Some("missing_contract"), None, None), StateGate::MissingContract);
        assert_eq!(state(Some("kyc_required"), None, None), StateGate::KycRequired);
        assert_eq!(state(Some("agreements_required"), None, None), StateGate::AgreementsRequired);
        assert_eq!(state(Some("card_canceled"), None, None), StateGate::CardCanceled);
        assert_eq!(state(Some("not_linked"), Some("Link a wallet first"), None), StateGate::NotLinked);
        // A specific code wins over words that would point elsewhere.
        assert_eq!(state(Some("missing_contract"), Some("kyc required"), None), StateGate::MissingContract);

        // The generic code: the summary decides, in either case.
        assert_eq!(state(Some("invalid_state"), Some("kyc required"), None), StateGate::KycRequired);
        assert_eq!(state(Some("invalid_state"), Some("KYC Required"), None), StateGate::KycRequired);
        assert_eq!(state(Some("invalid_state"), Some("Agreements required"), None), StateGate::AgreementsRequired);
        assert_eq!(state(Some("invalid_state"), Some("card is canceled"), None), StateGate::CardCanceled);
        assert_eq!(state(Some("invalid_state"), Some("Card already CANCELLED"), None), StateGate::CardCanceled);

        // The words only in errors[], no summary (and no code).
        assert_eq!(state(None, None, Some("kyc is not approved")), StateGate::KycRequired);
        assert_eq!(
            state(Some("invalid_state"), None, Some("the card agreements have not been accepted")),
            StateGate::AgreementsRequired
        );

        // KYC before agreements when a message names both; a contract is never read from words.
        assert_eq!(state(None, Some("kyc required before the agreements"), None), StateGate::KycRequired);
        assert_eq!(state(Some("invalid_state"), Some("contract not ready"), None), StateGate::Other);
        assert_eq!(state(Some("invalid_state"), Some("the deposit is already completed"), None), StateGate::Other);
        assert_eq!(StateGate::of(&Problem::default()), StateGate::Other);
    }
}
