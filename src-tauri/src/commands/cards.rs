//! Cards: list with decrypted labels, create, lock and unlock, delete, and the secrets: reveal (the one
//! view with digits) and copy (digits go from Rust to the clipboard, never through the webview).

use std::time::{Duration, Instant};

use machines_api::models::cards::{Card, CardLimit, LimitFrequency};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use wallet_core::card_create;
use wallet_core::card_view::{
    card_view, copy_value, label_problem, reveal_view, sort_for_list, CardView, CopyWhat, RevealView,
};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::intents::CardIntent;
use wallet_core::money::parse_dollars;

use super::funding::clipboard_error;
use super::ui;
use crate::state::AppState;

fn field_error(field: &str, message: String) -> UiError {
    UiError::on_field("Check the highlighted fields", field, message)
}

/// Every card that is not canceled, with its label decrypted, pinned first and then the newest.
#[tauri::command]
#[specta::specta]
pub async fn cards(state: State<'_, AppState>) -> Result<Vec<CardView>, UiError> {
    let user = state.user().await?;
    finish_unfinished(&state, &user).await;
    let mut views = Vec::new();
    for card in user.all_cards().await.map_err(ui)? {
        views.push(labelled(&user, &card).await);
    }
    sort_for_list(&mut views);
    Ok(views)
}

/// A card's view with its label decrypted. A label that cannot be decrypted is shown as no label rather
/// than failing the list or the action that returned the card.
async fn labelled(user: &machines_api::UserClient, card: &machines_api::models::cards::Card) -> CardView {
    let label = match &card.encrypted_name {
        Some(field) => user.decrypt(field).await.ok().map(|e| e.data),
        None => None,
    };
    card_view(card, label)
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
    let user = state.user().await?;
    let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    if let Some(problem) = label.as_deref().and_then(label_problem) {
        return Err(field_error("label", problem));
    }
    let limit = match limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(text) => {
            let cents = parse_dollars(text).map_err(|e| field_error("limit", e.to_string()))?;
            if cents <= 0 {
                return Err(field_error("limit", "A limit must be more than $0.00.".into()));
            }
            let frequency = LimitFrequency::from_wire(frequency.as_deref().unwrap_or("perAuthorization"));
            if !frequency.is_known() {
                return Err(field_error("frequency", "Choose how often the limit applies.".into()));
            }
            Some(CardLimit { amount_cents: cents, frequency })
        }
    };
    // A create left by a crash is finished first; if it asked for this same card, that is the card.
    for card in finish_unfinished(&state, &user).await {
        let same_limit = card.limit.as_ref().map(|l| (l.amount_cents, l.frequency.as_str()))
            == limit.as_ref().map(|l| (l.amount_cents, l.frequency.as_str()));
        let view = labelled(&user, &card).await;
        if same_limit && view.label == label {
            return Ok(view);
        }
    }
    // The same label and limit pressed again after an error is the same card: the same key and the same
    // encrypted label (a fresh encryption would have a new IV, making it a different request).
    let scope = state.write_scope().await?;
    let intent = format!(
        "card\u{0}{}\u{0}{:?}",
        label.as_deref().unwrap_or_default(),
        limit.as_ref().map(|l| (l.amount_cents, l.frequency.as_str()))
    );
    let pending = match state.pending_write(&scope, &intent) {
        Some(pending) => pending,
        None => {
            let label_field = match &label {
                Some(text) => Some(user.encrypt(text).await.map_err(ui)?.data),
                None => None,
            };
            let pending =
                crate::state::PendingWrite { key: machines_api::IdempotencyKey::generate(), label: label_field };
            state.begin_write(&scope, &intent, pending.clone());
            pending
        }
    };
    let record = CardIntent::new(scope.clone(), &pending.key, pending.label, limit);
    let card = card_create::send(state.intents.as_ref(), &user, &record).await.map_err(create_error)?;
    state.write_done(&scope, &intent);
    Ok(card_view(&card, label))
}

/// Sends again, with their own keys, the card creates an earlier run left unanswered (a crash, a kill)
/// for this environment and account, and queues what came of them as notes for the person. Returns the
/// cards they made.
async fn finish_unfinished(state: &AppState, user: &machines_api::UserClient) -> Vec<Card> {
    let (Some(journal), Ok(scope)) = (&state.intents, state.write_scope().await) else { return Vec::new() };
    let _one_at_a_time = state.finishing.lock().await;
    let resumed = card_create::resume(journal, &scope, user, &state.pending_keys()).await;
    state.notes.lock().await.extend(resumed.notes);
    resumed.cards
}

