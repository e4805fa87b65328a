//! Cards: the card object, list/create/update/delete bodies, statuses and spending limits.

use serde::{Deserialize, Serialize};

use super::common::null_as_default;
use super::common::{open_enum, EncryptedField, Lenient};

open_enum! {
    /// Card status. "Freeze" in the UI is `Locked`; delete gives `Canceled`.
    pub enum CardStatus {
        Active => "active",
        Locked => "locked",
        Canceled => "canceled",
        NotActivated => "not_activated",
    }
}

open_enum! {
    /// The window a card limit applies to.
    pub enum LimitFrequency {
        PerAuthorization => "perAuthorization",
        Per24HourPeriod => "per24HourPeriod",
        Per7DayPeriod => "per7DayPeriod",
        Per30DayPeriod => "per30DayPeriod",
        PerYearPeriod => "perYearPeriod",
        AllTime => "allTime",
    }
}

impl LimitFrequency {
    /// Every known frequency, in the order a picker shows them.
    pub const ALL: [LimitFrequency; 6] = [
        Self::PerAuthorization,
        Self::Per24HourPeriod,
        Self::Per7DayPeriod,
        Self::Per30DayPeriod,
        Self::PerYearPeriod,
        Self::AllTime,
    ];

    /// Human text; an unknown value shows as sent.
    pub fn label(&self) -> &str {
        match self {
            Self::PerAuthorization => "per transaction",
            Self::Per24HourPeriod => "per 24 hours",
            Self::Per7DayPeriod => "per 7 days",
            Self::Per30DayPeriod => "per 30 days",
            Self::PerYearPeriod => "per year",
            Self::AllTime => "all time",
            Self::Other(raw) => raw,
        }
    }
}

/// A spending limit, in integer cents.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardLimit {
    pub amount_cents: i64,
    pub frequency: LimitFrequency,
}

/// The card object (spec §5.8). Only the id and status are required; the rest drifts or is absent on
/// create responses.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub card_id: String,
    pub status: CardStatus,
    pub last4: Option<String>,
    pub expiration_month: Option<u8>,
    pub expiration_year: Option<u16>,
    pub brand: Option<String>,
    pub limit: Option<CardLimit>,
    pub encrypted_name: Option<EncryptedField>,
    pub encrypted_color: Option<EncryptedField>,
    pub encrypted_emoji: Option<EncryptedField>,
    pub encrypted_memo: Option<EncryptedField>,
    pub is_pinned: Option<bool>,
    pub sort_order: Option<i64>,
    pub folder_id: Option<String>,
    pub contract_id: Option<String>,
    pub created_at: Option<String>,
}

/// `data` of `GET /cards`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub cards: Vec<Card>,
    pub next_cursor: Option<String>,
}

/// Body of `POST /cards`; every field is optional, so the default serializes to `{}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCardRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_name: Option<EncryptedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_color: Option<EncryptedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_emoji: Option<EncryptedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_memo: Option<EncryptedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<CardLimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_pinned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
}

/// One field of a `PATCH`: left as it is (not sent), set to a value, or cleared (sent as `null`). A plain
/// `Option` cannot say "clear": `None` has to mean "not sent" so that a one-field edit leaves the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FieldChange<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T> FieldChange<T> {
    /// A field the person edited: a value sets it, nothing clears it.
    pub fn set_or_clear(value: Option<T>) -> Self {
        value.map_or(Self::Clear, Self::Set)
    }

    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }
}

impl<T: Serialize> Serialize for FieldChange<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(value) => value.serialize(serializer),
            // `Keep` is skipped by the struct that holds it; should one be serialized alone, `null` is
            // the only answer, so the struct must never forget `skip_serializing_if`.
            Self::Clear | Self::Keep => serializer.serialize_none(),
        }
    }
}

/// Body of `PATCH /cards/{cardId}`: only the fields being changed are sent. The labels (name, colour,
/// emoji, memo) travel as `EncryptedField`s made by `POST /encryption/encrypt`, like the create's.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCardRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CardStatus>,
    /// `Clear` removes the limit.
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub limit: FieldChange<CardLimit>,
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub encrypted_name: FieldChange<EncryptedField>,
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub encrypted_color: FieldChange<EncryptedField>,
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub encrypted_emoji: FieldChange<EncryptedField>,
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub encrypted_memo: FieldChange<EncryptedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_pinned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
    #[serde(skip_serializing_if = "FieldChange::is_keep")]
    pub folder_id: FieldChange<String>,
}

impl UpdateCardRequest {
    /// True when nothing would change: such a `PATCH` is not worth a round trip.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `data` of `DELETE /cards/{cardId}`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedCard {
    pub card_id: Option<String>,
    pub status: Option<CardStatus>,
    pub deleted_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn label_blob() -> serde_json::Value {
        json!({"v": 1, "iv": "Qz4f2m7Hk1P9x0ab", "ct": "Hdbb2yT2F4xWZL5m5bJX3eJb4n8wVhjPzqLw2h7i"})
    }

    #[test]
    fn parses_guide_create_response() {
        let card: Card = serde_json::from_value(json!({
            "cardId": "9f970d1a-fd8e-41ac-a6fd-5993417942e3", "status": "active", "brand": "VISA",
            "last4": "4242", "expirationMonth": 12, "expirationYear": 2029
        }))
        .unwrap();
        assert_eq!(card.status, CardStatus::Active);
        assert_eq!((card.expiration_month, card.expiration_year), (Some(12), Some(2029)));
        assert_eq!(card.limit, None);
        assert_eq!(card.encrypted_name, None);
    }

