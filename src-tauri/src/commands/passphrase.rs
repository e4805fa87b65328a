//! The unlock passphrase (or PIN): its strength while typed, setting it on first use, giving it again
//! before a reveal, resetting it (which forgets the partner keys), and the activity log. The rules live in
//! `wallet_core::unlock`; the flows in `state::passphrase`; the credential's state in `crate::unlock::Gate`.

use tauri::State;
use wallet_core::activity::ActivityEntry;
use wallet_core::error::UiError;
use wallet_core::unlock::{check_credential, CredentialCheck};

use crate::state::AppState;

/// How strong `candidate` is, for the meter on the set-passphrase screen. Nothing is kept.
#[tauri::command]
#[specta::specta]
pub fn check_passphrase(candidate: String) -> CredentialCheck {
    check_credential(&zeroize::Zeroizing::new(candidate))
}

/// First use outside Demo: sets the passphrase (only its argon2id hash goes to the keychain) and
/// unlocks. Refused once one is set.
#[tauri::command]
#[specta::specta]
pub async fn set_passphrase(
    state: State<'_, AppState>,
    passphrase: String,
    confirmation: String,
) -> Result<(), UiError> {
    state.set_passphrase(passphrase, confirmation).await
}

/// The passphrase again, before a reveal or a weaker setting. Wrong attempts wait as they do on unlock.
#[tauri::command]
#[specta::specta]
pub async fn reauthenticate(state: State<'_, AppState>, passphrase: String) -> Result<(), UiError> {
    state.reauthenticate(passphrase).await
}

/// A forgotten passphrase: the only way back is to forget every partner key with it, so whoever resets
/// it gains nothing (the key must be entered again). The app stays locked until a new one is set.
#[tauri::command]
#[specta::specta]
pub async fn reset_passphrase(state: State<'_, AppState>) -> Result<(), UiError> {
    state.reset_passphrase().await
}

/// The activity log, newest first: reveals, copies and unlocks, with the last four digits at most.
#[tauri::command]
#[specta::specta]
pub fn activity_log(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>, UiError> {
    state.ensure_unlocked()?;
    state.gate().entries()
}
