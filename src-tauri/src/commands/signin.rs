//! Partner sign-in: signing in with the partner's provider, cancelling a sign-in that waits for the
//! browser, signing out, and Partner mode's set-up (the wallet address only). The flows are `AppState`'s
//! (`state::signin`).

use tauri::{AppHandle, State};
use wallet_core::error::UiError;
use wallet_core::signin_view::SignedIn;
use wallet_core::stage::Stage;

use crate::state::AppState;

/// Opens the provider's sign-in page in the browser and waits for the person to come back (or cancel),
/// then asks the partner's gateway whether their account is linked to a wallet.
#[tauri::command]
#[specta::specta]
pub async fn sign_in<R: tauri::Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<SignedIn, UiError> {
    state.sign_in(|settings| super::settings::persist(&app, settings)).await
}

/// Ends a sign-in that is waiting for the browser; that `sign_in` answers `cancelled`.
#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    state.cancel_sign_in();
}

/// Forgets the sign-in (keychain and memory), every session, the clipboard's value and the saved user.
#[tauri::command]
#[specta::specta]
pub async fn sign_out<R: tauri::Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<(), UiError> {
    state.sign_out(|settings| super::settings::persist(&app, settings)).await
}

/// Partner mode's set-up: links the signed-in person to this wallet at the partner's gateway.
#[tauri::command]
#[specta::specta]
pub async fn link_wallet<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    wallet_address: String,
    wallet_label: Option<String>,
) -> Result<Stage, UiError> {
    state
        .link_wallet(&wallet_address, wallet_label.as_deref(), |settings| super::settings::persist(&app, settings))
        .await
}
