//! How Fill types, as the person set it in Settings: one field per press or the whole sequence, the
//! expiry's format, how the page moves from one field to the next, the two delays and the global shortcut.
//! Stored inside [`crate::settings::Settings`] as `fill`, read value by value so one damaged value costs
//! only itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kyc_form::FieldProblem;
use crate::settings::read_stored;

/// Milliseconds between the moment another window becomes active and the first key: time to see the
/// title and press Escape.
pub const FILL_START_DELAY_MS: std::ops::RangeInclusive<u32> = 500..=10_000;
/// Milliseconds between two keys. 0 types as fast as the input system takes them; above half a second a
/// card number takes ten seconds, longer than anyone waits.
pub const FILL_KEY_DELAY_MS: std::ops::RangeInclusive<u32> = 0..=500;
/// The longest shortcut text: "Ctrl+Shift+Alt+Super+PageDown" is 29; twice that is room enough.
pub const FILL_SHORTCUT_MAX_CHARS: usize = 64;

/// What one press of Fill (or the shortcut) types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FillMode {
    /// One field per press: the number, then the expiry, then the CVC, each into the field the person
    /// clicked. For pages whose fields are far apart or in frames that Tab does not reach.
    PerField,
    /// Number, advance, expiry, advance, CVC in one go.
    Sequence,
}

/// How the expiry is typed. Month always two digits; `Yy` is the year's last two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExpiryFormat {
    /// `05/27` into one field.
    MmYy,
    /// `05/2027` into one field.
    MmYyyy,
    /// `05`, advance, `27`: month and year in fields (or selects) of their own.
    SeparateMmYy,
    /// `05`, advance, `2027`.
    SeparateMmYyyy,
}

/// How typing gets from one field to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FieldAdvance {
    /// Press Tab, then wait for the page to move focus.
    Tab,
    /// No Tab: the page moves focus by itself once a field is full (a Tab there would skip a field), so
    /// only wait for it.
    PageMovesFocus,
}

/// The Fill preferences. A value left out (by an older page) takes its default; `shortcut: null` is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default, rename_all = "camelCase")]
pub struct FillSettings {
    pub mode: FillMode,
    pub expiry_format: ExpiryFormat,
    pub advance: FieldAdvance,
    /// See [`FILL_START_DELAY_MS`].
    pub start_delay_ms: u32,
    /// See [`FILL_KEY_DELAY_MS`].
    pub key_delay_ms: u32,
    /// The global shortcut as accelerator text (`Ctrl+Alt+F`); `None`: no global shortcut. Only its shape
    /// is checked here; the shell asks the shortcut plugin whether it is a real accelerator.
    pub shortcut: Option<String>,
}

impl Default for FillSettings {
    fn default() -> Self {
        Self {
            // The sequence fills the usual form in one press; per-field is there for pages where it cannot.
            mode: FillMode::Sequence,
            expiry_format: ExpiryFormat::MmYy,
            advance: FieldAdvance::Tab,
            start_delay_ms: 2_000,
            key_delay_ms: 25,
            shortcut: Some("Ctrl+Alt+F".to_owned()),
        }
    }
}

/// Why a shortcut text cannot be an accelerator, or `None`. Shape only: 1 to 64 printable ASCII characters
/// (accelerators name keys in ASCII), not starting or ending with `+` (a modifier with no key).
pub fn shortcut_problem(shortcut: &str) -> Option<String> {
    if shortcut.trim().is_empty() {
        return Some("Press the keys of the shortcut, or turn the shortcut off.".to_owned());
    }
    if shortcut.chars().count() > FILL_SHORTCUT_MAX_CHARS {
        return Some(format!("A shortcut is at most {FILL_SHORTCUT_MAX_CHARS} characters."));
    }
    if !shortcut.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Some("A shortcut names its keys in plain letters, such as Ctrl+Alt+F.".to_owned());
    }
    if shortcut.starts_with('+') || shortcut.ends_with('+') || shortcut != shortcut.trim() {
        return Some("A shortcut is modifiers and one key joined by +, such as Ctrl+Alt+F.".to_owned());
    }
    None
}

impl FillSettings {
    /// Problems on the fields of `fill.*`, for [`crate::settings::Settings::validate`].
    pub(crate) fn validate(&self) -> Vec<FieldProblem> {
        let range = |field: &str, value: u32, range: &std::ops::RangeInclusive<u32>| {
            (!range.contains(&value)).then(|| FieldProblem {
                field: field.to_owned(),
                message: format!("Choose between {} and {} milliseconds.", range.start(), range.end()),
            })
        };
        let shortcut = self
            .shortcut
            .as_deref()
            .and_then(shortcut_problem)
            .map(|message| FieldProblem { field: "fill.shortcut".to_owned(), message });
        [
            range("fill.startDelayMs", self.start_delay_ms, &FILL_START_DELAY_MS),
            range("fill.keyDelayMs", self.key_delay_ms, &FILL_KEY_DELAY_MS),
            shortcut,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Reads a stored `fill` object value by value: each value that is there but cannot be read keeps its
    /// default and its label is returned, so the caller can say which.
    pub(crate) fn from_stored(stored: &Value) -> (Self, Vec<&'static str>) {
        let mut fill = Self::default();
        let Some(map) = stored.as_object() else {
            return (fill, vec!["fill settings"]);
        };
        let mut bad = Vec::new();
        read_stored(map, "mode", "fill mode", &mut fill.mode, &mut bad);
        read_stored(map, "expiryFormat", "fill expiry format", &mut fill.expiry_format, &mut bad);
        read_stored(map, "advance", "fill field advance", &mut fill.advance, &mut bad);
        read_stored(map, "startDelayMs", "fill start delay", &mut fill.start_delay_ms, &mut bad);
        read_stored(map, "keyDelayMs", "fill key delay", &mut fill.key_delay_ms, &mut bad);
        read_stored(map, "shortcut", "fill shortcut", &mut fill.shortcut, &mut bad);
        (fill, bad)
    }

    /// Puts back the default of the `fill.*` value a problem names; false for a field that is not one.
    pub(crate) fn reset(&mut self, field: &str) -> bool {
        let defaults = Self::default();
        match field {
            "fill.startDelayMs" => self.start_delay_ms = defaults.start_delay_ms,
            "fill.keyDelayMs" => self.key_delay_ms = defaults.key_delay_ms,
            "fill.shortcut" => self.shortcut = defaults.shortcut,
            _ => return false,
        }
        true
    }
}
