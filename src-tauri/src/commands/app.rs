//! The app itself: what the header shows, the lock, activity for the idle lock.

use machines_api::models::cards::CardStatus;
use serde::Serialize;
use tauri::State;
use wallet_core::error::{ErrorCode, UiError};

use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStateView {
    pub environment: String,
    pub demo: bool,
    pub api_host: String,
    pub locked: bool,
    pub has_partner_key: bool,
    /// Outside Demo with no unlock passphrase set yet: the app asks for one before anything else.
    pub needs_passphrase: bool,
    pub user_id: Option<String>,
    pub wallet_address: Option<String>,
    /// Things to tell the person once (e.g. settings that could not be read).
    pub notes: Vec<String>,
}

/// What the header and the first screen need. Connecting may start the Demo simulator.
#[tauri::command]
#[specta::specta]
pub async fn app_state(state: State<'_, AppState>) -> Result<AppStateView, UiError> {
    let settings = state.settings.lock().await.clone();
    let (environment, demo, api_host, has_partner_key) = match state.connect().await {
        Ok(connection) => (connection.environment.clone(), connection.demo, connection.api_host.clone(), true),
        // A `MACHINES_API_URL` given without its key: the app talks to that server, not the settings' one.
        Err(err) if err.code == ErrorCode::PartnerKey && state.key_for_override_in_keychain().await => {
            ("custom".to_owned(), false, String::new(), false)
        }
        Err(err) if err.code == ErrorCode::PartnerKey => (settings_environment(&settings), false, String::new(), false),
        Err(err) => return Err(err),
    };
    // Taken after connecting: starting Demo may have something to say (its saved data was unreadable).
    let notes = std::mem::take(&mut *state.notes.lock().await);
    // Demo has no passphrase, and asking the keychain there would only risk a prompt. A keychain that cannot
    // answer shows the lock screen's passphrase field, whose unlock then says why.
    let needs_passphrase = !demo && matches!(state.gate.has_credential().await, Ok(false));
    Ok(AppStateView {
        environment,
        demo,
        api_host,
        locked: state.is_locked(),
        has_partner_key,
        needs_passphrase,
        user_id: settings.user_id,
        wallet_address: settings.wallet_address,
        notes,
    })
}

fn settings_environment(settings: &wallet_core::settings::Settings) -> String {
    use wallet_core::settings::EnvironmentSetting as E;
    match settings.environment {
        E::Demo => "demo",
        E::Sandbox => "sandbox",
        E::Production => "production",
        E::Custom { .. } => "custom",
    }
    .to_owned()
}

/// Locks now: the clipboard is cleared if it still holds our value and sessions are dropped.
#[tauri::command]
#[specta::specta]
pub async fn lock_app(state: State<'_, AppState>) -> Result<(), UiError> {
    state.lock().await;
    Ok(())
}

/// Unlocks. Outside Demo only with the passphrase (or PIN), and after a wrong one only once its delay has
/// passed; Demo has no credential and unlocks with the button alone, as its lock screen says.
#[tauri::command]
#[specta::specta]
pub async fn unlock_app(state: State<'_, AppState>, passphrase: Option<String>) -> Result<(), UiError> {
    if !super::passphrase::is_demo(&state).await {
        state.gate.verify(passphrase.unwrap_or_default()).await?;
    }
    state.locked.store(false, std::sync::atomic::Ordering::SeqCst);
    state.touch();
    Ok(())
}

/// The person did something: the idle timer starts again.
#[tauri::command]
#[specta::specta]
pub fn activity(state: State<'_, AppState>) {
    state.touch();
}

/// What the panic button did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PanicReport {
    /// Cards that were active and are now locked.
    pub cards_locked: u32,
    /// Cards that were already locked.
    pub already_locked: u32,
    /// Why some cards may still be active (the API could not be reached, say), in words; `None` when
    /// every card is locked or there are none.
    pub problem: Option<String>,
}

/// The panic button: in one action, clears the clipboard and locks the app at once (the UI drops any
/// revealed digits with the screen), then locks every active card through the API, then drops every
/// session. The app is locked even when the cards cannot be reached; the report says what was done.
#[tauri::command]
#[specta::specta]
pub async fn panic_button(state: State<'_, AppState>) -> Result<PanicReport, UiError> {
    // Locked before the clear, as `AppState::lock` does: a copy that is about to write checks the lock
    // while holding the clipboard, so it either wrote before this clear or sees the lock and refuses.
    state.locked.store(true, std::sync::atomic::Ordering::SeqCst);
    state.clear_clipboard();
    // Never waits on the keychain: with no connection yet and the key still to be read, the cards
    // cannot be reached, and the report says so.
    let user = match state.connect_without_keychain().await {
        Ok(connection) => connection.user.clone(),
        Err(err) => return Ok(PanicReport { cards_locked: 0, already_locked: 0, problem: Some(err.message) }),
    };
    let mut report = PanicReport { cards_locked: 0, already_locked: 0, problem: None };
    if let Some(user) = &user {
        match user.all_cards().await {
            Ok(cards) => {
                let mut failed = 0u32;
                let mut last_error = None;
                for card in cards {
                    match card.status {
                        CardStatus::Active => match user.lock_card(&card.card_id).await {
                            Ok(_) => report.cards_locked += 1,
                            Err(err) => {
                                failed += 1;
                                last_error = Some(UiError::from(&err).message);
                            }
                        },
                        CardStatus::Locked => report.already_locked += 1,
                        _ => {}
                    }
                }
                if let Some(why) = last_error {
                    report.problem = Some(format!("{failed} card(s) could not be locked: {why}"));
                }
            }
            Err(err) => {
                report.problem = Some(format!("The cards could not be locked: {}", UiError::from(&err).message))
            }
        }
    }
    // Sessions go last: locking the cards needed them.
    state.lock().await;
    Ok(report)
}

/// The UI's first screen is interactive. For start-up measurements (`bench/`): with
/// `MACHINES_WALLET_REPORT_READY` set the app prints `ready` on stdout, and with
/// `MACHINES_WALLET_EXIT_AFTER_READY_MS=N` it quits N ms later. Without them it does nothing.
#[tauri::command]
#[specta::specta]
pub fn ui_ready<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    if std::env::var_os("MACHINES_WALLET_REPORT_READY").is_some() {
        println!("ready");
    }
    if let Some(ms) = std::env::var("MACHINES_WALLET_EXIT_AFTER_READY_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            app.exit(0);
        });
    }
}
