//! The transactions a big account adds: two years of card use, spread over the cards that existed at the
//! time, in the mix real use has. Mostly spends (posted, or pending when they are too recent to have
//! posted), with declines and their reasons, authorisations let go (`reversed`), refunds of earlier
//! spends (a `spend` below zero with `refundOf`, as `/_sim/transactions/{id}/refund` makes them) and, when
//! the spending power runs low, a collateral deposit, as a person tops up.
//!
//! The balances move as the simulator's own transitions move them (`transitions::post_where`, `reverse`,
//! `refund`, a completed deposit), so `GET /balances` agrees with the history and the spending power never
//! goes below zero.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::cards::HISTORY_DAYS;
use crate::state::{TxRec, User};

/// Shops and what a purchase there costs, in cents (lowest, highest).
const MERCHANTS: [(&str, i64, i64); 30] = [
    ("Blue Bottle Coffee", 350, 1_400),
    ("Starbucks", 300, 1_800),
    ("Whole Foods Market", 1_200, 22_000),
    ("Trader Joe's", 900, 14_000),
    ("Safeway", 800, 16_000),
    ("Amazon", 600, 45_000),
    ("Netflix", 699, 2_299),
    ("Spotify", 999, 1_999),
    ("Apple", 99, 149_900),
    ("Google Ads", 2_000, 120_000),
    ("Meta Ads", 2_000, 90_000),
    ("Amazon Web Services", 500, 80_000),
    ("GitHub", 400, 21_000),
    ("Figma", 1_200, 7_500),
    ("Notion", 800, 9_600),
    ("Uber", 700, 9_500),
    ("Lyft", 650, 8_800),
    ("Shell", 2_500, 11_000),
    ("Delta Air Lines", 9_000, 120_000),
    ("United Airlines", 8_500, 110_000),
    ("Marriott", 14_000, 95_000),
    ("Airbnb", 9_000, 140_000),
    ("Hertz", 6_000, 60_000),
    ("CVS Pharmacy", 400, 6_500),
    ("The Home Depot", 1_500, 60_000),
    ("IKEA", 2_000, 90_000),
    ("Chipotle", 900, 4_500),
    ("Sweetgreen", 1_100, 3_800),
    ("Namecheap", 199, 5_000),
    ("Steam", 499, 6_999),
];

/// A top-up: whole dollars in this range (cents), enough for the biggest purchase above.
const DEPOSIT_CENTS: (i64, i64) = (150_000, 600_000);

/// How long an authorised spend takes to post: between these many hours.
const POSTS_AFTER_HOURS: (i64, i64) = (6, 72);

/// The last posted spends a refund may be for.
const REFUNDABLE_WINDOW: usize = 64;

/// What the history needs to know of a card.
struct CardUse {
    card_id: String,
    created_at: OffsetDateTime,
    per_authorization: Option<i64>,
    has_limit: bool,
}

/// A posted spend that may still be refunded.
struct Refundable {
    index: usize,
    posted_at: OffsetDateTime,
    left: i64,
}

