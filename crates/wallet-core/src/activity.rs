//! The activity log the product spec promises: one line per reveal, copy, fill and unlock ("Revealed card
//! ••4242", "Copied the expiry of ••4242", "Typed the number of ••4242 into “Checkout”"), with its time,
//! kept as JSON lines in the app's data folder under a size cap. It is secret-free by construction: an
//! entry is built from an event whose only card detail is the last four digits, checked to be exactly
//! four digits before they are written, and a window title goes through `fill::window_title::logged`,
//! which leaves no run of five digits in it.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::card_view::CopyWhat;
use crate::fill::{window_title, FillScope};

/// The file's cap. Past it the oldest half goes, so the log stays small and keeps the recent past.
pub const LOG_CAP_BYTES: u64 = 64 * 1024;

/// What happened. Cards are named by their last four digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityEvent {
    Revealed {
        last4: String,
    },
    Copied {
        what: CopyWhat,
        last4: String,
    },
    /// Fill typed `scope` of the card into the window titled `window` (`complete`), or stopped part way.
    Filled {
        scope: FillScope,
        last4: String,
        window: String,
        complete: bool,
    },
    Unlocked,
    Reauthenticated,
    UnlockRefused,
    PassphraseSet,
    PassphraseReset,
    SettingsWeakened,
}

/// The last four digits, or "????" for anything that is not exactly four digits (so nothing longer can
/// ever reach the log through this field).
fn four(last4: &str) -> &str {
    if last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()) {
        last4
    } else {
        "????"
    }
}

/// The last four digits of a card number (fewer if it has fewer). Read from the end so that no buffer
/// ever holds more of the number than those four, which the card list shows anyway.
fn last_four(number: &str) -> String {
    let mut four: Vec<char> = number.chars().rev().filter(char::is_ascii_digit).take(4).collect();
    four.reverse();
    four.into_iter().collect()
}

impl ActivityEvent {
    /// A reveal of the card whose number is `number`; only its last four digits are kept.
    pub fn revealed(number: &str) -> Self {
        Self::Revealed { last4: last_four(number) }
    }

    /// A copy of `what` from the card whose number is `number`; only its last four digits are kept.
    pub fn copied(what: CopyWhat, number: &str) -> Self {
        Self::Copied { what, last4: last_four(number) }
    }

    /// A fill of `scope` of the card whose number is `number` into the window titled `window`; only the last
    /// four digits and the title as the log keeps it are kept.
    pub fn filled(scope: FillScope, number: &str, window: &str, complete: bool) -> Self {
        Self::Filled { scope, last4: last_four(number), window: window_title::logged(window), complete }
    }

    /// The entry's words.
    pub fn text(&self) -> String {
        match self {
            Self::Revealed { last4 } => format!("Revealed card ••{}", four(last4)),
            Self::Copied { what, last4 } => {
                let thing = match what {
                    CopyWhat::Number => "the number",
                    CopyWhat::Expiry => "the expiry",
                    CopyWhat::Cvc => "the CVC",
                };
                format!("Copied {thing} of ••{}", four(last4))
            }
            Self::Filled { scope, last4, window, complete } => {
                // Cleaned again here: the variant can be built without the constructor.
                let window = window_title::logged(window);
                let into = if window.is_empty() {
                    "a window without a title".to_owned()
                } else {
                    format!("\u{201c}{window}\u{201d}")
                };
                if *complete {
                    format!("Typed {} of ••{} into {into}", scope.words(), four(last4))
                } else {
                    format!("Stopped typing ••{} into {into}", four(last4))
                }
            }
            Self::Unlocked => "Unlocked".to_owned(),
            Self::Reauthenticated => "Passphrase entered again".to_owned(),
            Self::UnlockRefused => "Wrong passphrase entered".to_owned(),
            Self::PassphraseSet => "Passphrase set".to_owned(),
            Self::PassphraseReset => "Passphrase reset: partner keys forgotten".to_owned(),
            Self::SettingsWeakened => "Protection settings relaxed".to_owned(),
        }
    }
}

/// One line of the log, as stored and as the Settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub text: String,
}

impl ActivityEntry {
    pub fn new(event: &ActivityEvent, at: OffsetDateTime) -> Self {
        Self { at: at.format(&Rfc3339).unwrap_or_default(), text: event.text() }
    }
}

/// Appends `entry` to the log at `path`, trimming the oldest half first when the file has reached `cap`
/// bytes. The folder is made if needed.
pub fn append(path: &Path, entry: &ActivityEntry, cap: u64) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size >= cap {
        trim(path, cap / 2)?;
    }
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(line.as_bytes())
}

/// Keeps the newest whole lines that fit in `keep` bytes, replacing the file in one rename.
fn trim(path: &Path, keep: u64) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut kept: Vec<&str> = Vec::new();
    let mut size = 0u64;
    for line in text.lines().rev() {
        size += line.len() as u64 + 1;
        if size > keep {
            break;
        }
        kept.push(line);
    }
    kept.reverse();
    let mut out = kept.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    let temporary = path.with_extension("jsonl.tmp");
    std::fs::write(&temporary, out)?;
    std::fs::rename(&temporary, path)
}

