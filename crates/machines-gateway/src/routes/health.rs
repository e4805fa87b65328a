//! `GET /healthz` (the process answers), `GET /readyz` (the database and the Machines API answer),
//! `GET /metrics` (Prometheus text).

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::envelope;
use crate::state::AppState;

/// How long readiness waits for each dependency: a probe must answer before the orchestrator gives up.
const PROBE_WAIT: Duration = Duration::from_secs(3);

pub async fn healthz() -> Response {
    envelope::success(StatusCode::OK, "alive", &serde_json::json!({ "status": "ok" }))
}

#[derive(Serialize)]
struct Readiness {
    database: &'static str,
    upstream: &'static str,
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = match tokio::time::timeout(PROBE_WAIT, state.db.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(err)) => {
            tracing::warn!(%err, "readiness: database");
            "unavailable"
        }
        Err(_) => "timeout",
    };
    // The KYC schema is a cheap partner-key call: it proves the API is reachable and the key accepted.
    let upstream = match tokio::time::timeout(PROBE_WAIT, state.machines.kyc_schema()).await {
        Ok(Ok(_)) => "ok",
        Ok(Err(err)) => {
            tracing::warn!(code = err.code(), %err, "readiness: upstream");
            if err.code() == "unauthorized" {
                "partner_key_refused"
            } else {
                "unavailable"
            }
        }
        Err(_) => "timeout",
    };
    let ready = Readiness { database, upstream };
    if database == "ok" && upstream == "ok" {
        envelope::success(StatusCode::OK, "ready", &ready)
    } else {
        let message = format!("not ready: database {database}, Machines API {upstream}");
        envelope::failure(StatusCode::SERVICE_UNAVAILABLE, "not_ready", &message, None)
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render()).into_response(),
        None => envelope::failure(
            StatusCode::NOT_FOUND,
            "metrics_unavailable",
            "another metrics recorder was installed in this process before the gateway",
            None,
        ),
    }
}
