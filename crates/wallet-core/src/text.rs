//! Text lengths as a person counts them.
//!
//! A person sees "é", "👍🏽" and "🇫🇷" as one character each, while Rust's `chars()` counts 2, 2 and 2 of
//! them and JavaScript's `length` counts 1 to 4 UTF-16 units. Every limit a person is told about ("at most
//! 50 characters") is counted here, in extended grapheme clusters (Unicode UAX #29, from the maintained
//! `unicode-segmentation` crate), so the number on screen matches what they typed. The web UI's live
//! counter counts the same way with `Intl.Segmenter`.

use unicode_segmentation::UnicodeSegmentation;

/// How many characters a person sees in `text` (extended grapheme clusters).
pub fn visible_len(text: &str) -> usize {
    text.graphemes(true).count()
}

/// A sentence when `text` breaks a length rule, or `None` when it keeps it. `unit` is the plural noun the
/// person reads ("characters", "digits"). The sentence gives the count but never quotes the text, so it is
/// safe for secret inputs too.
pub fn length_problem(text: &str, min: Option<usize>, max: Option<usize>, unit: &str) -> Option<String> {
    let count = visible_len(text);
    match (min, max) {
        (Some(min), Some(max)) if min == max && count != min => Some(format!("Use exactly {min} {unit}.")),
        (Some(min), _) if count < min => Some(format!("Use at least {min} {unit}.")),
        (_, Some(max)) if count > max => Some(format!("Use at most {max} {unit}; this has {count}.")),
        _ => None,
    }
}

/// The API checks its own limits ("maxLength 50", "1–120 chars") on its side, and the contract does not say
/// in what units. The vendor's clients are TypeScript, so the safe reading is JavaScript string length
/// (UTF-16 units), which is never less than the count of code points. A flag or an emoji is one character
/// to a person but two to four such units, so a text within the limit a person is shown can still be
/// refused by the server, with a message the person cannot square with the counter. This refuses it first,
/// and says why in words. `None` when the text fits under either count.
pub fn api_length_problem(text: &str, max: Option<usize>) -> Option<String> {
    let max = max?;
    let units = text.encode_utf16().count();
    (units > max && visible_len(text) <= max).then(|| {
        format!(
            "This is too long for Machines Cash: emoji, flags and some accented letters count as more than one \
             of its {max} characters. Shorten it or use plain letters."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_as_a_person_sees_them() {
        assert_eq!(visible_len(""), 0);
        assert_eq!(visible_len("Zoë"), 3);
        // "e" + COMBINING ACUTE ACCENT: two chars, one character on screen.
        assert_eq!(visible_len("Rene\u{301}e"), 5);
        // A thumbs-up with a skin tone, a flag, and a family joined by zero-width joiners.
        assert_eq!(visible_len("\u{1F44D}\u{1F3FD}"), 1);
        assert_eq!(visible_len("\u{1F1EB}\u{1F1F7}"), 1);
        assert_eq!(visible_len("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"), 1);
        assert_eq!(visible_len("Groceries \u{1F6D2}"), 11);
    }

    #[test]
    fn limits_say_how_many_there_are() {
        let max = |text: &str| length_problem(text, None, Some(5), "characters");
        assert_eq!(max("abcde"), None);
        assert_eq!(
            max("\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}\u{1F1EC}\u{1F1E7}\u{1F1EE}\u{1F1F9}\u{1F1EA}\u{1F1F8}"),
            None
        );
        assert_eq!(max("abcdef").as_deref(), Some("Use at most 5 characters; this has 6."));
        assert_eq!(max("abcdefgh").as_deref(), Some("Use at most 5 characters; this has 8."));
        assert_eq!(length_problem("1", Some(2), None, "digits").as_deref(), Some("Use at least 2 digits."));
        assert_eq!(length_problem("usa", Some(2), Some(2), "letters").as_deref(), Some("Use exactly 2 letters."));
        assert_eq!(length_problem("us", Some(2), Some(2), "letters"), None);
        assert_eq!(length_problem("", None, None, "characters"), None);
    }

    #[test]
    fn the_api_count_is_checked_in_its_own_units() {
        // Three flags: 3 characters to a person, 12 UTF-16 units to the server.
        let flags = "\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}\u{1F1EC}\u{1F1E7}";
        assert_eq!(length_problem(flags, None, Some(5), "characters"), None);
        let problem = api_length_problem(flags, Some(5)).unwrap_or_default();
        assert!(problem.contains("too long for Machines Cash"), "{problem}");
        assert_eq!(api_length_problem(flags, Some(12)), None);
        assert_eq!(api_length_problem("plain", Some(5)), None);
        // Over the visible limit already: that message is the one to show, not this one.
        assert_eq!(api_length_problem("abcdef", Some(5)), None);
        assert_eq!(api_length_problem(flags, None), None);
    }
}
