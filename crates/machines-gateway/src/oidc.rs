//! Who is asking: the end user's access token from the partner's OpenID Connect provider, verified here.
//!
//! The keys come from the issuer's discovery document (`/.well-known/openid-configuration` → `jwks_uri`)
//! and are cached. A token names its key by `kid`; an unknown `kid` refetches the key set, at most once per
//! `refetch_interval` (a minute by default), so a stream of made-up `kid`s cannot turn the gateway into a
//! load generator against the provider.
//!
//! The algorithm is the KEY's, never the token's: each published key fixes one asymmetric algorithm (its
//! JWK `alg`, or the one its `kty`/`crv` implies), and a token whose header names another algorithm is
//! refused before any signature check. So `alg: none` and the old trick of an HS256 token "signed" with
//! the RSA public key's bytes both fail, and symmetric (`oct`) keys are never loaded at all.

use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

/// Clock skew forgiven on `exp` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);
/// The least time between two fetches of the key set.
pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// A discovery document or key set is a few kilobytes; anything much larger is not one.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// Access tokens are a few hundred bytes to a few kilobytes; a bigger one is refused before parsing.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Only signatures made with a private key are accepted.
const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The signed-in end user: who vouched for them, and their id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub issuer: String,
    pub subject: String,
}

/// How strict the checks are; the defaults are the (30 s leeway, one refetch a minute).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub leeway: Duration,
    pub refetch_interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { leeway: DEFAULT_LEEWAY, refetch_interval: DEFAULT_REFETCH_INTERVAL }
    }
}

/// Why a token was refused, or why the provider could not be asked. `code()` is stable; Display is for
/// people and never quotes the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("no access token was sent; sign in and send it as a Bearer token")]
    Missing,
    #[error("the access token is not a well-formed signed JWT: {reason}")]
    Malformed { reason: String },
    #[error("the access token's signature does not verify")]
    Signature,
    #[error("the access token has expired; sign in again")]
    Expired,
    #[error("the access token is not valid yet")]
    NotYetValid,
    #[error("the access token was issued by another issuer than this gateway trusts")]
    Issuer,
    #[error("the access token was issued for another audience than this gateway")]
    Audience,
    #[error("the access token's algorithm {alg} is not accepted for its key")]
    Algorithm { alg: String },
    #[error("the access token was signed with a key the provider does not publish")]
    UnknownKey,
    #[error("the sign-in provider could not be asked for its keys: {reason}")]
    Unavailable { reason: String },
}

impl OidcError {
    /// A stable machine code per variant, for the response envelope and the metrics.
    pub fn code(&self) -> &'static str {
        match self {
            OidcError::Missing => "token_missing",
            OidcError::Malformed { .. } => "token_malformed",
            OidcError::Signature => "token_signature",
            OidcError::Expired => "token_expired",
            OidcError::NotYetValid => "token_not_yet_valid",
            OidcError::Issuer => "token_issuer",
            OidcError::Audience => "token_audience",
            OidcError::Algorithm { .. } => "token_algorithm",
            OidcError::UnknownKey => "token_unknown_key",
            OidcError::Unavailable { .. } => "oidc_unavailable",
        }
    }

    /// True when the fault is the provider's (answer 503), not the token's (answer 401).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, OidcError::Unavailable { .. })
    }
}

/// Verifies access tokens for one issuer and audience. Cheap to clone: the key cache is shared.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    jwks_uri: Url,
    http: reqwest::Client,
    options: Options,
    /// Read on every request, replaced whole on a refetch; never held across an await.
    keys: RwLock<Arc<Vec<VerifyingKey>>>,
    /// When the key set was last fetched. Holding this lock is what makes one task do a refetch while
    /// the others wait for its result instead of fetching too.
    last_fetch: tokio::sync::Mutex<Instant>,
}

struct VerifyingKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

#[derive(Deserialize)]
struct KeySetDocument {
    keys: Vec<serde_json::Value>,
}

/// The two header fields read before choosing a key; parsed here rather than by `jsonwebtoken` so
/// that an algorithm it does not know (`none`) is reported as an algorithm refusal, not as bad JSON.
#[derive(Deserialize)]
struct PeekedHeader {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
}

