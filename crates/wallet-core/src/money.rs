//! Money as a person reads and types it.
//!
//! Two units never mix (spec Q21): card limits, balances and transactions are integer **cents** of US
//! dollars ([`format_cents`], [`parse_dollars`]); deposit amounts are decimal **asset units** such as
//! 25 HBAR ([`format_asset_amount`]). Cents stay `i64` inside the core; views carry the formatted text.

use std::fmt::Write as _;

/// The minus sign shown before negative dollar amounts: U+2212 MINUS SIGN, not the ASCII hyphen. It is
/// as wide as the digits and `+`, so columns of amounts line up, and screen readers say "minus". These
/// strings are for display only; [`parse_dollars`] is what reads amounts a person types.
pub const MINUS_SIGN: char = '\u{2212}';

/// The largest amount [`parse_dollars`] accepts, in cents ($10,000,000.00). Far above any card limit a
/// person sets, and it keeps every parsed amount inside `i32`, so it can cross to the web UI as a number.
pub const MAX_PARSED_CENTS: i64 = 1_000_000_000;

/// Why typed text is not a dollar amount. `Display` is a sentence to show under the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Enter an amount in dollars, for example 25.00.")]
    Empty,
    #[error("The amount can't be negative.")]
    Negative,
    #[error("Use only digits, with a dot before the cents, for example 1,000.50.")]
    NotANumber,
    #[error("Dollar amounts have at most two digits after the dot.")]
    TooManyDecimals,
    #[error("Commas can only separate thousands, as in 1,000.")]
    MisplacedComma,
    #[error("The amount is over $10,000,000.00, the most this app accepts.")]
    TooLarge,
}

impl MoneyError {
    /// A stable identifier for tests and the UI, independent of the wording.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Negative => "negative",
            Self::NotANumber => "not_a_number",
            Self::TooManyDecimals => "too_many_decimals",
            Self::MisplacedComma => "misplaced_comma",
            Self::TooLarge => "too_large",
        }
    }
}

/// Writes `digits` (ASCII digits only) into `out` with a comma between groups of three from the right.
fn push_grouped(out: &mut String, digits: &str) {
    let len = digits.len();
    for (index, digit) in digits.chars().enumerate() {
        let remaining = len - index;
        if index > 0 && remaining % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
}

/// Integer cents as dollars: `123456` → `"$1,234.56"`, `-1200` → `"−$12.00"` (see [`MINUS_SIGN`]),
/// `0` → `"$0.00"`. Works for every `i64`, `i64::MIN` included: the magnitude is taken as `u64`, which
/// cannot overflow.
pub fn format_cents(cents: i64) -> String {
    let magnitude = cents.unsigned_abs();
    let dollars = (magnitude / 100).to_string();
    let mut out = String::with_capacity(dollars.len() + dollars.len() / 3 + 6);
    if cents < 0 {
        out.push(MINUS_SIGN);
    }
    out.push('$');
    push_grouped(&mut out, &dollars);
    // Writing to a String cannot fail; the Result is only there for the `fmt::Write` trait.
    let _ = write!(out, ".{:02}", magnitude % 100);
    out
}

/// Checks that an integer part typed with commas groups them by thousands ("1,000", "12,345,678").
fn valid_grouping(integer: &str) -> bool {
    let mut groups = integer.split(',');
    let first_ok = groups.next().is_some_and(|first| (1..=3).contains(&first.len()));
    first_ok && groups.all(|group| group.len() == 3)
}

/// Reads a dollar amount a person typed and returns cents.
///
/// Accepts surrounding spaces, a leading `$`, commas between thousands and up to two decimals:
/// `"25"`, `"25.5"`, `"25.50"`, `"$1,000"`, `" 1,000.00 "`, `".5"`. Refuses empty text, any minus sign,
/// letters and other symbols, a third decimal (we never round what a person typed), misplaced commas
/// and anything over [`MAX_PARSED_CENTS`]. Zero is accepted; whether zero makes sense is the caller's call.
pub fn parse_dollars(input: &str) -> Result<i64, MoneyError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(MoneyError::Empty);
    }
    let is_minus = |c: char| c == '-' || c == MINUS_SIGN;
    // A minus before or after the dollar sign both mean a negative amount; say so instead of "not a number".
    let unsigned = text.strip_prefix('$').map(str::trim_start).unwrap_or(text);
    if text.starts_with(is_minus) || unsigned.starts_with(is_minus) {
        return Err(MoneyError::Negative);
    }
    if unsigned.is_empty() || !unsigned.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return Err(MoneyError::NotANumber);
    }
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, fraction),
        None => (unsigned, ""),
    };
    if fraction.contains(['.', ',']) {
        return Err(if fraction.contains('.') { MoneyError::NotANumber } else { MoneyError::MisplacedComma });
    }
    if integer.is_empty() && fraction.is_empty() {
        return Err(MoneyError::NotANumber);
    }
    if fraction.len() > 2 {
        return Err(MoneyError::TooManyDecimals);
    }
    if integer.contains(',') && !valid_grouping(integer) {
        return Err(MoneyError::MisplacedComma);
    }
    let digits: String = integer.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    // Ten digits of dollars is already over the cap; checking length first keeps the arithmetic in range.
    if significant.len() > 9 {
        return Err(MoneyError::TooLarge);
    }
    let dollars: i64 =
        if significant.is_empty() { 0 } else { significant.parse().map_err(|_| MoneyError::NotANumber)? };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| MoneyError::NotANumber)? * 10,
        _ => fraction.parse().map_err(|_| MoneyError::NotANumber)?,
    };
    let total = dollars * 100 + cents;
    if total > MAX_PARSED_CENTS {
        return Err(MoneyError::TooLarge);
    }
    Ok(total)
}

