//! The typing plan: which keys Fill presses and where it waits, built from a card's details and the Fill
//! settings. Pure (no clock, no input system), so every rule is a unit test. The plan holds the digits as
//! keys, so it is wiped when dropped, and neither it nor a [`Stroke`] prints them.

use std::fmt;
use std::time::Duration;

use machines_api::{CardReveal, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::settings::{ExpiryFormat, FieldAdvance, FillMode, FillSettings};

/// After a Tab, the page needs a moment to move focus (and to run its own handlers on the field it left)
/// before the next key lands.
pub const TAB_SETTLE: Duration = Duration::from_millis(150);
/// Without a Tab the page moves focus itself, often after a check of what was typed: a longer wait.
pub const PAGE_FOCUS_SETTLE: Duration = Duration::from_millis(300);

/// One field of a checkout form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FillField {
    Number,
    Expiry,
    Cvc,
}

impl FillField {
    /// The field after this one in the form's usual order; `None` after the CVC.
    pub fn next(self) -> Option<FillField> {
        match self {
            Self::Number => Some(Self::Expiry),
            Self::Expiry => Some(Self::Cvc),
            Self::Cvc => None,
        }
    }

    /// What was typed, as a sentence names it: "the number".
    pub fn words(self) -> &'static str {
        match self {
            Self::Number => "the number",
            Self::Expiry => "the expiry",
            Self::Cvc => "the CVC",
        }
    }

    /// The form field a person clicks into, as a sentence names it: "the card-number field".
    pub fn field_words(self) -> &'static str {
        match self {
            Self::Number => "the card-number field",
            Self::Expiry => "the expiry field",
            Self::Cvc => "the CVC field",
        }
    }
}

/// What one press types: everything in sequence, or one field.
/// In TypeScript: `{ kind: "all" } | { kind: "one"; field: FillField }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "field", rename_all = "camelCase")]
pub enum FillScope {
    All,
    One(FillField),
}

impl FillScope {
    /// What a press with no field named types: the whole sequence, or the number in per-field mode.
    pub fn first(mode: FillMode) -> Self {
        match mode {
            FillMode::Sequence => Self::All,
            FillMode::PerField => Self::One(FillField::Number),
        }
    }

    /// The fields this scope types, in order.
    pub fn fields(self) -> &'static [FillField] {
        match self {
            Self::All => &[FillField::Number, FillField::Expiry, FillField::Cvc],
            Self::One(FillField::Number) => &[FillField::Number],
            Self::One(FillField::Expiry) => &[FillField::Expiry],
            Self::One(FillField::Cvc) => &[FillField::Cvc],
        }
    }

    /// What this scope types, as a sentence names it: "the number, expiry and CVC", "the expiry".
    pub fn words(self) -> &'static str {
        match self {
            Self::All => "the number, expiry and CVC",
            Self::One(field) => field.words(),
        }
    }

    /// The field a person clicks into before this scope is typed.
    pub fn starts_in(self) -> FillField {
        match self {
            Self::All => FillField::Number,
            Self::One(field) => field,
        }
    }
}

/// Why a card's details cannot be typed. Nothing is typed when the plan cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the card's number could not be read")]
    NoNumber,
    #[error("the card has no valid expiry date")]
    NoExpiry,
    #[error("the card's security code could not be read")]
    NoCvc,
}

impl PlanError {
    /// The words a person reads: what is wrong, that nothing was typed, and what to do instead.
    pub fn message(self) -> String {
        let advice = match self {
            Self::NoNumber | Self::NoCvc => "Try again; if it keeps happening, reveal the card and type it in.",
            Self::NoExpiry => "Reveal the card and type the details in; the card list shows the expiry the server has.",
        };
        let mut text = self.to_string();
        if let Some(first) = text.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        format!("{text}, so nothing was typed. {advice}")
    }
}

/// A card's details as Fill types them: the number's digits, the security code, the expiry. The two
/// secrets are wiped when it is dropped; `Debug` shows none of it.
pub struct FillCard {
    number: SecretString,
    cvc: SecretString,
    month: u8,
    /// Four digits (2000–2199).
    year: u16,
}

impl fmt::Debug for FillCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FillCard([redacted])")
    }
}

