//! The session broker: mints short-lived, scoped session tokens and keeps one per scope set, renewing it
//! before it expires. It mints through a [`Minter`]: the partner key (`POST /sessions`), or the partner's
//! gateway for the signed-in person (`POST /v1/session {purpose}`), in which case the app holds no key.
//!
//! There is no refresh endpoint; renewal is a new mint. A 401 on a Bearer call means the token died early
//! (revoked, server restarted, clock skew): the broker drops it, mints once more and retries the call once,
//! then reports. Minting card scopes for a user who is not yet approved answers 409 "kyc required";
//! [`SessionBroker::begin`] then falls back to the KYC-only scopes, as the vendor's example does. The
//! gateway does that fallback itself and says so (`kycRequired`); the broker reads it as the same 409.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::envelope::Envelope;
use crate::error::{ApiError, Credential, FieldError, Problem, StateGate};
use crate::gateway::{AccessTokens, GatewayClient, GatewaySession, Purpose};
use crate::models::sessions::{CreateSessionRequest, SessionInfo};
use crate::scopes::{self, LearnedSpelling, ScopeSet};
use crate::secret::{PartnerKey, SessionToken};
use crate::transport::{Auth, Call, Transport};
use crate::BaseUrl;

/// Who the sessions are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub wallet_address: Option<String>,
}

/// A live session token and when to stop using it.
pub struct Session {
    token: SessionToken,
    /// The server's id for the session; the gateway does not pass it on.
    pub session_id: Option<String>,
    /// The scopes the server says it granted.
    pub scopes: Vec<String>,
    renew_at: Instant,
    expires_at: Instant,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("session_id", &self.session_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// What [`SessionBroker::begin`] could get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The user is approved: card sessions can be minted.
    Full,
    /// The server said "kyc required": only the KYC scopes are available for now.
    KycOnly,
}

/// One scope set's cached session. Each set has its own lock, so a slow mint for cards does not hold up
/// a KYC call.
type Slot = Arc<Mutex<Option<Arc<Session>>>>;

/// How sessions are minted.
#[derive(Clone)]
pub(crate) enum Minter {
    /// `POST /sessions` with the partner key.
    PartnerKey(PartnerKey),
    /// `POST /v1/session` on the partner's gateway, with the signed-in person's access token.
    Gateway { gateway: Arc<GatewayClient>, tokens: Arc<dyn AccessTokens> },
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PartnerKey(key) => f.debug_tuple("PartnerKey").field(key).finish(),
            Self::Gateway { gateway, .. } => {
                f.debug_struct("Gateway").field("gateway", gateway).finish_non_exhaustive()
            }
        }
    }
}

pub struct SessionBroker {
    transport: Arc<Transport>,
    minter: Minter,
    identity: Identity,
    slots: std::sync::Mutex<HashMap<&'static str, Slot>>,
    /// Bumped by `clear()`: a mint that started before a sign-out is not cached after it.
    generation: AtomicU64,
    /// How this server wants the card session's encryption scopes spelled, as far as we know.
    spelling: Arc<LearnedSpelling>,
}

