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

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest run of digits in `text`, counting digits split by one separator as one run.
    fn longest_digit_run(text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        let (mut longest, mut run) = (0, 0);
        for (i, c) in chars.iter().enumerate() {
            if c.is_numeric() {
                run += 1;
                longest = longest.max(run);
            } else if !(separator(*c) && chars.get(i + 1).is_some_and(|n| n.is_numeric()) && run > 0) {
                run = 0;
            }
        }
        longest
    }

    #[test]
    fn a_shown_title_is_the_real_title_without_control_or_invisible_characters() {
        assert_eq!(shown("Checkout \u{2013} Chromium"), "Checkout \u{2013} Chromium");
        assert_eq!(shown("  Pay\nnow\t\u{1b}[2J  "), "Pay now [2J");
        // A right-to-left override (U+202E) would make "Shop" + "gpj.exe" read "Shopexe.jpg".
        assert_eq!(shown("Shop\u{202e}gpj.exe\u{200b}"), "Shopgpj.exe");
        assert_eq!(shown("\u{0}\u{7}"), "", "a title of nothing but controls is no title");
        let long = "Ä".repeat(200);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), SHOWN_MAX_CHARS);
        assert!(cut.ends_with('\u{2026}'));
        // Digits are the person's to see on screen: the page they are paying on shows them anyway.
        assert_eq!(shown("Order 12345678"), "Order 12345678");
    }

    #[test]
    fn a_logged_title_keeps_no_run_of_five_digits_however_it_is_written() {
        let cases = [
            ("Pay 4242424242424242 now", "Pay \u{2026} now"),
            ("Pay 4242 4242 4242 4242 now", "Pay \u{2026} now"),
            ("4242-4242-4242-4242", "\u{2026}"),
            ("Card \u{ff14}\u{ff12}\u{ff14}\u{ff12}\u{ff14}\u{ff12}\u{ff14}\u{ff12}", "Card \u{2026}"),
            ("Order 12345 \u{2013} 2 items", "Order \u{2026} \u{2013} 2 items"),
            ("Checkout 2026 \u{2013} Shop", "Checkout 2026 \u{2013} Shop"),
            ("Due 30.11.2026", "Due \u{2026}"),
            ("a\n4242\u{0}4242\r4242\t4242", "a \u{2026}"),
        ];
        for (raw, expected) in cases {
            assert_eq!(logged(raw), expected, "{raw:?}");
        }
        let long = format!("{} 4111111111111111", "x".repeat(100));
        let cut = logged(&long);
        assert!(cut.chars().count() <= LOGGED_MAX_CHARS && !cut.contains('1'), "{cut}");
        for raw in ["4111 1111 1111 1111", "41111 11111 11111", "x4111-1111.1111/1111y", "1234 5"] {
            assert!(longest_digit_run(&logged(raw)) <= 4, "{raw:?} → {:?}", logged(raw));
        }
        assert_eq!(longest_digit_run("4111 1111 1111 1111"), 16, "the check itself sees a spaced number");
    }
}
