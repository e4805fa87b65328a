//! Cards: list, create, read, update (lock/unlock, limit, labels), delete, and the secrets needed to
//! reveal or copy a card.

use reqwest::Method;

use crate::client::{invalid_argument, path_id, UserClient};
use crate::crypto::{self, CardNumbers, CryptoError};
use crate::envelope::Envelope;
use crate::error::{ApiError, StateGate};
use crate::idempotency::IdempotencyKey;
use crate::models::card_secrets::{CardSecrets, CardSecretsRequest, SecretsSession, SecretsSessionRequest};
use crate::models::cards::{
    Card, CardLimit, CardList, CardStatus, CreateCardRequest, DeletedCard, FieldChange, UpdateCardRequest,
};
use crate::retry::Replay;
use crate::scopes::CARDS;
use crate::transport::{Body, Call};

/// Most pages [`UserClient::all_cards`] follows before deciding the server is looping.
const MAX_CARD_PAGES: usize = 50;

/// A card's decrypted number and code with its expiry. The digits are zeroized when this is dropped.
#[derive(Debug)]
pub struct CardReveal {
    pub numbers: CardNumbers,
    pub expiration_month: Option<u8>,
    pub expiration_year: Option<u16>,
    pub last4: Option<String>,
}

impl UserClient {
    /// `GET /cards`: one page.
    pub async fn list_cards(&self, cursor: Option<&str>, limit: Option<u32>) -> Result<Envelope<CardList>, ApiError> {
        let mut query = Vec::new();
        if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor.to_owned()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.clamp(1, 100).to_string()));
        }
        self.broker.call(CARDS, Call::get(vec!["cards"]).query(query).scopes(&["cards.read"])).await
    }

    /// Every card, following `nextCursor`; stops with a decode error if the server repeats a cursor.
    pub async fn all_cards(&self) -> Result<Vec<Card>, ApiError> {
        let mut cards = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_CARD_PAGES {
            let page = self.list_cards(cursor.as_deref(), None).await?.data;
            cards.extend(page.cards);
            match page.next_cursor.filter(|c| !c.is_empty()) {
                None => return Ok(cards),
                Some(next) if cursor.as_deref() == Some(next.as_str()) => {
                    return Err(ApiError::decode("the card list repeats the same page"))
                }
                Some(next) => cursor = Some(next),
            }
        }
        Err(ApiError::decode("the card list has too many pages"))
    }

    /// `POST /cards` with `Idempotency-Key: key`. Retried only with the same key; a caller retrying after
    /// an error passes the same key again, so at most one card is ever made for one key.
    pub async fn create_card(
        &self,
        request: &CreateCardRequest,
        key: &IdempotencyKey,
    ) -> Result<Envelope<Card>, ApiError> {
        if let Some(limit) = &request.limit {
            check_limit(limit)?;
        }
        let call = Call::keyed(Method::POST, vec!["cards"], Body::json(request)?, key);
        self.broker.call(CARDS, call.scopes(&["cards.write"])).await
    }

    /// `GET /cards/{cardId}`.
    pub async fn get_card(&self, card_id: &str) -> Result<Envelope<Card>, ApiError> {
        let id = path_id("cardId", card_id)?;
        self.broker.call(CARDS, Call::get(vec!["cards", id]).scopes(&["cards.read"])).await
    }

    /// `PATCH /cards/{cardId}`: status, limit, labels (name, colour, emoji, memo), pin and order, with an
    /// Idempotency-Key as the vendor's CLI sends. A caller retrying after an error passes the same key, so
    /// an edit whose answer was lost is not applied twice over a later one.
    pub async fn update_card(
        &self,
        card_id: &str,
        request: &UpdateCardRequest,
        key: &IdempotencyKey,
    ) -> Result<Envelope<Card>, ApiError> {
        let id = path_id("cardId", card_id)?;
        if let FieldChange::Set(limit) = &request.limit {
            check_limit(limit)?;
        }
        let call = Call::keyed(Method::PATCH, vec!["cards", id], Body::json(request)?, key);
        self.broker.call(CARDS, call.scopes(&["cards.write"])).await
    }

    /// Locks (freezes) a card: `PATCH {status: "locked"}`. Setting the same status twice is harmless.
    pub async fn lock_card(&self, card_id: &str) -> Result<Envelope<Card>, ApiError> {
        self.set_card_status(card_id, CardStatus::Locked).await
    }

    /// Unlocks a card: `PATCH {status: "active"}`.
    pub async fn unlock_card(&self, card_id: &str) -> Result<Envelope<Card>, ApiError> {
        self.set_card_status(card_id, CardStatus::Active).await
    }

    async fn set_card_status(&self, card_id: &str, status: CardStatus) -> Result<Envelope<Card>, ApiError> {
        let request = UpdateCardRequest { status: Some(status), ..UpdateCardRequest::default() };
        self.update_card(card_id, &request, &IdempotencyKey::generate()).await
    }

    /// `DELETE /cards/{cardId}`: cancels the card for good.
    ///
    /// Deleting is idempotent: the end state is the same however often it is asked for. So after a 5xx, a
    /// timeout or an answer lost on the way, the delete is sent again (a 429 is resent by the transport
    /// for every call). On such a resend, "already canceled" (409) or 404 means the first attempt did the
    /// work, and is taken as done. A 409 about a canceled card is done on a first attempt too (the card is
    /// gone, as the person wanted); a 404 on a first attempt stays an error: the card was never ours.
    pub async fn delete_card(&self, card_id: &str) -> Result<Envelope<DeletedCard>, ApiError> {
        let id = path_id("cardId", card_id)?;
        let policy = &self.broker.transport_config().retry;
        let mut attempt = 1;
        loop {
            // Never: the transport must not resend on its own, because only this loop knows that a 404
            // after a resend is a success.
            let call = Call { method: Method::DELETE, replay: Replay::Never, ..Call::get(vec!["cards", id]) };
            let error = match self.broker.call(CARDS, call.scopes(&["cards.write"])).await {
                Ok(deleted) => return Ok(deleted),
                Err(error) => error,
            };
            let resent = attempt > 1;
            if already_canceled(&error) || (resent && matches!(error, ApiError::NotFound { .. })) {
                tracing::info!(attempt, code = error.code(), "card delete already done");
                return Ok(Envelope {
                    data: DeletedCard {
                        card_id: Some(id.to_owned()),
                        status: Some(CardStatus::Canceled),
                        deleted_at: None,
                    },
                    summary: "card deleted".to_owned(),
                    next: None,
                });
            }
            let may_have_been_done = error.is_transient() && !matches!(error, ApiError::RateLimited { .. });
            let wait = if may_have_been_done { policy.delay(attempt, None) } else { None };
            let Some(wait) = wait else { return Err(error) };
            tracing::info!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                code = error.code(),
                "sending the card delete again"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// `POST /cards/secrets/session`: a short-lived AES key for fetching secrets.
    pub async fn secrets_session(&self) -> Result<Envelope<SecretsSession>, ApiError> {
        let call = Call::post(vec!["cards", "secrets", "session"], &SecretsSessionRequest {})?;
        self.broker.call(CARDS, call.scopes(&["cards.secrets.read"])).await
    }

    /// `POST /cards/{cardId}/secrets`: the encrypted PAN and CVC.
    pub async fn card_secrets(
        &self,
        card_id: &str,
        session: &SecretsSession,
    ) -> Result<Envelope<CardSecrets>, ApiError> {
        let id = path_id("cardId", card_id)?;
        let request = CardSecretsRequest { session_id: session.session_id.clone() };
        let call = Call::post(vec!["cards", id, "secrets"], &request)?;
        self.broker.call(CARDS, call.scopes(&["cards.secrets.read"])).await
    }

    /// Opens a secrets session, fetches the card's encrypted secrets and decrypts them. The session key is
    /// dropped (and wiped) before this returns; only the zeroizing plaintext leaves.
    pub async fn reveal_card(&self, card_id: &str) -> Result<CardReveal, ApiError> {
        let session = self.secrets_session().await?.data;
        let secrets = self.card_secrets(card_id, &session).await?.data;
        let numbers = crypto::decrypt_card(&secrets.encrypted_pan, &secrets.encrypted_cvc, &session.secret_key)?;
        // A number that does not end in the card's own last four would be pasted as the wrong card.
        if let Some(last4) = secrets.last4.as_deref().filter(|l| !l.is_empty()) {
            if !numbers.pan.expose().ends_with(last4) {
                return Err(CryptoError::UnexpectedPlaintext { what: "card number" }.into());
            }
        }
        Ok(CardReveal {
            numbers,
            expiration_month: secrets.expiration_month,
            expiration_year: secrets.expiration_year,
            last4: secrets.last4,
        })
    }
}

/// A limit the server would refuse, refused before it is sent (the create and the edit share the rule).
fn check_limit(limit: &CardLimit) -> Result<(), ApiError> {
    if limit.amount_cents < 0 {
        return Err(invalid_argument("limit.amountCents", "must not be negative"));
    }
    Ok(())
}

/// A 409 that says the card is canceled already (the contract's answer to changing a canceled card).
fn already_canceled(error: &ApiError) -> bool {
    error.gate() == Some(StateGate::CardCanceled)
}
