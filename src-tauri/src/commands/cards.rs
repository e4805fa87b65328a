//! Cards: list with decrypted labels, create, lock and unlock, delete, and the secrets: reveal (the one
//! view with digits) and copy (digits go from Rust to the clipboard, never through the webview). The
//! flows are `AppState`'s (`state::cards`); the checks and views `wallet-core`'s.

use tauri::State;
use wallet_core::card_draft::CardDraft;
use wallet_core::card_edit::CardEdit;
use wallet_core::card_view::{labelled_card_view, CardView, CopyReceipt, CopyWhat, RevealView};
use wallet_core::error::UiError;

use super::ui;
use crate::state::AppState;

/// Every card that is not canceled, with its label decrypted, pinned first and then the newest.
#[tauri::command]
#[specta::specta]
pub async fn cards(state: State<'_, AppState>) -> Result<Vec<CardView>, UiError> {
    state.cards().await
}

/// Creates a card with an optional label (encrypted through the API) and limit (dollars in, cents out).
#[tauri::command]
#[specta::specta]
pub async fn create_card(
    state: State<'_, AppState>,
    label: Option<String>,
    limit: Option<String>,
    frequency: Option<String>,
) -> Result<CardView, UiError> {
    // Locked, or not set up yet, is said before any field error.
    state.user().await?;
    let draft = CardDraft::check(label.as_deref(), limit.as_deref(), frequency.as_deref())?;
    state.create_card(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn lock_card(state: State<'_, AppState>, id: String) -> Result<CardView, UiError> {
    let user = state.user().await?;
    let card = user.lock_card(&id).await.map_err(ui)?.data;
    Ok(labelled_card_view(&user, &card).await)
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_card(state: State<'_, AppState>, id: String) -> Result<CardView, UiError> {
    let user = state.user().await?;
    let card = user.unlock_card(&id).await.map_err(ui)?.data;
    Ok(labelled_card_view(&user, &card).await)
}

/// Edits a card: its name, colour, emoji and memo (encrypted like the label), its limit and how often it
/// applies, pinned, and its place in the list. A field left out stays; an empty one is cleared.
#[tauri::command]
#[specta::specta]
pub async fn update_card(state: State<'_, AppState>, id: String, edit: CardEdit) -> Result<CardView, UiError> {
    state.update_card(&id, &edit).await
}

/// Cancels a card for good (the UI asks first, naming the card).
#[tauri::command]
#[specta::specta]
pub async fn delete_card(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    let user = state.user().await?;
    user.delete_card(&id).await.map_err(ui).map(|_| ())
}

/// Decrypts the card and returns its digits for the countdown. Rust keeps nothing: the decrypted
/// values are wiped as soon as the view is built.
#[tauri::command]
#[specta::specta]
pub async fn reveal_card(state: State<'_, AppState>, id: String) -> Result<RevealView, UiError> {
    state.reveal_card(&id).await
}

/// The UI hid the card. Nothing of it is held in Rust, so there is nothing to wipe here; the command
/// exists so that hiding is also an activity for the idle timer.
#[tauri::command]
#[specta::specta]
pub fn hide_card(state: State<'_, AppState>) {
    state.touch();
}

/// Copies the number, expiry or CVC straight from Rust to the clipboard (with the OS privacy hints), and
/// clears it after the configured time if it still holds that value.
#[tauri::command]
#[specta::specta]
pub async fn copy_card(state: State<'_, AppState>, id: String, what: CopyWhat) -> Result<CopyReceipt, UiError> {
    state.copy_card(&id, what).await
}
