//! The panic button's card locking: every active card locked through the API, and a report of what was
//! done in numbers and, when something could not be done, in words.

use machines_api::models::cards::CardStatus;
use machines_api::UserClient;
use serde::Serialize;

use crate::error::UiError;

/// What the panic button did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PanicReport {
    /// Cards that were active and are now locked.
    pub cards_locked: u32,
    /// Cards that were already locked.
    pub already_locked: u32,
    /// Why some cards may still be active (the API could not be reached, say), in words; `None` when
    /// every card is locked or there are none.
    pub problem: Option<String>,
}

impl PanicReport {
    /// Nothing could be locked, for the reason given (no connection could be made, say).
    pub fn unreachable(why: impl Into<String>) -> Self {
        Self { problem: Some(why.into()), ..Self::default() }
    }
}

/// Locks every active card of `user`, one after another; a card that fails does not stop the others.
pub async fn lock_every_card(user: &UserClient) -> PanicReport {
    let cards = match user.all_cards().await {
        Ok(cards) => cards,
        Err(err) => {
            return PanicReport::unreachable(format!("The cards could not be locked: {}", UiError::from(&err).message))
        }
    };
    let mut report = PanicReport::default();
    let (mut failed, mut last_error) = (0u32, None);
    for card in cards {
        match card.status {
            CardStatus::Active => match user.lock_card(&card.card_id).await {
                Ok(_) => report.cards_locked += 1,
                Err(err) => {
                    failed += 1;
                    last_error = Some(UiError::from(&err).message);
                }
            },
            CardStatus::Locked => report.already_locked += 1,
            _ => {}
        }
    }
    if let Some(why) = last_error {
        report.problem = Some(format!("{failed} card(s) could not be locked: {why}"));
    }
    report
}