/// Names how it mints and for whom; the tokens and the key print as nothing or `[redacted]`.
impl std::fmt::Debug for SessionBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionBroker")
            .field("api", self.transport.base_url())
            .field("minter", &self.minter)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl SessionBroker {
    pub(crate) fn new(
        transport: Arc<Transport>,
        minter: Minter,
        identity: Identity,
        spelling: Arc<LearnedSpelling>,
    ) -> Self {
        Self {
            transport,
            minter,
            identity,
            slots: std::sync::Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            spelling,
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub(crate) fn transport_config(&self) -> &crate::config::ClientConfig {
        self.transport.config()
    }

    fn slot(&self, set: ScopeSet) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.entry(set.name).or_default().clone()
    }

    /// A usable session for `set`: the cached one, or a new one if there is none or it is due for renewal.
    /// The set's lock is held while minting so that concurrent callers share one mint. If renewal fails
    /// while the old token is still alive, the old token is used.
    /// The card session is minted in the spelling of the encryption scopes this server accepts.
    pub async fn session(&self, set: ScopeSet) -> Result<Arc<Session>, ApiError> {
        self.session_as(self.spelling.get().apply(set)).await
    }

    async fn session_as(&self, set: ScopeSet) -> Result<Arc<Session>, ApiError> {
        let slot = self.slot(set);
        let mut cached = slot.lock().await;
        let now = Instant::now();
        if let Some(session) = cached.as_ref().filter(|s| now < s.renew_at) {
            return Ok(session.clone());
        }
        let generation = self.generation.load(Ordering::SeqCst);
        match self.mint(set).await {
            Ok(session) => {
                let session = Arc::new(session);
                if self.generation.load(Ordering::SeqCst) == generation {
                    *cached = Some(session.clone());
                }
                Ok(session)
            }
            Err(err) => match cached.as_ref().filter(|s| Instant::now() < s.expires_at) {
                Some(still_alive) => {
                    tracing::warn!(scopes = set.name, code = err.code(), "renewal failed; using the current session");
                    Ok(still_alive.clone())
                }
                None => Err(err),
            },
        }
    }

    /// Tries to get card access; on a 409 whose gate is KYC ("kyc required") gets a KYC session instead
    /// and says so.
    pub async fn begin(&self) -> Result<Access, ApiError> {
        match self.session(scopes::CARDS).await {
            Ok(_) => Ok(Access::Full),
            Err(ApiError::InvalidState { gate: StateGate::KycRequired, .. }) => {
                self.session(scopes::KYC).await?;
                Ok(Access::KycOnly)
            }
            Err(other) => Err(other),
        }
    }

    /// Drops every cached token (sign out, environment switch, app lock). They are wiped as they drop, and
    /// a mint still in flight is not cached.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// Forgets `stale` if it is still the cached session for `set`.
    async fn invalidate(&self, set: ScopeSet, stale: &Arc<Session>) {
        let slot = self.slot(set);
        let mut cached = slot.lock().await;
        if cached.as_ref().is_some_and(|current| Arc::ptr_eq(current, stale)) {
            *cached = None;
        }
    }

    async fn mint(&self, set: ScopeSet) -> Result<Session, ApiError> {
        match &self.minter {
            Minter::PartnerKey(key) => self.mint_with_key(key, set).await,
            Minter::Gateway { gateway, tokens } => self.mint_through(gateway, tokens.as_ref(), set).await,
        }
    }

    async fn mint_with_key(&self, key: &PartnerKey, set: ScopeSet) -> Result<Session, ApiError> {
        let config = self.transport.config();
        let request = CreateSessionRequest {
            user_id: self.identity.user_id.clone(),
            scopes: set.to_vec(),
            wallet_address: self.identity.wallet_address.clone(),
            ttl_seconds: Some(config.ttl_seconds()),
            session_label: None,
        };
        let minted_at = Instant::now();
        let call = Call::post(vec!["sessions"], &request)?;
        let info: Envelope<SessionInfo> = self.transport.send(&call, Auth::Partner(key)).await?;
        let info = info.data;
        tracing::info!(scopes = set.name, session_id = %info.session_id, "session minted");
        Ok(self.session_from(minted_at, info.session_token, Some(info.session_id), info.scopes, info.expires_at))
    }

    /// Asks the gateway for the purpose that covers `set`. A refused sign-in is renewed once through
    /// `tokens`. The session must be for this client's API and user; an onboarding session given instead
    /// of another purpose (KYC not approved) is kept for the KYC calls, and this mint fails as
    /// `POST /sessions` would, with a 409 "kyc required".
    async fn mint_through(
        &self,
        gateway: &GatewayClient,
        tokens: &dyn AccessTokens,
        set: ScopeSet,
    ) -> Result<Session, ApiError> {
        let purpose = Purpose::for_scopes(set)
            .ok_or_else(|| ApiError::config(format!("The gateway has no session for the {} scopes", set.name)))?;
        let (minted_at, generation) = (Instant::now(), self.generation.load(Ordering::SeqCst));
        let access = tokens.access_token().await?;
        let answer = match gateway.session(&access, purpose).await {
            Err(ApiError::Unauthorized { credential: Credential::SignIn, .. }) => {
                tracing::info!(purpose = purpose.name(), "sign-in refused by the gateway; renewing it once");
                drop(access);
                let renewed = tokens.refresh().await?;
                gateway.session(&renewed, purpose).await?
            }
            other => other?,
        };
        let (summary, minted) = (answer.summary, answer.data);
        self.check_minted(&minted)?;
        let fell_back = minted.kyc_required && purpose != Purpose::Onboarding;
        tracing::info!(purpose = purpose.name(), kyc_required = minted.kyc_required, "session minted by the gateway");
        let session = self.session_from(minted_at, minted.session_token, None, minted.scopes, minted.expires_at);
        if !fell_back {
            return Ok(session);
        }
        // The KYC slot is filled only if no one holds it (a KYC mint in flight will have its own token) and
        // no `clear()` came in between (a sign-out must not find a token cached after it).
        if let Ok(mut kyc) = self.slot(scopes::KYC).try_lock() {
            if self.generation.load(Ordering::SeqCst) == generation {
                *kyc = Some(Arc::new(session));
            }
        }
        Err(ApiError::invalid_state(Problem {
            status: 409,
            summary: Some(summary),
            errors: vec![FieldError {
                code: Some("kyc_required".to_owned()),
                message: format!("kyc required: an onboarding session came instead of {}", purpose.name()),
                field: None,
            }],
            ..Problem::default()
        }))
    }

    /// A gateway must not send the app's card calls to another API, nor hand it another user's session.
    fn check_minted(&self, minted: &GatewaySession) -> Result<(), ApiError> {
        let api = BaseUrl::parse(&minted.api_base_url).ok();
        if api.as_ref() != Some(self.transport.base_url()) {
            return Err(ApiError::config(format!(
                "The gateway minted a session for another Machines API ({}) than this app uses ({})",
                minted.api_base_url.chars().take(200).collect::<String>(),
                self.transport.base_url()
            )));
        }
        if minted.user_id != self.identity.user_id {
            return Err(ApiError::config("The gateway minted a session for another user than this one"));
        }
        Ok(())
    }

    /// The cached form of a minted token.
    fn session_from(
        &self,
        minted_at: Instant,
        token: SessionToken,
        session_id: Option<String>,
        scopes: Vec<String>,
        expires_at: Option<String>,
    ) -> Session {
        let config = self.transport.config();
        let requested = Duration::from_secs(u64::from(config.ttl_seconds()));
        // Trust the shorter of what we asked for and what the server says, so a server that grants less does
        // not leave us holding a dead token: a 20 s session is used as a 20 s session, and renewed at half
        // its life. Only an expiry already past by our clock (a clock running ahead of the server's) is read
        // as a short life instead of zero, so each call does not mint; the 401 path covers it.
        let lifetime = expires_at.as_deref().and_then(remaining).map_or(requested, |left| {
            if left.is_zero() {
                PAST_EXPIRY_LIFETIME
            } else {
                left.min(requested)
            }
        });
        let margin = config.renew_before.min(lifetime / 2);
        tracing::debug!(lifetime_s = lifetime.as_secs(), "session life");
        Session {
            token,
            session_id,
            scopes,
            renew_at: minted_at + lifetime.saturating_sub(margin),
            expires_at: minted_at + lifetime,
        }
    }

    /// Sends a Bearer call with a session for `set`; on 401 mints a new session and retries once.
    ///
    /// A 403 on `/encryption/*` with the card session may mean this server spells the encryption scopes the
    /// other way (`crypto.*` in the guide, `encryption.*` in the reference): the call is sent once more with
    /// a session minted in the other spelling, and if that works, the spelling is kept for every later
    /// mint. A 403 refuses the call before it is carried out, so resending it cannot do anything twice.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        set: ScopeSet,
        call: Call<'_>,
    ) -> Result<Envelope<T>, ApiError> {
        let call = Call { scopes: if call.scopes.is_empty() { set.scopes } else { call.scopes }, ..call };
        let spelling = self.spelling.get();
        let (spelled, respelled) = (spelling.apply(set), spelling.other().apply(set));
        match self.call_as(spelled, &call).await {
            Err(refused @ ApiError::Forbidden { .. })
                if respelled != spelled && call.path.first() == Some(&"encryption") =>
            {
                tracing::info!(
                    scopes = spelled.name,
                    other = respelled.name,
                    "scope refused; trying the other spelling"
                );
                match self.call_as(respelled, &call).await {
                    Ok(answer) => {
                        self.spelling.set(spelling.other());
                        tracing::info!(scopes = respelled.name, "this server accepts the other scope spelling");
                        Ok(answer)
                    }
                    Err(error) if error.is_transient() => Err(error),
                    // Neither spelling is accepted (or the other one cannot be minted): the first refusal
                    // names the scope the person's account lacks.
                    Err(_) => Err(refused),
                }
            }
            other => other,
        }
    }

    async fn call_as<T: DeserializeOwned>(&self, set: ScopeSet, call: &Call<'_>) -> Result<Envelope<T>, ApiError> {
        let session = self.session_as(set).await?;
        match self.transport.send(call, Auth::Bearer(&session.token)).await {
            Err(ApiError::Unauthorized { .. }) => {
                tracing::info!(scopes = set.name, "session refused; minting a new one");
                self.invalidate(set, &session).await;
                let fresh = self.session_as(set).await?;
                // A 401 means the call was not carried out, so resending it cannot do anything twice.
                self.transport.send(call, Auth::Bearer(&fresh.token)).await
            }
            other => other,
        }
    }
}

/// The life given to a session whose `expiresAt` has passed by our clock when it arrives.
const PAST_EXPIRY_LIFETIME: Duration = Duration::from_secs(2);

/// Time left until an ISO-8601 `expiresAt`, or `None` if it can't be read.
fn remaining(expires_at: &str) -> Option<Duration> {
    let when = OffsetDateTime::parse(expires_at.trim(), &Rfc3339).ok()?;
    let left = when - OffsetDateTime::now_utc();
    Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_reads_the_guides_format() {
        let soon = OffsetDateTime::now_utc() + time::Duration::seconds(300);
        let text = soon.format(&Rfc3339).unwrap();
        let left = remaining(&text).unwrap();
        assert!(left > Duration::from_secs(290) && left <= Duration::from_secs(300), "{left:?}");
        assert_eq!(remaining("2026-01-16T16:47:52.000Z").map(|d| d.is_zero()), Some(true));
        assert_eq!(remaining("tomorrow"), None);
    }
}
