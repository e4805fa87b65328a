//! One API call on the wire: URL, auth header, body, timeout, the capped body read, and the retries the
//! call's [`Replay`] allows.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::config::{BaseUrl, ClientConfig};
use crate::envelope::{self, Envelope};
use crate::error::{ApiError, Credential, Service};
use crate::idempotency::IdempotencyKey;
use crate::retry::Replay;
use crate::secret::{PartnerKey, SecretString, SessionToken};

const PARTNER_KEY_HEADER: &str = "x-partner-key";
const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Which credential a call carries.
#[derive(Clone, Copy)]
pub(crate) enum Auth<'a> {
    Partner(&'a PartnerKey),
    Bearer(&'a SessionToken),
    /// The signed-in person's access token, on a call to the partner's gateway.
    SignIn(&'a SecretString),
}

/// A JSON request body. Serialized once into a buffer that is wiped when the last retry is done with it,
/// because bodies can hold KYC values such as the national id.
#[derive(Clone)]
pub(crate) struct Body(Bytes);

struct Wiped(Zeroizing<Vec<u8>>);

impl AsRef<[u8]> for Wiped {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl Body {
    pub fn json(value: &impl Serialize) -> Result<Self, ApiError> {
        let mut buffer = Zeroizing::new(Vec::with_capacity(256));
        serde_json::to_writer(&mut *buffer, value)
            .map_err(|e| ApiError::config(format!("could not encode the request: {e}")))?;
        Ok(Self::from_wiped(buffer))
    }

    pub fn from_wiped(buffer: Zeroizing<Vec<u8>>) -> Self {
        Self(Bytes::from_owner(Wiped(buffer)))
    }
}

/// Everything about a call except its credential, so the broker can resend it with a fresh token.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: Vec<&'a str>,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    pub replay: Replay,
    pub idempotency_key: Option<&'a IdempotencyKey>,
    /// Scopes the call needs, named in a 403 message.
    pub scopes: &'a [&'a str],
}

impl<'a> Call<'a> {
    pub fn get(path: Vec<&'a str>) -> Self {
        Self {
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            replay: Replay::Safe,
            idempotency_key: None,
            scopes: &[],
        }
    }

    /// A POST that is harmless to repeat (minting a session, encrypting a label, asking for a quote).
    pub fn post(path: Vec<&'a str>, body: &impl Serialize) -> Result<Self, ApiError> {
        Ok(Self { method: Method::POST, body: Some(Body::json(body)?), ..Self::get(path) })
    }

    /// A write that must carry `key` and is retried only with it.
    pub fn keyed(method: Method, path: Vec<&'a str>, body: Body, key: &'a IdempotencyKey) -> Self {
        Self { method, body: Some(body), replay: Replay::Keyed, idempotency_key: Some(key), ..Self::get(path) }
    }

    pub fn scopes(mut self, scopes: &'a [&'a str]) -> Self {
        self.scopes = scopes;
        self
    }

    pub fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }
}

pub(crate) struct Transport {
    http: reqwest::Client,
    config: ClientConfig,
}

/// What one attempt came to.
enum Attempt<T> {
    Done(Envelope<T>),
    /// Failed in a way that another attempt may fix; `retry_after` is the server's wait, if it gave one.
    Transient {
        error: ApiError,
        retry_after: Option<Duration>,
        sent: bool,
    },
}

impl Transport {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let mut builder = reqwest::Client::builder();
        if config.base_url.is_loopback() {
            // A proxy from HTTP_PROXY/ALL_PROXY would receive the partner key in clear text, and cannot
            // reach this machine's loopback anyway.
            builder = builder.no_proxy();
        }
        let http = builder
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            // Never follow a redirect: it could carry X-Partner-Key or a token to another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("machines-wallet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::config(format!("could not set up HTTP: {e}")))?;
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn base_url(&self) -> &BaseUrl {
        &self.config.base_url
    }

    /// Sends `call`, retrying as its replay class allows, and parses the envelope into `T`.
    pub async fn send<T: DeserializeOwned>(&self, call: &Call<'_>, auth: Auth<'_>) -> Result<Envelope<T>, ApiError> {
        self.send_inner(call, auth).await.map_err(|error| match (error, auth) {
            (ApiError::Unauthorized { problem, .. }, Auth::Bearer(_)) => {
                ApiError::Unauthorized { credential: Credential::Session, problem }
            }
            (ApiError::Unauthorized { problem, .. }, Auth::SignIn(_)) => {
                ApiError::Unauthorized { credential: Credential::SignIn, problem }
            }
            (error, _) => error,
        })
    }

