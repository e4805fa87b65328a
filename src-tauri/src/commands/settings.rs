//! Settings and the partner key. Settings go to the store from Rust only; the key goes to the keychain.
//! The flows are `AppState`'s (`state::settings`); the rules `wallet-core`'s.

use tauri::{AppHandle, State};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::settings::Settings;

use crate::state::AppState;

pub const STORE_FILE: &str = "settings.json";
pub const STORE_KEY: &str = "settings";

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings, UiError> {
    Ok(state.settings().await)
}

/// Validates and saves. Switching environment signs out and drops every token.
#[tauri::command]
#[specta::specta]
pub async fn save_settings<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, UiError> {
    state.save_settings(settings, |settings| persist(&app, settings)).await
}

/// Writes `settings` to the store file.
pub fn persist<R: tauri::Runtime>(app: &AppHandle<R>, settings: &Settings) -> Result<(), UiError> {
    use tauri_plugin_store::StoreExt;
    let fail = |e: tauri_plugin_store::Error| {
        UiError::new(
            ErrorCode::Internal,
            "Settings not saved",
            format!("The settings file could not be written: {e}."),
            UiAction::Retry,
        )
    };
    let store = app.store(STORE_FILE).map_err(fail)?;
    store.set(STORE_KEY, settings.to_stored());
    store.save().map_err(fail)
}

/// Stores the partner key for the current environment in the OS keychain. It is never sent back.
#[tauri::command]
#[specta::specta]
pub async fn set_partner_key(state: State<'_, AppState>, key: String) -> Result<(), UiError> {
    state.set_partner_key(key).await
}

#[tauri::command]
#[specta::specta]
pub async fn forget_partner_key(state: State<'_, AppState>) -> Result<(), UiError> {
    state.forget_partner_key().await
}

/// Demo only: forgets everything Demo holds (the simulator's saved state, with every card, deposit and
/// approval) and the demo user's set-up (user id, wallet address and label), then leaves the app on
/// set-up. The timers and other preferences stay.
#[tauri::command]
#[specta::specta]
pub async fn start_demo_over<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Settings, UiError> {
    state.start_demo_over(|settings| persist(&app, settings)).await
}
