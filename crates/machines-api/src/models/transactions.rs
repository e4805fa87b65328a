//! `GET /transactions`: card spend, collateral movements, payments and fees, cursor-paginated.

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
    /// Money leaving the user (shown as negative); collateral and payments are credits.
    pub fn is_debit(&self) -> bool {
        matches!(self, Self::Spend | Self::Fee)
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
    /// Free text (`posted` is the only documented value).
    pub status: Option<String>,
    #[serde(deserialize_with = "cents_required")]
    pub amount_cents: i64,
    pub currency: Option<String>,
    pub merchant_name: Option<String>,
    pub card_id: Option<String>,
    pub created_at: Option<String>,
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

/// Query of `GET /transactions`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransactionQuery {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    pub card_id: Option<String>,
    pub types: Vec<TransactionType>,
}

impl TransactionQuery {
    /// Largest page asked for: the guide says 100, the reference 200 (spec Q6); the lower one is safe.
    pub const MAX_LIMIT: u32 = 100;

    /// Query parameters, only those that are set.
    pub fn to_query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(cursor) = &self.cursor {
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
    }
}
