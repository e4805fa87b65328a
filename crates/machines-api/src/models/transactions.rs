//! `GET /transactions`: card spend, collateral movements, payments and fees, cursor-paginated.
//!
//! Sign rule: `amountCents` is positive for the movement its type names; `spend` and `fee` take money from
//! the person (debits), `collateral` and `payment` give it (credits). The types leave no room for a refund,
//! so a refund is a `spend` with a negative amount, a credit by the same rule ([`Transaction::signed_cents`]).

use serde::{Deserialize, Serialize};

use super::common::null_as_default;
use super::common::{cents_required, open_enum, Lenient};

open_enum! {
    /// What a transaction is; also the values of the `type` filter.
    pub enum TransactionType {
        Spend => "spend",
        Collateral => "collateral",
        Payment => "payment",
        Fee => "fee",
    }
}

impl TransactionType {
    /// Every documented type, in the order a filter shows them.
    pub const ALL: [TransactionType; 4] = [Self::Spend, Self::Collateral, Self::Payment, Self::Fee];

    /// Money leaving the user (shown as negative); collateral and payments are credits.
    pub fn is_debit(&self) -> bool {
        matches!(self, Self::Spend | Self::Fee)
    }
}

open_enum! {
    /// Where a transaction stands. The API calls status free text and shows only `posted`; the others are
    /// the card network's usual words (spec §5.18), which the simulator uses: an authorisation is
    /// `pending` until it posts, a refused one is `declined`, and one let go before it posted is `reversed`.
    pub enum TransactionStatus {
        Pending => "pending",
        Posted => "posted",
        Declined => "declined",
        Reversed => "reversed",
    }
}

open_enum! {
    /// Why a spend was declined. Not in the API's documentation: the simulator records these codes on a
    /// declined transaction as `declineReason`, and a server that sends none leaves the field empty.
    pub enum DeclineReason {
        /// The card is locked (frozen).
        CardLocked => "card_locked",
        CardCanceled => "card_canceled",
        /// The card is in another state that cannot spend (`not_activated`).
        CardInactive => "card_inactive",
        /// The card's own limit for its window would be passed.
        LimitExceeded => "limit_exceeded",
        /// More than the spending power the collateral gives.
        InsufficientFunds => "insufficient_funds",
    }
}

#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub transaction_id: String,
    #[serde(rename = "type")]
    pub transaction_type: TransactionType,
    /// Absent or unreadable is `None`; an unknown word is kept as `Other`.
    pub status: Option<TransactionStatus>,
    /// In cents, signed as the module's sign rule says; see [`Transaction::signed_cents`].
    #[serde(deserialize_with = "cents_required")]
    pub amount_cents: i64,
    pub currency: Option<String>,
    pub merchant_name: Option<String>,
    /// The card it was made with (spend, and a refund of a spend).
    pub card_id: Option<String>,
    /// ISO 8601, when it was made (authorised).
    pub created_at: Option<String>,
    /// ISO 8601, when it posted; not documented, sent by the simulator once a transaction has posted.
    pub posted_at: Option<String>,
    /// Set on a declined spend by servers that say why (the simulator does).
    pub decline_reason: Option<DeclineReason>,
}

impl TransactionType {
    /// The type in words, for a transaction that has no merchant to show.
    pub fn label(&self) -> &str {
        match self {
            Self::Spend => "Card spend",
            Self::Collateral => "Collateral",
            Self::Payment => "Payment",
            Self::Fee => "Fee",
            Self::Other(other) => other.as_str(),
        }
    }
}

impl Transaction {
    /// The amount from the person's side: negative for money out (spend, fee), positive for money in
    /// (collateral, payment, a refund). An unknown type is taken as sent, since only the four documented
    /// types have a known direction.
    pub fn signed_cents(&self) -> i64 {
        if self.transaction_type.is_debit() {
            self.amount_cents.saturating_neg()
        } else {
            self.amount_cents
        }
    }

    /// A refund: money back on a card, which the API can only spell as a `spend` below zero.
    pub fn is_refund(&self) -> bool {
        self.transaction_type == TransactionType::Spend && self.amount_cents < 0
    }

    /// What the transaction is called in a list: its merchant, or its type when the server names no
    /// merchant (collateral movements, fees, or a spend whose merchant is missing).
    pub fn title(&self) -> &str {
        match self.merchant_name.as_deref().map(str::trim) {
            Some(merchant) if !merchant.is_empty() => merchant,
            _ => self.transaction_type.label(),
        }
    }
}

