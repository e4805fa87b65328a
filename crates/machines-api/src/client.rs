//! The two handles callers use: [`Client`] for the partner-key calls and [`UserClient`] for everything a
//! user's session tokens unlock.
//!
//! A `Client` says in its type how it gets sessions: `Client<PartnerKey>` (the default) holds the partner
//! key and can make the partner-level calls; `Client<ViaGateway>` holds only the partner's gateway and the
//! person's sign-in, so code built on it cannot reach for a key it does not have. Both make the same
//! [`UserClient`].

use std::sync::Arc;

use crate::config::{BaseUrl, ClientConfig};
use crate::envelope::Envelope;
use crate::error::{ApiError, FieldError, Problem};
use crate::gateway::{AccessTokens, GatewayClient};
use crate::models::kyc::KycSchema;
use crate::models::sessions::{CreateSessionRequest, SessionInfo};
use crate::models::users::{ResolveUserRequest, ResolvedUser};
use crate::scopes::LearnedSpelling;
use crate::secret::PartnerKey;
use crate::session::{Identity, Minter, SessionBroker};
use crate::transport::{Auth, Call, Transport};

/// The client of one Machines API. `Via` is how it mints sessions: with the partner key (the default; the
/// key is never handed out) or through the partner's gateway ([`ViaGateway`]).
pub struct Client<Via = PartnerKey> {
    transport: Arc<Transport>,
    via: Via,
    spelling: Arc<LearnedSpelling>,
}

/// Sessions minted by the partner's gateway for the signed-in person. No partner key anywhere.
#[derive(Clone)]
pub struct ViaGateway {
    gateway: Arc<GatewayClient>,
    tokens: Arc<dyn AccessTokens>,
}

impl std::fmt::Debug for ViaGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViaGateway").field("gateway", &self.gateway).finish_non_exhaustive()
    }
}

impl<Via: std::fmt::Debug> std::fmt::Debug for Client<Via> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", self.base_url()).field("via", &self.via).finish_non_exhaustive()
    }
}

impl<Via> Client<Via> {
    pub fn base_url(&self) -> &BaseUrl {
        self.transport.base_url()
    }

    fn user_with(&self, minter: Minter, identity: Identity) -> Result<UserClient, ApiError> {
        check_user_id(&identity.user_id)?;
        let broker = SessionBroker::new(self.transport.clone(), minter, identity, self.spelling.clone());
        Ok(UserClient { broker })
    }
}

impl Client<ViaGateway> {
    /// A client whose sessions come from `gateway`, for the person `tokens` signs in. `config` is the
    /// Machines API the card calls go to; each session the gateway mints must be for that API.
    pub fn with_gateway(
        config: ClientConfig,
        gateway: GatewayClient,
        tokens: Arc<dyn AccessTokens>,
    ) -> Result<Self, ApiError> {
        let spelling = Arc::new(LearnedSpelling::new(config.card_scope_spelling));
        let via = ViaGateway { gateway: Arc::new(gateway), tokens };
        Ok(Self { transport: Arc::new(Transport::new(config)?), via, spelling })
    }

    /// The gateway, for the calls that are not sessions (`link`, `me`).
    pub fn gateway(&self) -> &GatewayClient {
        &self.via.gateway
    }

    /// A client for the linked user (`identity.user_id` is the gateway's `userId`), whose sessions the
    /// gateway mints as calls need them.
    pub fn user(&self, identity: Identity) -> Result<UserClient, ApiError> {
        let minter = Minter::Gateway { gateway: self.via.gateway.clone(), tokens: self.via.tokens.clone() };
        self.user_with(minter, identity)
    }
}

impl Client {
    pub fn new(config: ClientConfig, partner_key: PartnerKey) -> Result<Self, ApiError> {
        let spelling = Arc::new(LearnedSpelling::new(config.card_scope_spelling));
        Ok(Self { transport: Arc::new(Transport::new(config)?), via: partner_key, spelling })
    }

    /// `POST /users/resolve`: creates or links the partner's user and wallet. Safe to repeat.
    pub async fn resolve_user(&self, request: &ResolveUserRequest) -> Result<Envelope<ResolvedUser>, ApiError> {
        check_user_id(&request.user_id)?;
        let call = Call::post(vec!["users", "resolve"], request)?;
        self.transport.send(&call, Auth::Partner(&self.via)).await
    }

    /// `POST /sessions`: mints a session directly. Most callers want [`UserClient`], which does this for
    /// them per scope set; the returned token is a secret type and cannot be serialized.
    pub async fn create_session(&self, request: &CreateSessionRequest) -> Result<Envelope<SessionInfo>, ApiError> {
        check_user_id(&request.user_id)?;
        let call = Call::post(vec!["sessions"], request)?;
        self.transport.send(&call, Auth::Partner(&self.via)).await
    }

    /// `GET /kyc/schema`: the partner-level KYC field list.
    pub async fn kyc_schema(&self) -> Result<Envelope<KycSchema>, ApiError> {
        self.transport.send(&Call::get(vec!["kyc", "schema"]), Auth::Partner(&self.via)).await
    }

    /// A client for one user, minting that user's sessions as calls need them.
    pub fn user(&self, identity: Identity) -> Result<UserClient, ApiError> {
        self.user_with(Minter::PartnerKey(self.via.clone()), identity)
    }
}

/// Every Bearer endpoint, for one user. Endpoint methods live in `endpoints/`, one file per domain.
#[derive(Debug)]
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
            ..Problem::default()
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
