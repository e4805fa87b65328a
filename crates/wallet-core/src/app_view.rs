//! What the header and the first screen need to know about the app itself.

use serde::Serialize;

use crate::environment::EnvironmentKind;
use crate::signin_view::SignInView;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStateView {
    pub environment: EnvironmentKind,
    pub demo: bool,
    pub api_host: String,
    pub locked: bool,
    /// False only when this environment needs a partner key and none is kept (Partner sign-in needs none).
    pub has_partner_key: bool,
    /// Outside Demo with no unlock passphrase set yet: the app asks for one before anything else.
    pub needs_passphrase: bool,
    pub user_id: Option<String>,
    pub wallet_address: Option<String>,
    /// Things to tell the person once (e.g. settings that could not be read).
    pub notes: Vec<String>,
    /// The partner sign-in, when the app was shipped with a usable partner file (`None` otherwise).
    pub sign_in: Option<SignInView>,
}
