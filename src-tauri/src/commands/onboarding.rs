//! Set-up: who the user is, and where in the journey they are.

use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use std::sync::Arc;
use tauri::{AppHandle, State};
use wallet_core::error::UiError;
use wallet_core::stage::{current_stage, Stage};

use super::ui;
use crate::state::AppState;

fn invalid(field: &str, message: String) -> UiError {
    UiError::on_field("Check the highlighted fields", field, message)
}

/// Links the user and wallet, mints a KYC session, saves the (non-secret) identity, and says which
/// screen comes next.
#[tauri::command]
#[specta::specta]
pub async fn start<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: String,
    wallet_address: String,
    wallet_label: Option<String>,
) -> Result<Stage, UiError> {
    state.ensure_unlocked()?;
    let user_id = user_id.trim().to_owned();
    if let Some(problem) = wallet_core::account::user_id_problem(&user_id) {
        return Err(invalid("userId", problem));
    }
    let wallet =
        wallet_core::address::parse_wallet(&wallet_address).map_err(|e| invalid("walletAddress", e.to_string()))?;
    let label = wallet_label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    if let Some(problem) = label.as_deref().and_then(wallet_core::account::wallet_label_problem) {
        return Err(invalid("walletLabel", problem));
    }
    let user = {
        let mut connection = state.connect().await?;
        let request =
            ResolveUserRequest { user_id: user_id.clone(), wallet_address: Some(wallet.clone()), wallet_label: label };
        connection.client.resolve_user(&request).await.map_err(ui)?;
        let user = Arc::new(
            connection
                .client
                .user(Identity { user_id: user_id.clone(), wallet_address: Some(wallet.clone()) })
                .map_err(ui)?,
        );
        user.broker().begin().await.map_err(ui)?;
        connection.user = Some(user.clone());
        user
    };
    let mut settings = state.settings.lock().await.clone();
    if settings.user_id.as_deref() != Some(user_id.as_str()) {
        // Another account: nothing the last one left unfinished may be sent again.
        state.forget_pending_writes();
    }
    settings.user_id = Some(user_id);
    settings.wallet_address = Some(wallet);
    super::settings::persist(&app, &settings)?;
    *state.settings.lock().await = settings;
    current_stage(&user).await.map_err(ui)
}

/// Where the user is now (read from the API).
#[tauri::command]
#[specta::specta]
pub async fn stage(state: State<'_, AppState>) -> Result<Stage, UiError> {
    let user = state.user().await?;
    current_stage(&user).await.map_err(ui)
}