fn create_error(error: card_create::CreateError) -> UiError {
    match error {
        card_create::CreateError::Api(error) => ui(error),
        card_create::CreateError::Journal(error) => UiError::new(
            ErrorCode::Journal,
            "Card not created",
            format!(
                "The app could not note the new card on disk before asking for it, so it did not ask \
                 ({error}). Check the disk and try again."
            ),
            UiAction::Retry,
        ),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn lock_card(state: State<'_, AppState>, id: String) -> Result<CardView, UiError> {
    let user = state.user().await?;
    let card = user.lock_card(&id).await.map_err(ui)?.data;
    Ok(labelled(&user, &card).await)
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_card(state: State<'_, AppState>, id: String) -> Result<CardView, UiError> {
    let user = state.user().await?;
    let card = user.unlock_card(&id).await.map_err(ui)?.data;
    Ok(labelled(&user, &card).await)
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
    let user = state.user().await?;
    super::passphrase::authorize_secret(&state, crate::unlock::SecretUse::Reveal).await?;
    let seconds = state.settings.lock().await.reveal_seconds;
    let reveal = user.reveal_card(&id).await.map_err(ui)?;
    super::passphrase::record_secret(&state, None, reveal.numbers.pan.expose());
    Ok(reveal_view(&id, &reveal, seconds))
}

/// The UI hid the card. Nothing of it is held in Rust, so there is nothing to wipe here; the command
/// exists so that hiding is also an activity for the idle timer.
#[tauri::command]
#[specta::specta]
pub fn hide_card(state: State<'_, AppState>) {
    state.touch();
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyReceipt {
    pub label: String,
    pub clears_in_seconds: Option<u32>,
}

/// Copies the number, expiry or CVC straight from Rust to the clipboard (with the OS privacy hints), and
/// clears it after the configured time if it still holds that value.
#[tauri::command]
#[specta::specta]
pub async fn copy_card<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    what: CopyWhat,
) -> Result<CopyReceipt, UiError> {
    let user = state.user().await?;
    super::passphrase::authorize_secret(&state, crate::unlock::SecretUse::Copy).await?;
    let clear_after = state.settings.lock().await.clipboard_clear_seconds.map(|s| Duration::from_secs(u64::from(s)));
    let reveal = user.reveal_card(&id).await.map_err(ui)?;
    let value = copy_value(&reveal, what);
    let copied = wallet_core::activity::ActivityEvent::copied(what, reveal.numbers.pan.expose());
    drop(reveal);
    if value.is_empty() {
        return Err(UiError::new(
            ErrorCode::InvalidState,
            "Nothing to copy",
            "The card has no valid expiry to copy.",
            UiAction::Dismiss,
        ));
    }
    let due = {
        let mut guard = state.clipboard.lock().map_err(|_| clipboard_error("busy".into()))?;
        // The reveal above may have waited on a slow server while the person locked or pressed Panic,
        // which cleared the clipboard. Lock and Panic set `locked` before they take this guard to clear,
        // so checking it here, while holding the guard, means the number is never written after a clear.
        state.ensure_unlocked()?;
        let (guard, board) = &mut *guard;
        guard.copy(board, &value, Instant::now(), clear_after).map_err(|e| clipboard_error(e.to_string()))?
    };
    if let Some(due) = due {
        tauri::async_runtime::spawn(clear_when_due(app, due));
    }
    state.gate.record(&copied);
    Ok(CopyReceipt { label: what.label().to_owned(), clears_in_seconds: clear_after.map(|d| d.as_secs() as u32) })
}

/// How often, and how many times, a clear that could not reach the clipboard is tried again.
const CLEAR_RETRY_EVERY: Duration = Duration::from_secs(2);
const CLEAR_RETRIES: u32 = 30;

/// Clears the clipboard at `due` if it still holds our value. A clipboard that cannot be read or cleared
/// right then (another client holding it, say) is tried again every 2 s for a minute; the guard keeps the
/// clear pending meanwhile, so a lock or quit in between clears it too.
async fn clear_when_due<R: tauri::Runtime>(app: AppHandle<R>, due: Instant) {
    tokio::time::sleep(due.saturating_duration_since(Instant::now())).await;
    for _ in 0..=CLEAR_RETRIES {
        let state = app.state::<AppState>();
        let outcome = match state.clipboard.lock() {
            Ok(mut guard) => {
                let (guard, board) = &mut *guard;
                guard.tick(board, Instant::now())
            }
            Err(_) => return,
        };
        match outcome {
            Ok(_) => return,
            Err(err) => tracing::warn!(%err, "could not clear the clipboard; trying again"),
        }
        tokio::time::sleep(CLEAR_RETRY_EVERY).await;
    }
}
