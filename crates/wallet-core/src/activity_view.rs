//! The Activity screen: `GET /transactions` as a person reads it. Each transaction becomes an
//! [`ActivityLine`] (merchant, a signed amount, the card's name and last four, the time in the person's
//! own time zone), the lines are grouped into pending, settled and declined, and the screen's filters
//! (card, type, dates, merchant search) are pure functions over them. The CSV export and the text of a
//! desktop notification are built here too, so no layer above decides what they may contain.
//!
//! Nothing here holds a secret: a transaction names its card by id, and the card's name and last four
//! come from the card list's masked views.

use std::collections::HashMap;

use machines_api::models::transactions::{DeclineReason, Transaction, TransactionStatus, TransactionType};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::card_view::CardView;
use crate::error::{ErrorCode, UiAction, UiError};
use crate::money::format_cents;

/// The types a person can filter by: the values of the API's `type` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ActivityType {
    Spend,
    Collateral,
    Payment,
    Fee,
}

impl ActivityType {
    pub fn to_api(self) -> TransactionType {
        match self {
            Self::Spend => TransactionType::Spend,
            Self::Collateral => TransactionType::Collateral,
            Self::Payment => TransactionType::Payment,
            Self::Fee => TransactionType::Fee,
        }
    }
}

/// What the Activity screen asks for. Every field may be left out; the empty query is everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityQuery {
    /// One card's transactions (the per-card view); the API filters by it.
    pub card_id: Option<String>,
    /// Only these types; none means every type. The API filters by them.
    pub types: Vec<ActivityType>,
    /// First day shown, `YYYY-MM-DD` in the person's time zone, inclusive.
    pub from: Option<String>,
    /// Last day shown, `YYYY-MM-DD` in the person's time zone, inclusive.
    pub to: Option<String>,
    /// Part of the merchant's name, in any case.
    pub search: Option<String>,
    /// The person's time zone as minutes east of UTC (JavaScript's `-new Date().getTimezoneOffset()`):
    /// the page knows it, and the core cannot ask the OS safely from a threaded process on Linux.
    pub utc_offset_minutes: i32,
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ActivityState {
    /// Authorised, not posted yet: the amount may still change or drop away.
    Pending,
    /// Posted (or reversed: a reversal is final too).
    Settled,
    /// Refused; no money moved.
    Declined,
}

/// One transaction as a line of the Activity screen. Public data only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityLine {
    pub id: String,
    /// The merchant, or the type in words when there is none ("Collateral").
    pub title: String,
    /// The merchant as sent, trimmed; `None` when there is none.
    pub merchant: Option<String>,
    /// The wire type (`"spend"`, …, or an unknown value as sent), for the type filter and an icon.
    pub kind: String,
    /// The type in words: "Card spend", "Collateral", "Payment", "Fee".
    pub kind_text: String,
    pub state: ActivityState,
    /// "Pending", "Posted", "Declined", "Reversed", or an unknown status as sent.
    pub status_text: String,
    /// Signed from the person's side (`Transaction::signed_cents`): spend and fees are negative,
    /// collateral, payments and refunds positive. `None` only for an amount too large for an `i32` (the text is always there).
    pub amount_cents: Option<i32>,
    /// `"−$12.50"` or `"+$30.00"`.
    pub amount_text: String,
    /// `true` when money left the person (the amount is negative).
    pub debit: bool,
    /// Money given back on a card: the API spells a refund as a spend below zero.
    pub refund: bool,
    pub card_id: Option<String>,
    /// The card's name as the card list shows it (its label, or brand and masked number).
    pub card_name: Option<String>,
    pub card_last4: Option<String>,
    /// Why it was declined, in the server's words; only on declined lines.
    pub decline_reason: Option<String>,
    /// The day in the person's time zone, `YYYY-MM-DD`; `None` when the server sent no usable time.
    pub date: Option<String>,
    /// `"16 Jan 2026, 18:40"` in the person's time zone.
    pub time_text: Option<String>,
    /// The newest first when compared as text, descending (the creation time in UTC as RFC 3339).
    pub sort_key: String,
}

