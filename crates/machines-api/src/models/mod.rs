//! Typed request and response models for every partner API endpoint, one module per domain.
//!
//! Parsing is tolerant by design: unknown fields are ignored, unknown enum values are kept as `Other`,
//! and the shape variants the spec lists (link string or object, snake_case or camelCase KYC status,
//! `data.balances` or `data`, nullable deposit address, withdrawal drift) all parse.
//!
//! A field the UI can live without may come back `null`, missing or of a wrong type from a drifting server;
//! such a value reads as `None` (or its type's default) instead of failing the whole response. A struct
//! says so once, for all its `Option` fields, with serde_with:
//!
//! ```ignore
//! #[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
//! #[serde_with::serde_as]
//! #[derive(Deserialize)]
//! ```
//!
//! `apply` is needed because `serde_as` adds `#[serde(default)]` only for `Option<S>` adapters, and
//! `common::Lenient` alone would leave a missing field an error. Both are written with their
//! `serde_with::` path: `apply` adds a derive whose helper attribute is also named `serde_as`, so an
//! imported `serde_as` would be ambiguous. A field that must not be lenient opts out with
//! `#[serde_with(skip_apply)]`: one with its own reader (`cents`, `optional_link`), or a secret, which
//! `Lenient` would first copy into an unzeroized `serde_json::Value`. A list the UI shows item by item uses
//! `Lenient<VecSkipError<_>>`: an unreadable item is left out, a value that is not a list is empty.

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
