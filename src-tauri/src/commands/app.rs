//! The app itself: what the header shows, the lock, activity for the idle lock, the panic button.

use tauri::State;
use wallet_core::app_view::AppStateView;
use wallet_core::error::UiError;
use wallet_core::paint_report::{PaintLines, PaintReport};
use wallet_core::panic::PanicReport;

use crate::state::AppState;

/// What the header and the first screen need. Connecting may start the Demo simulator.
#[tauri::command]
#[specta::specta]
pub async fn app_state(state: State<'_, AppState>) -> Result<AppStateView, UiError> {
    state.view().await
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
    state.unlock_with(passphrase).await
}

/// The person did something: the idle timer starts again.
#[tauri::command]
#[specta::specta]
pub fn activity(state: State<'_, AppState>) {
    state.touch();
}

/// The panic button: in one action, clears the clipboard and locks the app at once (the UI drops any
/// revealed digits with the screen), then locks every active card through the API, then drops every
/// session. The app is locked even when the cards cannot be reached; the report says what was done.
#[tauri::command]
#[specta::specta]
pub async fn panic_button(state: State<'_, AppState>) -> Result<PanicReport, UiError> {
    Ok(state.panic().await)
}

/// The page has its first screen in place (or has waited long enough for it): the window, created hidden
/// so that nothing draws it before the page can paint (see `rendering`), is shown. Later calls, and calls
/// after the app showed it itself, change nothing.
#[tauri::command]
#[specta::specta]
pub fn show_window<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    crate::show_main_window_once(&app);
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

/// What `ui_painted` said so far in this launch (`ready cards` is said once).
static PAINT_LINES: PaintLines = PaintLines::new();

/// A list's rows reached the screen after its data arrived (`PaintReport`). For the scale benchmarks: with
/// `MACHINES_WALLET_REPORT_READY` set the app prints `ready cards <n>` (once) and `painted <list> <ms>` on
/// stdout; without it, nothing.
#[tauri::command]
#[specta::specta]
pub fn ui_painted(report: PaintReport) -> Result<(), UiError> {
    let lines = PAINT_LINES.lines(&report)?;
    if std::env::var_os("MACHINES_WALLET_REPORT_READY").is_some() {
        for line in lines {
            println!("{line}");
        }
    }
    Ok(())
}