impl Verifier {
    /// Reads the issuer's discovery document and key set, with the default options.
    pub async fn discover(issuer: &str, audience: &str, http: reqwest::Client) -> Result<Verifier, OidcError> {
        Verifier::discover_with(issuer, audience, http, Options::default()).await
    }

    /// As [`Verifier::discover`], with the leeway and refetch interval chosen (tests shorten the latter).
    pub async fn discover_with(
        issuer: &str,
        audience: &str,
        http: reqwest::Client,
        options: Options,
    ) -> Result<Verifier, OidcError> {
        let discovery_url = Url::parse(&format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')))
            .map_err(|e| unavailable(format!("the issuer {issuer:?} is not a URL ({e})")))?;
        let discovery: Discovery = get_json(&http, &discovery_url).await?;
        // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer it was fetched for,
        // or tokens signed by one issuer's keys could pass as another's.
        if discovery.issuer != issuer {
            return Err(unavailable(format!(
                "the discovery document names the issuer {:?}, not {issuer:?}",
                discovery.issuer
            )));
        }
        let jwks_uri = Url::parse(&discovery.jwks_uri)
            .map_err(|e| unavailable(format!("the discovery document's jwks_uri is not a URL ({e})")))?;
        if !same_or_stronger_scheme(&discovery_url, &jwks_uri) {
            return Err(unavailable(format!(
                "the discovery document sends the keys over {} from an https issuer",
                jwks_uri.scheme()
            )));
        }
        let keys = fetch_keys(&http, &jwks_uri).await?;
        Ok(Verifier {
            inner: Arc::new(Inner {
                issuer: issuer.to_owned(),
                audience: audience.to_owned(),
                jwks_uri,
                http,
                options,
                keys: RwLock::new(Arc::new(keys)),
                last_fetch: tokio::sync::Mutex::new(Instant::now()),
            }),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// Checks the token's signature, algorithm, issuer, audience and validity window, and says who it names.
    pub async fn verify(&self, bearer_token: &str) -> Result<Subject, OidcError> {
        let token = bearer_token.trim();
        if token.is_empty() {
            return Err(OidcError::Missing);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(malformed(format!("longer than {MAX_TOKEN_BYTES} bytes")));
        }
        let header = peek_header(token)?;
        let keys = match self.cached_key(header.kid.as_deref()) {
            Some(keys) => keys,
            None => self.refetch_for(header.kid.as_deref()).await?,
        };
        // The key set may hold several keys under one kid (say RS256 and PS256 for one RSA key); use the
        // one whose algorithm the header names, and refuse when none matches.
        let key = keys
            .iter()
            .filter(|k| kid_matches(k, header.kid.as_deref(), keys.len()))
            .find(|k| k.algorithm == header.algorithm)
            .ok_or_else(|| OidcError::Algorithm { alg: header.alg.clone() })?;

        let mut validation = Validation::new(key.algorithm);
        validation.leeway = self.inner.options.leeway.as_secs();
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.inner.issuer]);
        validation.set_audience(&[&self.inner.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(from_jwt)?;
        if data.claims.sub.is_empty() {
            return Err(malformed("its subject (sub) is empty".to_owned()));
        }
        Ok(Subject { issuer: data.claims.iss, subject: data.claims.sub })
    }

    /// The cached keys, when one of them answers to `kid`.
    fn cached_key(&self, kid: Option<&str>) -> Option<Arc<Vec<VerifyingKey>>> {
        let keys = self.inner.keys.read().unwrap_or_else(PoisonError::into_inner).clone();
        keys.iter().any(|k| kid_matches(k, kid, keys.len())).then_some(keys)
    }

    /// Fetches the key set again for a `kid` the cache lacks, unless it was fetched less than
    /// `refetch_interval` ago.
    async fn refetch_for(&self, kid: Option<&str>) -> Result<Arc<Vec<VerifyingKey>>, OidcError> {
        let mut last_fetch = self.inner.last_fetch.lock().await;
        // Another request may have refetched while this one waited for the lock.
        if let Some(keys) = self.cached_key(kid) {
            return Ok(keys);
        }
        if last_fetch.elapsed() < self.inner.options.refetch_interval {
            return Err(OidcError::UnknownKey);
        }
        // A failed fetch counts too: a provider that is down is not asked again on every request.
        *last_fetch = Instant::now();
        let fetched = fetch_keys(&self.inner.http, &self.inner.jwks_uri).await?;
        *self.inner.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(fetched);
        drop(last_fetch);
        self.cached_key(kid).ok_or(OidcError::UnknownKey)
    }
}

/// The routes ask "who is this?" through [`crate::auth::TokenVerifier`]; this is the real answer.
impl crate::auth::TokenVerifier for Verifier {
    fn verify<'a>(&'a self, bearer_token: &'a str) -> crate::auth::VerifyFuture<'a> {
        Box::pin(async move {
            Verifier::verify(self, bearer_token)
                .await
                .map(|s| crate::auth::Caller { issuer: s.issuer, subject: s.subject })
                .map_err(|e| crate::auth::Refusal {
                    code: e.code(),
                    message: e.to_string(),
                    unavailable: e.is_unavailable(),
                })
        })
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .field("jwks_uri", &self.inner.jwks_uri.as_str())
            .finish_non_exhaustive()
    }
}

/// A token without a `kid` is accepted only when the issuer publishes a single key, so there is no choice.
fn kid_matches(key: &VerifyingKey, kid: Option<&str>, set_len: usize) -> bool {
    match kid {
        Some(kid) => key.kid.as_deref() == Some(kid),
        None => set_len == 1,
    }
}

struct Header {
    alg: String,
    algorithm: Algorithm,
    kid: Option<String>,
}

fn peek_header(token: &str) -> Result<Header, OidcError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("not three dot-separated parts".to_owned()));
    };
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed("its header is not base64url".to_owned()))?;
    let peeked: PeekedHeader = serde_json::from_slice(&bytes)
        .map_err(|_| malformed("its header is not a JSON object with an alg".to_owned()))?;
    let algorithm = Algorithm::from_str(&peeked.alg)
        .ok()
        .filter(|a| ASYMMETRIC.contains(a))
        .ok_or_else(|| OidcError::Algorithm { alg: peeked.alg.clone() })?;
    Ok(Header { alg: peeked.alg, algorithm, kid: peeked.kid })
}