/// Adds `count` transactions to `user` ending at `now`, numbered from `next_tx`. Answers how many of them
/// are collateral deposits.
pub fn add(user: &mut User, count: usize, next_tx: &mut u64, now: OffsetDateTime, rng: &mut StdRng) -> usize {
    let cards = card_uses(user);
    let Some(first_card) = cards.first() else { return 0 };
    let start = (now - Duration::days(HISTORY_DAYS)).max(first_card.created_at).min(now - Duration::hours(1));
    let span = now - start;
    let mut added = Vec::with_capacity(count);
    let mut refundable: Vec<Refundable> = Vec::new();
    let mut deposits = 0;
    let mut id = || {
        let id = format!("txn_{:06}", *next_tx);
        *next_tx += 1;
        id
    };

    for i in 0..count {
        // Evenly spread with jitter, so the times come out in order and no two are the same.
        let at = start + span * ((i as f64 + rng.random_range(0.0..1.0)) / count as f64);
        let card = pick_card(&cards, at, rng);
        let (merchant, low, high) = MERCHANTS[rng.random_range(0..MERCHANTS.len())];
        let amount = rng.random_range(low..=high);
        let base = TxRec {
            transaction_id: id(),
            kind: "spend".to_owned(),
            status: String::new(),
            amount_cents: amount,
            merchant_name: Some(merchant.to_owned()),
            card_id: Some(card.card_id.clone()),
            created_at: at,
            posts_at: None,
            posted_at: None,
            decline_reason: None,
            refund_of: None,
        };
        let roll = rng.random_range(0..100);
        let refund = (roll < 5).then(|| refundable.iter().position(|r| r.posted_at <= at && r.left > 0)).flatten();

        let tx = if let Some(which) = refund {
            let original: &TxRec = &added[refundable[which].index];
            let left = refundable[which].left;
            let cents = if rng.random_bool(0.6) { left } else { rng.random_range(1..=left) };
            refundable[which].left -= cents;
            user.posted_charges = (user.posted_charges - cents).max(0);
            user.balance_due = (user.balance_due - cents).max(0);
            TxRec {
                amount_cents: -cents,
                merchant_name: original.merchant_name.clone(),
                card_id: original.card_id.clone(),
                status: "posted".to_owned(),
                posted_at: Some(at),
                refund_of: Some(original.transaction_id.clone()),
                ..base
            }
        } else if roll < 11 || card.per_authorization.is_some_and(|cap| amount > cap) {
            let over_cap = card.per_authorization.is_some_and(|cap| amount > cap);
            let reason = if over_cap || (card.has_limit && rng.random_bool(0.5)) {
                "limit_exceeded"
            } else {
                "insufficient_funds"
            };
            TxRec { status: "declined".to_owned(), decline_reason: Some(reason.to_owned()), ..base }
        } else if amount > user.spending_power() {
            // The person tops up instead of spending this time.
            let cents = rng.random_range(DEPOSIT_CENTS.0 / 100..=DEPOSIT_CENTS.1 / 100) * 100;
            user.credit_limit = user.credit_limit.saturating_add(cents);
            deposits += 1;
            TxRec {
                kind: "collateral".to_owned(),
                status: "posted".to_owned(),
                amount_cents: cents,
                merchant_name: None,
                card_id: None,
                posted_at: Some(at),
                ..base
            }
        } else if roll < 14 {
            // Authorised, then let go by the merchant before it posted: no money moved.
            TxRec { status: "reversed".to_owned(), ..base }
        } else {
            let posts = at + Duration::minutes(rng.random_range(POSTS_AFTER_HOURS.0 * 60..=POSTS_AFTER_HOURS.1 * 60));
            if posts <= now {
                user.posted_charges += amount;
                user.balance_due += amount;
                refundable.push(Refundable { index: added.len(), posted_at: posts, left: amount });
                if refundable.len() > REFUNDABLE_WINDOW {
                    refundable.remove(0);
                }
                TxRec { status: "posted".to_owned(), posted_at: Some(posts), ..base }
            } else {
                user.pending_charges += amount;
                TxRec { status: "pending".to_owned(), posts_at: Some(posts), ..base }
            }
        };
        added.push(tx);
    }
    user.transactions.extend(added);
    user.transactions.sort_by_key(|tx| tx.created_at);
    deposits
}

/// The user's active cards, oldest first.
fn card_uses(user: &User) -> Vec<CardUse> {
    let mut cards: Vec<CardUse> = user
        .cards
        .iter()
        .filter(|card| card.status == "active")
        .map(|card| CardUse {
            card_id: card.card_id.clone(),
            created_at: card.created_at,
            per_authorization: (card.limit.get("frequency").and_then(Value::as_str) == Some("perAuthorization"))
                .then(|| card.limit.get("amountCents").and_then(Value::as_i64))
                .flatten(),
            has_limit: !card.limit.is_null(),
        })
        .collect();
    cards.sort_by_key(|card| card.created_at);
    cards
}

/// A card that existed at `at`: half the time one of the twenty newest (people use a new card most), else
/// any of them.
fn pick_card<'a>(cards: &'a [CardUse], at: OffsetDateTime, rng: &mut StdRng) -> &'a CardUse {
    let existing = cards.partition_point(|card| card.created_at <= at).clamp(1, cards.len());
    let index = if rng.random_bool(0.5) {
        existing - 1 - rng.random_range(0..existing.min(20))
    } else {
        rng.random_range(0..existing)
    };
    &cards[index]
}
