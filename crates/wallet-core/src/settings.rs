//! The non-secret preferences the app keeps (environment, user id, wallet, timers), their defaults and
//! bounds, and a tolerant reader: a stored file with one bad or unknown value loses only that value (it
//! falls back to its default, with a message saying so), never the rest. No secret has a field here: the
//! partner key lives in the OS keychain and tokens in memory.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::fill::{FillSettings, FILL_KEY_DELAY_MS, FILL_START_DELAY_MS};
use crate::kyc_form::FieldProblem;

/// Which API the app talks to, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum EnvironmentSetting {
    Demo,
    Sandbox,
    Production,
    Custom {
        url: String,
    },
    /// The partner's gateway, the person signed in with the partner's provider (`partner_config`): no
    /// partner key on this computer.
    Partner,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub environment: EnvironmentSetting,
    pub user_id: Option<String>,
    pub wallet_address: Option<String>,
    pub wallet_label: Option<String>,
    /// Seconds a revealed card stays on screen.
    pub reveal_seconds: u32,
    /// Seconds before a copied value is cleared; `None` is never.
    pub clipboard_clear_seconds: Option<u32>,
    /// Minutes of inactivity before the app locks.
    pub idle_lock_minutes: u32,
    /// Session lifetime asked of the API.
    pub session_ttl_seconds: u32,
    /// Minutes after the last unlock (or re-entry of the passphrase) before a reveal asks for it again.
    pub reauth_minutes: u32,
    /// A desktop notification for each new transaction while the app runs (merchant, amount, last four).
    /// Absent in what an older version saved or sent: on, the default.
    #[serde(default = "notify_by_default")]
    pub notify_transactions: bool,
    /// How Fill types a card into a checkout page. Absent in what an older version saved: the defaults.
    #[serde(default)]
    pub fill: FillSettings,
}

fn notify_by_default() -> bool {
    true
}

pub const REVEAL_SECONDS: std::ops::RangeInclusive<u32> = 5..=120;
pub const CLIPBOARD_SECONDS: std::ops::RangeInclusive<u32> = 10..=300;
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=240;
pub const SESSION_TTL_SECONDS: std::ops::RangeInclusive<u32> = 60..=86_400;
/// A reveal asks again after at most an hour: longer, and "a person behind every reveal" stops meaning
/// the person at the keyboard now.
pub const REAUTH_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;

/// One setting's bounds and default, as the Settings form shows them and [`Settings::validate`] checks
/// them. Exported to the UI once (`SETTINGS_BOUNDS` in the bindings), so no number is written again in
/// TypeScript or in the markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct Bound {
    pub min: u32,
    pub max: u32,
    pub default: u32,
    /// The plural noun a person reads after a number: "seconds", "minutes".
    pub unit: &'static str,
}

impl Bound {
    fn of(range: &std::ops::RangeInclusive<u32>, default: u32, unit: &'static str) -> Self {
        Self { min: *range.start(), max: *range.end(), default, unit }
    }
}

/// The bounds of every timer a person can set in Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsBounds {
    pub reveal_seconds: Bound,
    pub clipboard_clear_seconds: Bound,
    pub idle_lock_minutes: Bound,
    pub reauth_minutes: Bound,
    pub fill_start_delay_ms: Bound,
    pub fill_key_delay_ms: Bound,
}