fn from_jwt(error: jsonwebtoken::errors::Error) -> OidcError {
    match error.kind() {
        ErrorKind::InvalidSignature => OidcError::Signature,
        ErrorKind::ExpiredSignature => OidcError::Expired,
        ErrorKind::ImmatureSignature => OidcError::NotYetValid,
        ErrorKind::InvalidIssuer => OidcError::Issuer,
        ErrorKind::InvalidAudience => OidcError::Audience,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            OidcError::Algorithm { alg: "(mismatched)".to_owned() }
        }
        ErrorKind::MissingRequiredClaim(claim) => malformed(format!("it has no {claim} claim")),
        // Said in words rather than by the library's message, which may quote a claim's value.
        ErrorKind::Base64(_) => malformed("a part is not base64url".to_owned()),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
            malformed("its claims are not a JSON object of the expected types".to_owned())
        }
        _ => malformed("it could not be decoded".to_owned()),
    }
}

async fn fetch_keys(http: &reqwest::Client, jwks_uri: &Url) -> Result<Vec<VerifyingKey>, OidcError> {
    let document: KeySetDocument = get_json(http, jwks_uri).await?;
    let keys: Vec<VerifyingKey> = document.keys.into_iter().filter_map(usable_key).collect();
    if keys.is_empty() {
        return Err(unavailable(format!("{jwks_uri} publishes no usable signing key")));
    }
    Ok(keys)
}

/// A published key the gateway will verify with, or None for one it skips: encryption keys, symmetric
/// keys, and kinds this crate does not know. One odd key does not make the whole set unusable.
fn usable_key(value: serde_json::Value) -> Option<VerifyingKey> {
    let jwk: Jwk = serde_json::from_value(value).ok()?;
    if matches!(jwk.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature) {
        return None;
    }
    let algorithm = match jwk.common.key_algorithm {
        Some(alg) => signing_algorithm(alg)?,
        None => implied_algorithm(&jwk.algorithm)?,
    };
    if !ASYMMETRIC.contains(&algorithm) || !key_fits(&jwk.algorithm, algorithm) {
        return None;
    }
    let key = DecodingKey::from_jwk(&jwk).ok()?;
    Some(VerifyingKey { kid: jwk.common.key_id, algorithm, key })
}

