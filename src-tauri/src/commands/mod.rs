//! The typed commands the web UI may call, one file per domain. Each returns a view (never a secret,
//! except the reveal view a person asked for) or a `UiError`.

pub mod activity;
pub mod app;
pub mod cards;
pub mod fill;
pub mod funding;
pub mod kyc;
pub mod onboarding;
pub mod passphrase;
pub mod settings;
pub mod signin;
pub mod updates;

use wallet_core::error::UiError;

/// Maps a client error to what the UI shows.
pub(crate) fn ui(error: machines_api::ApiError) -> UiError {
    UiError::from(&error)
}
