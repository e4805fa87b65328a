//! `machines-api`: a typed async client for the Machines Cash partner API (`/partner/v1`).
//!
//! Layers, bottom up:
//! - [`envelope`] parses `{ok, data, summary, errors[], next}` and maps failures onto [`ApiError`].
//! - `transport` sends one call: auth header, timeout, body cap, retries that are safe for the call.
//! - [`session::SessionBroker`] mints scoped sessions with the partner key or through the partner's
//!   [`gateway`], caches and renews them, and retries once on 401 with a fresh token.
//! - [`Client`] (partner-key calls) and [`UserClient`] (every Bearer endpoint) are what callers use.
//! - [`crypto`] decrypts card secrets; [`poll`] watches KYC and deposit status.
//!
//! No Tauri and no UI here: the desktop shell wraps this crate.

pub mod config;
pub mod crypto;
pub mod envelope;
pub mod error;
pub mod gateway;
pub mod idempotency;
pub mod models;
pub mod poll;
pub mod retry;
pub mod scopes;
pub mod secret;
pub mod session;

mod client;
mod endpoints;
mod transport;

pub use client::{Client, UserClient, ViaGateway};
pub use config::{BaseUrl, ClientConfig, Environment};
pub use endpoints::CardReveal;
pub use error::{ApiError, Credential, FieldError, Problem, Result, Service, StateGate};
pub use gateway::{AccessTokens, GatewayClient, Purpose, TokenFuture};
pub use idempotency::IdempotencyKey;
pub use secret::{CardSecretKey, PartnerKey, SecretString, SessionToken};
