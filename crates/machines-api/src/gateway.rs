//! The partner's gateway (`crates/machines-gateway`), as the app calls it: sessions minted for the
//! signed-in person, so the app never holds a partner key.
//!
//! Every call carries the person's access token from the partner's OpenID Connect provider, which the
//! app gets through [`AccessTokens`]. The gateway answers in the Machines API's own envelope, so the same
//! transport reads it: no redirects, the body cap, timeouts, retries on 429/5xx with `Retry-After`, wiped
//! request bodies. Its refusals become [`ApiError`]s: a refused sign-in is
//! `Unauthorized { credential: SignIn }`, "no wallet linked yet" a 409 whose gate is
//! [`StateGate::NotLinked`](crate::StateGate::NotLinked), "busy" `RateLimited` (or a 503 `Server`) with
//! the wait, "down" `Network`; each of them says it is the gateway's ([`Service::Gateway`]), by the
//! partner's name when the client was [`named`](GatewayClient::named).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::{BaseUrl, ClientConfig};
use crate::envelope::Envelope;
use crate::error::{ApiError, Service};
use crate::scopes::{self, ScopeSet};
use crate::secret::{SecretString, SessionToken};
use crate::transport::{Auth, Call, Transport};

/// What a gateway session is for. The gateway chooses the scopes; the app names only the purpose. One type
/// for both sides of the wire: the app sends it, `machines-gateway` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Identity verification and agreements (the KYC scopes).
    Onboarding,
    /// Cards, their labels and secrets.
    Cards,
    /// Deposits and withdrawals.
    Funding,
    /// Transaction history.
    Activity,
}

impl Purpose {
    pub fn name(self) -> &'static str {
        match self {
            Self::Onboarding => "onboarding",
            Self::Cards => "cards",
            Self::Funding => "funding",
            Self::Activity => "activity",
        }
    }

    /// The purpose whose session carries `set`'s scopes. Withdrawals are part of funding: the gateway's
    /// funding session holds `withdrawals.write` too. Both spellings of the card session are cards.
    pub fn for_scopes(set: ScopeSet) -> Option<Self> {
        match set {
            s if s == scopes::KYC => Some(Self::Onboarding),
            s if s == scopes::CARDS || s == scopes::CARDS_GUIDE => Some(Self::Cards),
            s if s == scopes::FUNDING || s == scopes::WITHDRAWALS => Some(Self::Funding),
            s if s == scopes::TRANSACTIONS => Some(Self::Activity),
            _ => None,
        }
    }
}

/// What [`AccessTokens`] hands back.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<SecretString, ApiError>> + Send + 'a>>;

/// The signed-in person's access tokens, as the app holds them (the app's sign-in implements this; the
/// refresh token stays on its side). Boxed futures keep the trait usable as `Arc<dyn AccessTokens>`.
pub trait AccessTokens: Send + Sync + 'static {
    /// The current access token.
    fn access_token(&self) -> TokenFuture<'_>;

    /// A new access token, asked for once when the gateway refused the current one (expired, revoked).
    /// When the sign-in cannot be renewed (the refresh token was refused, or there is none) this answers
    /// `Unauthorized { credential: Credential::SignIn, .. }`: the person signs in again.
    fn refresh(&self) -> TokenFuture<'_>;
}

/// `data` of `POST /v1/session`. Holds the token, so it has no `Serialize` and prints it redacted.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySession {
    pub session_token: SessionToken,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The Machines API the token is for; the app refuses a session for any other.
    pub api_base_url: String,
    pub user_id: String,
    /// The purpose the session serves: the one asked for, or `onboarding` when KYC is not approved yet.
    #[serde(default)]
    pub purpose: Option<String>,
    /// True when the purpose asked for needs an approved KYC and an onboarding session came instead.
    #[serde(default)]
    pub kyc_required: bool,
}

/// A signed-in person's link to a wallet and its Machines user (`POST /v1/link`, `GET /v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub user_id: String,
    pub wallet_address: String,
    #[serde(default)]
    pub wallet_label: Option<String>,
    #[serde(default)]
    pub linked_at_ms: Option<i64>,
}

/// `data` of `GET /v1/me`: who the token says the person is, and their link if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub issuer: String,
    pub subject: String,
    pub linked: bool,
    #[serde(default)]
    pub link: Option<Link>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkRequest<'a> {
    wallet_address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wallet_label: Option<&'a str>,
}

#[derive(Serialize)]
struct SessionRequest {
    purpose: Purpose,
}

/// The gateway's client. Holds no credential: each call is given the person's access token.
pub struct GatewayClient {
    transport: Transport,
    /// Who answers: every error this client returns says it came from the partner's gateway.
    service: Service,
}

impl GatewayClient {
    /// A client for the gateway at `url` (e.g. `https://wallet-gateway.example.com`), with `http`'s
    /// timeouts, retries and body cap. The same URL rules as the API's: https, or http on loopback only.
    pub fn new(url: &str, http: &ClientConfig) -> Result<Self, ApiError> {
        let config = ClientConfig { base_url: routes_base(url)?, ..http.clone() };
        Ok(Self { transport: Transport::new(config)?, service: Service::Gateway { partner: None } })
    }

    /// The same client, its failures named for `partner` (the name in the partner's config, "Acme Pay"):
    /// "Acme Pay's gateway is busy" rather than a nameless partner's.
    pub fn named(self, partner: &str) -> Self {
        let partner = Some(partner.trim().to_owned()).filter(|name| !name.is_empty());
        Self { service: Service::Gateway { partner }, ..self }
    }