/// The bounds, from the ranges above and the defaults of [`Settings::default`].
pub fn bounds() -> SettingsBounds {
    let defaults = Settings::default();
    SettingsBounds {
        reveal_seconds: Bound::of(&REVEAL_SECONDS, defaults.reveal_seconds, "seconds"),
        clipboard_clear_seconds: Bound::of(
            &CLIPBOARD_SECONDS,
            defaults.clipboard_clear_seconds.unwrap_or(*CLIPBOARD_SECONDS.start()),
            "seconds",
        ),
        idle_lock_minutes: Bound::of(&IDLE_LOCK_MINUTES, defaults.idle_lock_minutes, "minutes"),
        reauth_minutes: Bound::of(&REAUTH_MINUTES, defaults.reauth_minutes, "minutes"),
        fill_start_delay_ms: Bound::of(&FILL_START_DELAY_MS, defaults.fill.start_delay_ms, "milliseconds"),
        fill_key_delay_ms: Bound::of(&FILL_KEY_DELAY_MS, defaults.fill.key_delay_ms, "milliseconds"),
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: EnvironmentSetting::Demo,
            user_id: None,
            wallet_address: None,
            wallet_label: None,
            reveal_seconds: 30,
            clipboard_clear_seconds: Some(20),
            idle_lock_minutes: 10,
            session_ttl_seconds: 900,
            reauth_minutes: 5,
            notify_transactions: notify_by_default(),
            fill: FillSettings::default(),
        }
    }
}

fn range_problem(field: &str, value: u32, range: &std::ops::RangeInclusive<u32>, unit: &str) -> Option<FieldProblem> {
    (!range.contains(&value)).then(|| FieldProblem {
        field: field.to_owned(),
        message: format!("Choose between {} and {} {unit}.", range.start(), range.end()),
    })
}

impl Settings {
    /// Problems a person must fix before these settings are saved.
    pub fn validate(&self) -> Vec<FieldProblem> {
        let mut problems: Vec<FieldProblem> = [
            range_problem("revealSeconds", self.reveal_seconds, &REVEAL_SECONDS, "seconds"),
            self.clipboard_clear_seconds
                .and_then(|s| range_problem("clipboardClearSeconds", s, &CLIPBOARD_SECONDS, "seconds")),
            range_problem("idleLockMinutes", self.idle_lock_minutes, &IDLE_LOCK_MINUTES, "minutes"),
            range_problem("sessionTtlSeconds", self.session_ttl_seconds, &SESSION_TTL_SECONDS, "seconds"),
            range_problem("reauthMinutes", self.reauth_minutes, &REAUTH_MINUTES, "minutes"),
        ]
        .into_iter()
        .flatten()
        .collect();
        problems.extend(self.fill.validate());
        if let Some(problem) = self.user_id.as_deref().and_then(crate::account::user_id_problem) {
            problems.push(FieldProblem { field: "userId".into(), message: problem });
        }
        if let Some(address) = &self.wallet_address {
            if let Err(err) = crate::address::parse_wallet(address) {
                problems.push(FieldProblem { field: "walletAddress".into(), message: err.to_string() });
            }
        }
        if let EnvironmentSetting::Custom { url } = &self.environment {
            // `BaseUrl` takes plain http:// on loopback (the `MACHINES_API_URL` override, for tests); a custom
            // server chosen here needs https://, since plain http:// is only Demo's own simulator.
            match machines_api::BaseUrl::parse(url) {
                Err(err) => problems.push(FieldProblem { field: "environment.url".into(), message: err.to_string() }),
                Ok(base) if base.as_url().scheme() != "https" => problems.push(FieldProblem {
                    field: "environment.url".into(),
                    message: "A custom server needs an https:// address (plain http:// is for Demo only).".into(),
                }),
                Ok(_) => {}
            }
        }
        problems
    }