impl FillCard {
    /// The details of a revealed card. The number must be 12 to 19 digits once spaces are taken out, the
    /// expiry a month 1–12 and a year (two digits are read as 20YY), the CVC 3 or 4 digits once trimmed.
    pub fn from_reveal(reveal: &CardReveal) -> Result<Self, PlanError> {
        let pan = reveal.numbers.pan.expose();
        if !pan.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            return Err(PlanError::NoNumber);
        }
        let mut digits = String::with_capacity(pan.len());
        digits.extend(pan.chars().filter(char::is_ascii_digit));
        let number = SecretString::new(digits);
        if !(12..=19).contains(&number.len()) {
            return Err(PlanError::NoNumber);
        }
        let month = reveal.expiration_month.filter(|m| (1..=12).contains(m)).ok_or(PlanError::NoExpiry)?;
        let year = match reveal.expiration_year.ok_or(PlanError::NoExpiry)? {
            yy @ 0..=99 => 2000 + yy,
            yyyy @ 2000..=2199 => yyyy,
            _ => return Err(PlanError::NoExpiry),
        };
        let cvc = reveal.numbers.cvc.expose().trim();
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PlanError::NoCvc);
        }
        Ok(Self { number, cvc: SecretString::from(cvc), month, year })
    }

    /// The last four digits, for the activity line and the labels.
    pub fn last4(&self) -> String {
        let number = self.number.expose();
        number[number.len().saturating_sub(4)..].to_owned()
    }
}

/// One step of a plan. `Debug` hides the character.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// Type this character (the input system finds its key in the current layout).
    Char(char),
    /// Press Tab.
    Tab,
    /// Wait.
    Pause(Duration),
}

impl fmt::Debug for Stroke {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Char(_) => f.write_str("Char([redacted])"),
            Self::Tab => f.write_str("Tab"),
            Self::Pause(wait) => write!(f, "Pause({wait:?})"),
        }
    }
}

impl Zeroize for Stroke {
    fn zeroize(&mut self) {
        if let Self::Char(c) = self {
            c.zeroize();
        }
    }
}

/// Where a field's last character sits in the plan: once the stroke before `end` is typed, the field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldEnd {
    field: FillField,
    end: usize,
}

/// The keys and pauses of one press. Nothing before the first character and nothing after the last: no
/// trailing Tab or Enter, so the form is never submitted.
pub struct FillPlan {
    strokes: Vec<Stroke>,
    ends: Vec<FieldEnd>,
}

impl fmt::Debug for FillPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FillPlan").field("strokes", &self.strokes.len()).field("fields", &self.fields()).finish()
    }
}

impl Drop for FillPlan {
    fn drop(&mut self) {
        self.strokes.zeroize();
    }
}

impl ZeroizeOnDrop for FillPlan {}

/// The most characters any scope types: 19 digits, `MM/YYYY` and a 4-digit CVC, with room to spare.
const MOST_CHARS: usize = 32;
/// The most advances: number → month, month → year, year → CVC.
const MOST_ADVANCES: usize = 3;

/// Builds the strokes into one buffer sized up front, so no reallocation leaves an unwiped copy.
struct Builder {
    strokes: Vec<Stroke>,
    key_delay: Duration,
    advance: FieldAdvance,
}

impl Builder {
    fn char(&mut self, c: char) {
        if matches!(self.strokes.last(), Some(Stroke::Char(_))) && !self.key_delay.is_zero() {
            self.strokes.push(Stroke::Pause(self.key_delay));
        }
        self.strokes.push(Stroke::Char(c));
    }

    fn chars(&mut self, text: &str) {
        text.chars().for_each(|c| self.char(c));
    }

    /// Two digits of `value` (0–99), built as characters so no string holds them.
    fn two_digits(&mut self, value: u16) {
        for digit in [value / 10 % 10, value % 10] {
            self.char(digit_char(digit));
        }
    }

    fn four_digits(&mut self, value: u16) {
        self.two_digits(value / 100);
        self.two_digits(value % 100);
    }

    fn advance(&mut self) {
        match self.advance {
            FieldAdvance::Tab => {
                self.strokes.push(Stroke::Tab);
                self.strokes.push(Stroke::Pause(self.key_delay.max(TAB_SETTLE)));
            }
            FieldAdvance::PageMovesFocus => self.strokes.push(Stroke::Pause(self.key_delay.max(PAGE_FOCUS_SETTLE))),
        }
    }
}

fn digit_char(digit: u16) -> char {
    char::from_digit(u32::from(digit % 10), 10).unwrap_or('0')
}

