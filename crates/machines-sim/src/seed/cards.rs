//! The cards a big account adds: active VISA cards made over the history's first twenty-two months, each
//! with a readable name and, like real use, some with a colour, an emoji, a memo or a spending limit.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::crypto::seal_label;
use crate::ids;
use crate::state::{random_uuid, CardRec, User};

/// How far back the history goes (two years).
pub const HISTORY_DAYS: i64 = 730;
/// The last card is made this many days before `now`, so every card has a history behind it.
const NEWEST_CARD_DAYS_AGO: i64 = 30;

/// What people name cards after: a vendor, a team or a purpose.
const NAMES: [&str; 40] = [
    "Groceries",
    "Travel",
    "Streaming",
    "Google Ads",
    "Meta Ads",
    "AWS",
    "Team lunches",
    "Office supplies",
    "Fuel",
    "Subscriptions",
    "Gifts",
    "Conference",
    "Hotel",
    "Flights",
    "Taxi",
    "Software",
    "Design tools",
    "Hosting",
    "Domains",
    "Coffee",
    "Marketing",
    "Recruiting",
    "Books",
    "Hardware",
    "Phone",
    "Utilities",
    "Gym",
    "Pharmacy",
    "Pets",
    "Kids",
    "Home",
    "Garden",
    "Car rental",
    "Parking",
    "Dining out",
    "Music",
    "Games",
    "Charity",
    "Freelancers",
    "Trial signups",
];

const COLORS: [&str; 8] = ["#1f6feb", "#2da44e", "#bf3989", "#d29922", "#8250df", "#cf222e", "#0a7d8c", "#57606a"];
const EMOJIS: [&str; 10] = ["🛒", "✈️", "🎬", "📣", "☕", "🏨", "🚕", "💻", "🎁", "⛽"];
const MEMOS: [&str; 4] = ["Shared with the team", "Cancel after the trial", "Monthly only", "Receipts to accounting"];

/// Adds `count` active cards to `user`, numbered after the ones there (sort order, names).
pub fn add(user: &mut User, count: usize, card_seed: &[u8; 32], now: OffsetDateTime, rng: &mut StdRng) {
    let first = now - Duration::days(HISTORY_DAYS);
    let span = Duration::days(HISTORY_DAYS - NEWEST_CARD_DAYS_AGO);
    let existing = user.cards.len();
    let key = user.data_key;
    for i in 0..count {
        // Made one after another over the span, a few hours' jitter so no two share a moment.
        let step = span * (i as f64 / count.max(1) as f64);
        let jitter = Duration::seconds(rng.random_range(0..6 * 3600));
        let created_at = first + step + jitter;
        let card_id = random_uuid(rng);
        let (pan, cvc) = ids::card_numbers(card_seed, &card_id);
        let number = existing + i;
        let label = |text: &str, rng: &mut StdRng| seal_label(&key, text, rng);
        let name = label(&card_name(number), rng);
        let color = if rng.random_bool(0.4) { label(pick(&COLORS, rng), rng) } else { Value::Null };
        let emoji = if rng.random_bool(0.3) { label(pick(&EMOJIS, rng), rng) } else { Value::Null };
        let memo = if rng.random_bool(0.1) { label(pick(&MEMOS, rng), rng) } else { Value::Null };
        let card = CardRec {
            card_id,
            pan,
            cvc,
            status: "active".to_owned(),
            expiration_month: u8::from(created_at.month()),
            expiration_year: u16::try_from(created_at.year() + 3).unwrap_or(u16::MAX),
            limit: limit(rng),
            encrypted_name: name,
            encrypted_color: color,
            encrypted_emoji: emoji,
            encrypted_memo: memo,
            is_pinned: false,
            sort_order: i64::try_from(number).unwrap_or(i64::MAX),
            folder_id: Value::Null,
            created_at,
            deleted_at: None,
        };
        user.cards.push(card);
    }
}

/// `Groceries`, …, then `Groceries 2`, …: every card a different name a person can search for.
fn card_name(number: usize) -> String {
    let base = NAMES[number % NAMES.len()];
    match number / NAMES.len() {
        0 => base.to_owned(),
        round => format!("{base} {}", round + 1),
    }
}

/// Most cards have a limit; the caps are well above what the history spends, so no seeded spend would
/// have been declined by them unless the history says so.
fn limit(rng: &mut StdRng) -> Value {
    match rng.random_range(0..10) {
        0..=2 => Value::Null,
        3..=4 => json!({"amountCents": rng.random_range(5..=20) * 10_000, "frequency": "perAuthorization"}),
        5..=7 => json!({"amountCents": rng.random_range(10..=50) * 100_000, "frequency": "per30DayPeriod"}),
        8 => json!({"amountCents": rng.random_range(5..=20) * 100_000, "frequency": "per7DayPeriod"}),
        _ => json!({"amountCents": rng.random_range(50..=200) * 100_000, "frequency": "perYearPeriod"}),
    }
}

fn pick<'a>(from: &[&'a str], rng: &mut StdRng) -> &'a str {
    from[rng.random_range(0..from.len())]
}