    /// Reads stored settings field by field. Each value that is missing, malformed or out of bounds is
    /// replaced by its default and named in the returned notes; the others are kept.
    pub fn from_stored(stored: &Value) -> (Self, Vec<String>) {
        let defaults = Self::default();
        let Some(map) = stored.as_object() else {
            let note = "The saved settings could not be read; defaults are in use.".to_owned();
            return (defaults, if stored.is_null() { Vec::new() } else { vec![note] });
        };
        let mut notes = Vec::new();
        let mut settings = Self::default();
        let mut bad = Vec::new();
        // `null` is a real value for the optional settings ("never clear", no user yet) and a parse failure,
        // hence a reset with a note, for the others.
        read_stored(map, "environment", "environment", &mut settings.environment, &mut bad);
        read_stored(map, "userId", "user id", &mut settings.user_id, &mut bad);
        read_stored(map, "walletAddress", "wallet address", &mut settings.wallet_address, &mut bad);
        read_stored(map, "walletLabel", "wallet label", &mut settings.wallet_label, &mut bad);
        read_stored(map, "revealSeconds", "reveal time", &mut settings.reveal_seconds, &mut bad);
        read_stored(map, "clipboardClearSeconds", "clipboard time", &mut settings.clipboard_clear_seconds, &mut bad);
        read_stored(map, "idleLockMinutes", "idle lock time", &mut settings.idle_lock_minutes, &mut bad);
        read_stored(map, "sessionTtlSeconds", "session lifetime", &mut settings.session_ttl_seconds, &mut bad);
        read_stored(map, "reauthMinutes", "passphrase re-entry time", &mut settings.reauth_minutes, &mut bad);
        read_stored(
            map,
            "notifyTransactions",
            "transaction notification setting",
            &mut settings.notify_transactions,
            &mut bad,
        );
        if let Some(stored_fill) = map.get("fill") {
            let (fill, bad_fill) = FillSettings::from_stored(stored_fill);
            settings.fill = fill;
            bad.extend(bad_fill);
        }
        for label in bad {
            notes.push(format!("The saved {label} could not be read; the default is in use."));
        }
        // Values that parse but break a rule are reset one by one, so the rest survives.
        for problem in settings.validate() {
            match problem.field.as_str() {
                "revealSeconds" => settings.reveal_seconds = defaults.reveal_seconds,
                "clipboardClearSeconds" => settings.clipboard_clear_seconds = defaults.clipboard_clear_seconds,
                "idleLockMinutes" => settings.idle_lock_minutes = defaults.idle_lock_minutes,
                "sessionTtlSeconds" => settings.session_ttl_seconds = defaults.session_ttl_seconds,
                "reauthMinutes" => settings.reauth_minutes = defaults.reauth_minutes,
                "userId" => settings.user_id = None,
                "walletAddress" => settings.wallet_address = None,
                "environment.url" => settings.environment = EnvironmentSetting::Demo,
                fill if settings.fill.reset(fill) => {}
                _ => continue,
            }
            notes.push(format!("The saved {} was not valid ({}); it was reset.", problem.field, problem.message));
        }
        (settings, notes)
    }

    /// Applies what start-up found about the partner's file: on a first run (nothing stored) a usable
    /// file makes Partner sign-in the environment, as the partner who shipped the app wants; a stored
    /// Partner with no usable file falls back to Demo, and the returned note says so.
    pub fn with_partner(mut self, first_run: bool, partner_usable: bool) -> (Self, Option<String>) {
        if first_run && partner_usable {
            self.environment = EnvironmentSetting::Partner;
            return (self, None);
        }
        if self.environment == EnvironmentSetting::Partner && !partner_usable {
            self.environment = EnvironmentSetting::Demo;
            return (
                self,
                Some(
                    "Partner sign-in was chosen, but its settings file is missing or unusable, so the app opened \
                     in Demo."
                        .to_owned(),
                ),
            );
        }
        (self, None)
    }

    /// What is written to the store.
    pub fn to_stored(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Object(Map::new()))
    }
}

