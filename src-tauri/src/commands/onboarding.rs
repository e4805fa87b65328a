//! Set-up: who the user is, and where in the journey they are.

use tauri::{AppHandle, State};
use wallet_core::account::SetUp;
use wallet_core::error::UiError;
use wallet_core::stage::Stage;

use crate::state::AppState;

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
    let set_up = SetUp::check(&user_id, &wallet_address, wallet_label.as_deref())?;
    state.set_up(set_up, |settings| super::settings::persist(&app, settings)).await
}

/// Where the user is now (read from the API).
#[tauri::command]
#[specta::specta]
pub async fn stage(state: State<'_, AppState>) -> Result<Stage, UiError> {
    state.stage().await
}