impl FillPlan {
    /// The plan for `scope` of `card`, as `settings` say:
    /// - the number as digits only; the CVC as trimmed;
    /// - the expiry as [`ExpiryFormat`] says, the month always two digits, `YY` the year's last two;
    /// - a pause of the key delay between two characters in a row (none when it is 0);
    /// - an advance between fields (and between a separate month and year): Tab then a pause of at least
    ///   [`TAB_SETTLE`], or only a pause of at least [`PAGE_FOCUS_SETTLE`] when the page moves focus.
    pub fn build(card: &FillCard, scope: FillScope, settings: &FillSettings) -> FillPlan {
        let strokes_at_most = 2 * MOST_CHARS + 2 * MOST_ADVANCES;
        let mut builder = Builder {
            strokes: Vec::with_capacity(strokes_at_most),
            key_delay: Duration::from_millis(u64::from(settings.key_delay_ms)),
            advance: settings.advance,
        };
        let mut ends = Vec::with_capacity(3);
        for (i, &field) in scope.fields().iter().enumerate() {
            if i > 0 {
                builder.advance();
            }
            match field {
                FillField::Number => builder.chars(card.number.expose()),
                FillField::Expiry => {
                    builder.two_digits(u16::from(card.month));
                    match settings.expiry_format {
                        ExpiryFormat::MmYy => {
                            builder.char('/');
                            builder.two_digits(card.year % 100);
                        }
                        ExpiryFormat::MmYyyy => {
                            builder.char('/');
                            builder.four_digits(card.year);
                        }
                        ExpiryFormat::SeparateMmYy => {
                            builder.advance();
                            builder.two_digits(card.year % 100);
                        }
                        ExpiryFormat::SeparateMmYyyy => {
                            builder.advance();
                            builder.four_digits(card.year);
                        }
                    }
                }
                FillField::Cvc => builder.chars(card.cvc.expose()),
            }
            ends.push(FieldEnd { field, end: builder.strokes.len() });
        }
        FillPlan { strokes: builder.strokes, ends }
    }

    /// The keys and pauses, in order.
    pub fn strokes(&self) -> &[Stroke] {
        &self.strokes
    }

    /// The fields this plan types, in order.
    pub fn fields(&self) -> Vec<FillField> {
        self.ends.iter().map(|end| end.field).collect()
    }

