//! Fill: a card typed into the checkout page in another window, from Rust through the input system. The
//! page arms a fill and hears how it goes down a channel; the digits never cross to it. The flow is
//! `AppState`'s (`state::fill`); the plan, the words and the views `wallet_core::fill`'s.
//!
//! Async, all of them: a sync command runs on the main thread, and these reach the X server (on the
//! blocking pool) or the fill's lock, which must not hold up the window's event loop.

use tauri::ipc::Channel;
use tauri::State;
use wallet_core::error::UiError;
use wallet_core::fill::{FillAvailability, FillField, FillUpdate};

use crate::state::AppState;

/// Arms a fill of card `id`: `field` alone, or (none named) what the mode types first: everything in
/// sequence mode, the number in per-field mode. A fill under way is cancelled.
#[tauri::command]
#[specta::specta]
pub async fn fill_card(state: State<'_, AppState>, id: String, field: Option<FillField>) -> Result<(), UiError> {
    state.start_fill(&id, field).await
}

/// The Cancel button or Escape in our window: stops the fill under way and forgets the next field.
#[tauri::command]
#[specta::specta]
pub async fn cancel_fill(state: State<'_, AppState>) -> Result<(), UiError> {
    state.cancel_fill();
    Ok(())
}

/// Whether Fill can type on this desktop (and why not, in words), and the shortcut that starts it.
#[tauri::command]
#[specta::specta]
pub async fn fill_availability(state: State<'_, AppState>) -> Result<FillAvailability, UiError> {
    Ok(state.fill_availability().await)
}

/// Sends the page each fill's news, and `pick` when the shortcut asks for the card picker; until the
/// page listens again (a reload).
#[tauri::command]
#[specta::specta]
pub async fn listen_fill(state: State<'_, AppState>, on_update: Channel<FillUpdate>) -> Result<(), UiError> {
    state.listen_fill(move |update| on_update.send(update).is_ok());
    Ok(())
}
