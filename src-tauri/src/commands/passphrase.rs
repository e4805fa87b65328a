//! The unlock passphrase (or PIN): its strength while typed, setting it on first use, giving it again
//! before a reveal, resetting it (which forgets the partner keys), and the activity log. The rules live in
//! `wallet_core::unlock`; the state in `crate::unlock::Gate`.

use std::time::Duration;

use tauri::State;
use wallet_core::activity::{ActivityEntry, ActivityEvent};
use wallet_core::card_view::CopyWhat;
use wallet_core::error::UiError;
use wallet_core::settings::Settings;
use wallet_core::unlock::{check_credential, weakened, CredentialCheck};

use crate::state::AppState;
use crate::unlock::{SecretUse, WEAKEN_WINDOW};
use crate::vault;

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
    state.gate.set(passphrase, confirmation).await?;
    state.locked.store(false, std::sync::atomic::Ordering::SeqCst);
    state.touch();
    Ok(())
}

/// The passphrase again, before a reveal or a weaker setting. Wrong attempts wait as they do on unlock.
#[tauri::command]
#[specta::specta]
pub async fn reauthenticate(state: State<'_, AppState>, passphrase: String) -> Result<(), UiError> {
    state.ensure_unlocked()?;
    state.gate.reauthenticate(passphrase).await?;
    state.touch();
    Ok(())
}

/// A forgotten passphrase: the only way back is to forget every partner key with it, so whoever resets
/// it gains nothing (the key must be entered again). The app stays locked until a new one is set.
#[tauri::command]
#[specta::specta]
pub async fn reset_passphrase(state: State<'_, AppState>) -> Result<(), UiError> {
    state.lock().await;
    vault::forget_all().await?;
    state.gate.forget().await?;
    // A key given at launch (MACHINES_PARTNER_KEY) is forgotten too, for this run.
    state.overrides.lock().await.partner_key = None;
    state.disconnect().await;
    Ok(())
}

/// The activity log, newest first: reveals, copies and unlocks, with the last four digits at most.
#[tauri::command]
#[specta::specta]
pub fn activity_log(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>, UiError> {
    state.ensure_unlocked()?;
    Ok(state.gate.entries())
}

/// Whether the app runs Demo (its own simulator, demo money, no passphrase).
pub async fn is_demo(state: &AppState) -> bool {
    state.overrides.lock().await.base_url.is_none()
        && state.settings.lock().await.environment == wallet_core::settings::EnvironmentSetting::Demo
}

/// The gate before a reveal or a copy, once the app is unlocked (`state.user()` checked that): outside
/// Demo a passphrase must be set, a reveal needs it given within the re-auth window, and both share the
/// rate limit.
pub async fn authorize_secret(state: &AppState, use_: SecretUse) -> Result<(), UiError> {
    let window = Duration::from_secs(u64::from(state.settings.lock().await.reauth_minutes) * 60);
    state.gate.authorize(is_demo(state).await, use_, window).await
}

/// Writes the activity line for a reveal or copy that happened. `number` is the card number, of which
/// only the last four digits are kept.
pub fn record_secret(state: &AppState, copied: Option<CopyWhat>, number: &str) {
    let event = match copied {
        Some(what) => ActivityEvent::copied(what, number),
        None => ActivityEvent::revealed(number),
    };
    state.gate.record(&event);
}

/// Before saving `next`: a change that weakens protection needs the passphrase given within the last
/// minute, outside Demo and in Demo once a passphrase is set (and goes in the activity log).
pub async fn authorize_settings(state: &AppState, next: &Settings) -> Result<(), UiError> {
    let weaker = weakened(&*state.settings.lock().await, next);
    if weaker.is_empty() {
        return Ok(());
    }
    let why = format!("to save this: {}", weaker.join(", "));
    // Demo has no passphrase of its own. But once the person has set one (for a real environment), a
    // weaker setting saved in Demo would carry over to it, so Demo asks then too. A keychain that cannot
    // answer in Demo counts as no passphrase.
    let exempt = is_demo(state).await && !matches!(state.gate.has_credential().await, Ok(true));
    state.gate.require_recent(exempt, WEAKEN_WINDOW, &why).await?;
    state.gate.record(&ActivityEvent::SettingsWeakened);
    Ok(())
}