    /// Which service this client's errors name.
    pub fn service(&self) -> &Service {
        &self.service
    }

    async fn send<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        access_token: &SecretString,
    ) -> Result<Envelope<T>, ApiError> {
        self.transport.send(call, Auth::SignIn(access_token)).await.map_err(|error| error.given_by(&self.service))
    }

    /// The base of the gateway's `/v1` routes.
    pub fn base_url(&self) -> &BaseUrl {
        self.transport.base_url()
    }

    /// `POST /v1/link`: links the signed-in person to `wallet_address` (once; the same wallet again answers
    /// the stored link). Safe to repeat.
    pub async fn link(
        &self,
        access_token: &SecretString,
        wallet_address: &str,
        label: Option<&str>,
    ) -> Result<Envelope<Link>, ApiError> {
        let call = Call::post(vec!["link"], &LinkRequest { wallet_address, wallet_label: label })?;
        self.send(&call, access_token).await
    }

    /// `POST /v1/session {purpose}`: a Machines session for the linked user. Safe to repeat: another mint.
    pub async fn session(
        &self,
        access_token: &SecretString,
        purpose: Purpose,
    ) -> Result<Envelope<GatewaySession>, ApiError> {
        let call = Call::post(vec!["session"], &SessionRequest { purpose })?;
        self.send(&call, access_token).await
    }

    /// `GET /v1/me`: the person as the gateway sees them, and their link.
    pub async fn me(&self, access_token: &SecretString) -> Result<Envelope<Me>, ApiError> {
        self.send(&Call::get(vec!["me"]), access_token).await
    }
}

impl fmt::Debug for GatewayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayClient").field("url", self.base_url()).field("service", &self.service).finish()
    }
}

/// `url` with `/v1` appended: the routes' common base, under [`BaseUrl`]'s rules. Appending first means a
/// query, fragment or user name in `url` is still refused, and the path is never empty, so `BaseUrl` does
/// not give it the API's `/partner/v1`.
fn routes_base(url: &str) -> Result<BaseUrl, ApiError> {
    let trimmed = url.trim().trim_end_matches('/');
    BaseUrl::parse(&format!("{trimmed}/v1")).map_err(|e| ApiError::config(format!("The gateway URL: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_set_the_client_uses_has_a_purpose() {
        assert_eq!(Purpose::for_scopes(scopes::KYC), Some(Purpose::Onboarding));
        assert_eq!(Purpose::for_scopes(scopes::CARDS), Some(Purpose::Cards));
        assert_eq!(Purpose::for_scopes(scopes::CARDS_GUIDE), Some(Purpose::Cards));
        assert_eq!(Purpose::for_scopes(scopes::FUNDING), Some(Purpose::Funding));
        assert_eq!(Purpose::for_scopes(scopes::WITHDRAWALS), Some(Purpose::Funding));
        assert_eq!(Purpose::for_scopes(scopes::TRANSACTIONS), Some(Purpose::Activity));
        let other = ScopeSet { name: "users", scopes: &["users.read"] };
        assert_eq!(Purpose::for_scopes(other), None);
        assert_eq!(serde_json::to_value(SessionRequest { purpose: Purpose::Activity }).unwrap()["purpose"], "activity");
    }

    #[test]
    fn the_gateway_url_gets_its_routes_base() {
        for (given, base) in [
            ("https://gw.example.com", "https://gw.example.com/v1"),
            ("https://gw.example.com/", "https://gw.example.com/v1"),
            ("https://example.com/gateway/", "https://example.com/gateway/v1"),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787/v1"),
        ] {
            assert_eq!(routes_base(given).unwrap().to_string(), base, "{given}");
        }
        for bad in ["http://gw.example.com", "https://gw.example.com/?a=1", "https://u:p@gw.example.com", "gw"] {
            let error = routes_base(bad).unwrap_err();
            assert_eq!(error.code(), "config", "{bad}");
            assert!(error.to_string().contains("gateway URL"), "{error}");
        }
    }

    #[test]
    fn a_session_answer_parses_and_prints_no_token() {
        let body = r#"{"ok":true,"summary":"cards session minted","errors":[],"data":{
            "sessionToken":"eyJhbGciOi.gateway.sig","expiresAt":"2026-01-16T16:47:52.000Z",
            "scopes":["kyc.read","kyc.write"],"apiBaseUrl":"http://127.0.0.1:4010/partner/v1","userId":"gw_1",
            "purpose":"onboarding","kycRequired":true}}"#;
        let session = crate::envelope::parse_response::<GatewaySession>(200, body.as_bytes()).unwrap().data;
        assert!(session.kyc_required);
        assert_eq!(session.purpose.as_deref(), Some("onboarding"));
        assert_eq!(session.session_token.expose(), "eyJhbGciOi.gateway.sig");
        assert!(!format!("{session:?}").contains("eyJ"));
    }

    #[test]
    fn the_gateways_refusals_keep_their_codes() {
        let refusal = |status: u16, code: &str| {
            let body = format!(
                r#"{{"ok":false,"data":null,"summary":"s","errors":[{{"code":"{code}","message":"m","field":null}}]}}"#
            );
            crate::envelope::parse_response::<Me>(status, body.as_bytes()).unwrap_err()
        };
        assert_eq!(refusal(409, "not_linked").gate(), Some(crate::StateGate::NotLinked));
        assert_eq!(refusal(409, "already_linked").api_code(), Some("already_linked"));
        assert_eq!(refusal(429, "rate_limited").code(), "rate_limited");
        assert_eq!(refusal(503, "upstream_unavailable").code(), "server");
    }
}
