//! Creating a card so that it is made once, whatever happens to the app: the create is written to the
//! journal (`intents`) before it is sent and removed once the server has answered; a create found in the
//! journal after a relaunch is sent again with its own key and body, so the server replays the card it
//! made (or makes it, if the first request never reached it).
//!
//! After a relaunch the app finishes such a create by itself rather than asking first: the person
//! already pressed Create, the same key cannot make a second card, and declining could not undo a card
//! the server may already have made, so the question would ask something nobody can answer. The person
//! is told afterwards, with the card's last four.

use machines_api::models::cards::Card;
use machines_api::{ApiError, UserClient};

use crate::intents::{CardIntent, Journal, JournalError, Scope};

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The create could not be recorded, so it was not sent (sending it unrecorded could make a second
    /// card after a crash).
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Records `intent` in `journal` (when the app keeps one), sends it, and forgets it once the server has
/// answered: with the card, or with a refusal (a refusal made nothing, and the server keeps no answer to
/// replay). A lost or transient answer keeps the record: the card may exist, and only its key can tell.
pub async fn send(journal: Option<&Journal>, user: &UserClient, intent: &CardIntent) -> Result<Card, CreateError> {
    let key = intent.idempotency_key()?;
    if let Some(journal) = journal {
        journal.write(intent)?;
    }
    let answer = user.create_card(&intent.request(), &key).await;
    if let Some(journal) = journal {
        if answer.as_ref().map_or_else(|e| !e.is_transient(), |_| true) {
            // Not removing only means it is resent (and replayed) after the next relaunch.
            let _ = journal.remove(&intent.key);
        }
    }
    Ok(answer?.data)
}

/// What finishing the journal's creates came to.
#[derive(Debug, Default)]
pub struct Resumed {
    /// The cards those creates made, each once.
    pub cards: Vec<Card>,
    /// Sentences for the person: what was finished, what could not be and why.
    pub notes: Vec<String>,
}

/// Finishes the creates of `scope` left in `journal` by an earlier run, except those whose keys are in
/// `in_hand` (this run's own, which a person retries themselves). Each goes out again with its own key
/// and body. A record whose label ciphertext is already on one of the account's cards is done without
/// a send: the ciphertext has a fresh IV per encryption, so only this create can have put it there, and
/// this covers a server that no longer remembers the key (Demo's simulator keeps no keys across runs).
pub async fn resume(journal: &Journal, scope: &Scope, user: &UserClient, in_hand: &[String]) -> Resumed {
    let found = journal.load(scope);
    let mut resumed = Resumed { cards: Vec::new(), notes: found.notes };
    let intents: Vec<CardIntent> = found.intents.into_iter().filter(|i| !in_hand.contains(&i.key)).collect();
    if intents.is_empty() {
        return resumed;
    }
    let existing = match user.all_cards().await {
        Ok(cards) => cards,
        // Nothing is sent without knowing what exists; the records wait for the next try.
        Err(_) => return resumed,
    };
    for intent in intents {
        let made = intent
            .label
            .as_ref()
            .and_then(|label| existing.iter().find(|card| card.encrypted_name.as_ref() == Some(label)));
        let answer = match made {
            Some(card) => Ok(card.clone()),
            None => send(None, user, &intent).await,
        };
        match answer {
            Ok(card) => {
                let _ = journal.remove(&intent.key);
                resumed.notes.push(format!(
                    "A card you were creating when the app closed has been finished: ••{}. It was made once.",
                    card.last4.as_deref().unwrap_or("····")
                ));
                resumed.cards.push(card);
            }
            Err(CreateError::Api(err)) if err.is_transient() => {}
            Err(err) => {
                let _ = journal.remove(&intent.key);
                resumed.notes.push(format!(
                    "A card you were creating when the app closed was refused by the server, so no card was \
                     made: {err} Create it again if you still want it."
                ));
            }
        }
    }
    resumed
}