    async fn send_inner<T: DeserializeOwned>(&self, call: &Call<'_>, auth: Auth<'_>) -> Result<Envelope<T>, ApiError> {
        let mut attempt = 1;
        loop {
            let outcome = self.attempt::<T>(call, auth, attempt).await?;
            let (error, retry_after, sent) = match outcome {
                Attempt::Done(envelope) => return Ok(envelope),
                Attempt::Transient { error, retry_after, sent } => (error, retry_after, sent),
            };
            // A request that never left (connection refused) is safe to resend whatever it was, and so is one
            // refused with 429: rate limiting turns a request away before it is handled. One that may have
            // been carried out is resent only if its replay class allows.
            let refused_unhandled = matches!(error, ApiError::RateLimited { .. });
            let may_retry = !sent || refused_unhandled || call.replay != Replay::Never;
            let wait = if may_retry { self.config.retry.delay(attempt, retry_after) } else { None };
            let Some(wait) = wait else { return Err(error) };
            tracing::info!(method = %call.method, path = %call.path.join("/"), attempt, wait_ms = wait.as_millis() as u64, code = error.code(), "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        auth: Auth<'_>,
        attempt: u32,
    ) -> Result<Attempt<T>, ApiError> {
        let url = self.config.base_url.endpoint(&call.path);
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        match auth {
            Auth::Partner(key) => {
                headers.insert(PARTNER_KEY_HEADER, sensitive(key.expose())?);
            }
            Auth::Bearer(token) => {
                let value = Zeroizing::new(format!("Bearer {}", token.expose()));
                headers.insert(AUTHORIZATION, sensitive(&value)?);
            }
            Auth::SignIn(token) => {
                let value = Zeroizing::new(format!("Bearer {}", token.expose()));
                headers.insert(AUTHORIZATION, sensitive(&value)?);
            }
        }
        if let Some(key) = call.idempotency_key {
            headers.insert(
                IDEMPOTENCY_HEADER,
                HeaderValue::from_str(key.as_str()).map_err(|_| ApiError::config("bad Idempotency-Key"))?,
            );
        }
        let mut request = self.http.request(call.method.clone(), url.clone()).headers(headers);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.0.clone());
        }

        let started = Instant::now();
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => {
                let sent = !err.is_connect();
                let error = self.transport_error(&err);
                tracing::warn!(method = %call.method, path = url.path(), attempt, code = error.code(), "request failed");
                return Ok(Attempt::Transient { error, retry_after: None, sent });
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| envelope::parse_retry_after(v, SystemTime::now()));
        let body = match self.read_body(response).await {
            Ok(body) => body,
            Err(error) if error.is_transient() => {
                return Ok(Attempt::Transient { error, retry_after: None, sent: true })
            }
            Err(error) => return Err(error),
        };
        tracing::debug!(
            method = %call.method, path = url.path(), status = status.as_u16(), attempt,
            elapsed_ms = started.elapsed().as_millis() as u64, "response"
        );
        if status.is_redirection() {
            return Err(ApiError::NotTheApi { status: status.as_u16() });
        }
        match envelope::parse::<T>(status.as_u16(), &body, retry_after)? {
            Ok(envelope) => Ok(Attempt::Done(envelope)),
            Err(failure) => {
                let transient = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                let error = failure.into_error(call.scopes);
                if transient {
                    Ok(Attempt::Transient { error, retry_after, sent: true })
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Reads the body into a wiped buffer, refusing more than `max_body_bytes` before buffering it.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        let limit = self.config.max_body_bytes;
        let too_large = || ApiError::decode(format!("the response is larger than {} KiB", limit / 1024));
        let announced =
            response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let initial = announced.unwrap_or(16 * 1024).min(limit as u64).min(64 * 1024) as usize;
        let mut body = Zeroizing::new(Vec::with_capacity(initial));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let needed = body.len() + chunk.len();
                    if needed > limit {
                        return Err(too_large());
                    }
                    if needed > body.capacity() {
                        // Grow by hand: `Vec`'s own growth would free the old buffer unwiped.
                        let mut bigger = Zeroizing::new(Vec::with_capacity(needed.max(body.capacity() * 2).min(limit)));
                        bigger.extend_from_slice(&body);
                        body = bigger;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(err) => return Err(self.transport_error(&err)),
            }
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> ApiError {
        if err.is_timeout() {
            return ApiError::Timeout { after: self.config.timeout, service: Service::MachinesApi };
        }
        let detail = if err.is_connect() {
            "the connection was refused or could not be made"
        } else if err.is_body() || err.is_decode() {
            "the connection dropped while the answer was arriving"
        } else {
            "the connection failed"
        };
        ApiError::Network {
            host: self.config.base_url.host(),
            detail: detail.to_owned(),
            service: Service::MachinesApi,
        }
    }
}

fn sensitive(value: &str) -> Result<HeaderValue, ApiError> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| ApiError::config("a credential contains characters that cannot be sent"))?;
    // Keeps the value out of reqwest/hyper Debug output and out of HTTP/2 header compression tables.
    header.set_sensitive(true);
    Ok(header)
}