    /// The fields whose every character is among the first `done` strokes.
    pub fn fields_done(&self, done: usize) -> Vec<FillField> {
        self.ends.iter().filter(|end| end.end <= done).map(|end| end.field).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::test_support::{card, keyboard, reveal, NUMBER};

    fn settings(expiry_format: ExpiryFormat, advance: FieldAdvance, key_delay_ms: u32) -> FillSettings {
        FillSettings { expiry_format, advance, key_delay_ms, ..FillSettings::default() }
    }

    const FORMATS: [ExpiryFormat; 4] =
        [ExpiryFormat::MmYy, ExpiryFormat::MmYyyy, ExpiryFormat::SeparateMmYy, ExpiryFormat::SeparateMmYyyy];
    const ADVANCES: [FieldAdvance; 2] = [FieldAdvance::Tab, FieldAdvance::PageMovesFocus];
    const SCOPES: [FillScope; 4] = [
        FillScope::All,
        FillScope::One(FillField::Number),
        FillScope::One(FillField::Expiry),
        FillScope::One(FillField::Cvc),
    ];

    #[test]
    fn every_format_advance_and_scope_types_what_the_form_expects() {
        // `{a}` is the advance: Tab then 150 ms for the page to move focus, or 300 ms when it moves it itself.
        let expiry = |format| match format {
            ExpiryFormat::MmYy => "05/27",
            ExpiryFormat::MmYyyy => "05/2027",
            ExpiryFormat::SeparateMmYy => "05{a}27",
            ExpiryFormat::SeparateMmYyyy => "05{a}2027",
        };
        for format in FORMATS {
            for advance in ADVANCES {
                let a = match advance {
                    FieldAdvance::Tab => "\u{21e5}(150)",
                    FieldAdvance::PageMovesFocus => "(300)",
                };
                let expiry = expiry(format).replace("{a}", a);
                for scope in SCOPES {
                    let expected = match scope {
                        FillScope::All => format!("{NUMBER}{a}{expiry}{a}987"),
                        FillScope::One(FillField::Number) => NUMBER.to_owned(),
                        FillScope::One(FillField::Expiry) => expiry.clone(),
                        FillScope::One(FillField::Cvc) => "987".to_owned(),
                    };
                    let seen = keyboard(scope, &settings(format, advance, 0));
                    assert_eq!(seen, expected, "{format:?} {advance:?} {scope:?}");
                }
            }
        }
    }

    #[test]
    fn the_mode_decides_what_a_press_types_first() {
        assert_eq!(FillScope::first(FillMode::Sequence), FillScope::All);
        assert_eq!(FillScope::first(FillMode::PerField), FillScope::One(FillField::Number));
        // Per-field presses go number → expiry → CVC, then stop.
        assert_eq!(FillField::Number.next(), Some(FillField::Expiry));
        assert_eq!(FillField::Expiry.next(), Some(FillField::Cvc));
        assert_eq!(FillField::Cvc.next(), None);
        // Each mode's first press, typed: the sequence is everything, per-field the number alone.
        let per_field = FillSettings { mode: FillMode::PerField, key_delay_ms: 0, ..FillSettings::default() };
        assert_eq!(keyboard(FillScope::first(per_field.mode), &per_field), NUMBER);
        let sequence = FillSettings { key_delay_ms: 0, ..FillSettings::default() };
        assert_eq!(
            keyboard(FillScope::first(sequence.mode), &sequence),
            format!("{NUMBER}\u{21e5}(150)05/27\u{21e5}(150)987")
        );
    }

    #[test]
    fn the_key_delay_falls_between_two_characters_and_lengthens_a_short_advance() {
        let cvc = keyboard(FillScope::One(FillField::Cvc), &settings(ExpiryFormat::MmYy, FieldAdvance::Tab, 25));
        assert_eq!(cvc, "9(25)8(25)7", "a pause between characters, none before the first or after the last");
        let expiry =
            keyboard(FillScope::One(FillField::Expiry), &settings(ExpiryFormat::SeparateMmYy, FieldAdvance::Tab, 25));
        assert_eq!(expiry, "0(25)5\u{21e5}(150)2(25)7", "the advance's own wait, not a key delay, after Tab");
        // A key delay longer than the advance's wait is kept after Tab too; the longer wait wins.
        let slow_tab =
            keyboard(FillScope::One(FillField::Expiry), &settings(ExpiryFormat::SeparateMmYy, FieldAdvance::Tab, 200));
        assert_eq!(slow_tab, "0(200)5\u{21e5}(200)2(200)7");
        let page = |ms| {
            keyboard(
                FillScope::One(FillField::Expiry),
                &settings(ExpiryFormat::SeparateMmYy, FieldAdvance::PageMovesFocus, ms),
            )
        };
        assert_eq!(page(200), "0(200)5(300)2(200)7");
        assert_eq!(page(400), "0(400)5(400)2(400)7");
        let all = keyboard(FillScope::All, &settings(ExpiryFormat::MmYy, FieldAdvance::Tab, 25));
        let number_with_pauses = NUMBER.chars().map(String::from).collect::<Vec<_>>().join("(25)");
        assert_eq!(all, format!("{number_with_pauses}\u{21e5}(150)0(25)5(25)/(25)2(25)7\u{21e5}(150)9(25)8(25)7"));
    }

    #[test]
    fn a_plan_starts_with_a_character_and_ends_with_one_never_submitting_the_form() {
        for format in FORMATS {
            for advance in ADVANCES {
                for key_delay_ms in [0, 25, 500] {
                    for scope in SCOPES {
                        let plan = FillPlan::build(&card(), scope, &settings(format, advance, key_delay_ms));
                        let strokes = plan.strokes();
                        let case = format!("{format:?} {advance:?} {key_delay_ms} {scope:?}");
                        assert!(matches!(strokes.first(), Some(Stroke::Char(_))), "{case}");
                        assert!(matches!(strokes.last(), Some(Stroke::Char(_))), "{case}");
                        let enter = strokes.iter().any(|s| matches!(s, Stroke::Char('\n' | '\r')));
                        assert!(!enter, "{case}");
                        let delay = Duration::from_millis(u64::from(key_delay_ms));
                        for pair in strokes.windows(2) {
                            if let [Stroke::Char(_), Stroke::Char(_)] = pair {
                                assert!(delay.is_zero(), "two keys with no pause at key delay {key_delay_ms}: {case}");
                            }
                        }
                        assert_eq!(plan.fields(), scope.fields(), "{case}");
                        // Built in the buffer sized up front: no reallocation left an unwiped copy behind.
                        assert!(strokes.len() <= 2 * MOST_CHARS + 2 * MOST_ADVANCES, "{case}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_number_is_digits_only_the_cvc_trimmed_and_a_two_digit_year_read_as_this_century() {
        let spaced = FillCard::from_reveal(&reveal("4000 0566 5566 5556", " 0123 ", Some(1), Some(31)));
        let spaced = spaced.unwrap_or_else(|e| unreachable!("{e}"));
        let settings = FillSettings { expiry_format: ExpiryFormat::MmYyyy, key_delay_ms: 0, ..FillSettings::default() };
        let plan = FillPlan::build(&spaced, FillScope::All, &settings);
        let typed: String =
            plan.strokes().iter().filter_map(|s| if let Stroke::Char(c) = s { Some(*c) } else { None }).collect();
        assert_eq!(typed, format!("{NUMBER}01/20310123"));
        assert_eq!(spaced.last4(), "5556");
    }

    #[test]
    fn a_card_that_cannot_be_typed_is_refused_before_any_key() {
        let from = |pan: &str, cvc: &str, month, year| FillCard::from_reveal(&reveal(pan, cvc, month, year)).err();
        for pan in [
            "",
            "4000-0566-5566-5556",
            "4000056655665556000x",
            "40000566556",
            "40000566556655565556",
            "４０００056655665556",
        ] {
            assert_eq!(from(pan, "987", Some(5), Some(2027)), Some(PlanError::NoNumber), "{pan:?}");
        }
        assert_eq!(from("400005665566", "987", Some(5), Some(2027)), None, "12 digits is a number");
        assert_eq!(from("4000056655665556123", "987", Some(5), Some(2027)), None, "19 digits is a number");
        for (month, year) in [
            (None, Some(2027)),
            (Some(5), None),
            (Some(0), Some(2027)),
            (Some(13), Some(2027)),
            (Some(5), Some(123)),
            (Some(5), Some(1999)),
            (Some(5), Some(2200)),
        ] {
            assert_eq!(from(NUMBER, "987", month, year), Some(PlanError::NoExpiry), "{month:?} {year:?}");
        }
        for cvc in ["", "  ", "12", "12345", "98a", "9 8 7"] {
            assert_eq!(from(NUMBER, cvc, Some(5), Some(2027)), Some(PlanError::NoCvc), "{cvc:?}");
        }
        for error in [PlanError::NoNumber, PlanError::NoExpiry, PlanError::NoCvc] {
            let message = error.message();
            assert!(message.starts_with("The card"), "{message}");
            assert!(message.contains("nothing was typed"), "{message}");
        }
    }

    #[test]
    fn neither_the_card_nor_the_plan_prints_a_digit() {
        let card = card();
        let plan = FillPlan::build(&card, FillScope::All, &FillSettings::default());
        for printed in [format!("{card:?}"), format!("{plan:?}"), format!("{:?}", plan.strokes())] {
            for secret in ["987", "4000", "5556", "05", "27", "'"] {
                assert!(!printed.contains(secret), "{secret} in {printed}");
            }
        }
        assert!(format!("{plan:?}").contains("Number"), "the plan says which fields it types");
    }

    #[test]
    fn scopes_cross_to_the_ui_in_a_shape_typescript_switches_on() {
        let json = |scope: FillScope| serde_json::to_value(scope).unwrap_or_default();
        assert_eq!(json(FillScope::All), serde_json::json!({"kind": "all"}));
        assert_eq!(json(FillScope::One(FillField::Cvc)), serde_json::json!({"kind": "one", "field": "cvc"}));
        let read: FillScope =
            serde_json::from_value(serde_json::json!({"kind": "one", "field": "expiry"})).unwrap_or(FillScope::All);
        assert_eq!(read, FillScope::One(FillField::Expiry));
        assert_eq!(FillScope::All.words(), "the number, expiry and CVC");
        assert_eq!(FillScope::One(FillField::Expiry).words(), "the expiry");
        assert_eq!(FillScope::One(FillField::Cvc).starts_in(), FillField::Cvc);
        assert_eq!(FillScope::All.starts_in().field_words(), "the card-number field");
    }
}
