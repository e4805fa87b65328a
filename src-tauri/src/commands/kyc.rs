//! Identity verification and agreements, and opening their links. The flows are `AppState`'s
//! (`state::kyc`); the form, its checks and the views `wallet-core`'s.

use std::collections::HashMap;

use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use wallet_core::agreements_view::{agreements_view, AgreementsView};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::kyc_form::{FieldProblem, FormDefinition};
use wallet_core::kyc_view::KycView;

use super::ui;
use crate::state::AppState;

/// The form, built from `/kyc/values` at run time.
#[tauri::command]
#[specta::specta]
pub async fn kyc_form(state: State<'_, AppState>) -> Result<FormDefinition, UiError> {
    let (_, form) = state.kyc_form().await?;
    Ok(FormDefinition::clone(&form))
}

/// Client checks, mirroring the server's, for the values typed so far.
#[tauri::command]
#[specta::specta]
pub async fn kyc_check(
    state: State<'_, AppState>,
    values: HashMap<String, String>,
) -> Result<Vec<FieldProblem>, UiError> {
    state.kyc_check(values).await
}

/// Checks and submits. Field errors (ours or the server's) come back on their inputs.
#[tauri::command]
#[specta::specta]
pub async fn kyc_submit(state: State<'_, AppState>, values: HashMap<String, String>) -> Result<KycView, UiError> {
    state.kyc_submit(values).await
}

#[tauri::command]
#[specta::specta]
pub async fn kyc_status(state: State<'_, AppState>) -> Result<KycView, UiError> {
    state.kyc_status().await
}

/// Opens the verification link in the system browser, if it passes the allowlist.
#[tauri::command]
#[specta::specta]
pub async fn open_verification<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    open_in_browser(&app, &state.verification_link().await?)
}

/// Opens an agreement's link (same allowlist).
#[tauri::command]
#[specta::specta]
pub async fn open_link<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> Result<(), UiError> {
    state.ensure_unlocked()?;
    open_in_browser(&app, &state.checked_link(&url).await?)
}

/// Hands a link the allowlist passed to the system browser.
fn open_in_browser<R: tauri::Runtime>(app: &AppHandle<R>, checked: &str) -> Result<(), UiError> {
    app.opener().open_url(checked, None::<&str>).map_err(|e| {
        UiError::new(
            ErrorCode::Internal,
            "Browser not opened",
            format!("The system browser could not be opened: {e}."),
            UiAction::Retry,
        )
    })
}

#[tauri::command]
#[specta::specta]
pub async fn agreements(state: State<'_, AppState>) -> Result<AgreementsView, UiError> {
    let user = state.user().await?;
    Ok(agreements_view(user.agreements().await.map_err(ui)?.data))
}

#[tauri::command]
#[specta::specta]
pub async fn accept_agreements(state: State<'_, AppState>) -> Result<AgreementsView, UiError> {
    let user = state.user().await?;
    Ok(agreements_view(user.accept_agreements().await.map_err(ui)?.data))
}