/// The Activity screen: pending and settled apart, and the declines.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    pub pending: Vec<ActivityLine>,
    pub settled: Vec<ActivityLine>,
    pub declined: Vec<ActivityLine>,
    /// How many transactions the account has under the query's card and types, before the dates and the
    /// search: "3 of 40" tells a person that a search hides the rest.
    pub total: u32,
}

/// The checked query: dates read, the offset within what a clock can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub card_id: Option<String>,
    pub types: Vec<ActivityType>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Lower-cased, trimmed; `None` when empty.
    pub search: Option<String>,
    pub offset: UtcOffset,
}

fn field_error(field: &str, message: &str) -> UiError {
    UiError::on_field("Check the filters", field, message)
}

fn parse_day(field: &str, text: Option<&str>) -> Result<Option<Date>, UiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| field_error(field, "Give a date as year-month-day, like 2026-01-31."))
}

impl ActivityQuery {
    /// Checks the query: each date a real day, the first not after the last, the offset a real one.
    pub fn check(&self) -> Result<Filters, UiError> {
        let from = parse_day("from", self.from.as_deref())?;
        let to = parse_day("to", self.to.as_deref())?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(field_error("to", "The last day comes before the first."));
            }
        }
        // Clocks run from UTC−12 to UTC+14; ±18 h is the widest offset ISO 8601 and JavaScript allow.
        let offset = (self.utc_offset_minutes.abs() <= 18 * 60)
            .then(|| UtcOffset::from_whole_seconds(self.utc_offset_minutes * 60).ok())
            .flatten()
            .ok_or_else(|| field_error("utcOffsetMinutes", "The time zone is not one a clock can have."))?;
        let search = self.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let card_id = self.card_id.clone().filter(|id| !id.trim().is_empty());
        Ok(Filters { card_id, types: self.types.clone(), from, to, search, offset })
    }
}

/// A reversal's status in words; the notice tells a reversal by it.
const REVERSED: &str = "Reversed";

/// Whether the transaction's money moved: a decline never took it, and a reversal let the hold go whole
/// (a refund is a transaction of its own). A status the app does not know counts, as in `state_of`.
fn money_moved(status: Option<&TransactionStatus>) -> bool {
    !matches!(status, Some(TransactionStatus::Declined | TransactionStatus::Reversed))
}

/// Which group a status puts a transaction in, and its words. No status reads as posted (the only value
/// the contract documents). An unknown status is shown as sent, in the settled group: the server reports
/// it as done, and hiding it would hide money.
fn state_of(status: Option<&TransactionStatus>) -> (ActivityState, String) {
    match status {
        None | Some(TransactionStatus::Posted) => (ActivityState::Settled, "Posted".to_owned()),
        Some(TransactionStatus::Pending) => (ActivityState::Pending, "Pending".to_owned()),
        Some(TransactionStatus::Declined) => (ActivityState::Declined, "Declined".to_owned()),
        Some(TransactionStatus::Reversed) => (ActivityState::Settled, REVERSED.to_owned()),
        Some(TransactionStatus::Other(raw)) => (ActivityState::Settled, raw.clone()),
    }
}

/// Why a spend was declined, in words a person can act on.
pub fn decline_reason_text(reason: &DeclineReason) -> String {
    match reason {
        DeclineReason::CardLocked => "The card is locked. Unlock it to spend with it.".to_owned(),
        DeclineReason::CardCanceled => "The card is canceled.".to_owned(),
        DeclineReason::CardInactive => "The card is not active yet.".to_owned(),
        DeclineReason::LimitExceeded => "It would pass the card's spending limit.".to_owned(),
        DeclineReason::InsufficientFunds => {
            "It is more than the credit your USDC collateral gives. Add collateral to spend more.".to_owned()
        }
        DeclineReason::Other(raw) => format!("The card issuer gave the reason \u{201C}{raw}\u{201D}."),
    }
}

/// `"−$12.50"`, `"+$30.00"`, `"$0.00"`.
fn signed_text(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", format_cents(cents))
    } else {
        format_cents(cents)
    }
}

fn parse_time(text: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text?.trim(), &Rfc3339).ok()
}

