//! The session broker: mints short-lived, scoped session tokens with the partner key and keeps one per
//! scope set, renewing it before it expires.
//!
//! There is no refresh endpoint; renewal is a new mint. A 401 on a Bearer call means the token died early
//! (revoked, server restarted, clock skew): the broker drops it, mints once more and retries the call once,
//! then reports. Minting card scopes for a user who is not yet approved answers 409 "kyc required";
//! [`SessionBroker::begin`] then falls back to the KYC-only scopes, as the vendor's example does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::models::sessions::{CreateSessionRequest, SessionInfo};
use crate::scopes::{self, ScopeSet};
use crate::secret::{PartnerKey, SessionToken};
use crate::transport::{Auth, Call, Transport};

/// Who the sessions are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub wallet_address: Option<String>,
}

/// A live session token and when to stop using it.
pub struct Session {
    token: SessionToken,
    pub session_id: String,
    /// The scopes the server says it granted.
    pub scopes: Vec<String>,
    renew_at: Instant,
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

pub struct SessionBroker {
    transport: Arc<Transport>,
    partner_key: PartnerKey,
    identity: Identity,
    cache: Mutex<HashMap<&'static str, Arc<Session>>>,
}

impl SessionBroker {
    pub(crate) fn new(transport: Arc<Transport>, partner_key: PartnerKey, identity: Identity) -> Self {
        Self { transport, partner_key, identity, cache: Mutex::new(HashMap::new()) }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// A usable session for `set`: the cached one, or a new one if there is none or it is due for renewal.
    /// The cache lock is held while minting so that concurrent callers share one mint.
    pub async fn session(&self, set: ScopeSet) -> Result<Arc<Session>, ApiError> {
        let mut cache = self.cache.lock().await;
        if let Some(session) = cache.get(set.name) {
            if Instant::now() < session.renew_at {
                return Ok(session.clone());
            }
        }
        let session = Arc::new(self.mint(set).await?);
        cache.insert(set.name, session.clone());
        Ok(session)
    }

    /// Tries to get card access; on 409 "kyc required" gets a KYC session instead and says so.
    pub async fn begin(&self) -> Result<Access, ApiError> {
        match self.session(scopes::CARDS).await {
            Ok(_) => Ok(Access::Full),
            Err(ApiError::InvalidState { problem }) if problem.mentions("kyc") => {
                self.session(scopes::KYC).await?;
                Ok(Access::KycOnly)
            }
            Err(other) => Err(other),
        }
    }

    /// Drops every cached token (sign out, environment switch, app lock). They are wiped as they drop.
    pub async fn clear(&self) {
        self.cache.lock().await.clear();
    }

    /// Forgets `stale` if it is still the cached session for `set`.
    async fn invalidate(&self, set: ScopeSet, stale: &Arc<Session>) {
        let mut cache = self.cache.lock().await;
        if cache.get(set.name).is_some_and(|current| Arc::ptr_eq(current, stale)) {
            cache.remove(set.name);
        }
    }

    async fn mint(&self, set: ScopeSet) -> Result<Session, ApiError> {
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
        let info: Envelope<SessionInfo> = self.transport.send(&call, Auth::Partner(&self.partner_key)).await?;
        let info = info.data;
        let requested = Duration::from_secs(u64::from(config.ttl_seconds()));
        // Trust the shorter of what we asked for and what the server says, so a server that grants less
        // (or a clock that disagrees) does not leave us holding a dead token.
        let lifetime = info.expires_at.as_deref().and_then(remaining).map_or(requested, |left| left.min(requested));
        let margin = config.renew_before.min(lifetime / 2);
        tracing::info!(scopes = set.name, session_id = %info.session_id, lifetime_s = lifetime.as_secs(), "session minted");
        Ok(Session {
            token: info.session_token,
            session_id: info.session_id,
            scopes: info.scopes,
            renew_at: minted_at + lifetime.saturating_sub(margin),
        })
    }

    /// Sends a Bearer call with a session for `set`; on 401 mints a new session and retries once.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        set: ScopeSet,
        call: Call<'_>,
    ) -> Result<Envelope<T>, ApiError> {
        let call = Call { scopes: if call.scopes.is_empty() { set.scopes } else { call.scopes }, ..call };
        let session = self.session(set).await?;
        match self.transport.send(&call, Auth::Bearer(&session.token)).await {
            Err(ApiError::Unauthorized { .. }) => {
                tracing::info!(scopes = set.name, "session refused; minting a new one");
                self.invalidate(set, &session).await;
                let fresh = self.session(set).await?;
                // A 401 means the call was not carried out, so resending it cannot do anything twice.
                self.transport.send(&call, Auth::Bearer(&fresh.token)).await
            }
            other => other,
        }
    }
}

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
