//! Putting the gateway together: state from config, the router with its limits, and serving it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use machines_api::{ApiError, Client, ClientConfig};
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

use crate::auth::SharedVerifier;
use crate::config::Config;
use crate::db::Db;
use crate::limits::Limits;
use crate::meter;
use crate::routes;
use crate::state::AppState;

/// Why the gateway could not start. Names the part; carries no secret.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Machines API client: {0}")]
    Client(#[from] ApiError),
    #[error("listen: {0}")]
    Listen(#[from] std::io::Error),
}

/// A gateway ready to serve: its router and the state behind it (tests read the database through it).
pub struct Gateway {
    pub router: Router,
    pub state: AppState,
}

/// Connects the database (applying migrations) and builds the router. The verifier is passed in so the
/// caller chooses how tokens are checked (OpenID Connect discovery in `main`).
pub async fn build(config: &Config, verifier: SharedVerifier) -> Result<Gateway, StartError> {
    let db = Db::connect(config.database_url.expose()).await?;
    let machines = Client::new(ClientConfig::new(config.machines_api_url.clone()), config.partner_key.clone())?;
    let state = AppState {
        db,
        machines: Arc::new(machines),
        verifier,
        limits: Limits::new(config.rate_per_subject_per_minute, config.rate_per_address_per_minute),
        user_id_secret: Arc::new(config.user_id_secret.clone()),
        session_ttls: config.session_ttls,
        metrics: meter::handle(),
    };
    let router = router(state.clone(), config.body_limit_bytes, config.request_timeout);
    Ok(Gateway { router, state })
}

pub fn router(state: AppState, body_limit_bytes: usize, request_timeout: Duration) -> Router {
    Router::new()
        .route("/v1/link", post(routes::link::link))
        .route("/v1/session", post(routes::session::session))
        .route("/v1/me", get(routes::me::me))
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/metrics", get(routes::health::metrics))
        // The body cap is axum's own, enforced by the JSON extractor, so an oversize body is refused with
        // 413 in the envelope (tower-http's layer would answer plain text).
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, request_timeout))
        .with_state(state)
}

/// Serves until `shutdown` resolves. Meanwhile, every few seconds, drains the metrics recorder's
/// histogram buffers (a recorder built rather than installed with its own listener needs this, or they
/// grow without bound), and once a minute forgets idle rate-limit keys.
pub async fn serve(
    gateway: Gateway,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let limits = gateway.state.limits.clone();
    let metrics = gateway.state.metrics.clone();
    let janitor = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        for tick in 0u64.. {
            every.tick().await;
            if let Some(metrics) = &metrics {
                metrics.run_upkeep();
            }
            if tick % 12 == 11 {
                limits.forget_idle();
            }
        }
    });
    let served = axum::serve(listener, gateway.router).with_graceful_shutdown(shutdown).await;
    janitor.abort();
    gateway.state.db.close().await;
    served.map_err(StartError::from)
}
