//! Watching the account's transactions while the app runs: each new transaction, and each that changes
//! state (a pending spend that posts or is reversed), is told to a sink, which shows it on the Activity
//! screen and as a desktop notification. The UI does not poll; this asks the server as
//! `machines_api::poll` waits (the server's `pollAfterMs`, else 5 s growing to 60 s).
//!
//! It waits while the app is locked (a check would mint the session the lock dropped), but not while the
//! window is hidden: a notification matters most when the window is out of sight.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use machines_api::models::transactions::{TransactionPage, TransactionQuery};
use machines_api::poll::{self, PollControl, PollEvent, PollPolicy};
use machines_api::{ApiError, UserClient};
use time::UtcOffset;

use super::{millis, ActivityUpdate, Gate};
use crate::activity_view::{activity_line, ActivityLine, ActivityState};
use crate::card_view::{labelled_views, CardView};
use crate::error::UiError;

/// The newest transactions each check reads. Anything new since the last check is among them unless more
/// than this many arrived within one wait.
pub const WATCH_PAGE: u32 = 50;

/// What the watch has seen, and what the next page brings that is new or changed.
#[derive(Debug, Default)]
pub struct Seen {
    states: Option<HashMap<String, ActivityState>>,
}

impl Seen {
    /// Splits `lines` into those not seen before and those whose state changed. The first page only sets
    /// what has been seen: the transactions already there when the app started are not news.
    pub fn news(&mut self, lines: Vec<ActivityLine>) -> (Vec<ActivityLine>, Vec<ActivityLine>) {
        let first = self.states.is_none();
        let states = self.states.get_or_insert_with(HashMap::new);
        let (mut new, mut updated) = (Vec::new(), Vec::new());
        for line in lines {
            match states.insert(line.id.clone(), line.state) {
                None if !first => new.push(line),
                Some(before) if before != line.state => updated.push(line),
                _ => {}
            }
        }
        (new, updated)
    }
}

/// Watches `user`'s transactions until `control` is cancelled, `sink` answers that nobody listens, or
/// an error waiting cannot mend (told as [`ActivityUpdate::Stopped`]). Times are shown in `offset`.
pub async fn watch_activity(
    user: &UserClient,
    offset: UtcOffset,
    policy: &PollPolicy,
    control: &PollControl,
    gate: &Gate,
    mut sink: impl FnMut(ActivityUpdate) -> bool,
) {
    // The card list names a transaction's card; read again only when a transaction names a card it lacks.
    let cards: Mutex<Option<Vec<CardView>>> = Mutex::new(None);
    let known = |id: &str| {
        let cards = cards.lock().unwrap_or_else(PoisonError::into_inner);
        cards.as_ref().is_some_and(|cards| cards.iter().any(|card| card.card_id == id))
    };
    let fetch = || {
        let mut gate = gate.clone();
        let (cards, known) = (&cards, &known);
        async move {
            gate.unlocked().await;
            let query = TransactionQuery { limit: Some(WATCH_PAGE), ..TransactionQuery::default() };
            let page = user.transactions(&query).await?;
            let stale = page.data.transactions.iter().filter_map(|t| t.card_id.as_deref()).any(|id| !known(id));
            if stale {
                // A card list that cannot be read leaves the lines without a card name, not the watch stopped.
                if let Ok(fresh) = user.all_cards().await {
                    let views = labelled_views(user, fresh).await;
                    *cards.lock().unwrap_or_else(PoisonError::into_inner) = Some(views);
                }
            }
            Ok(page)
        }
    };
    let mut seen = Seen::default();
    let mut shown = false;
    let on_event = |event: PollEvent<'_, TransactionPage>| {
        let update = match event {
            PollEvent::Update(page) => {
                shown = true;
                let lines = {
                    let cards = cards.lock().unwrap_or_else(PoisonError::into_inner);
                    let cards = cards.as_deref().unwrap_or_default();
                    page.transactions.iter().map(|t| activity_line(t, cards, offset)).collect()
                };
                let (new, updated) = seen.news(lines);
                if new.is_empty() && updated.is_empty() {
                    return;
                }
                ActivityUpdate::Changed { new, updated }
            }
            PollEvent::Retrying(error) => ActivityUpdate::Retrying { error: UiError::from(error) },
            PollEvent::SlowedDown(error, _) if !shown => ActivityUpdate::Retrying { error: UiError::from(error) },
            PollEvent::SlowedDown(_, wait) => ActivityUpdate::SlowedDown { next_check_in_ms: millis(wait) },
        };
        if !sink(update) {
            control.cancel();
        }
    };
    // Never settled: the watch runs as long as the app does.
    let result = poll::watch(policy, control, fetch, |_| false, on_event).await;
    match result {
        Ok(_) | Err(ApiError::Cancelled) => {}
        Err(error) => {
            sink(ActivityUpdate::Stopped { error: UiError::from(&error) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::models::transactions::Transaction;

    fn line(id: &str, status: &str) -> ActivityLine {
        let transaction: Transaction = serde_json::from_value(serde_json::json!({
            "transactionId": id, "type": "spend", "status": status, "amountCents": 1250, "merchantName": "Cafe"
        }))
        .unwrap();
        activity_line(&transaction, &[], UtcOffset::UTC)
    }

    #[test]
    fn the_first_page_is_not_news_then_new_and_changed_lines_are() {
        let mut seen = Seen::default();
        assert_eq!(seen.news(vec![line("t1", "posted"), line("t2", "pending")]), (vec![], vec![]));
        let (new, updated) = seen.news(vec![line("t3", "pending"), line("t1", "posted"), line("t2", "posted")]);
        assert_eq!(new.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["t3"]);
        assert_eq!(
            updated.iter().map(|l| (l.id.as_str(), l.state)).collect::<Vec<_>>(),
            [("t2", ActivityState::Settled)]
        );
        assert_eq!(seen.news(vec![line("t3", "pending")]), (vec![], vec![]), "nothing twice");
    }
}
