//! Set-up: linking the account and wallet, and where in the journey the user is.

use std::sync::Arc;

use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use wallet_core::account::SetUp;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::settings::Settings;
use wallet_core::stage::{current_stage, Stage};

use super::{ui, AppState};

impl AppState {
    /// Links the user and wallet, mints a KYC session, saves the (non-secret) identity through `persist`,
    /// and says which screen comes next.
    pub async fn set_up(
        &self,
        set_up: SetUp,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<Stage, UiError> {
        self.ensure_unlocked()?;
        let SetUp { user_id, wallet_address, wallet_label } = set_up;
        let identity = Identity { user_id: user_id.clone(), wallet_address: Some(wallet_address.clone()) };
        let user = {
            let mut connection = self.connect().await?;
            let request = ResolveUserRequest {
                user_id: user_id.clone(),
                wallet_address: Some(wallet_address.clone()),
                wallet_label,
            };
            // Partner sign-in has no partner key: its set-up is `link_wallet`, and the gateway resolves.
            let client = connection.client.partner_key().ok_or_else(partner_set_up)?;
            client.resolve_user(&request).await.map_err(ui)?;
            let user = Arc::new(connection.client.user(identity).map_err(ui)?);
            user.broker().begin().await.map_err(ui)?;
            connection.user = Some(user.clone());
            user
        };
        let mut settings = self.settings().await;
        if settings.user_id.as_deref() != Some(user_id.as_str()) {
            // Another account: nothing the last one left unfinished may be sent again.
            self.forget_pending_writes();
        }
        settings.user_id = Some(user_id);
        settings.wallet_address = Some(wallet_address);
        persist(&settings)?;
        *self.settings.lock().await = settings;
        current_stage(&user).await.map_err(ui)
    }

    /// Where the user is now (read from the API).
    pub async fn stage(&self) -> Result<Stage, UiError> {
        let user = self.user().await?;
        current_stage(&user).await.map_err(ui)
    }
}

fn partner_set_up() -> UiError {
    UiError::new(
        ErrorCode::Setup,
        "Set up with your wallet address",
        "With Partner sign-in, set-up asks only for your wallet address; your partner gives the user id.",
        UiAction::Dismiss,
    )
}
