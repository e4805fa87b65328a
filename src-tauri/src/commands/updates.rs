//! What the core tells the UI without being asked: a KYC status or a deposit as it moves (then the
//! balances), and the lock. Each `watch_*` command starts a watch in `wallet_core::updates` whose updates
//! go down a `tauri::ipc::Channel` the page passed in, and returns the watch's id for "check now" and
//! "stop".
//!
//! A channel rather than tauri-specta events: a channel is an argument of our own command, so it needs
//! no `core:event` permission (the capability stays our commands only), it reaches only the page that
//! asked, and it carries one typed update per watch with no global event name to listen to.

use tauri::ipc::Channel;
use tauri::State;
use wallet_core::error::UiError;
use wallet_core::updates::{DepositUpdate, KycUpdate, LockUpdate, NotesUpdate, WatchId};

use crate::state::AppState;

/// Watches the signed-in user's KYC status, checking at once, until it settles or the screen stops it.
#[tauri::command]
#[specta::specta]
pub async fn watch_kyc(state: State<'_, AppState>, on_update: Channel<KycUpdate>) -> Result<WatchId, UiError> {
    let user = state.user().await?;
    Ok(state.watches().kyc(user, move |update| on_update.send(update).is_ok()))
}

/// Watches deposit `id`, checking at once, until it completes (then the balances are sent once) or fails.
#[tauri::command]
#[specta::specta]
pub async fn watch_deposit(
    state: State<'_, AppState>,
    id: String,
    on_update: Channel<DepositUpdate>,
) -> Result<WatchId, UiError> {
    let user = state.user().await?;
    Ok(state.watches().deposit(user, id, move |update| on_update.send(update).is_ok()))
}

/// "I've finished — check now": the watch checks at once. `false` when it is no longer running.
#[tauri::command]
#[specta::specta]
pub fn check_now(state: State<'_, AppState>, watch: WatchId) -> bool {
    state.watches().check_now(watch)
}

/// The screen that started the watch went away.
#[tauri::command]
#[specta::specta]
pub fn stop_watch(state: State<'_, AppState>, watch: WatchId) {
    state.watches().stop(watch);
}

/// Tells the page each time the app locks itself (idle, the OS screen lock, the panic button) or is
/// unlocked, until the page listens again (a reload). Async, as every command that starts a watch: the
/// watch is a task on the async runtime, which a sync command (run on the main thread) is not inside.
#[tauri::command]
#[specta::specta]
pub async fn watch_lock(state: State<'_, AppState>, on_change: Channel<LockUpdate>) -> Result<WatchId, UiError> {
    Ok(state.watches().lock(move |update| on_change.send(update).is_ok()))
}

/// Sends the page the things to tell the person once as the core learns them (a card finished after a
/// crash, while the cards are listed), and what was waiting; until the page listens again (a reload).
#[tauri::command]
#[specta::specta]
pub fn watch_notes(state: State<'_, AppState>, on_notes: Channel<NotesUpdate>) {
    state.listen_for_notes(move |update| on_notes.send(update).is_ok());
}

/// The page became hidden (minimised, another workspace) or visible again: the watches pause while
/// nobody can see their news. Tauri's window events say focused or not, never hidden, so the page's
/// `visibilitychange` tells the core.
#[tauri::command]
#[specta::specta]
pub fn window_visible(state: State<'_, AppState>, visible: bool) {
    state.watches().pauses().set_hidden(!visible);
}