/// The line for `transaction`, with its card found among `cards` and its time in `offset`.
pub fn activity_line(transaction: &Transaction, cards: &[CardView], offset: UtcOffset) -> ActivityLine {
    let card = transaction.card_id.as_deref().and_then(|id| cards.iter().find(|card| card.card_id == id));
    line_with_card(transaction, card, offset)
}

/// The line for `transaction` on `card` (found by the caller), its time in `offset`.
fn line_with_card(transaction: &Transaction, card: Option<&CardView>, offset: UtcOffset) -> ActivityLine {
    let (state, status_text) = state_of(transaction.status.as_ref());
    let signed = transaction.signed_cents();
    let refund = transaction.is_refund();
    let created = parse_time(transaction.created_at.as_deref());
    let local = created.map(|at| at.to_offset(offset));
    let merchant = transaction.merchant_name.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
    let decline_reason = match state {
        ActivityState::Declined => transaction.decline_reason.as_ref().map(decline_reason_text),
        _ => None,
    };
    ActivityLine {
        id: transaction.transaction_id.clone(),
        title: transaction.title().to_owned(),
        merchant,
        kind: transaction.transaction_type.as_str().to_owned(),
        kind_text: if refund { "Refund".to_owned() } else { transaction.transaction_type.label().to_owned() },
        state,
        status_text,
        amount_cents: i32::try_from(signed).ok(),
        amount_text: signed_text(signed),
        debit: signed < 0,
        refund,
        card_id: transaction.card_id.clone(),
        card_name: card.map(|c| c.name.clone()),
        card_last4: card.and_then(|c| c.last4.clone()),
        decline_reason,
        date: local.and_then(|at| at.date().format(format_description!("[year]-[month]-[day]")).ok()),
        time_text: local.and_then(|at| {
            at.format(format_description!("[day padding:none] [month repr:short] [year], [hour]:[minute]")).ok()
        }),
        sort_key: created.and_then(|at| at.to_offset(UtcOffset::UTC).format(&Rfc3339).ok()).unwrap_or_default(),
    }
}

/// Whether `line` passes the filters. The card and types are checked here too, although the API
/// filters by them, so a server that ignores a filter cannot show the wrong card's spending.
pub fn matches(line: &ActivityLine, filters: &Filters) -> bool {
    if let Some(card) = &filters.card_id {
        if line.card_id.as_deref() != Some(card.as_str()) {
            return false;
        }
    }
    if !filters.types.is_empty() && !filters.types.iter().any(|t| t.to_api().as_str() == line.kind) {
        return false;
    }
    if filters.from.is_some() || filters.to.is_some() {
        let Some(day) = line.date.as_deref().and_then(|d| parse_day("date", Some(d)).ok().flatten()) else {
            // A transaction without a time cannot be placed in a date range.
            return false;
        };
        if filters.from.is_some_and(|from| day < from) || filters.to.is_some_and(|to| day > to) {
            return false;
        }
    }
    match &filters.search {
        Some(search) => line.title.to_lowercase().contains(search.as_str()),
        None => true,
    }
}

/// The screen's view of `transactions` under `filters`: the newest first in each group. The cards are
/// looked up by id through an index (10,000 lines over 1,000 cards searched one by one were 10 million
/// comparisons).
pub fn activity_view(transactions: &[Transaction], cards: &[CardView], filters: &Filters) -> ActivityView {
    let by_id: HashMap<&str, &CardView> = cards.iter().map(|card| (card.card_id.as_str(), card)).collect();
    let mut lines: Vec<ActivityLine> = transactions
        .iter()
        .map(|t| line_with_card(t, t.card_id.as_deref().and_then(|id| by_id.get(id).copied()), filters.offset))
        .collect();
    let total = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    lines.retain(|line| matches(line, filters));
    lines.sort_by(|a, b| b.sort_key.cmp(&a.sort_key).then_with(|| a.id.cmp(&b.id)));
    let mut view = ActivityView { total, ..ActivityView::default() };
    for line in lines {
        match line.state {
            ActivityState::Pending => view.pending.push(line),
            ActivityState::Settled => view.settled.push(line),
            ActivityState::Declined => view.declined.push(line),
        }
    }
    view
}