/// An amount in asset units with its ticker, for deposit minimums: `1.0, "usdc"` → `"1 USDC"`,
/// `25.0, "HBAR"` → `"25 HBAR"`, `0.5, "rusd"` → `"0.5 RUSD"`, `2500.0` → `"2,500 …"`.
///
/// The value is rounded to at most six decimals and trailing zeros are dropped, so binary noise such as
/// `0.1 + 0.2 = 0.30000000000000004` prints as `0.3`. Six decimals is the precision of USDC and enough
/// for any minimum a person has to meet. The ticker is shown upper-case; a non-finite value (which JSON
/// cannot carry, so only a bug could produce it) prints as `—` rather than `NaN`.
pub fn format_asset_amount(amount: f64, ticker: &str) -> String {
    let number = if amount.is_finite() {
        let fixed = format!("{:.6}", amount.abs());
        let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
        let (integer, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let mut out = String::with_capacity(trimmed.len() + 8);
        // Rounding can turn a tiny negative into zero; "-0" would be noise.
        if amount < 0.0 && trimmed != "0" {
            out.push(MINUS_SIGN);
        }
        push_grouped(&mut out, integer);
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
        out
    } else {
        "\u{2014}".to_owned()
    };
    let ticker = ticker.trim();
    if ticker.is_empty() {
        number
    } else {
        format!("{number} {}", ticker.to_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_cents_as_dollars() {
        assert_eq!(format_cents(0), "$0.00");
        assert_eq!(format_cents(5), "$0.05");
        assert_eq!(format_cents(99), "$0.99");
        assert_eq!(format_cents(100), "$1.00");
        assert_eq!(format_cents(2500), "$25.00");
        assert_eq!(format_cents(99_999), "$999.99");
        assert_eq!(format_cents(100_000), "$1,000.00");
        assert_eq!(format_cents(123_456), "$1,234.56");
        assert_eq!(format_cents(1_000_000_000), "$10,000,000.00");
    }

    #[test]
    fn negatives_use_the_minus_sign() {
        assert_eq!(format_cents(-1200), "\u{2212}$12.00");
        assert_eq!(format_cents(-1), "\u{2212}$0.01");
        assert_eq!(format_cents(-123_456_789), "\u{2212}$1,234,567.89");
    }

    #[test]
    fn extremes_do_not_panic() {
        assert_eq!(format_cents(i64::MAX), "$92,233,720,368,547,758.07");
        assert_eq!(format_cents(i64::MIN), "\u{2212}$92,233,720,368,547,758.08");
    }

    #[test]
    fn parses_what_people_type() {
        for (typed, cents) in [
            ("25", 2500),
            ("25.5", 2550),
            ("25.50", 2550),
            ("25.", 2500),
            (".5", 50),
            ("0.05", 5),
            ("$1,000", 100_000),
            (" 1,000.00 ", 100_000),
            ("$ 1,234,567.8", 123_456_780),
            ("$9,999,999.99", 999_999_999),
            ("1000", 100_000),
            ("0", 0),
            ("007", 700),
            ("$10,000,000", MAX_PARSED_CENTS),
            ("10000000.00", MAX_PARSED_CENTS),
        ] {
            assert_eq!(parse_dollars(typed), Ok(cents), "{typed:?}");
        }
    }

    #[test]
    fn refuses_bad_input_with_the_right_reason() {
        for (typed, error) in [
            ("", MoneyError::Empty),
            ("   ", MoneyError::Empty),
            ("-5", MoneyError::Negative),
            ("\u{2212}5", MoneyError::Negative),
            ("$-5", MoneyError::Negative),
            ("-$5", MoneyError::Negative),
            ("abc", MoneyError::NotANumber),
            ("25 dollars", MoneyError::NotANumber),
            ("1e3", MoneyError::NotANumber),
            ("$", MoneyError::NotANumber),
            (".", MoneyError::NotANumber),
            ("1.2.3", MoneyError::NotANumber),
            ("25.505", MoneyError::TooManyDecimals),
            ("0.001", MoneyError::TooManyDecimals),
            ("1,00", MoneyError::MisplacedComma),
            ("1,0000", MoneyError::MisplacedComma),
            (",100", MoneyError::MisplacedComma),
            ("1.00,5", MoneyError::MisplacedComma),
            ("10000000.01", MoneyError::TooLarge),
            ("$10,000,001", MoneyError::TooLarge),
            ("99999999999999999999999999", MoneyError::TooLarge),
        ] {
            assert_eq!(parse_dollars(typed), Err(error.clone()), "{typed:?}");
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        for error in [
            MoneyError::Empty,
            MoneyError::Negative,
            MoneyError::NotANumber,
            MoneyError::TooManyDecimals,
            MoneyError::MisplacedComma,
            MoneyError::TooLarge,
        ] {
            let text = error.to_string();
            assert!(text.starts_with(char::is_uppercase) && text.ends_with('.'), "{text}");
            assert!(!error.code().is_empty());
        }
    }

    #[test]
    fn parse_and_format_round_trip() {
        for cents in [0, 1, 10, 99, 100, 2550, 100_000, 123_456, MAX_PARSED_CENTS] {
            assert_eq!(parse_dollars(&format_cents(cents)), Ok(cents));
        }
    }

    #[test]
    fn asset_amounts_have_no_float_noise() {
        assert_eq!(format_asset_amount(1.0, "USDC"), "1 USDC");
        assert_eq!(format_asset_amount(25.0, "hbar"), "25 HBAR");
        assert_eq!(format_asset_amount(0.5, " rusd "), "0.5 RUSD");
        assert_eq!(format_asset_amount(0.1 + 0.2, "ETH"), "0.3 ETH");
        assert_eq!(format_asset_amount(1.000_000_4, "USDC"), "1 USDC");
        assert_eq!(format_asset_amount(0.123_456_789, "BTC"), "0.123457 BTC");
        assert_eq!(format_asset_amount(0.000_001, "ETH"), "0.000001 ETH");
        assert_eq!(format_asset_amount(2500.25, "USDC"), "2,500.25 USDC");
        assert_eq!(format_asset_amount(0.0, "USDC"), "0 USDC");
        assert_eq!(format_asset_amount(-0.000_000_1, "USDC"), "0 USDC");
        assert_eq!(format_asset_amount(-1.5, "USDC"), "\u{2212}1.5 USDC");
        assert_eq!(format_asset_amount(12.0, ""), "12");
        assert_eq!(format_asset_amount(f64::NAN, "USDC"), "\u{2014} USDC");
        assert_eq!(format_asset_amount(f64::INFINITY, "USDC"), "\u{2014} USDC");
        assert!(format_asset_amount(f64::MAX, "X").ends_with(" X"));
    }
}
