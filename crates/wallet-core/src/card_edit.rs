//! A card edit as the person made it in the edit dialog (name, colour, emoji, memo, limit and how often
//! it applies, pinned, place in the list), checked into a [`CardEditDraft`], then sent as one
//! `PATCH /cards/{id}`: the four labels encrypted through `POST /encryption/encrypt` like the create's,
//! with an Idempotency-Key.
//!
//! In [`CardEdit`] a field left out (or `null`) stays as it is, and an empty text clears it: that is
//! what a form that sends only what changed can say without a third state.

use machines_api::idempotency::IdempotencyKey;
use machines_api::models::cards::{Card, CardLimit, FieldChange, LimitFrequency, UpdateCardRequest};
use machines_api::{ApiError, UserClient};
use serde::{Deserialize, Serialize};

use crate::card_view::label_problem;
use crate::error::UiError;
use crate::money::parse_dollars;

/// The longest memo, in characters as a person counts them.
pub const MEMO_MAX_CHARS: usize = 280;

/// What the edit dialog sends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct CardEdit {
    pub label: Option<String>,
    /// `#rrggbb` (or `#rgb`).
    pub color: Option<String>,
    /// One emoji.
    pub emoji: Option<String>,
    pub memo: Option<String>,
    /// Dollars as typed; `""` removes the limit.
    pub limit: Option<String>,
    /// How often the limit applies (`perAuthorization`, …); only with a limit.
    pub frequency: Option<String>,
    pub pinned: Option<bool>,
    /// The card's place among the person's cards (`sortOrder`), from 0.
    pub sort_order: Option<i32>,
}

/// An edit whose fields passed every check, the texts still in clear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardEditDraft {
    pub label: FieldChange<String>,
    pub color: FieldChange<String>,
    pub emoji: FieldChange<String>,
    pub memo: FieldChange<String>,
    pub limit: FieldChange<CardLimit>,
    pub pinned: Option<bool>,
    pub sort_order: Option<i64>,
}

fn field_error(field: &str, message: impl Into<String>) -> UiError {
    UiError::on_field("Check the highlighted fields", field, message)
}

/// Left out: keep. Empty once trimmed: clear. Otherwise the trimmed text.
fn change(text: Option<&str>) -> FieldChange<String> {
    match text.map(str::trim) {
        None => FieldChange::Keep,
        Some("") => FieldChange::Clear,
        Some(text) => FieldChange::Set(text.to_owned()),
    }
}

/// A colour as `#rrggbb` in lower case, from `#rrggbb` or `#rgb` in any case. Only this shape is ever
/// sent or shown, so the UI can put it in a style without reading a server's text as CSS.
pub fn color(text: &str) -> Result<String, String> {
    let refused = || "Choose a colour as # and six hex digits, like #1f6feb.".to_owned();
    let hex = text.trim().strip_prefix('#').ok_or_else(refused)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(hex.chars().fold(String::from("#"), |mut out, c| {
            out.push(c);
            out.push(c);
            out
        })),
        _ => Err(refused()),
    }
}

/// One emoji: a single character as a person sees it (flags, skin tones and families are one), and not a
/// letter, digit or punctuation a keyboard types.
fn emoji_problem(text: &str) -> Option<&'static str> {
    let one = crate::text::visible_len(text) == 1;
    let pictographic = text.chars().next().is_some_and(|c| !c.is_ascii() && !c.is_alphanumeric());
    (!(one && pictographic)).then_some("Choose one emoji.")
}

impl CardEdit {
    /// Checks every field, in the dialog's order; the first refusal is a `UiError` on its field.
    pub fn check(&self) -> Result<CardEditDraft, UiError> {
        let label = change(self.label.as_deref());
        if let FieldChange::Set(text) = &label {
            if let Some(problem) = label_problem(text) {
                return Err(field_error("label", problem));
            }
        }
        let color = match change(self.color.as_deref()) {
            FieldChange::Set(text) => FieldChange::Set(color(&text).map_err(|e| field_error("color", e))?),
            other => other,
        };
        let emoji = change(self.emoji.as_deref());
        if let FieldChange::Set(text) = &emoji {
            if let Some(problem) = emoji_problem(text) {
                return Err(field_error("emoji", problem));
            }
        }
        let memo = change(self.memo.as_deref());
        if let FieldChange::Set(text) = &memo {
            if let Some(problem) = crate::text::length_problem(text, None, Some(MEMO_MAX_CHARS), "characters") {
                return Err(field_error("memo", problem));
            }
        }
        let limit = match change(self.limit.as_deref()) {
            FieldChange::Set(text) => {
                let amount_cents = parse_dollars(&text).map_err(|e| field_error("limit", e.to_string()))?;
                if amount_cents <= 0 {
                    return Err(field_error("limit", "A limit must be more than $0.00."));
                }
                let frequency = LimitFrequency::from_wire(self.frequency.as_deref().unwrap_or("perAuthorization"));
                if !frequency.is_known() {
                    return Err(field_error("frequency", "Choose how often the limit applies."));
                }
                FieldChange::Set(CardLimit { amount_cents, frequency })
            }
            FieldChange::Keep if self.frequency.as_deref().is_some_and(|f| !f.trim().is_empty()) => {
                // The API takes a limit as amount and frequency together.
                return Err(field_error("limit", "Give the limit with how often it applies."));
            }
            FieldChange::Keep => FieldChange::Keep,
            FieldChange::Clear => FieldChange::Clear,
        };
        if self.sort_order.is_some_and(|order| order < 0) {
            return Err(field_error("sortOrder", "A place in the list starts at 0."));
        }
        Ok(CardEditDraft {
            label,
            color,
            emoji,
            memo,
            limit,
            pinned: self.pinned,
            sort_order: self.sort_order.map(i64::from),
        })
    }
}

