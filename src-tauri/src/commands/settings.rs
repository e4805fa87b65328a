//! Settings and the partner key. Settings go to the store from Rust only; the key goes to the keychain.

use tauri::{AppHandle, State};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::settings::{EnvironmentSetting, Settings};

use crate::state::AppState;
use crate::vault;

pub const STORE_FILE: &str = "settings.json";
pub const STORE_KEY: &str = "settings";

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings, UiError> {
    Ok(state.settings.lock().await.clone())
}

/// Validates and saves. Switching environment signs out and drops every token.
#[tauri::command]
#[specta::specta]
pub async fn save_settings<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, UiError> {
    state.ensure_unlocked()?;
    let problems = settings.validate();
    if !problems.is_empty() {
        let mut error = UiError::new(
            ErrorCode::Validation,
            "Check the highlighted fields",
            "Some settings are out of range.",
            UiAction::FixFields,
        );
        error.fields = problems;
        return Err(error);
    }
    super::passphrase::authorize_settings(&state, &settings).await?;
    let previous = state.settings.lock().await.clone();
    persist(&app, &settings)?;
    let switched = previous.environment != settings.environment;
    let user_changed = previous.user_id != settings.user_id || previous.wallet_address != settings.wallet_address;
    *state.settings.lock().await = settings.clone();
    if switched || user_changed {
        state.forget_pending_writes();
    }
    if switched || user_changed || previous.session_ttl_seconds != settings.session_ttl_seconds {
        state.clear_clipboard();
        state.disconnect().await;
    }
    Ok(settings)
}

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

fn key_environment(environment: &EnvironmentSetting) -> Result<&'static str, UiError> {
    match environment {
        EnvironmentSetting::Sandbox => Ok("sandbox"),
        EnvironmentSetting::Production => Ok("production"),
        EnvironmentSetting::Custom { .. } => Ok("custom"),
        EnvironmentSetting::Demo => Err(UiError::new(
            ErrorCode::Validation,
            "Demo needs no key",
            "Demo mode runs without a partner key. Choose Sandbox, Production or a custom URL first.",
            UiAction::Dismiss,
        )),
    }
}

/// Stores the partner key for the current environment in the OS keychain. It is never sent back.
#[tauri::command]
#[specta::specta]
pub async fn set_partner_key(state: State<'_, AppState>, key: String) -> Result<(), UiError> {
    state.ensure_unlocked()?;
    let key = machines_api::PartnerKey::parse(key)
        .map_err(|e| UiError::on_field("Check the partner key", "partnerKey", e.to_string()))?;
    let settings = state.settings.lock().await.clone();
    // With `MACHINES_API_URL` set (and no key given with it) the key is that server's, whatever the
    // settings name; it is connected as "custom".
    let environment =
        if state.key_for_override_in_keychain().await { "custom" } else { key_environment(&settings.environment)? };
    vault::store(state.key_account(&settings).await?, key).await?;
    key_changed(&state, environment).await;
    state.disconnect().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn forget_partner_key(state: State<'_, AppState>) -> Result<(), UiError> {
    state.ensure_unlocked()?;
    let settings = state.settings.lock().await.clone();
    // With `MACHINES_API_URL` set (and no key given with it) the key is that server's, whatever the
    // settings name; it is connected as "custom".
    let environment =
        if state.key_for_override_in_keychain().await { "custom" } else { key_environment(&settings.environment)? };
    vault::forget(state.key_account(&settings).await?).await?;
    key_changed(&state, environment).await;
    state.disconnect().await;
    Ok(())
}

/// Another partner key may be another partner, whose user of the same id is someone else: no unfinished
/// create of this environment may be sent with it. This run's are forgotten; the journal's (left by a
/// crash) are set aside with a note, since whether they made a card is for the old key's account to show.
async fn key_changed(state: &AppState, environment: &str) {
    state.forget_pending_writes();
    if let Some(journal) = &state.intents {
        let same = |scope: &wallet_core::intents::Scope| scope.environment.split(' ').next() == Some(environment);
        let notes = journal.set_aside_where(same, "the partner key changed since");
        state.notes.lock().await.extend(notes);
    }
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
    state.ensure_unlocked()?;
    let demo = state.settings.lock().await.environment == EnvironmentSetting::Demo
        && state.overrides.lock().await.base_url.is_none();
    if !demo {
        return Err(UiError::new(
            ErrorCode::NotDemo,
            "Demo only",
            "Starting over is for Demo mode. Other environments keep their data on Machines Cash's servers.",
            UiAction::Dismiss,
        ));
    }
    state.clear_clipboard();
    // The connection stays locked until the settings are reset too, so no command can start Demo again
    // from the old file or for the old user in between.
    let mut slot = state.connection.lock().await;
    let erased = match slot.take().and_then(|c| c.simulator) {
        Some(sim) => sim.erase_saved_state().await,
        None => match &state.demo_state_file {
            Some(file) => std::fs::remove_file(file).or_else(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(e),
            }),
            None => Ok(()),
        },
    };
    erased.map_err(|e| {
        UiError::new(
            ErrorCode::Internal,
            "Demo not cleared",
            format!("Demo's saved data could not be removed: {e}. Try again."),
            UiAction::Retry,
        )
    })?;
    state.forget_pending_writes();
    if let Some(journal) = &state.intents {
        journal.forget_where(|scope| scope.environment == "demo");
    }
    let mut settings = state.settings.lock().await.clone();
    settings.user_id = None;
    settings.wallet_address = None;
    settings.wallet_label = None;
    persist(&app, &settings)?;
    *state.settings.lock().await = settings.clone();
    drop(slot);
    Ok(settings)
}