fn signing_algorithm(alg: KeyAlgorithm) -> Option<Algorithm> {
    Some(match alg {
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}

/// The algorithm a key without `alg` is used with: the usual one for its type and curve.
fn implied_algorithm(params: &AlgorithmParameters) -> Option<Algorithm> {
    match params {
        AlgorithmParameters::RSA(_) => Some(Algorithm::RS256),
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Some(Algorithm::ES256),
            EllipticCurve::P384 => Some(Algorithm::ES384),
            _ => None,
        },
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => Some(Algorithm::EdDSA),
        _ => None,
    }
}

/// A JWK whose `alg` contradicts its own key type (an EC key marked RS256) is skipped.
fn key_fits(params: &AlgorithmParameters, algorithm: Algorithm) -> bool {
    match params {
        AlgorithmParameters::RSA(_) => matches!(
            algorithm,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
        ),
        AlgorithmParameters::EllipticCurve(ec) => matches!(
            (&ec.curve, algorithm),
            (EllipticCurve::P256, Algorithm::ES256) | (EllipticCurve::P384, Algorithm::ES384)
        ),
        AlgorithmParameters::OctetKeyPair(okp) => okp.curve == EllipticCurve::Ed25519 && algorithm == Algorithm::EdDSA,
        AlgorithmParameters::OctetKey(_) => false,
    }
}

/// GETs a JSON document of bounded size.
async fn get_json<T: DeserializeOwned>(http: &reqwest::Client, url: &Url) -> Result<T, OidcError> {
    let mut response = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| unavailable(format!("{url} could not be reached ({e})")))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("{url} answered {}", response.status())));
    }
    let mut body = Vec::new();
    while let Some(chunk) =
        response.chunk().await.map_err(|e| unavailable(format!("{url} broke off its answer ({e})")))?
    {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(unavailable(format!("{url} answered more than {MAX_DOCUMENT_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| unavailable(format!("{url} did not answer the expected JSON ({e})")))
}

/// An https issuer's keys must come over https too: a plain-http key set would let anyone on the path
/// swap in their own keys and sign tokens the gateway then trusts.
fn same_or_stronger_scheme(issuer: &Url, jwks_uri: &Url) -> bool {
    issuer.scheme() != "https" || jwks_uri.scheme() == "https"
}

fn malformed(reason: String) -> OidcError {
    OidcError::Malformed { reason }
}

fn unavailable(reason: String) -> OidcError {
    OidcError::Unavailable { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn an_https_issuer_never_takes_its_keys_over_plain_http() {
        let https = url("https://id.example/.well-known/openid-configuration");
        assert!(!same_or_stronger_scheme(&https, &url("http://id.example/jwks")));
        assert!(same_or_stronger_scheme(&https, &url("https://keys.example/jwks")));
        // A loopback http issuer (tests, the local stack) may serve its keys over http.
        let loopback = url("http://127.0.0.1:4020/.well-known/openid-configuration");
        assert!(same_or_stronger_scheme(&loopback, &url("http://127.0.0.1:4020/jwks")));
    }

    #[test]
    fn decode_failures_are_said_without_quoting_the_token() {
        // Correctly signed, but `sub` is a number: the claims do not decode.
        let claims = serde_json::json!({ "sub": 12345678, "iss": "secret-looking-value" });
        let key = b"test-only-hmac-key";
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(key),
        )
        .unwrap();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let error = jsonwebtoken::decode::<Claims>(&token, &DecodingKey::from_secret(key), &validation)
            .map(|_| ())
            .unwrap_err();
        let refusal = from_jwt(error);
        assert_eq!(refusal.code(), "token_malformed");
        let said = refusal.to_string();
        assert!(!said.contains("secret-looking-value") && !said.contains("12345678"), "{said}");
    }
}