/// The log, newest first, at most `limit` entries. A missing file is an empty log; a damaged line is
/// skipped rather than hiding the rest.
pub fn read(path: &Path, limit: usize) -> Vec<ActivityEntry> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().rev().filter_map(|line| serde_json::from_str(line).ok()).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::FillField;

    fn at() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("activity-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("activity.jsonl")
    }

    #[test]
    fn entries_read_as_the_spec_words_them() {
        let reveal = ActivityEntry::new(&ActivityEvent::Revealed { last4: "4242".into() }, at());
        assert_eq!(reveal.text, "Revealed card ••4242");
        assert_eq!(reveal.at, "2026-05-28T20:26:40Z");
        let copy = ActivityEvent::Copied { what: CopyWhat::Expiry, last4: "4242".into() };
        assert_eq!(copy.text(), "Copied the expiry of ••4242");
    }

    #[test]
    fn an_event_keeps_only_the_last_four_of_the_number() {
        assert_eq!(ActivityEvent::revealed("4111 1111 1111 4242"), ActivityEvent::Revealed { last4: "4242".into() });
        let copied = ActivityEvent::copied(CopyWhat::Cvc, "4111111111114242");
        assert_eq!(copied.text(), "Copied the CVC of ••4242");
        assert_eq!(ActivityEvent::revealed("42").text(), "Revealed card ••????");
    }

    #[test]
    fn nothing_but_four_digits_reaches_an_entry() {
        for bad in ["4111111111114242", "424", "42a2", "", "４２４２"] {
            let text = ActivityEvent::Revealed { last4: bad.into() }.text();
            assert_eq!(text, "Revealed card ••????", "{bad}");
        }
    }

    #[test]
    fn a_fill_reads_as_what_was_typed_into_which_window() {
        let window = "Checkout \u{2013} Chromium";
        let all = ActivityEvent::filled(FillScope::All, "4111 1111 1111 4242", window, true);
        assert_eq!(all.text(), "Typed the number, expiry and CVC of ••4242 into “Checkout \u{2013} Chromium”");
        let expiry = ActivityEvent::filled(FillScope::One(FillField::Expiry), "4242", window, true);
        assert_eq!(expiry.text(), "Typed the expiry of ••4242 into “Checkout \u{2013} Chromium”");
        let stopped = ActivityEvent::filled(FillScope::All, "4111111111114242", window, false);
        assert_eq!(stopped.text(), "Stopped typing ••4242 into “Checkout \u{2013} Chromium”");
        let untitled = ActivityEvent::filled(FillScope::One(FillField::Cvc), "4242", " \n ", true);
        assert_eq!(untitled.text(), "Typed the CVC of ••4242 into a window without a title");
    }

    #[test]
    fn a_fill_line_never_holds_more_than_the_last_four_whatever_the_window_is_called() {
        // A page sets its own title; these would put a card number (or a line break) into the log.
        let titles = [
            "Pay 4111111111111111",
            "Pay 4111 1111 1111 1111 \u{2013} Shop",
            "4111-1111-1111-1111",
            "Card \u{ff14}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}",
            "Shop\n{\"at\":\"x\",\"text\":\"forged\"}\r\u{1b}[K",
        ];
        for title in titles {
            for complete in [true, false] {
                let event = ActivityEvent::filled(FillScope::All, "4111111111114242", title, complete);
                let entry = ActivityEntry::new(&event, at());
                let digits: String = entry.text.chars().filter(|c| c.is_numeric()).collect();
                assert_eq!(digits, "4242", "{title:?} → {}", entry.text);
                assert!(!entry.text.chars().any(char::is_control), "{title:?} → {:?}", entry.text);
                let line = serde_json::to_string(&entry).unwrap_or_default();
                assert!(!line.contains('\n') && !line.contains("4111"), "{line}");
            }
        }
        // Built without the constructor, the words still clean the title and keep four digits only.
        let direct = ActivityEvent::Filled {
            scope: FillScope::All,
            last4: "4111111111114242".into(),
            window: "Pay 4111 1111 1111 1111".into(),
            complete: true,
        };
        assert_eq!(direct.text(), "Typed the number, expiry and CVC of ••???? into “Pay …”");
    }

    #[test]
    fn the_log_is_json_lines_newest_first() {
        let path = temp("lines");
        for last4 in ["1111", "2222", "3333"] {
            let entry = ActivityEntry::new(&ActivityEvent::Revealed { last4: last4.into() }, at());
            append(&path, &entry, LOG_CAP_BYTES).unwrap_or_default();
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().all(|l| serde_json::from_str::<ActivityEntry>(l).is_ok()), "{text}");
        let read = read(&path, 2);
        assert_eq!(
            read.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
            ["Revealed card ••3333", "Revealed card ••2222"]
        );
    }

    #[test]
    fn the_log_stays_under_its_cap_and_keeps_the_newest() {
        let path = temp("cap");
        let cap = 2_000;
        for i in 0..500u32 {
            let entry = ActivityEntry::new(&ActivityEvent::Revealed { last4: format!("{:04}", i % 10_000) }, at());
            append(&path, &entry, cap).unwrap_or_default();
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(u64::MAX);
            assert!(size < cap + 100, "{size} bytes after {i}");
        }
        let newest = read(&path, 1);
        assert_eq!(newest[0].text, "Revealed card ••0499");
        assert!(read(&path, 1_000).len() > 10, "the trim keeps the recent half");
    }

    #[test]
    fn a_damaged_line_is_skipped_and_a_missing_file_is_empty() {
        let path = temp("damaged");
        assert!(read(&path, 10).is_empty());
        let entry = ActivityEntry::new(&ActivityEvent::Unlocked, at());
        append(&path, &entry, LOG_CAP_BYTES).unwrap_or_default();
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).expect("the log file opens");
        let _ = file.write_all(b"{not json\n");
        assert_eq!(read(&path, 10), [entry]);
    }
}