    #[test]
    fn parses_reference_full_card() {
        let card: Card = serde_json::from_value(json!({
            "cardId": "<string>", "status": "active", "last4": "<string>", "expirationMonth": 123,
            "expirationYear": 123, "encryptedName": label_blob(), "isPinned": true, "sortOrder": 123,
            "createdAt": "2023-11-07T05:31:56Z", "brand": "VISA",
            "limit": {"amountCents": 5000, "frequency": "perAuthorization"},
            "encryptedColor": label_blob(), "encryptedEmoji": label_blob(), "encryptedMemo": label_blob(),
            "folderId": "<string>", "contractId": "<string>"
        }))
        .unwrap();
        assert_eq!(card.limit, Some(CardLimit { amount_cents: 5000, frequency: LimitFrequency::PerAuthorization }));
        assert_eq!(card.encrypted_memo.unwrap().iv, "Qz4f2m7Hk1P9x0ab");
        assert_eq!((card.is_pinned, card.sort_order), (Some(true), Some(123)));
    }

    #[test]
    fn card_drift_is_tolerated() {
        let list: CardList = serde_json::from_value(json!({
            "cards": [
                {"cardId": "c1", "status": "frozen", "expirationMonth": "12", "limit": null,
                 "encryptedName": null, "folderId": null, "sortOrder": 1.5},
                {"cardId": "c2", "status": "not_activated", "limit": {"amountCents": 100, "frequency": "perFortnight"}}
            ],
            "nextCursor": null
        }))
        .unwrap();
        let [odd, fresh] = &list.cards[..] else { panic!("two cards") };
        assert_eq!(odd.status, CardStatus::Other("frozen".into()));
        assert_eq!((odd.expiration_month, odd.limit.as_ref(), odd.sort_order), (None, None, None));
        assert_eq!(fresh.status, CardStatus::NotActivated);
        let limit = fresh.limit.as_ref().unwrap();
        assert_eq!(limit.frequency.label(), "perFortnight");
        assert_eq!(list.next_cursor, None);

        let paged: CardList = serde_json::from_str(r#"{"nextCursor":"abc"}"#).unwrap();
        assert!(paged.cards.is_empty());
        assert_eq!(paged.next_cursor.as_deref(), Some("abc"));
        // A broken card is an error, not a silently empty list.
        assert!(serde_json::from_str::<CardList>(r#"{"cards":[{"status":"active"}]}"#).is_err());
        assert!(serde_json::from_str::<CardList>(r#"{"cards":null}"#).unwrap().cards.is_empty());
    }

    #[test]
    fn request_bodies() {
        assert_eq!(serde_json::to_string(&CreateCardRequest::default()).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&UpdateCardRequest::default()).unwrap(), "{}");
        let create = CreateCardRequest {
            encrypted_name: Some(serde_json::from_value(label_blob()).unwrap()),
            limit: Some(CardLimit { amount_cents: 2500, frequency: LimitFrequency::PerAuthorization }),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&create).unwrap(),
            json!({"encryptedName": label_blob(), "limit": {"amountCents": 2500, "frequency": "perAuthorization"}})
        );
        let lock = UpdateCardRequest { status: Some(CardStatus::Locked), ..Default::default() };
        assert_eq!(serde_json::to_string(&lock).unwrap(), r#"{"status":"locked"}"#);
    }

    #[test]
    fn an_edit_sends_what_changed_and_null_for_what_is_cleared() {
        let label = || serde_json::from_value::<EncryptedField>(label_blob()).unwrap();
        let edit = UpdateCardRequest {
            limit: FieldChange::Set(CardLimit { amount_cents: 9_000, frequency: LimitFrequency::Per30DayPeriod }),
            encrypted_name: FieldChange::Set(label()),
            encrypted_color: FieldChange::Set(label()),
            encrypted_emoji: FieldChange::Clear,
            encrypted_memo: FieldChange::set_or_clear(None),
            is_pinned: Some(true),
            sort_order: Some(-3),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&edit).unwrap(),
            json!({
                "limit": {"amountCents": 9_000, "frequency": "per30DayPeriod"},
                "encryptedName": label_blob(), "encryptedColor": label_blob(),
                "encryptedEmoji": null, "encryptedMemo": null, "isPinned": true, "sortOrder": -3
            })
        );
        let no_limit = UpdateCardRequest { limit: FieldChange::Clear, ..Default::default() };
        assert_eq!(serde_json::to_string(&no_limit).unwrap(), r#"{"limit":null}"#);
        let folder =
            UpdateCardRequest { folder_id: FieldChange::set_or_clear(Some("f1".into())), ..Default::default() };
        assert_eq!(serde_json::to_string(&folder).unwrap(), r#"{"folderId":"f1"}"#);
        assert!(UpdateCardRequest::default().is_empty());
        assert!(!no_limit.is_empty());
        assert!(!UpdateCardRequest { is_pinned: Some(false), ..Default::default() }.is_empty());
    }

    #[test]
    fn frequencies_have_labels() {
        let labels: Vec<&str> = LimitFrequency::ALL.iter().map(LimitFrequency::label).collect();
        assert_eq!(labels, ["per transaction", "per 24 hours", "per 7 days", "per 30 days", "per year", "all time"]);
        assert!(LimitFrequency::ALL.iter().all(LimitFrequency::is_known));
    }

    #[test]
    fn parses_delete_response() {
        let deleted: DeletedCard = serde_json::from_str(
            r#"{"cardId":"9f970d1a-fd8e-41ac-a6fd-5993417942e3","status":"canceled","deletedAt":"2026-03-01T10:00:00.000Z"}"#,
        )
        .unwrap();
        assert_eq!(deleted.status, Some(CardStatus::Canceled));
        let bare: DeletedCard = serde_json::from_str("{}").unwrap();
        assert_eq!(bare.card_id, None);
    }
}
