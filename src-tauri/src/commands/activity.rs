//! Activity: the transactions as the Activity screen shows them (also one card's, from the card), their
//! CSV export through the OS's save dialog, and the watch that pushes new ones, each also a desktop
//! notification when the person wants them. The flows are `AppState`'s (`state::activity`).

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use wallet_core::activity_view::{ActivityQuery, ActivityView};
use wallet_core::error::UiError;
use wallet_core::updates::{ActivityUpdate, WatchId};

use crate::state::{AppState, ExportReceipt};

/// The transactions `query` selects: pending, settled and declined apart, the newest first.
#[tauri::command]
#[specta::specta]
pub async fn activity_list(state: State<'_, AppState>, query: ActivityQuery) -> Result<ActivityView, UiError> {
    state.activity_list(&query).await
}

/// Where the export's save dialog opens: the person's Downloads folder, or their home when there is
/// none. Left to itself the dialog opens in the process's working directory, which for an app started
/// from a launcher or a terminal is wherever that was, not a place the person keeps files.
fn export_folder<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let paths = app.path();
    [paths.download_dir(), paths.home_dir()].into_iter().filter_map(Result::ok).find(|dir| dir.is_dir())
}

/// Saves what `query` selects as a CSV file where the person chooses (the dialog opens in their
/// Downloads folder); `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn export_activity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: ActivityQuery,
) -> Result<Option<ExportReceipt>, UiError> {
    state.export_activity(&query, export_folder(&app).as_deref()).await
}

/// Pushes new and changed transactions while the app runs (times in `utcOffsetMinutes`), in place of
/// the page's earlier watch; new ones are also desktop notifications when the setting is on.
#[tauri::command]
#[specta::specta]
pub async fn watch_activity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    utc_offset_minutes: i32,
    on_update: Channel<ActivityUpdate>,
) -> Result<WatchId, UiError> {
    state.watch_activity(app, utc_offset_minutes, move |update| on_update.send(update).is_ok()).await
}
