//! A fake input system for the plan's and the typist's tests: a sink that writes down every key, a sleep
//! that writes down every pause in the same record, and a guard that lets a given number of keys through.
//! The record reads like the keyboard's view of a fill: `4000056655665556⇥(150)05/27⇥(150)987`, where `⇥`
//! is Tab and `(150)` a pause of 150 ms.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use machines_api::crypto::CardNumbers;
use machines_api::{CardReveal, SecretString};

use super::plan::{FillCard, FillPlan, FillScope};
use super::settings::FillSettings;
use super::stop::FillStop;
use super::typing::{type_plan, FillGuard, Interrupted, KeySink};

/// Keys and pauses in the order the keyboard met them, and how many keys went through.
#[derive(Default)]
pub struct Record {
    pub seen: String,
    pub keys: usize,
}

/// A sink writing into a shared [`Record`]; it refuses the key at `refuse_at` (0-based, keys only).
pub struct Recorder {
    pub record: Rc<RefCell<Record>>,
    pub refuse_at: Option<(usize, &'static str)>,
}

impl Recorder {
    fn key(&mut self, text: &str) -> Result<(), String> {
        let mut record = self.record.borrow_mut();
        if let Some((at, refusal)) = self.refuse_at {
            if at == record.keys {
                return Err(refusal.to_owned());
            }
        }
        record.keys += 1;
        record.seen.push_str(text);
        Ok(())
    }
}

impl KeySink for Recorder {
    fn char(&mut self, c: char) -> Result<(), String> {
        self.key(c.encode_utf8(&mut [0; 4]))
    }
    fn tab(&mut self) -> Result<(), String> {
        self.key("\u{21e5}")
    }
}

/// Lets `allow` keys through (all when `None`), then stops with `stop`; counts the checks that passed.
pub struct Guard {
    pub allow: Option<usize>,
    pub stop: FillStop,
    pub passed: usize,
}

impl Guard {
    pub fn open() -> Self {
        Self { allow: None, stop: FillStop::Cancelled, passed: 0 }
    }
    pub fn stopping_after(allow: usize, stop: FillStop) -> Self {
        Self { allow: Some(allow), stop, passed: 0 }
    }
}

impl FillGuard for Guard {
    fn check(&mut self) -> Result<(), FillStop> {
        if self.allow.is_some_and(|allow| self.passed >= allow) {
            return Err(self.stop.clone());
        }
        self.passed += 1;
        Ok(())
    }
}

/// A revealed card as the API client hands it over.
pub fn reveal(pan: &str, cvc: &str, month: Option<u8>, year: Option<u16>) -> CardReveal {
    CardReveal {
        numbers: CardNumbers { pan: SecretString::from(pan), cvc: SecretString::from(cvc) },
        expiration_month: month,
        expiration_year: year,
        last4: Some(pan[pan.len().saturating_sub(4)..].to_owned()),
    }
}

/// The number of most tests.
pub const NUMBER: &str = "4000056655665556";

/// The card of most tests: [`NUMBER`], expiry May 2027, CVC 987.
pub fn card() -> FillCard {
    let card = FillCard::from_reveal(&reveal(NUMBER, "987", Some(5), Some(2027)));
    card.unwrap_or_else(|error| unreachable!("the test card is valid: {error}"))
}

/// Types `plan` into a [`Recorder`] refusing at `refuse_at`, under `guard`: the record and the result.
pub fn type_into_fake(
    plan: &FillPlan,
    guard: &mut Guard,
    refuse_at: Option<(usize, &'static str)>,
) -> (Record, Result<(), Interrupted>) {
    let record = Rc::new(RefCell::new(Record::default()));
    let mut sink = Recorder { record: Rc::clone(&record), refuse_at };
    let pauses = Rc::clone(&record);
    let mut sleep = move |wait: Duration| pauses.borrow_mut().seen.push_str(&format!("({})", wait.as_millis()));
    let result = type_plan(plan, &mut sink, guard, &mut sleep);
    drop(sink);
    let record = record.take();
    (record, result)
}

/// What the keyboard sees for `scope` of [`card`] under `settings`, typed to the end.
pub fn keyboard(scope: FillScope, settings: &FillSettings) -> String {
    let plan = FillPlan::build(&card(), scope, settings);
    let mut guard = Guard::open();
    let (record, result) = type_into_fake(&plan, &mut guard, None);
    assert_eq!(result, Ok(()), "nothing stops an open guard");
    assert_eq!(guard.passed, record.keys, "the guard was asked before every key");
    record.seen
}
