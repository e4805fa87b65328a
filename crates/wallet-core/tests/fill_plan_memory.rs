//! A typing plan leaves no card number behind. A `FillPlan` holds the number as keys, one `Stroke::Char`
//! each, so in memory the digits sit as 4-byte `char`s one `Stroke` apart. This test builds a plan,
//! drops it, and reads this process's memory (`/proc/self/mem` over the writable mappings of
//! `/proc/self/maps`, as `memory_scan.rs` does) for the digits laid out that way.
//!
//! Each scan looks for two runs of six keys, so the first buffer of a plan that grew while it was built
//! (a reallocation leaves the old one unwiped) would be found as well as the plan's own.
//!
//! The controls: a copy of another plan's keys that is kept, and a copy of a third plan's keys dropped
//! without a wipe. The same scan must find both: the first shows it reads strokes at all, the second
//! that a freed buffer still holds its keys when nothing wipes it, so finding none after the plan's own
//! drop is the wipe's doing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "../../machines-sim/tests/support/memory_scan.rs"]
mod memory_scan;

use machines_api::crypto::CardNumbers;
use machines_api::{CardReveal, SecretString};
use memory_scan::{masked, Scanner, MASK};
use wallet_core::fill::{FillCard, FillField, FillPlan, FillScope, FillSettings, Stroke};

/// Reads this process's memory for digits laid out as consecutive `Stroke::Char`s, through the shared
/// scanner's walk (its buffers are made before anything is dropped and a scan allocates nothing, so it
/// cannot reuse, and so overwrite, a freed buffer that still holds keys).
struct StrokeScanner(Scanner);

impl StrokeScanner {
    /// How many places hold the masked digits, unmasked, each as a little-endian `char` one `Stroke`
    /// after the one before (where in a `Stroke` the `char` sits does not matter: it is the same place in
    /// each).
    fn hits(&mut self, masked_digits: &[u8]) -> usize {
        let stride = std::mem::size_of::<Stroke>();
        let span = (masked_digits.len() - 1) * stride + 4;
        let matches_at = |window: &[u8], at: usize| {
            masked_digits.iter().enumerate().all(|(i, m)| {
                let place = at + i * stride;
                window[place..place + 4] == [m ^ MASK, 0, 0, 0]
            })
        };
        let mut hits = 0;
        self.0.walk(span - 1, |window, step| {
            for i in 0..step {
                if i + span <= window.len() && window[i] == masked_digits[0] ^ MASK && matches_at(window, i) {
                    hits += 1;
                }
            }
        });
        hits
    }
}

/// A card whose number is the masked `digits`, unmasked into a buffer that never grows.
fn card(masked_number: &[u8]) -> FillCard {
    let mut pan = String::with_capacity(masked_number.len());
    pan.extend(masked_number.iter().map(|b| char::from(b ^ MASK)));
    let reveal = CardReveal {
        numbers: CardNumbers { pan: SecretString::new(pan), cvc: SecretString::from("987") },
        expiration_month: Some(5),
        expiration_year: Some(2027),
        last4: None,
    };
    FillCard::from_reveal(&reveal).unwrap()
}

/// The number's keys, with no pause between them, in a plan of their own.
fn number_plan(masked_number: &[u8]) -> FillPlan {
    let settings = FillSettings { key_delay_ms: 0, ..FillSettings::default() };
    FillPlan::build(&card(masked_number), FillScope::One(FillField::Number), &settings)
}

#[test]
fn a_dropped_plan_leaves_none_of_its_keys_in_memory() {
    // Numbers no one else in this process holds: the test keeps them only masked.
    let dropped = masked(b"4929718236450917");
    let kept = masked(b"4556081937264411");
    let freed = masked(b"4716258349071635");
    // Two needles of six keys each: the third to the eighth (the first two of a freed buffer are where the
    // allocator writes its own bookkeeping) and the last six. Six, so that the first buffer of a plan
    // that had to grow (eight keys) would be found too.
    let mut scanner = StrokeScanner(Scanner::new());
    let mut hits = |number: &[u8]| scanner.hits(&number[2..8]) + scanner.hits(&number[10..16]);
    for number in [&dropped, &kept, &freed] {
        assert_eq!(hits(number), 0, "no plan yet");
    }

    // Each scan comes right after its drop: the next plan's buffer would reuse the freed one.
    let plan = number_plan(&dropped);
    assert_eq!(plan.strokes().len(), 16);
    let while_held = hits(&dropped);
    drop(plan);
    let after_drop = hits(&dropped);

    let freed_plan = number_plan(&freed);
    let unwiped_copy: Vec<Stroke> = freed_plan.strokes().to_vec();
    drop(freed_plan);
    drop(unwiped_copy);
    let in_freed_copy = hits(&freed);

    let kept_plan = number_plan(&kept);
    let kept_copy: Vec<Stroke> = kept_plan.strokes().to_vec();
    drop(kept_plan);
    let in_kept_copy = hits(&kept);
    drop(kept_copy);

    // At least once: the scanner's own buffer holds what it last read, and is read in turn.
    assert!(while_held >= 1, "the scan finds a plan's keys while it is held: {while_held}");
    assert!(in_kept_copy >= 1, "the scan finds a copy of a plan's keys that is kept: {in_kept_copy}");
    assert!(in_freed_copy >= 1, "the scan finds keys left in a buffer freed without a wipe: {in_freed_copy}");
    assert_eq!(after_drop, 0, "copies of the number's keys left behind by a dropped plan");
}
