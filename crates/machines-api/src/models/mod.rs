//! Typed request and response models for every partner API endpoint, one module per domain.
//!
//! Parsing is tolerant by design: unknown fields are ignored, unknown enum values are kept as `Other`,
//! and the shape variants the spec lists (link string or object, snake_case or camelCase KYC status,
//! `data.balances` or `data`, nullable deposit address, withdrawal drift) all parse.

pub mod agreements;
pub mod balances;
pub mod card_secrets;
pub mod cards;
pub mod common;
pub mod deposits;
pub mod encryption;
pub mod kyc;
pub mod sessions;
pub mod transactions;
pub mod users;
pub mod withdrawals;
