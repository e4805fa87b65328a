//! A new card as the person typed it (a label, a limit in dollars, how often the limit applies), checked
//! into a [`CardDraft`] the create can send: the label within its length, the limit in cents and above
//! zero, the frequency one the API knows. A refusal is a `UiError` on the field to fix.

use machines_api::models::cards::{Card, CardLimit, LimitFrequency};

use crate::card_view::label_problem;
use crate::error::UiError;
use crate::money::parse_dollars;

/// A card create whose fields passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardDraft {
    /// Trimmed; `None` when the person left it empty.
    pub label: Option<String>,
    pub limit: Option<CardLimit>,
}

/// The frequency a limit applies at when the person did not choose one (the form's first choice).
const DEFAULT_FREQUENCY: &str = "perAuthorization";

fn field_error(field: &str, message: impl Into<String>) -> UiError {
    UiError::on_field("Check the highlighted fields", field, message)
}

/// `text` trimmed, or `None` when nothing is left.
fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl CardDraft {
    /// Checks what was typed, the label first. An empty label or limit means none; `frequency` counts
    /// only with a limit.
    pub fn check(label: Option<&str>, limit: Option<&str>, frequency: Option<&str>) -> Result<Self, UiError> {
        let label = given(label).map(str::to_owned);
        if let Some(problem) = label.as_deref().and_then(label_problem) {
            return Err(field_error("label", problem));
        }
        let limit = match given(limit) {
            None => None,
            Some(text) => {
                let amount_cents = parse_dollars(text).map_err(|e| field_error("limit", e.to_string()))?;
                if amount_cents <= 0 {
                    return Err(field_error("limit", "A limit must be more than $0.00."));
                }
                let frequency = LimitFrequency::from_wire(frequency.unwrap_or(DEFAULT_FREQUENCY));
                if !frequency.is_known() {
                    return Err(field_error("frequency", "Choose how often the limit applies."));
                }
                Some(CardLimit { amount_cents, frequency })
            }
        };
        Ok(Self { label, limit })
    }

    /// Whether `card`, whose label reads `label` once decrypted, is the card this draft asks for: the same
    /// label and the same limit. A create an earlier run left unfinished and the app finished by itself
    /// is answered this way when the person presses Create again for it, rather than making a second.
    pub fn is_same_card(&self, card: &Card, label: Option<&str>) -> bool {
        let limit_of = |limit: Option<&CardLimit>| limit.map(|l| (l.amount_cents, l.frequency.clone()));
        limit_of(card.limit.as_ref()) == limit_of(self.limit.as_ref()) && label == self.label.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::UiAction;

    fn refused(label: Option<&str>, limit: Option<&str>, frequency: Option<&str>) -> (String, String) {
        let error = CardDraft::check(label, limit, frequency).unwrap_err();
        assert_eq!(error.action, UiAction::FixFields);
        assert_eq!(error.fields.len(), 1, "{error:?}");
        (error.fields[0].field.clone(), error.fields[0].message.clone())
    }

    #[test]
    fn empty_fields_mean_no_label_and_no_limit() {
        let draft = CardDraft::check(Some("  "), Some(""), Some("allTime")).unwrap();
        assert_eq!(draft, CardDraft { label: None, limit: None });
        assert_eq!(CardDraft::check(None, None, None).unwrap(), draft);
    }

    #[test]
    fn the_label_is_trimmed_and_counted_as_a_person_counts() {
        let draft = CardDraft::check(Some("  Groceries \u{1F6D2} "), None, None).unwrap();
        assert_eq!(draft.label.as_deref(), Some("Groceries \u{1F6D2}"));
        assert!(CardDraft::check(Some(&"\u{1F1EB}\u{1F1F7}".repeat(60)), None, None).is_ok(), "60 flags fit");
        let (field, message) = refused(Some(&"a".repeat(61)), None, None);
        assert_eq!(field, "label");
        assert!(message.contains("60"), "{message}");
    }

    #[test]
    fn a_limit_is_dollars_in_and_cents_out_at_the_default_frequency() {
        let draft = CardDraft::check(None, Some(" $1,250.50 "), None).unwrap();
        assert_eq!(draft.limit, Some(CardLimit { amount_cents: 125_050, frequency: LimitFrequency::PerAuthorization }));
        let weekly = CardDraft::check(None, Some("25"), Some("per7DayPeriod")).unwrap();
        assert_eq!(weekly.limit.map(|l| l.frequency), Some(LimitFrequency::Per7DayPeriod));
    }

    #[test]
    fn a_limit_must_be_an_amount_above_zero() {
        assert_eq!(refused(None, Some("0"), None), ("limit".into(), "A limit must be more than $0.00.".into()));
        let (field, message) = refused(None, Some("ten"), None);
        assert_eq!(field, "limit");
        assert!(message.contains("digits"), "{message}");
        assert_eq!(refused(None, Some("-5"), None).1, "The amount can't be negative.");
    }

    #[test]
    fn an_unknown_frequency_is_refused_on_its_own_field() {
        assert_eq!(
            refused(None, Some("25"), Some("perFortnight")),
            ("frequency".into(), "Choose how often the limit applies.".into())
        );
    }

    #[test]
    fn the_label_is_checked_before_the_limit() {
        assert_eq!(refused(Some(&"a".repeat(61)), Some("0"), None).0, "label");
    }

    #[test]
    fn the_same_card_has_the_same_label_and_limit() {
        let draft = CardDraft::check(Some("Travel"), Some("25"), None).unwrap();
        let card = |cents, frequency| Card {
            card_id: "c1".into(),
            limit: Some(CardLimit { amount_cents: cents, frequency }),
            ..serde_json::from_value(serde_json::json!({"cardId": "c1", "status": "active"})).unwrap()
        };
        assert!(draft.is_same_card(&card(2500, LimitFrequency::PerAuthorization), Some("Travel")));
        assert!(!draft.is_same_card(&card(2500, LimitFrequency::PerAuthorization), Some("Food")), "another label");
        assert!(!draft.is_same_card(&card(2500, LimitFrequency::Per24HourPeriod), Some("Travel")), "another frequency");
        assert!(!draft.is_same_card(&card(2400, LimitFrequency::PerAuthorization), Some("Travel")), "another amount");
        let plain = CardDraft::check(None, None, None).unwrap();
        let no_limit = Card { limit: None, ..card(0, LimitFrequency::AllTime) };
        assert!(plain.is_same_card(&no_limit, None));
        assert!(!plain.is_same_card(&no_limit, Some("Travel")));
    }
}
