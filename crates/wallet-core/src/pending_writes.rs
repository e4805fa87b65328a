//! The creates of this run that have not succeeded yet, with their Idempotency-Keys. A person who presses
//! Create again after an error (a timeout after the server acted, say) sends the same key, so the retry
//! can never make a second card or deposit. Each is kept by where it goes ([`Scope`]: environment and
//! account) and what it asks for ([`WriteRequest`]); since the account is part of it, a stale key is never
//! sent to another account (whose data key could not even read a label encrypted for the first).
//!
//! This is memory only; the journal of card creates a crash could leave unanswered is `intents`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use machines_api::models::cards::LimitFrequency;
use machines_api::models::common::EncryptedField;
use machines_api::models::deposits::CreateDepositRequest;
use machines_api::IdempotencyKey;

use crate::card_draft::CardDraft;
use crate::error::{ErrorCode, UiAction, UiError};
use crate::intents::Scope;

/// What a create asks for: two presses of Create asking for the same thing are the same create.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WriteRequest {
    /// A card with this label (in clear: the encrypted one differs on every encryption) and limit.
    Card { label: Option<String>, limit: Option<(i64, LimitFrequency)> },
    /// A deposit address for this currency on this network (as the request spells them).
    Deposit { currency: String, network: String },
}

impl WriteRequest {
    pub fn card(draft: &CardDraft) -> Self {
        Self::Card {
            label: draft.label.clone(),
            limit: draft.limit.as_ref().map(|l| (l.amount_cents, l.frequency.clone())),
        }
    }

    pub fn deposit(request: &CreateDepositRequest) -> Self {
        Self::Deposit { currency: request.currency.clone(), network: request.network.clone() }
    }
}

/// A create that has not succeeded yet: its key, and the encrypted label it sent (encryption uses a fresh
/// IV each time, so a retry must resend the same ciphertext or it would be a different request).
#[derive(Clone)]
pub struct PendingWrite {
    pub key: IdempotencyKey,
    pub label: Option<EncryptedField>,
}

impl PendingWrite {
    /// A create about to be sent for the first time, with a fresh key.
    pub fn fresh(label: Option<EncryptedField>) -> Self {
        Self { key: IdempotencyKey::generate(), label }
    }
}

type Slot = (Scope, WriteRequest);

/// The registry. Every method that reads or adds refuses with an error if an earlier panic left the
/// lock poisoned: a key it could not vouch for is never sent.
#[derive(Default)]
pub struct PendingWrites {
    writes: Mutex<HashMap<Slot, PendingWrite>>,
}

fn slot(scope: &Scope, request: &WriteRequest) -> Slot {
    (scope.clone(), request.clone())
}

/// The error for a registry an earlier failure left poisoned: nothing is sent, and the person is told.
fn poisoned() -> UiError {
    UiError::new(
        ErrorCode::Internal,
        "Not sent",
        "The app could not check for an earlier attempt at this, so it sent nothing. Restart the app and try again.",
        UiAction::Dismiss,
    )
}

