//! `machines-gateway`: the service a partner runs so its end users get short-lived Machines session
//! tokens after signing in with the partner's own OpenID Connect provider. The partner key never leaves
//! this process.
//!
//! - [`config`]: settings from the environment or a TOML file; a bad one stops start-up, named.
//! - [`auth`]: the Bearer token on every `/v1` request, checked by a [`auth::TokenVerifier`].
//! - [`db`]: links and the mint audit log through `sqlx::Any` (SQLite or Postgres).
//! - [`routes`]: `/v1/link`, `/v1/session`, `/v1/me`, `/healthz`, `/readyz`, `/metrics`.
//! - [`app`]: builds the router with its limits and serves it.

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod envelope;
pub mod error;
pub mod limits;
pub mod meter;
pub mod oidc;
pub mod purpose;
pub mod routes;
pub mod state;
pub mod user_id;