/// `data` of `GET /transactions`. No `nextCursor` means the last page.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionPage {
    #[serde(default, deserialize_with = "null_as_default")]
    pub transactions: Vec<Transaction>,
    pub next_cursor: Option<String>,
}

/// Query of `GET /transactions`: the documented filters (type, card, limit) and the cursor. An empty
/// `types` means every type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransactionQuery {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    pub card_id: Option<String>,
    pub types: Vec<TransactionType>,
}

impl TransactionQuery {
    /// One card's transactions, every type.
    pub fn for_card(card_id: impl Into<String>) -> Self {
        Self { card_id: Some(card_id.into()), ..Self::default() }
    }

    /// Largest page asked for: the guide says 100, the reference 200 (spec Q6); the lower one is safe.
    pub const MAX_LIMIT: u32 = 100;

    /// Query parameters, only those that are set.
    pub fn to_query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        // The reference gives the cursor a minimum length of 1: an empty one means the first page.
        if let Some(cursor) = self.cursor.as_ref().filter(|c| !c.is_empty()) {
            pairs.push(("cursor", cursor.clone()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.clamp(1, Self::MAX_LIMIT).to_string()));
        }
        if let Some(card_id) = &self.card_id {
            pairs.push(("cardId", card_id.clone()));
        }
        if !self.types.is_empty() {
            let types: Vec<&str> = self.types.iter().map(TransactionType::as_str).collect();
            pairs.push(("type", types.join(",")));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documented_page() {
        let page: TransactionPage = serde_json::from_str(
            r#"{"transactions":[
                {"transactionId":"txn_123","type":"spend","status":"posted","amountCents":1250,"currency":"USD",
                 "merchantName":"Coffee Shop","cardId":"9f970d1a-fd8e-41ac-a6fd-5993417942e3",
                 "createdAt":"2026-01-16T18:40:00.000Z"},
                {"transactionId":"txn_124","type":"collateral","status":"posted","amountCents":3000,"currency":"USD",
                 "createdAt":"2026-01-16T18:31:00.000Z"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(page.transactions.len(), 2);
        let spend = &page.transactions[0];
        assert!(spend.transaction_type.is_debit());
        assert_eq!(spend.merchant_name.as_deref(), Some("Coffee Shop"));
        assert!(!page.transactions[1].transaction_type.is_debit());
        assert_eq!(page.transactions[1].card_id, None);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn tolerates_unknown_type_and_nulls() {
        let page: TransactionPage = serde_json::from_str(
            r#"{"transactions":[{"transactionId":"t","type":"refund","amountCents":-500,"status":null,
                "merchantName":null}],"nextCursor":"c2"}"#,
        )
        .unwrap();
        let txn = &page.transactions[0];
        assert_eq!(txn.transaction_type, TransactionType::Other("refund".into()));
        assert!(!txn.transaction_type.is_debit());
        assert_eq!((txn.amount_cents, txn.status.as_ref()), (-500, None));
        assert_eq!(page.next_cursor.as_deref(), Some("c2"));
        assert!(serde_json::from_str::<Transaction>(r#"{"transactionId":"t","type":"fee"}"#).is_err());
    }

    #[test]
    fn reads_status_decline_reason_and_posting_time() {
        let page: TransactionPage = serde_json::from_str(
            r#"{"transactions":[
                {"transactionId":"t1","type":"spend","status":"pending","amountCents":990,"createdAt":"2026-01-16T18:40:00Z","postedAt":null},
                {"transactionId":"t2","type":"spend","status":"posted","amountCents":1250,"postedAt":"2026-01-17T09:00:00Z"},
                {"transactionId":"t3","type":"spend","status":"declined","amountCents":5000,"declineReason":"limit_exceeded"},
                {"transactionId":"t4","type":"spend","status":"reversed","amountCents":100},
                {"transactionId":"t5","type":"spend","status":"on_hold","amountCents":1,"declineReason":"velocity"},
                {"transactionId":"t6","type":"spend","status":7,"amountCents":1,"declineReason":{"code":"x"}}
            ]}"#,
        )
        .unwrap();
        let statuses: Vec<Option<&str>> =
            page.transactions.iter().map(|t| t.status.as_ref().map(TransactionStatus::as_str)).collect();
        assert_eq!(
            statuses,
            [Some("pending"), Some("posted"), Some("declined"), Some("reversed"), Some("on_hold"), None]
        );
        assert_eq!(page.transactions[0].status, Some(TransactionStatus::Pending));
        assert_eq!(page.transactions[0].posted_at, None);
        assert_eq!(page.transactions[1].posted_at.as_deref(), Some("2026-01-17T09:00:00Z"));
        assert_eq!(page.transactions[2].decline_reason, Some(DeclineReason::LimitExceeded));
        assert_eq!(page.transactions[4].decline_reason, Some(DeclineReason::Other("velocity".into())));
        assert_eq!(page.transactions[5].decline_reason, None, "an unreadable reason is no reason");
        assert_eq!(page.transactions[3].decline_reason, None);
    }

    #[test]
    fn spend_and_fee_are_debits_and_a_negative_spend_is_a_refund() {
        let txn = |kind: &str, cents: i64| Transaction {
            transaction_id: "t".into(),
            transaction_type: TransactionType::from_wire(kind),
            status: Some(TransactionStatus::Posted),
            amount_cents: cents,
            currency: None,
            merchant_name: None,
            card_id: None,
            created_at: None,
            posted_at: None,
            decline_reason: None,
        };
        let signed: Vec<i64> = [("spend", 1_250), ("fee", 100), ("collateral", 3_000), ("payment", 500)]
            .iter()
            .map(|(kind, cents)| txn(kind, *cents).signed_cents())
            .collect();
        assert_eq!(signed, [-1_250, -100, 3_000, 500]);
        let refund = txn("spend", -400);
        assert!(refund.is_refund());
        assert_eq!(refund.signed_cents(), 400, "a refund is money back");
        assert!(!txn("spend", 400).is_refund());
        assert!(!txn("collateral", -400).is_refund(), "collateral going out is a withdrawal, not a refund");
        assert_eq!(txn("collateral", -400).signed_cents(), -400);
        assert_eq!(txn("spend", i64::MIN).signed_cents(), i64::MAX, "no overflow on a hostile amount");
        assert_eq!(txn("cashback", 70).signed_cents(), 70, "an unknown type is taken as sent");
    }

    #[test]
    fn a_transaction_without_a_merchant_is_titled_by_its_type() {
        let body = r#"{"ok":true,"summary":"transactions","data":{"transactions":[
            {"transactionId":"t1","type":"spend","amountCents":1250,"merchantName":"Coffee Shop"},
            {"transactionId":"t2","type":"spend","amountCents":990},
            {"transactionId":"t3","type":"fee","amountCents":100,"merchantName":"  "},
            {"transactionId":"t4","type":"collateral","amountCents":3000,"merchantName":null},
            {"transactionId":"t5","type":"refund","amountCents":-500,"merchantName":42}
        ]}}"#;
        let page = crate::envelope::parse_response::<TransactionPage>(200, body.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"))
            .data;
        let titles: Vec<&str> = page.transactions.iter().map(Transaction::title).collect();
        assert_eq!(titles, ["Coffee Shop", "Card spend", "Fee", "Collateral", "refund"]);
    }

    #[test]
    fn query_pairs_only_when_set_and_limit_clamped() {
        assert!(TransactionQuery::default().to_query_pairs().is_empty());
        let query = TransactionQuery {
            cursor: Some("abc".into()),
            limit: Some(500),
            card_id: Some("9f970d1a".into()),
            types: vec![TransactionType::Spend, TransactionType::Fee],
        };
        assert_eq!(
            query.to_query_pairs(),
            [
                ("cursor", "abc".into()),
                ("limit", "100".into()),
                ("cardId", "9f970d1a".into()),
                ("type", "spend,fee".into())
            ]
        );
        let zero = TransactionQuery { limit: Some(0), ..Default::default() };
        assert_eq!(zero.to_query_pairs(), [("limit", "1".to_owned())]);
        let first_page = TransactionQuery { cursor: Some(String::new()), ..TransactionQuery::for_card("9f970d1a") };
        assert_eq!(first_page.to_query_pairs(), [("cardId", "9f970d1a".to_owned())], "an empty cursor is not sent");
        let every_type = TransactionQuery { types: TransactionType::ALL.to_vec(), ..Default::default() };
        assert_eq!(every_type.to_query_pairs(), [("type", "spend,collateral,payment,fee".to_owned())]);
    }
}