impl PendingWrites {
    fn lock(&self) -> Result<MutexGuard<'_, HashMap<Slot, PendingWrite>>, UiError> {
        self.writes.lock().map_err(|_| poisoned())
    }

    /// The create asking for `request` in `scope`, if this same create failed before.
    pub fn get(&self, scope: &Scope, request: &WriteRequest) -> Result<Option<PendingWrite>, UiError> {
        Ok(self.lock()?.get(&slot(scope, request)).cloned())
    }

    /// Remembers `write` until it succeeds, and returns the write now kept for `request`: `write`, or the
    /// one another press of the same Create registered first (so both send the same key).
    pub fn begin(&self, scope: &Scope, request: &WriteRequest, write: PendingWrite) -> Result<PendingWrite, UiError> {
        Ok(self.lock()?.entry(slot(scope, request)).or_insert(write).clone())
    }

    /// The key for the create asking for `request`: the pending one if this same create failed before,
    /// else a fresh one, remembered until [`Self::done`].
    pub fn key_for(&self, scope: &Scope, request: &WriteRequest) -> Result<IdempotencyKey, UiError> {
        Ok(self.lock()?.entry(slot(scope, request)).or_insert_with(|| PendingWrite::fresh(None)).key.clone())
    }

    /// The create asking for `request` succeeded: its key is done.
    pub fn done(&self, scope: &Scope, request: &WriteRequest) -> Result<(), UiError> {
        self.lock()?.remove(&slot(scope, request));
        Ok(())
    }

    /// The keys of this run's unfinished creates: a person retries those themselves, so the journal's
    /// resume leaves them alone.
    pub fn keys(&self) -> Result<Vec<String>, UiError> {
        Ok(self.lock()?.values().map(|write| write.key.as_str().to_owned()).collect())
    }

    /// Forgets every unfinished create: the environment, the account or the partner key changed, so no
    /// key or encrypted label of before may be sent again. Unlike the others this also works on a
    /// poisoned registry, and heals it: emptying the map is sound whatever a panic left half-done in it,
    /// and it is exactly what makes sure nothing stale is sent.
    pub fn forget_all(&self) {
        let mut writes = self.writes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        writes.clear();
        drop(writes);
        self.writes.clear_poison();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(account: &str) -> Scope {
        Scope { environment: "demo".into(), account: account.into() }
    }

    fn card(label: &str) -> WriteRequest {
        WriteRequest::card(&CardDraft::check(Some(label), Some("25"), None).unwrap())
    }

    #[test]
    fn the_same_create_pressed_again_gets_the_same_key_until_it_succeeds() {
        let writes = PendingWrites::default();
        let deposit = WriteRequest::deposit(&CreateDepositRequest::new("RUSD", "Base", None));
        let first = writes.key_for(&scope("alice"), &deposit).unwrap();
        assert_eq!(writes.key_for(&scope("alice"), &deposit).unwrap(), first, "a retry resends the key");
        assert_eq!(writes.keys().unwrap(), [first.as_str().to_owned()]);
        writes.done(&scope("alice"), &deposit).unwrap();
        assert_ne!(writes.key_for(&scope("alice"), &deposit).unwrap(), first, "a new deposit after success");
    }

    #[test]
    fn another_account_another_request_or_another_label_is_another_create() {
        let writes = PendingWrites::default();
        let key = writes.key_for(&scope("alice"), &card("Travel")).unwrap();
        assert_ne!(writes.key_for(&scope("bob"), &card("Travel")).unwrap(), key, "another account");
        assert_ne!(writes.key_for(&scope("alice"), &card("Food")).unwrap(), key, "another label");
        let weekly = WriteRequest::card(&CardDraft::check(Some("Travel"), Some("25"), Some("per7DayPeriod")).unwrap());
        assert_ne!(writes.key_for(&scope("alice"), &weekly).unwrap(), key, "another frequency");
        let deposit = WriteRequest::Deposit { currency: "rusd".into(), network: "base".into() };
        let other = WriteRequest::Deposit { currency: "rusd".into(), network: "ethereum".into() };
        assert_ne!(
            writes.key_for(&scope("alice"), &deposit).unwrap(),
            writes.key_for(&scope("alice"), &other).unwrap()
        );
    }

    #[test]
    fn the_first_write_registered_is_the_one_both_presses_send() {
        let writes = PendingWrites::default();
        assert!(writes.get(&scope("alice"), &card("Travel")).unwrap().is_none());
        let first = writes.begin(&scope("alice"), &card("Travel"), PendingWrite::fresh(None)).unwrap();
        let second = writes.begin(&scope("alice"), &card("Travel"), PendingWrite::fresh(None)).unwrap();
        assert_eq!(second.key, first.key);
        assert_eq!(writes.get(&scope("alice"), &card("Travel")).unwrap().map(|w| w.key), Some(first.key));
    }

    #[test]
    fn forgetting_drops_every_key() {
        let writes = PendingWrites::default();
        writes.key_for(&scope("alice"), &card("Travel")).unwrap();
        writes.key_for(&scope("bob"), &card("Food")).unwrap();
        writes.forget_all();
        assert!(writes.keys().unwrap().is_empty());
    }

    #[test]
    fn a_poisoned_registry_refuses_with_an_error_until_it_is_forgotten() {
        let writes = PendingWrites::default();
        writes.key_for(&scope("alice"), &card("Travel")).unwrap();
        let _ = std::thread::scope(|s| {
            s.spawn(|| {
                let _held = writes.writes.lock();
                panic!("a panic while the registry is held");
            })
            .join()
        });
        let error = writes.key_for(&scope("alice"), &card("Travel")).map(|_| ()).unwrap_err();
        assert_eq!(error.code, ErrorCode::Internal);
        assert!(error.message.contains("sent nothing"), "{}", error.message);
        assert!(writes.keys().is_err() && writes.done(&scope("alice"), &card("Travel")).is_err());
        assert!(writes.begin(&scope("alice"), &card("Travel"), PendingWrite::fresh(None)).is_err());
        writes.forget_all();
        assert!(writes.keys().unwrap().is_empty(), "forgetting heals it, with nothing stale left");
    }
}
