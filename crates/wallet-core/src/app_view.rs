//! What the header and the first screen need to know about the app itself.

use serde::Serialize;

use crate::environment::EnvironmentKind;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStateView {
    pub environment: EnvironmentKind,
    pub demo: bool,
    pub api_host: String,
    pub locked: bool,
    pub has_partner_key: bool,
    /// Outside Demo with no unlock passphrase set yet: the app asks for one before anything else.
    pub needs_passphrase: bool,
    pub user_id: Option<String>,
    pub wallet_address: Option<String>,
    /// Things to tell the person once (e.g. settings that could not be read).
    pub notes: Vec<String>,
}