impl CardEditDraft {
    /// True when the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

async fn encrypted(
    user: &UserClient,
    change: &FieldChange<String>,
) -> Result<FieldChange<machines_api::models::common::EncryptedField>, ApiError> {
    Ok(match change {
        FieldChange::Keep => FieldChange::Keep,
        FieldChange::Clear => FieldChange::Clear,
        FieldChange::Set(text) => FieldChange::Set(user.encrypt(text).await?.data),
    })
}

/// Sends `draft` to card `card_id` as one `PATCH` with `key` (a person's retry of the same edit passes the
/// same key), and answers the card as the server has it now. An edit that changes nothing reads the card
/// instead of sending an empty `PATCH`.
pub async fn send_edit(
    user: &UserClient,
    card_id: &str,
    draft: &CardEditDraft,
    key: &IdempotencyKey,
) -> Result<Card, ApiError> {
    if draft.is_empty() {
        return Ok(user.get_card(card_id).await?.data);
    }
    let request = UpdateCardRequest {
        limit: draft.limit.clone(),
        encrypted_name: encrypted(user, &draft.label).await?,
        encrypted_color: encrypted(user, &draft.color).await?,
        encrypted_emoji: encrypted(user, &draft.emoji).await?,
        encrypted_memo: encrypted(user, &draft.memo).await?,
        is_pinned: draft.pinned,
        sort_order: draft.sort_order,
        ..UpdateCardRequest::default()
    };
    Ok(user.update_card(card_id, &request, key).await?.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(edit: CardEdit) -> (String, String) {
        let error = edit.check().unwrap_err();
        assert_eq!(error.fields.len(), 1, "{error:?}");
        (error.fields[0].field.clone(), error.fields[0].message.clone())
    }

    #[test]
    fn fields_left_out_stay_and_empty_ones_clear() {
        let draft = CardEdit { label: Some("  ".into()), memo: Some("Team lunches ".into()), ..CardEdit::default() }
            .check()
            .unwrap();
        assert_eq!(draft.label, FieldChange::Clear);
        assert_eq!(draft.memo, FieldChange::Set("Team lunches".into()));
        assert_eq!((draft.color, draft.emoji, draft.limit), (FieldChange::Keep, FieldChange::Keep, FieldChange::Keep));
        assert!(CardEdit::default().check().unwrap().is_empty());
    }

    #[test]
    fn a_colour_is_normalised_to_six_lower_case_digits_or_refused() {
        let draft = CardEdit { color: Some("#1F6FEB".into()), ..CardEdit::default() }.check().unwrap();
        assert_eq!(draft.color, FieldChange::Set("#1f6feb".into()));
        assert_eq!(color("#AbC"), Ok("#aabbcc".into()));
        for bad in ["red", "#12345", "1f6feb", "#1f6feg", "#1f6feb;background:url(x)"] {
            assert_eq!(refused(CardEdit { color: Some(bad.into()), ..CardEdit::default() }).0, "color", "{bad}");
        }
    }

    #[test]
    fn an_emoji_is_one_pictograph_as_a_person_sees_it() {
        for good in ["\u{1F6D2}", "\u{1F1EB}\u{1F1F7}", "\u{1F44D}\u{1F3FD}", "\u{2615}"] {
            assert!(CardEdit { emoji: Some(good.into()), ..CardEdit::default() }.check().is_ok(), "{good}");
        }
        for bad in ["a", "7", "\u{1F6D2}\u{1F6D2}", ":)", "\u{00E9}"] {
            assert_eq!(refused(CardEdit { emoji: Some(bad.into()), ..CardEdit::default() }).0, "emoji", "{bad}");
        }
    }

    #[test]
    fn a_limit_comes_with_its_frequency_and_empty_removes_it() {
        let weekly =
            CardEdit { limit: Some("$40".into()), frequency: Some("per7DayPeriod".into()), ..CardEdit::default() };
        assert_eq!(
            weekly.check().unwrap().limit,
            FieldChange::Set(CardLimit { amount_cents: 4000, frequency: LimitFrequency::Per7DayPeriod })
        );
        let none = CardEdit { limit: Some(String::new()), ..CardEdit::default() };
        assert_eq!(none.check().unwrap().limit, FieldChange::Clear);
        assert_eq!(refused(CardEdit { limit: Some("0".into()), ..CardEdit::default() }).0, "limit");
        let alone = CardEdit { frequency: Some("allTime".into()), ..CardEdit::default() };
        assert_eq!(refused(alone).0, "limit");
        let odd = CardEdit { limit: Some("5".into()), frequency: Some("perFortnight".into()), ..CardEdit::default() };
        assert_eq!(refused(odd).0, "frequency");
    }

    #[test]
    fn the_label_and_memo_are_counted_as_a_person_counts() {
        assert_eq!(refused(CardEdit { label: Some("a".repeat(61)), ..CardEdit::default() }).0, "label");
        assert!(CardEdit { memo: Some("\u{1F1EB}\u{1F1F7}".repeat(280)), ..CardEdit::default() }.check().is_ok());
        assert_eq!(refused(CardEdit { memo: Some("m".repeat(281)), ..CardEdit::default() }).0, "memo");
    }

    #[test]
    fn pin_and_order_pass_through_and_a_negative_place_is_refused() {
        let draft = CardEdit { pinned: Some(true), sort_order: Some(2), ..CardEdit::default() }.check().unwrap();
        assert_eq!((draft.pinned, draft.sort_order), (Some(true), Some(2)));
        assert_eq!(refused(CardEdit { sort_order: Some(-1), ..CardEdit::default() }).0, "sortOrder");
    }
}
