//! The requests the app made, counted from its log files: in Demo the simulator runs inside the app, so
//! every request it served is one the app's client logged as a `response` (`machines_api::transport` at
//! debug level, switched on for this launch with `RUST_LOG`). Counted per path, ids folded, to show what
//! keeps polling while the wallet screen is open.

use std::collections::BTreeMap;
use std::path::Path;

/// The `RUST_LOG` that adds the client's per-response line to the app's usual INFO log.
pub const LOG_FILTER: &str = "info,machines_api::transport=debug";

/// Requests so far, by method and path (ids replaced by `{id}`), over every file in the app's log folder
/// (a new file starts each day).
pub fn count(log_dir: &Path) -> BTreeMap<String, u64> {
    let mut text = String::new();
    for entry in std::fs::read_dir(log_dir).into_iter().flatten().flatten() {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    let mut counts = BTreeMap::new();
    for line in text.lines().map(plain).filter(|l| l.contains("machines_api::transport") && l.contains(" response ")) {
        let field = |name: &str| line.split_whitespace().find_map(|w| w.strip_prefix(name)).map(str::to_owned);
        let (Some(method), Some(path)) = (field("method="), field("path=")) else { continue };
        *counts.entry(format!("{method} {}", fold_ids(path.trim_matches('"')))).or_insert(0) += 1;
    }
    counts
}

/// The line without terminal colour codes (`ESC [ … m`): the file has none today, the terminal's copy does.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `/cards/3f2a…/reveal` → `/cards/{id}/reveal`: a long segment with a digit in it is an id (a version
/// such as `v1` is not).
fn fold_ids(path: &str) -> String {
    path.split('/')
        .map(|s| if s.len() >= 8 && s.bytes().any(|b| b.is_ascii_digit()) { "{id}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn responses_are_counted_by_path_with_ids_folded_and_colours_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("machines-wallet.2026-11-30.log");
        let lines = [
            "\u{1b}[2m2026-11-30T14:40:00Z\u{1b}[0m \u{1b}[34mDEBUG\u{1b}[0m \u{1b}[2mmachines_api::transport\u{1b}[0m\u{1b}[2m:\u{1b}[0m response \u{1b}[3mmethod\u{1b}[0m\u{1b}[2m=\u{1b}[0mGET \u{1b}[3mpath\u{1b}[0m\u{1b}[2m=\u{1b}[0m\"/v1/cards/c0ffee12/reveal\" \u{1b}[3mstatus\u{1b}[0m\u{1b}[2m=\u{1b}[0m200",
            "2026-11-30T14:40:01Z DEBUG machines_api::transport: response method=GET path=/v1/cards/ab12cd34ef/reveal status=200",
            "2026-11-30T14:40:02Z DEBUG machines_api::transport: response method=GET path=/v1/transactions status=200",
            "2026-11-30T14:40:03Z  INFO machines_api::session: session minted scopes=cards",
        ];
        std::fs::write(&log, lines.join("\n")).unwrap();
        let counts = count(dir.path());
        assert_eq!(counts.get("GET /v1/cards/{id}/reveal"), Some(&2), "{counts:?}");
        assert_eq!(counts.get("GET /v1/transactions"), Some(&1), "{counts:?}");
        assert_eq!(counts.values().sum::<u64>(), 3);
        assert!(count(&dir.path().join("none")).is_empty(), "no log folder yet: nothing counted");
    }
}
