//! The HTTP server: an accept loop on a loopback port that serves the router through hyper, applying the
//! fault plan and the rate limit around each request, and wrapping answers for Open Responses mode.
//!
//! The loop is ours rather than `axum::serve` so that a request can be answered by *closing the
//! connection* after its write committed: hyper closes a connection whose service returns an error.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::clock::iso;
use crate::reply::Reply;
use crate::router::{lock, API_PREFIX};
use crate::sim::Sim;

/// Largest answer body the Open Responses wrapper will buffer.
const MAX_WRAP_BYTES: usize = 16 * 1024 * 1024;

/// The error that makes hyper drop a connection: a committed write whose answer is "lost".
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// A token bucket: `rate` requests a second, bursts up to `rate`.
struct Bucket {
    rate: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self) -> Result<(), u64> {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.rate);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

pub(crate) struct Server {
    sim: Arc<Sim>,
    router: Router,
    bucket: Option<Mutex<Bucket>>,
    /// Open Responses wrappers made so far, for their ids.
    wrapped: std::sync::atomic::AtomicU64,
}

impl Server {
    pub fn new(sim: Arc<Sim>) -> Self {
        let router = crate::router::router(sim.clone());
        let bucket = sim.config.rate_limit_per_second.filter(|r| *r > 0).map(|rate| {
            let rate = f64::from(rate);
            Mutex::new(Bucket { rate, tokens: rate, at: Instant::now() })
        });
        Self { sim, router, bucket, wrapped: std::sync::atomic::AtomicU64::new(1) }
    }

    /// Accepts connections until `shutdown` turns true.
    pub async fn run(self: Arc<Self>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() { break; }
                }
                accepted = listener.accept() => {
                    let Ok((stream, _peer)) = accepted else { continue };
                    let server = self.clone();
                    connections.spawn(async move {
                        let service = hyper::service::service_fn(move |request| {
                            let server = server.clone();
                            async move { server.handle(request).await }
                        });
                        // A connection ends with an error when a fault drops it or the client hangs up;
                        // neither is the server's problem.
                        let _ = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        connections.abort_all();
    }

    async fn handle(&self, request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Dropped> {
        // The server listens on loopback only, but a web page can still reach it through a name of its
        // own that resolves to 127.0.0.1 (DNS rebinding); its requests then carry that name as `Host`.
        if !loopback_host(request.headers()) {
            return Ok(Reply::error(
                StatusCode::FORBIDDEN,
                "loopback host required",
                vec![json!({"code": "forbidden", "message": "this simulator answers only requests addressed to 127.0.0.1, [::1] or localhost"})],
            )
            .into_response());
        }
        let method = request.method().as_str().to_owned();
        let path = request.uri().path().to_owned();
        let api_path = path.strip_prefix(API_PREFIX).map(str::to_owned);
        let open_responses = request
            .headers()
            .get("x-open-responses")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let call_id = request
            .headers()
            .get("x-open-responses-call-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);

        let mut drop_after = false;
        if let Some(api_path) = &api_path {
            if let Some(bucket) = &self.bucket {
                let verdict = bucket.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                if let Err(retry_after) = verdict {
                    return Ok(self
                        .finish(Reply::rate_limited(retry_after).into_response(), open_responses, call_id)
                        .await);
                }
            }
            let plan =
                self.sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).plan(&method, api_path);
            if !plan.latency.is_zero() {
                tokio::time::sleep(plan.latency).await;
            }
            if let Some(status) = plan.respond_error {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return Ok(self.finish(Reply::server_error(status).into_response(), open_responses, call_id).await);
            }
            if let Some(retry_after) = plan.rate_limit {
                return Ok(self
                    .finish(Reply::rate_limited(retry_after).into_response(), open_responses, call_id)
                    .await);
            }
            if plan.expire_token {
                self.expire_callers_token(request.headers());
            }
            drop_after = plan.drop_after_commit;
        }

        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Body::new(body));
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        // Only a write that was carried out is "lost in transit"; a refused one is answered normally.
        if drop_after && response.status().is_success() {
            tracing::debug!(%method, %path, "dropping the connection after commit");
            return Err(Dropped);
        }
        Ok(self.finish(response, open_responses, call_id).await)
    }

    fn expire_callers_token(&self, headers: &axum::http::HeaderMap) {
        let Some(token) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned()))
        else {
            return;
        };
        let now = self.sim.clock.now();
        let mut st = lock(&self.sim);
        for partner in st.partners.values_mut() {
            if let Some(session) = partner.sessions.get_mut(&token) {
                session.expires_at = now - time::Duration::seconds(1);
            }
        }
    }

    /// Wraps the answer as an OpenResponses `response` object when the caller asked for it.
    async fn finish(&self, response: Response<Body>, open_responses: bool, call_id: Option<String>) -> Response<Body> {
        if !open_responses {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_WRAP_BYTES).await else {
            return Reply::server_error(StatusCode::INTERNAL_SERVER_ERROR).into_response();
        };
        let envelope: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let summary = envelope.get("summary").and_then(Value::as_str).unwrap_or_default().to_owned();
        // Counted, not drawn from the seeded generator, so asking for this wrapper does not change the
        // ids and card numbers a seed produces.
        let n = self.wrapped.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (response_id, generated_call) = (format!("resp_{n:024}"), format!("call_{n:024}"));
        let now = self.sim.clock.now();
        let wrapped = json!({
            "id": response_id,
            "object": "response",
            "created_at": now.unix_timestamp(),
            "completed_at": now.unix_timestamp(),
            "status": if parts.status.is_success() { "completed" } else { "failed" },
            "model": "machinescash.partner",
            "output": [
                {"type": "message", "id": format!("msg_{response_id}"), "role": "assistant", "status": "completed",
                 "content": [{"type": "output_text", "text": summary, "annotations": [], "logprobs": []}]},
                {"type": "function_call_output", "id": format!("fco_{response_id}"), "call_id": call_id.unwrap_or(generated_call),
                 "output": String::from_utf8_lossy(&bytes)}
            ],
            "error": null,
            "incomplete_details": null,
            "instructions": null,
            "metadata": {},
            "parallel_tool_calls": false,
            "tool_choice": "auto",
            "tools": [],
            "truncation": "disabled",
            "usage": null,
            "created": iso(now),
        });
        let bytes = serde_json::to_vec(&wrapped).unwrap_or_default();
        parts.headers.remove("content-length");
        parts.headers.insert("content-type", HeaderValue::from_static("application/json"));
        Response::from_parts(parts, Body::from(bytes))
    }
}

/// Whether the request's `Host` names this computer: `127.0.0.1`, `[::1]` or `localhost`, with any port. A
/// request with no `Host` (HTTP/1.0) is refused too.
fn loopback_host(headers: &axum::http::HeaderMap) -> bool {
    let Some(host) = headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(inside, _)| inside).unwrap_or(rest),
        None => host.rsplit_once(':').map(|(name, _)| name).unwrap_or(host),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Binds a loopback listener on `port` (0 picks a free one).
pub(crate) async fn bind(port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
