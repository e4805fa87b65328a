//! The two handles callers use: [`Client`] for the partner-key calls and [`UserClient`] for everything a
//! user's session tokens unlock.

use std::sync::Arc;

use crate::config::{BaseUrl, ClientConfig};
use crate::envelope::Envelope;
use crate::error::{ApiError, FieldError, Problem};
use crate::models::kyc::KycSchema;
use crate::models::sessions::{CreateSessionRequest, SessionInfo};
use crate::models::users::{ResolveUserRequest, ResolvedUser};
use crate::scopes::LearnedSpelling;
use crate::secret::PartnerKey;
use crate::session::{Identity, SessionBroker};
use crate::transport::{Auth, Call, Transport};

/// The partner-level client. Holds the partner key; never hands it out.
pub struct Client {
    transport: Arc<Transport>,
    partner_key: PartnerKey,
    spelling: Arc<LearnedSpelling>,
}

impl Client {
    pub fn new(config: ClientConfig, partner_key: PartnerKey) -> Result<Self, ApiError> {
        let spelling = Arc::new(LearnedSpelling::new(config.card_scope_spelling));
        Ok(Self { transport: Arc::new(Transport::new(config)?), partner_key, spelling })
    }

    pub fn base_url(&self) -> &BaseUrl {
        self.transport.base_url()
    }

    /// `POST /users/resolve`: creates or links the partner's user and wallet. Safe to repeat.
    pub async fn resolve_user(&self, request: &ResolveUserRequest) -> Result<Envelope<ResolvedUser>, ApiError> {
        check_user_id(&request.user_id)?;
        let call = Call::post(vec!["users", "resolve"], request)?;
        self.transport.send(&call, Auth::Partner(&self.partner_key)).await
    }

    /// `POST /sessions`: mints a session directly. Most callers want [`UserClient`], which does this for
    /// them per scope set; the returned token is a secret type and cannot be serialized.
    pub async fn create_session(&self, request: &CreateSessionRequest) -> Result<Envelope<SessionInfo>, ApiError> {
        check_user_id(&request.user_id)?;
        let call = Call::post(vec!["sessions"], request)?;
        self.transport.send(&call, Auth::Partner(&self.partner_key)).await
    }

    /// `GET /kyc/schema`: the partner-level KYC field list.
    pub async fn kyc_schema(&self) -> Result<Envelope<KycSchema>, ApiError> {
        self.transport.send(&Call::get(vec!["kyc", "schema"]), Auth::Partner(&self.partner_key)).await
    }

    /// A client for one user, minting that user's sessions as calls need them.
    pub fn user(&self, identity: Identity) -> Result<UserClient, ApiError> {
        check_user_id(&identity.user_id)?;
        let broker =
            SessionBroker::new(self.transport.clone(), self.partner_key.clone(), identity, self.spelling.clone());
        Ok(UserClient { broker })
    }
}

/// Every Bearer endpoint, for one user. Endpoint methods live in `endpoints/`, one file per domain.
pub struct UserClient {
    pub(crate) broker: SessionBroker,
}

impl UserClient {
    pub fn broker(&self) -> &SessionBroker {
        &self.broker
    }
}

/// The API's user id rule: 1–120 characters.
fn check_user_id(user_id: &str) -> Result<(), ApiError> {
    let chars = user_id.chars().count();
    if (1..=120).contains(&chars) && !user_id.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(invalid_argument("userId", "must be 1 to 120 characters, with no control characters"))
    }
}

/// A validation error raised before anything is sent, shaped like the server's own.
pub(crate) fn invalid_argument(field: &str, message: &str) -> ApiError {
    ApiError::Validation {
        problem: Problem {
            status: 0,
            summary: Some("invalid request".to_owned()),
            errors: vec![FieldError {
                code: Some("invalid_request".to_owned()),
                message: format!("{field} {message}"),
                field: Some(field.to_owned()),
            }],
        },
    }
}

/// An id used as a path segment: the API's minimum is 8 characters; a sane maximum keeps junk out.
pub(crate) fn path_id<'a>(field: &str, id: &'a str) -> Result<&'a str, ApiError> {
    let id = id.trim();
    if (8..=256).contains(&id.chars().count()) && !id.chars().any(char::is_control) {
        Ok(id)
    } else {
        Err(invalid_argument(field, "must be 8 to 256 characters"))
    }
}
