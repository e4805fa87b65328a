//! What the UI shows about the partner sign-in: who the partner is, where the person will sign in, whether
//! they are signed in, and where a finished sign-in leads. No token is ever part of a view.

use serde::Serialize;

use crate::partner_config::PartnerConfig;
use crate::stage::Stage;

/// The partner sign-in as the first screen, the header and Settings show it (present only when a usable
/// partner file was found).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInView {
    /// "Sign in with <partnerName>".
    pub partner_name: String,
    /// Where the person will type their password, so they can tell the real page from another.
    pub provider_host: String,
    pub gateway_host: String,
    /// An access token in memory or a refresh token in the keychain (no network call decides it).
    pub signed_in: bool,
    /// The settings' environment is Partner sign-in.
    pub selected: bool,
}

impl SignInView {
    pub fn of(config: &PartnerConfig, signed_in: bool, selected: bool) -> Self {
        Self {
            partner_name: config.name.clone(),
            provider_host: config.provider_host(),
            gateway_host: config.gateway_host(),
            signed_in,
            selected,
        }
    }
}

/// The answer to a finished sign-in: a person whose gateway account is linked to a wallet continues at
/// `stage`; one who is not goes to the set-up screen (wallet address only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub linked: bool,
    /// Present when linked.
    pub stage: Option<Stage>,
}