/// Reads the stored value `name` of `map` into `slot` when it is there; one that is there but cannot be
/// read leaves `slot` as it was (its default) and adds `label` to `bad`, so the person hears which.
/// Shared by [`Settings::from_stored`] and the Fill settings' own object.
pub(crate) fn read_stored<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    name: &str,
    label: &'static str,
    slot: &mut T,
    bad: &mut Vec<&'static str>,
) {
    if let Some(value) = map.get(name) {
        match T::deserialize(value) {
            Ok(parsed) => *slot = parsed,
            Err(_) => bad.push(label),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::{ExpiryFormat, FieldAdvance, FillMode};
    use serde_json::json;

    #[test]
    fn defaults_follow_the_product_spec() {
        let d = Settings::default();
        assert_eq!(d.environment, EnvironmentSetting::Demo);
        assert_eq!(
            (d.reveal_seconds, d.clipboard_clear_seconds, d.idle_lock_minutes, d.session_ttl_seconds),
            (30, Some(20), 10, 900)
        );
        assert_eq!(d.reauth_minutes, 5, "a reveal asks again after 5 minutes, as browsers do");
        assert!(d.validate().is_empty());
    }

    #[test]
    fn round_trips_through_the_store() {
        let settings = Settings {
            environment: EnvironmentSetting::Custom { url: "https://api-dev.machines.cash".into() },
            user_id: Some("alice@example.com".into()),
            wallet_address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
            clipboard_clear_seconds: None,
            ..Settings::default()
        };
        let (read, notes) = Settings::from_stored(&settings.to_stored());
        assert_eq!(read, settings);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_damaged_store_loses_only_the_damaged_values() {
        let stored = json!({
            "environment": {"kind": "sandbox"},
            "userId": "alice@example.com",
            "walletAddress": "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226E",
            "revealSeconds": "thirty",
            "clipboardClearSeconds": 2,
            "idleLockMinutes": 15,
            "unknownFutureSetting": true
        });
        let (read, notes) = Settings::from_stored(&stored);
        assert_eq!(read.environment, EnvironmentSetting::Sandbox);
        assert_eq!(read.user_id.as_deref(), Some("alice@example.com"));
        assert_eq!(read.idle_lock_minutes, 15);
        assert_eq!(read.reveal_seconds, 30, "unreadable: default");
        assert_eq!(read.clipboard_clear_seconds, Some(20), "out of bounds: default");
        assert_eq!(read.wallet_address, None, "a checksum typo is not kept");
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(Settings::from_stored(&json!("garbage")).0, Settings::default());
        assert!(Settings::from_stored(&Value::Null).1.is_empty(), "first start: nothing to report");
    }

    #[test]
    fn a_custom_server_needs_https_even_on_this_computer() {
        let custom =
            |url: &str| Settings { environment: EnvironmentSetting::Custom { url: url.into() }, ..Settings::default() };
        for url in ["http://127.0.0.1:4010/partner/v1", "http://localhost:4010"] {
            let problems = custom(url).validate();
            assert_eq!(problems.len(), 1, "{url}");
            assert!(problems[0].message.contains("https://"), "{url}: {}", problems[0].message);
        }
        assert!(custom("https://api.partner.example").validate().is_empty());
    }

    #[test]
    fn validation_names_each_field() {
        let bad = Settings {
            reveal_seconds: 1,
            idle_lock_minutes: 0,
            user_id: Some(String::new()),
            environment: EnvironmentSetting::Custom { url: "http://evil.example".into() },
            ..Settings::default()
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["revealSeconds", "idleLockMinutes", "userId", "environment.url"]);
    }

    #[test]
    fn partner_sign_in_is_first_only_on_a_first_run_and_needs_its_file() {
        let stored = json!({"environment": {"kind": "partner"}, "userId": "gw_1"});
        let (read, notes) = Settings::from_stored(&stored);
        assert_eq!((read.environment.clone(), notes.len()), (EnvironmentSetting::Partner, 0));
        assert_eq!(read.to_stored()["environment"], json!({"kind": "partner"}));
        let (kept, note) = read.clone().with_partner(false, true);
        assert_eq!((kept.environment, note), (EnvironmentSetting::Partner, None));
        let (fallen, note) = read.with_partner(false, false);
        assert_eq!(fallen.environment, EnvironmentSetting::Demo);
        assert!(note.unwrap().contains("opened in Demo"));

        let (first, note) = Settings::default().with_partner(true, true);
        assert_eq!((first.environment, note), (EnvironmentSetting::Partner, None));
        let (no_file, _) = Settings::default().with_partner(true, false);
        assert_eq!(no_file.environment, EnvironmentSetting::Demo, "no file: Demo stays the default");
        let sandbox = Settings { environment: EnvironmentSetting::Sandbox, ..Settings::default() };
        assert_eq!(sandbox.with_partner(false, true).0.environment, EnvironmentSetting::Sandbox, "a choice stays");
    }

    #[test]
    fn bounds_are_the_ranges_validate_checks() {
        let b = bounds();
        assert_eq!(b.reveal_seconds, Bound { min: 5, max: 120, default: 30, unit: "seconds" });
        assert_eq!(b.clipboard_clear_seconds, Bound { min: 10, max: 300, default: 20, unit: "seconds" });
        assert_eq!(b.idle_lock_minutes, Bound { min: 1, max: 240, default: 10, unit: "minutes" });
        assert_eq!(b.reauth_minutes, Bound { min: 1, max: 60, default: 5, unit: "minutes" });
        // At each edge the UI shows, validate agrees: the bound is allowed, one past it is not.
        let at = |reveal_seconds| Settings { reveal_seconds, ..Settings::default() }.validate().is_empty();
        let r = b.reveal_seconds;
        assert!(at(r.min) && at(r.max) && !at(r.min - 1) && !at(r.max + 1));
        let json = serde_json::to_value(b).unwrap();
        assert_eq!(json["clipboardClearSeconds"]["max"], 300);
        assert_eq!(b.fill_start_delay_ms, Bound { min: 500, max: 10_000, default: 2_000, unit: "milliseconds" });
        assert_eq!(b.fill_key_delay_ms, Bound { min: 0, max: 500, default: 25, unit: "milliseconds" });
        assert_eq!(json["fillStartDelayMs"]["min"], 500);
        let fill = |start_delay_ms, key_delay_ms| {
            let fill = FillSettings { start_delay_ms, key_delay_ms, ..FillSettings::default() };
            Settings { fill, ..Settings::default() }.validate().is_empty()
        };
        let (s, k) = (b.fill_start_delay_ms, b.fill_key_delay_ms);
        assert!(fill(s.min, k.min) && fill(s.max, k.max) && !fill(s.min - 1, k.min) && !fill(s.max + 1, k.max));
        assert!(!fill(s.default, k.max + 1));
    }

    #[test]
    fn fill_defaults_type_the_whole_card_as_mm_yy_with_tab_and_the_usual_shortcut() {
        let fill = Settings::default().fill;
        assert_eq!(
            fill,
            FillSettings {
                mode: FillMode::Sequence,
                expiry_format: ExpiryFormat::MmYy,
                advance: FieldAdvance::Tab,
                start_delay_ms: 2_000,
                key_delay_ms: 25,
                shortcut: Some("Ctrl+Alt+F".into()),
            }
        );
        assert_eq!(
            Settings::default().to_stored()["fill"],
            json!({"mode": "sequence", "expiryFormat": "mmYy", "advance": "tab", "startDelayMs": 2000,
                   "keyDelayMs": 25, "shortcut": "Ctrl+Alt+F"})
        );
    }

    #[test]
    fn settings_saved_before_fill_existed_load_with_its_defaults() {
        let older = json!({
            "environment": {"kind": "sandbox"}, "userId": "alice@example.com", "revealSeconds": 45,
            "clipboardClearSeconds": 20, "idleLockMinutes": 10, "sessionTtlSeconds": 900, "reauthMinutes": 5,
            "notifyTransactions": false
        });
        let (read, notes) = Settings::from_stored(&older);
        assert!(notes.is_empty(), "nothing was damaged: {notes:?}");
        assert_eq!((read.fill, read.reveal_seconds), (FillSettings::default(), 45));
        // The same JSON through serde, as the settings form of an older page would send it.
        let sent = serde_json::from_value::<Settings>(older).map(|s| s.fill);
        assert_eq!(sent.ok(), Some(FillSettings::default()));
        // A page that knows only some of the fill values: the others keep their defaults, and only an
        // explicit null turns the shortcut off.
        let partial = serde_json::from_value::<FillSettings>(json!({"mode": "perField"})).ok();
        let expected = FillSettings { mode: FillMode::PerField, ..FillSettings::default() };
        assert_eq!(partial, Some(expected));
        let off = serde_json::from_value::<FillSettings>(json!({"shortcut": null})).map(|f| f.shortcut);
        assert_eq!(off.ok(), Some(None));
    }

    #[test]
    fn a_damaged_fill_value_loses_only_itself() {
        let stored = json!({
            "revealSeconds": 45,
            "fill": {"mode": "perField", "expiryFormat": "yyMm", "advance": "pageMovesFocus",
                     "startDelayMs": 50, "keyDelayMs": 0, "shortcut": null}
        });
        let (read, notes) = Settings::from_stored(&stored);
        assert_eq!(
            read.fill,
            FillSettings {
                mode: FillMode::PerField,
                expiry_format: ExpiryFormat::MmYy,
                advance: FieldAdvance::PageMovesFocus,
                start_delay_ms: 2_000,
                key_delay_ms: 0,
                shortcut: None,
            },
            "an unknown format and a delay out of range go back to their defaults; the rest stays"
        );
        assert_eq!(read.reveal_seconds, 45);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("fill expiry format")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("fill.startDelayMs")), "{notes:?}");
        let (broken, notes) = Settings::from_stored(&json!({"fill": "fast"}));
        assert_eq!((broken.fill, notes.len()), (FillSettings::default(), 1));
        let (bad_shortcut, notes) = Settings::from_stored(&json!({"fill": {"shortcut": "Ctrl+"}}));
        assert_eq!((bad_shortcut.fill.shortcut.as_deref(), notes.len()), (Some("Ctrl+Alt+F"), 1));
        let chosen = Settings {
            fill: FillSettings {
                expiry_format: ExpiryFormat::SeparateMmYyyy,
                shortcut: None,
                ..FillSettings::default()
            },
            ..Settings::default()
        };
        assert_eq!(Settings::from_stored(&chosen.to_stored()), (chosen, Vec::new()), "a round trip keeps every choice");
    }

    #[test]
    fn a_shortcut_is_checked_for_its_shape_on_its_field() {
        let with = |shortcut: Option<&str>| {
            let fill = FillSettings { shortcut: shortcut.map(str::to_owned), ..FillSettings::default() };
            Settings { fill, ..Settings::default() }.validate()
        };
        for good in [None, Some("Ctrl+Alt+F"), Some("CommandOrControl+Shift+Digit1"), Some("F9"), Some("Alt+Plus")] {
            assert!(with(good).is_empty(), "{good:?}: {:?}", with(good));
        }
        let too_long = "Ctrl+".repeat(12) + "Alt+F";
        for bad in ["", " ", "+F", "Ctrl+", "Ctrl+Alt+\u{e9}", "Ctrl+\tF", " Ctrl+F", too_long.as_str()] {
            let problems = with(Some(bad));
            assert_eq!(problems.len(), 1, "{bad:?}");
            assert_eq!(problems[0].field, "fill.shortcut", "{bad:?}");
            assert!(problems[0].message.ends_with('.'), "{}", problems[0].message);
        }
        assert!(with(Some(&too_long))[0].message.contains("64"), "{:?}", with(Some(&too_long)));
        let delays = Settings {
            fill: FillSettings { start_delay_ms: 499, key_delay_ms: 501, ..FillSettings::default() },
            ..Settings::default()
        };
        let problems = delays.validate();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["fill.startDelayMs", "fill.keyDelayMs"]);
        assert_eq!(problems[0].message, "Choose between 500 and 10000 milliseconds.");
    }
}
