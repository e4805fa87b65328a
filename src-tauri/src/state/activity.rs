//! Activity: the transactions as the Activity screen shows them, their CSV export through the OS's save
//! dialog, the watch that pushes new ones (and shows each as a desktop notification when the setting is
//! on), and a card edit. The views, filters, CSV and notification text are `wallet-core`'s; what is here
//! is the state and the OS (the dialog, the file, the notification), the last two behind traits so the
//! command tests can stand in for them.

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use machines_api::idempotency::IdempotencyKey;
use machines_api::models::transactions::{Transaction, TransactionQuery};
use machines_api::UserClient;
use serde::Serialize;
use wallet_core::activity_view::{
    activity_csv, activity_view, export_file_name, notice, ActivityLine, ActivityQuery, ActivityView, Filters, Notice,
};
use wallet_core::card_edit::{send_edit, CardEdit};
use wallet_core::card_view::{labelled_card_view, labelled_views, CardView};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::updates::{ActivityUpdate, WatchId};

use super::{ui, AppState};

/// Shows a desktop notification. The app's is `tauri-plugin-notification`; tests record them.
pub trait Notify: Send + Sync {
    fn notify(&self, notice: &Notice);
}

/// No notifications: a state built without the app (tests that do not ask for them).
pub struct Silent;

impl Notify for Silent {
    fn notify(&self, _: &Notice) {}
}

/// Asks the person where to save a file, opening in `folder` (the OS's choice when `None`) and
/// suggesting `file_name`; `None` when they cancel.
pub trait SaveDialog: Send + Sync {
    fn ask(
        &self,
        folder: Option<&Path>,
        file_name: &str,
    ) -> Pin<Box<dyn Future<Output = Option<PathBuf>> + Send + 'static>>;
}

/// What the export did, for the toast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportReceipt {
    /// The file's name (not its folder: the page has no use for the person's paths).
    pub file_name: String,
    /// Transactions written, the header not counted.
    pub rows: u32,
}

fn export_failed(message: String) -> UiError {
    UiError::new(ErrorCode::Internal, "Export failed", message, UiAction::Retry)
}

/// Shows `lines` as desktop notifications if the person wants them. On a task of its own: the setting
/// sits behind the async settings lock, and the watch's sink is not async.
fn notify_new<R: tauri::Runtime>(app: tauri::AppHandle<R>, lines: Vec<ActivityLine>) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        let Some(state) = app.try_state::<AppState>() else { return };
        if state.settings().await.notify_transactions {
            for line in &lines {
                state.notifier.notify(&notice(line));
            }
        }
    });
}

/// The transactions the query's card and types select (the API filters by those), every page, with the
/// cards that name them. The pages follow each other (each cursor comes with the page before), so the
/// card list is read meanwhile; then only the cards the transactions name are labelled (a label is a
/// decrypt request each: one card's own list labels one card, not all 1,000).
async fn fetch(user: &UserClient, query: &Filters) -> Result<(Vec<Transaction>, Vec<CardView>), UiError> {
    let api_query = TransactionQuery {
        card_id: query.card_id.clone(),
        types: query.types.iter().map(|t| t.to_api()).collect(),
        limit: Some(TransactionQuery::MAX_LIMIT),
        ..TransactionQuery::default()
    };
    let (transactions, cards) =
        futures_util::future::try_join(async { user.all_transactions(&api_query).await.map_err(ui) }, async {
            user.all_cards().await.map_err(ui)
        })
        .await?;
    let named: HashSet<&str> = transactions.iter().filter_map(|t| t.card_id.as_deref()).collect();
    let cards = cards.into_iter().filter(|card| named.contains(card.card_id.as_str())).collect();
    Ok((transactions, labelled_views(user, cards).await))
}

impl AppState {
    /// The Activity screen for `query`: pending, settled and declined apart, the newest first.
    pub async fn activity_list(&self, query: &ActivityQuery) -> Result<ActivityView, UiError> {
        let user = self.user().await?;
        let filters = query.check()?;
        let (transactions, cards) = fetch(&user, &filters).await?;
        Ok(activity_view(&transactions, &cards, &filters))
    }

    /// Writes what the Activity screen shows for `query` as CSV where the person chooses, the dialog
    /// opening in `folder`; `None` when they cancel it. The file holds no secret (see `activity_csv`).
    pub async fn export_activity(
        &self,
        query: &ActivityQuery,
        folder: Option<&Path>,
    ) -> Result<Option<ExportReceipt>, UiError> {
        let user = self.user().await?;
        let filters = query.check()?;
        let dialog = self
            .save_dialog
            .clone()
            .ok_or_else(|| export_failed("This build of the app has no save dialog.".to_owned()))?;
        let (transactions, cards) = fetch(&user, &filters).await?;
        let view = activity_view(&transactions, &cards, &filters);
        let rows = u32::try_from(view.pending.len() + view.settled.len() + view.declined.len()).unwrap_or(u32::MAX);
        let text = activity_csv(&transactions, &cards, &filters)?;
        let suggested = export_file_name(time::OffsetDateTime::now_utc(), filters.offset);
        let Some(path) = dialog.ask(folder, &suggested).await else {
            return Ok(None);
        };
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(suggested);
        let written = tokio::task::spawn_blocking(move || std::fs::write(&path, text)).await;
        match written {
            Ok(Ok(())) => Ok(Some(ExportReceipt { file_name, rows })),
            Ok(Err(err)) => {
                Err(export_failed(format!("The file could not be written ({err}). Choose another folder.")))
            }
            Err(_) => Err(export_failed("The file could not be written.".to_owned())),
        }
    }

    /// Watches the transactions while the app runs: the page hears of new and changed ones through
    /// `send`, and each new one is a desktop notification when the setting is on (read for each, so a
    /// change in Settings applies at once). `app` reaches this state again from the watch's task.
    pub async fn watch_activity<R: tauri::Runtime>(
        &self,
        app: tauri::AppHandle<R>,
        utc_offset_minutes: i32,
        mut send: impl FnMut(ActivityUpdate) -> bool + Send + 'static,
    ) -> Result<WatchId, UiError> {
        let user = self.user().await?;
        let offset = ActivityQuery { utc_offset_minutes, ..ActivityQuery::default() }.check()?.offset;
        Ok(self.watches.activity(user, offset, move |update| {
            if let ActivityUpdate::Changed { new, .. } = &update {
                if !new.is_empty() {
                    notify_new(app.clone(), new.clone());
                }
            }
            send(update)
        }))
    }

    /// Edits card `id` as the dialog asked (one `PATCH`) and answers its new view.
    pub async fn update_card(&self, id: &str, edit: &CardEdit) -> Result<CardView, UiError> {
        let user = self.user().await?;
        let draft = edit.check()?;
        // A fresh key per press, which the transport's own resends reuse. A person's second press gets another:
        // the edit sets values rather than adding to them, so applying it again changes nothing more, and
        // the same key would need the same body, which a fresh encryption (a new IV) never is.
        let card = send_edit(&user, id, &draft, &IdempotencyKey::generate()).await.map_err(ui)?;
        Ok(labelled_card_view(&user, &card).await)
    }

    /// The same state showing notifications through `notifier`.
    pub fn with_notifier(self, notifier: Arc<dyn Notify>) -> Self {
        Self { notifier, ..self }
    }

    /// The same state asking where to save through `dialog`.
    pub fn with_save_dialog(self, dialog: Arc<dyn SaveDialog>) -> Self {
        Self { save_dialog: Some(dialog), ..self }
    }
}
