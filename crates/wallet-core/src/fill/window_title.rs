//! A window's title as Fill shows it and as the activity log keeps it. Any page sets its own title, so a
//! title is text from a stranger: control characters could break a line, bidirectional overrides could
//! make it read as something else, and digits in it could be a card number someone wants kept on disk.

use unicode_segmentation::UnicodeSegmentation;

/// The most characters of a title shown while filling.
pub const SHOWN_MAX_CHARS: usize = 80;
/// The most characters of a title in the activity log.
pub const LOGGED_MAX_CHARS: usize = 60;

/// Characters that change how the text around them reads without being seen: bidirectional embeddings,
/// overrides and isolates, zero-width characters, the byte-order mark and the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Control characters become spaces (a newline between two words stays a gap), invisible ones go, runs of
/// white space become one space, and the ends are trimmed.
fn cleaned(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    for c in raw.chars().filter(|c| !invisible(*c)) {
        let c = if c.is_control() || c.is_whitespace() { ' ' } else { c };
        if c == ' ' && (text.is_empty() || text.ends_with(' ')) {
            continue;
        }
        text.push(c);
    }
    text.truncate(text.trim_end().len());
    text
}

/// `text` cut to `max` characters as a person counts them, the last being "…" when it was cut.
fn cut(text: String, max: usize) -> String {
    if text.graphemes(true).count() <= max {
        return text;
    }
    let mut kept: String = text.graphemes(true).take(max.saturating_sub(1)).collect();
    kept.truncate(kept.trim_end().len());
    kept.push('\u{2026}');
    kept
}

/// The title as the person reads it while a fill waits and types: the real title, cleaned of control and
/// invisible characters, at most [`SHOWN_MAX_CHARS`]. May be empty (a window without a title).
pub fn shown(raw: &str) -> String {
    cut(cleaned(raw), SHOWN_MAX_CHARS)
}

/// Whether `c` separates the groups of a number as people write them: "4242 4242", "4242-4242".
fn separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '/' | '\u{00A0}' | '\u{2009}' | '\u{2010}'..='\u{2015}')
}

/// The title as the activity log keeps it: cleaned as [`shown`], then every run of five or more digits
/// (in any script, counting digits split by single spaces, dashes, dots or slashes as one run, as a card
/// number is often written) replaced by "…", then at most [`LOGGED_MAX_CHARS`]. So the log never holds
/// more of a number than a date or the last four.
pub fn logged(raw: &str) -> String {
    let text = cleaned(raw);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_numeric() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run: digits, each group joined to the next by one separator.
        let mut end = i;
        let mut digits = 0;
        let mut j = i;
        while j < chars.len() {
            if chars[j].is_numeric() {
                digits += 1;
                j += 1;
                end = j;
            } else if separator(chars[j]) && chars.get(j + 1).is_some_and(|c| c.is_numeric()) {
                j += 1;
            } else {
                break;
            }
        }
        if digits >= 5 {
            out.push('\u{2026}');
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    cut(out, LOGGED_MAX_CHARS)
}
