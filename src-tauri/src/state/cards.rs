//! Cards: the list with labels decrypted, a create that is made once (finishing first what an earlier
//! run left unanswered), and the secrets: reveal (the one view with digits) and copy (digits go from Rust
//! to the clipboard, never through the webview).

use std::time::Duration;

use machines_api::models::cards::Card;
use machines_api::UserClient;
use wallet_core::activity::ActivityEvent;
use wallet_core::card_create::{self, CreateError};
use wallet_core::card_draft::CardDraft;
use wallet_core::card_view::{
    card_view, copy_value, labelled_card_view, labelled_views, reveal_view, sort_for_list, CardView, CopyReceipt,
    CopyWhat, RevealView,
};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::intents::CardIntent;
use wallet_core::pending_writes::{PendingWrite, WriteRequest};

use super::{ui, AppState};
use crate::unlock::SecretUse;

fn create_error(error: CreateError) -> UiError {
    match error {
        CreateError::Api(error) => ui(error),
        CreateError::Journal(error) => UiError::new(
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

impl AppState {
    /// Every card that is not canceled, with its label decrypted, pinned first and then the newest.
    pub async fn cards(&self) -> Result<Vec<CardView>, UiError> {
        let user = self.user().await?;
        self.finish_unfinished(&user).await?;
        let mut views = labelled_views(&user, user.all_cards().await.map_err(ui)?).await;
        sort_for_list(&mut views);
        Ok(views)
    }

    /// Creates the card `draft` asks for, once: a create left by a crash is finished first (and if it
    /// asked for this same card, that is the card), and the same label and limit pressed again after an
    /// error resend the same key and the same encrypted label (a fresh encryption would have a new IV,
    /// making it a different request).
    pub async fn create_card(&self, draft: CardDraft) -> Result<CardView, UiError> {
        let user = self.user().await?;
        for card in self.finish_unfinished(&user).await? {
            let view = labelled_card_view(&user, &card).await;
            if draft.is_same_card(&card, view.label.as_deref()) {
                return Ok(view);
            }
        }
        let scope = self.write_scope().await?;
        let request = WriteRequest::card(&draft);
        let pending = match self.pending_writes.get(&scope, &request)? {
            Some(pending) => pending,
            None => {
                let label = match &draft.label {
                    Some(text) => Some(user.encrypt(text).await.map_err(ui)?.data),
                    None => None,
                };
                self.pending_writes.begin(&scope, &request, PendingWrite::fresh(label))?
            }
        };
        let record = CardIntent::new(scope.clone(), &pending.key, pending.label, draft.limit.clone());
        let card = card_create::send(self.intents.as_ref(), &user, &record).await.map_err(create_error)?;
        if let Err(err) = self.pending_writes.done(&scope, &request) {
            // The card is made and is returned. The key left behind could only replay this same card, and
            // the registry refuses every create from now on anyway, so the person hears of it then.
            tracing::error!(code = ?err.code, "a finished card's key could not be dropped");
        }
        Ok(card_view(&card, draft.label))
    }

    /// Sends again, with their own keys, the card creates an earlier run left unanswered (a crash, a kill)
    /// for this environment and account, and queues what came of them as notes for the person. Returns the
    /// cards they made. Without a journal, or before set-up, there is nothing to finish.
    async fn finish_unfinished(&self, user: &UserClient) -> Result<Vec<Card>, UiError> {
        let (Some(journal), Ok(scope)) = (&self.intents, self.write_scope().await) else { return Ok(Vec::new()) };
        let _one_at_a_time = self.finishing.lock().await;
        // This run's own unfinished creates are the person's to retry; they are left alone.
        let in_hand = self.pending_writes.keys()?;
        let resumed = card_create::resume(journal, &scope, user, &in_hand).await;
        self.add_notes(resumed.notes).await;
        Ok(resumed.cards)
    }

    /// Decrypts the card and returns its digits for the countdown. Rust keeps nothing: the decrypted
    /// values are wiped as soon as the view is built.
    pub async fn reveal_card(&self, id: &str) -> Result<RevealView, UiError> {
        let user = self.user().await?;
        self.authorize_secret(SecretUse::Reveal).await?;
        let seconds = self.settings.lock().await.reveal_seconds;
        let reveal = user.reveal_card(id).await.map_err(ui)?;
        self.gate.record(&ActivityEvent::revealed(reveal.numbers.pan.expose()));
        Ok(reveal_view(id, &reveal, seconds))
    }

    /// Copies the number, expiry or CVC straight from Rust to the clipboard (with the OS privacy hints),
    /// and starts the timer that clears it after the configured time if it still holds that value.
    pub async fn copy_card(&self, id: &str, what: CopyWhat) -> Result<CopyReceipt, UiError> {
        let user = self.user().await?;
        self.authorize_secret(SecretUse::Copy).await?;
        let clear_after_seconds = self.settings.lock().await.clipboard_clear_seconds;
        let reveal = user.reveal_card(id).await.map_err(ui)?;
        let value = copy_value(&reveal, what);
        let copied = ActivityEvent::copied(what, reveal.numbers.pan.expose());
        drop(reveal);
        if value.is_empty() {
            return Err(UiError::new(
                ErrorCode::InvalidState,
                "Nothing to copy",
                "The card has no valid expiry to copy.",
                UiAction::Dismiss,
            ));
        }
        // The reveal above may have waited on a slow server while the person locked or pressed Panic,
        // which cleared the clipboard. Both mark the app locked before they clear, so checking the lock
        // while holding the clipboard, right before the write, means the number is never written after.
        let clear_after = clear_after_seconds.map(|s| Duration::from_secs(u64::from(s)));
        let due = self.clipboard.copy(&value, clear_after, || self.ensure_unlocked())?;
        if let Some(due) = due {
            tokio::spawn(self.clipboard.clone().clear_when_due(due));
        }
        self.gate.record(&copied);
        Ok(CopyReceipt::new(what, clear_after_seconds))
    }
}