/// A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) as a
/// formula; a merchant name from the server must stay text (OWASP's advice: a leading apostrophe).
fn as_text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The amount as a number a spreadsheet reads: ASCII minus, a dot, no `$` or thousands commas.
fn csv_amount(transaction_cents: i64) -> String {
    let magnitude = transaction_cents.unsigned_abs();
    let sign = if transaction_cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// Writing into memory fails only on a bug; said as one rather than as a panic.
fn unwritable() -> UiError {
    UiError::new(ErrorCode::Internal, "Export failed", "The activity could not be written as CSV.", UiAction::Dismiss)
}

/// The header row of the export.
///
/// A declined or reversed purchase moved no money, so its Amount is `0.00` and what was tried is in
/// "Attempted amount" beside it (empty on every other row). `0.00` rather than an empty cell: it is
/// true, a spreadsheet's SUM and a pivot table total the column right either way, and a column with a
/// number in every row stays a number column where a tool guesses types from the cells (an empty cell
/// reads as missing data, and some imports then take the column as text).
pub const CSV_HEADER: [&str; 11] = [
    "Date",
    "Time",
    "Status",
    "Type",
    "Merchant",
    "Card",
    "Last four",
    "Amount (USD)",
    "Attempted amount (USD)",
    "Decline reason",
    "Transaction id",
];

/// The export of the view's lines as CSV (RFC 4180, through the `csv` crate): pending, then settled,
/// then declined, each the newest first. It holds what the screen shows and nothing more: no card
/// number beyond the last four, no token, no id of the person.
pub fn activity_csv(transactions: &[Transaction], cards: &[CardView], filters: &Filters) -> Result<String, UiError> {
    let view = activity_view(transactions, cards, filters);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let internal = |_| unwritable();
    writer.write_record(CSV_HEADER).map_err(internal)?;
    for line in view.pending.iter().chain(&view.settled).chain(&view.declined) {
        let transaction = transactions.iter().find(|t| t.transaction_id == line.id);
        let cents = transaction.map(Transaction::signed_cents).unwrap_or_default();
        let (moved, attempted) = match transaction {
            Some(t) if !money_moved(t.status.as_ref()) => (csv_amount(0), csv_amount(cents)),
            _ => (csv_amount(cents), String::new()),
        };
        let time = line.time_text.as_deref().and_then(|t| t.split(", ").nth(1)).unwrap_or_default();
        writer
            .write_record([
                line.date.as_deref().unwrap_or_default(),
                time,
                &line.status_text,
                &line.kind_text,
                &as_text_cell(&line.title),
                &as_text_cell(line.card_name.as_deref().unwrap_or_default()),
                line.card_last4.as_deref().unwrap_or_default(),
                &moved,
                &attempted,
                &as_text_cell(line.decline_reason.as_deref().unwrap_or_default()),
                &line.id,
            ])
            .map_err(internal)?;
    }
    let bytes = writer.into_inner().map_err(|_| unwritable())?;
    String::from_utf8(bytes).map_err(|_| unwritable())
}

/// The file name the save dialog suggests: `machines-activity-2026-01-31.csv`, today in the person's
/// time zone.
pub fn export_file_name(now: OffsetDateTime, offset: UtcOffset) -> String {
    let day = now.to_offset(offset).date().format(format_description!("[year]-[month]-[day]")).unwrap_or_default();
    format!("machines-activity-{day}.csv")
}

/// A desktop notification for a new transaction. It says what happened (a payment pending or declined,
/// a refund, a reversal), the merchant, the amount and the card's last four, never more: a notification shows on a locked screen and in the OS's history, where the card's
/// name (which a person may have made personal) and anything else do not belong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// A decline or a reversal moved no money: its notice gives the sum tried without a sign, as not
/// charged, so it does not read as "−$900.00" gone from the person's account.
pub fn notice(line: &ActivityLine) -> Notice {
    let reversed = line.state == ActivityState::Settled && line.status_text == REVERSED;
    let title = match line.state {
        ActivityState::Declined => "Card payment declined",
        ActivityState::Pending => "Card payment pending",
        ActivityState::Settled if reversed => "Purchase reversed",
        ActivityState::Settled if line.refund => "Refund",
        ActivityState::Settled => "New transaction",
    };
    let mut body = if line.state == ActivityState::Declined || reversed {
        format!("{} {} not charged", line.title, line.amount_text.trim_start_matches(['\u{2212}', '+']))
    } else {
        format!("{} {}", line.title, line.amount_text)
    };
    if let Some(last4) = &line.card_last4 {
        body.push_str(&format!(" \u{00B7} \u{2022}\u{2022}{last4}"));
    }
    Notice { title: title.to_owned(), body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::models::cards::Card;
    use serde_json::json;

    fn transaction(value: serde_json::Value) -> Transaction {
        serde_json::from_value(value).unwrap()
    }

    fn cards() -> Vec<CardView> {
        let card: Card =
            serde_json::from_value(json!({"cardId": "card-1", "status": "active", "last4": "4242", "brand": "VISA"}))
                .unwrap();
        vec![crate::card_view::card_view(&card, Some("Groceries".into()))]
    }

    /// A day of an account: a coffee pending, a posted lunch, a declined laptop, a refund, collateral in
    /// and a fee, in UTC late on the 16th (already the 17th in Paris, still the 16th in New York).
    fn day() -> Vec<Transaction> {
        vec![
            transaction(json!({"transactionId": "t1", "type": "spend", "status": "pending", "amountCents": 450,
                "merchantName": "Cafe Lumen", "cardId": "card-1", "createdAt": "2026-01-16T23:40:00Z"})),
            transaction(json!({"transactionId": "t2", "type": "spend", "status": "posted", "amountCents": 1250,
                "merchantName": "Noodle Bar", "cardId": "card-1", "createdAt": "2026-01-16T12:00:00Z"})),
            transaction(json!({"transactionId": "t3", "type": "spend", "status": "declined", "amountCents": 120000,
                "merchantName": "Laptop Store", "cardId": "card-1", "createdAt": "2026-01-16T13:00:00Z",
                "declineReason": "insufficient_funds"})),
            transaction(json!({"transactionId": "t4", "type": "spend", "status": "posted", "amountCents": -500,
                "merchantName": "Noodle Bar", "cardId": "card-1", "createdAt": "2026-01-16T14:00:00Z"})),
            transaction(json!({"transactionId": "t5", "type": "collateral", "status": "posted", "amountCents": 5000,
                "createdAt": "2026-01-15T09:00:00Z"})),
            transaction(json!({"transactionId": "t6", "type": "fee", "amountCents": 100,
                "createdAt": "2026-01-15T10:00:00Z"})),
        ]
    }

    fn filters(query: ActivityQuery) -> Filters {
        query.check().unwrap()
    }

    fn ids(lines: &[ActivityLine]) -> Vec<&str> {
        lines.iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn pending_settled_and_declined_are_apart_with_signed_amounts_and_the_card() {
        let view = activity_view(&day(), &cards(), &filters(ActivityQuery::default()));
        assert_eq!((ids(&view.pending), ids(&view.declined)), (vec!["t1"], vec!["t3"]));
        assert_eq!(ids(&view.settled), ["t4", "t2", "t6", "t5"], "the newest first");
        assert_eq!(view.total, 6);
        let amounts: Vec<(&str, &str, bool, bool)> =
            view.settled.iter().map(|l| (l.id.as_str(), l.amount_text.as_str(), l.debit, l.refund)).collect();
        assert_eq!(
            amounts,
            [
                ("t4", "+$5.00", false, true),
                ("t2", "\u{2212}$12.50", true, false),
                ("t6", "\u{2212}$1.00", true, false),
                ("t5", "+$50.00", false, false),
            ]
        );
        let coffee = &view.pending[0];
        assert_eq!((coffee.card_name.as_deref(), coffee.card_last4.as_deref()), (Some("Groceries"), Some("4242")));
        assert_eq!((coffee.status_text.as_str(), coffee.amount_cents), ("Pending", Some(-450)));
        let declined = &view.declined[0];
        assert!(declined.decline_reason.as_deref().unwrap().contains("USDC collateral"), "{declined:?}");
        assert_eq!(view.settled[0].kind_text, "Refund");
        assert_eq!(view.settled[3].title, "Collateral", "no merchant: the type names it");
    }

    #[test]
    fn time_and_day_are_the_persons_own() {
        let paris = filters(ActivityQuery { utc_offset_minutes: 60, ..ActivityQuery::default() });
        let line = activity_line(&day()[0], &cards(), paris.offset);
        assert_eq!((line.date.as_deref(), line.time_text.as_deref()), (Some("2026-01-17"), Some("17 Jan 2026, 00:40")));
        let new_york = filters(ActivityQuery { utc_offset_minutes: -300, ..ActivityQuery::default() });
        let line = activity_line(&day()[0], &cards(), new_york.offset);
        assert_eq!((line.date.as_deref(), line.time_text.as_deref()), (Some("2026-01-16"), Some("16 Jan 2026, 18:40")));
        let no_time = activity_line(&day()[5], &[], UtcOffset::UTC);
        assert_eq!(
            (no_time.date.as_deref(), no_time.time_text.as_deref()),
            (Some("2026-01-15"), Some("15 Jan 2026, 10:00"))
        );
    }

    #[test]
    fn filters_by_card_type_dates_in_local_time_and_merchant_search() {
        let all = day();
        let shown = |query: ActivityQuery| {
            let view = activity_view(&all, &cards(), &filters(query));
            let mut ids: Vec<String> =
                view.pending.iter().chain(&view.settled).chain(&view.declined).map(|l| l.id.clone()).collect();
            ids.sort();
            ids
        };
        assert_eq!(
            shown(ActivityQuery { card_id: Some("card-1".into()), ..Default::default() }),
            ["t1", "t2", "t3", "t4"]
        );
        let fees_and_collateral =
            ActivityQuery { types: vec![ActivityType::Fee, ActivityType::Collateral], ..Default::default() };
        assert_eq!(shown(fees_and_collateral), ["t5", "t6"]);
        assert_eq!(shown(ActivityQuery { search: Some("  noodle ".into()), ..Default::default() }), ["t2", "t4"]);
        let the_16th =
            ActivityQuery { from: Some("2026-01-16".into()), to: Some("2026-01-16".into()), ..Default::default() };
        assert_eq!(shown(the_16th.clone()), ["t1", "t2", "t3", "t4"]);
        // In Paris the coffee was bought on the 17th.
        assert_eq!(shown(ActivityQuery { utc_offset_minutes: 60, ..the_16th }), ["t2", "t3", "t4"]);
    }

    #[test]
    fn a_bad_filter_is_refused_on_its_field() {
        let field = |query: ActivityQuery| query.check().unwrap_err().fields[0].field.clone();
        assert_eq!(field(ActivityQuery { from: Some("16/01/2026".into()), ..Default::default() }), "from");
        assert_eq!(field(ActivityQuery { to: Some("2026-02-30".into()), ..Default::default() }), "to");
        let backwards =
            ActivityQuery { from: Some("2026-02-01".into()), to: Some("2026-01-01".into()), ..Default::default() };
        assert_eq!(field(backwards), "to");
        assert_eq!(field(ActivityQuery { utc_offset_minutes: 24 * 60, ..Default::default() }), "utcOffsetMinutes");
    }

    #[test]
    fn the_csv_is_rfc_4180_with_formulas_kept_as_text() {
        let mut all = day();
        all.push(transaction(json!({"transactionId": "t7", "type": "spend", "status": "posted", "amountCents": 99,
            "merchantName": "=HYPERLINK(\"http://x\"), \"quoted\"", "cardId": "card-1", "createdAt": "2026-01-16T15:00:00Z"})));
        let text = activity_csv(&all, &cards(), &filters(ActivityQuery::default())).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 7);
        assert!(text.contains("\r\n"), "RFC 4180 line ends");
        let row = |id: &str| rows.iter().find(|r| &r[10] == id).unwrap().clone();
        assert_eq!(&row("t7")[4], "'=HYPERLINK(\"http://x\"), \"quoted\"", "read back whole, and as text");
        assert_eq!((&row("t2")[0], &row("t2")[1], &row("t2")[7]), ("2026-01-16", "12:00", "-12.50"));
        assert_eq!((&row("t4")[7], &row("t4")[3]), ("5.00", "Refund"));
        assert_eq!((&row("t1")[5], &row("t1")[6], &row("t1")[2]), ("Groceries", "4242", "Pending"));
        assert!(row("t3")[9].contains("collateral"));
    }

    /// A pending hotel hold the merchant let go: reversed whole, so no money moved either.
    fn reversed_hold() -> Transaction {
        transaction(json!({"transactionId": "t8", "type": "spend", "status": "reversed", "amountCents": 4500,
            "merchantName": "Harbour Hotel", "cardId": "card-1", "createdAt": "2026-01-16T16:00:00Z"}))
    }

    #[test]
    fn summing_the_amount_column_gives_only_money_that_moved() {
        let mut all = day();
        all.push(reversed_hold());
        let text = activity_csv(&all, &cards(), &filters(ActivityQuery::default())).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (amount, attempted, id) =
            (column("Amount (USD)"), column("Attempted amount (USD)"), column("Transaction id"));
        assert_eq!(attempted, amount + 1, "the attempted sum sits beside the amount");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let cents = |cell: &str| -> i64 { (cell.parse::<f64>().unwrap() * 100.0).round() as i64 };
        // Coffee −4.50 (pending, held), lunch −12.50, refund +5.00, collateral +50.00, fee −1.00.
        assert_eq!(rows.iter().map(|r| cents(&r[amount])).sum::<i64>(), 3700, "{text}");
        let row = |id_: &str| rows.iter().find(|r| &r[id] == id_).unwrap().clone();
        assert_eq!((&row("t3")[amount], &row("t3")[attempted]), ("0.00", "-1200.00"), "declined: {text}");
        assert_eq!((&row("t8")[amount], &row("t8")[attempted]), ("0.00", "-45.00"), "reversed: {text}");
        assert_eq!((&row("t2")[amount], &row("t2")[attempted]), ("-12.50", ""), "money that moved: {text}");
    }

    #[test]
    fn a_notice_says_the_merchant_amount_and_last_four_and_nothing_else() {
        let line = activity_line(&day()[0], &cards(), UtcOffset::UTC);
        let notice = notice(&line);
        assert_eq!(notice.title, "Card payment pending");
        assert_eq!(notice.body, "Cafe Lumen \u{2212}$4.50 \u{00B7} \u{2022}\u{2022}4242");
        assert!(!notice.body.contains("Groceries"), "the card's own name stays in the app");
        let declined = notice_of(&day()[2]);
        assert_eq!(declined.title, "Card payment declined");
    }

    #[test]
    fn a_notice_says_a_decline_refund_or_reversal_for_what_it_is() {
        let declined = notice_of(&day()[2]);
        assert_eq!(
            (declined.title.as_str(), declined.body.as_str()),
            ("Card payment declined", "Laptop Store $1,200.00 not charged \u{00B7} \u{2022}\u{2022}4242")
        );
        let refund = notice_of(&day()[3]);
        assert_eq!(
            (refund.title.as_str(), refund.body.as_str()),
            ("Refund", "Noodle Bar +$5.00 \u{00B7} \u{2022}\u{2022}4242")
        );
        let reversed = notice_of(&reversed_hold());
        assert_eq!(
            (reversed.title.as_str(), reversed.body.as_str()),
            ("Purchase reversed", "Harbour Hotel $45.00 not charged \u{00B7} \u{2022}\u{2022}4242")
        );
    }

    fn notice_of(t: &Transaction) -> Notice {
        notice(&activity_line(t, &cards(), UtcOffset::UTC))
    }

    #[test]
    fn the_export_is_named_for_the_persons_day() {
        let late = OffsetDateTime::parse("2026-01-16T23:30:00Z", &Rfc3339).unwrap();
        let tokyo = UtcOffset::from_hms(9, 0, 0).unwrap();
        assert_eq!(export_file_name(late, tokyo), "machines-activity-2026-01-17.csv");
    }
}
