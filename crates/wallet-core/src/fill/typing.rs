//! The typist: runs a plan into an input sink, asking a guard before every key whether it may go on.
//! Synchronous (the shell runs it on a blocking thread) and free of any input system, so the stops are
//! unit tests over a fake sink.

use std::time::Duration;

use super::plan::{FillField, FillPlan, Stroke};
use super::stop::FillStop;

/// Where keys go: the shell's XTEST typist, or a test's recorder. An error is the input system's refusal,
/// as short text; it is cut down by [`FillStop::input`] before anyone sees it.
pub trait KeySink {
    fn char(&mut self, c: char) -> Result<(), String>;
    fn tab(&mut self) -> Result<(), String>;
}

/// Asked before every key: has the fill been cancelled, has the app locked, is the active window still the
/// one the person saw named? An `Err` stops the typing before that key.
pub trait FillGuard {
    fn check(&mut self) -> Result<(), FillStop>;
}

/// A fill that stopped before its last key: the fields typed whole before it stopped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub typed: Vec<FillField>,
    pub stop: FillStop,
}

/// Types `plan` into `sink`, asking `guard` before each key and waiting through `sleep` at each pause.
/// `Ok`: every field of the plan was typed ([`FillPlan::fields`]).
pub fn type_plan(
    plan: &FillPlan,
    sink: &mut dyn KeySink,
    guard: &mut dyn FillGuard,
    sleep: &mut dyn FnMut(Duration),
) -> Result<(), Interrupted> {
    for (done, stroke) in plan.strokes().iter().enumerate() {
        let stopped = |stop| Interrupted { typed: plan.fields_done(done), stop };
        let key = match *stroke {
            Stroke::Pause(wait) => {
                sleep(wait);
                continue;
            }
            Stroke::Char(c) => Some(c),
            Stroke::Tab => None,
        };
        guard.check().map_err(stopped)?;
        let sent = match key {
            Some(c) => sink.char(c),
            None => sink.tab(),
        };
        sent.map_err(|refusal| stopped(FillStop::input(&refusal)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::plan::FillScope;
    use crate::fill::settings::FillSettings;
    use crate::fill::test_support::{card, type_into_fake, Guard, NUMBER};

    /// The whole sequence at key delay 0: 16 digits, Tab, `05/27`, Tab, `987`: 26 keys.
    fn sequence() -> FillPlan {
        FillPlan::build(&card(), FillScope::All, &FillSettings { key_delay_ms: 0, ..FillSettings::default() })
    }

    #[test]
    fn a_fill_that_nothing_stops_types_every_key_asking_the_guard_before_each() {
        let mut guard = Guard::open();
        let (record, result) = type_into_fake(&sequence(), &mut guard, None);
        assert_eq!(result, Ok(()));
        assert_eq!(record.seen, format!("{NUMBER}\u{21e5}(150)05/27\u{21e5}(150)987"));
        assert_eq!((record.keys, guard.passed), (26, 26));
    }

    #[test]
    fn a_guard_that_stops_mid_plan_stops_before_the_next_key_and_says_which_fields_were_typed_whole() {
        let cases = [
            // (keys let through, what the keyboard saw, fields typed whole)
            (0, String::new(), vec![]),
            (7, NUMBER[..7].to_owned(), vec![]),
            (16, NUMBER.to_owned(), vec![FillField::Number]),
            (17, format!("{NUMBER}\u{21e5}(150)"), vec![FillField::Number]),
            (20, format!("{NUMBER}\u{21e5}(150)05/"), vec![FillField::Number]),
            (22, format!("{NUMBER}\u{21e5}(150)05/27"), vec![FillField::Number, FillField::Expiry]),
            (25, format!("{NUMBER}\u{21e5}(150)05/27\u{21e5}(150)98"), vec![FillField::Number, FillField::Expiry]),
        ];
        for stop in [FillStop::Cancelled, FillStop::Locked, FillStop::WindowChanged] {
            for (allow, seen, typed) in &cases {
                let mut guard = Guard::stopping_after(*allow, stop.clone());
                let (record, result) = type_into_fake(&sequence(), &mut guard, None);
                assert_eq!(record.seen, *seen, "{stop:?} after {allow}");
                assert_eq!(record.keys, *allow, "not one key after the guard said stop");
                assert_eq!(result, Err(Interrupted { typed: typed.clone(), stop: stop.clone() }), "after {allow}");
            }
        }
        // A per-field press stopped on its last key types no field whole.
        let cvc = FillPlan::build(&card(), FillScope::One(FillField::Cvc), &FillSettings::default());
        let (record, result) = type_into_fake(&cvc, &mut Guard::stopping_after(2, FillStop::Cancelled), None);
        assert_eq!(record.seen, "9(25)8(25)", "the guard is asked after the pause, right before the key");
        assert_eq!(result, Err(Interrupted { typed: vec![], stop: FillStop::Cancelled }));
    }

    #[test]
    fn an_input_system_that_refuses_a_key_stops_the_fill_with_words_and_no_digits() {
        let refusal = "XTestFakeKeyEvent failed: no keycode for U+0034 while typing 4000056655665556 (error 2)\n";
        let mut guard = Guard::open();
        let (record, result) = type_into_fake(&sequence(), &mut guard, Some((17, refusal)));
        assert_eq!(record.seen, format!("{NUMBER}\u{21e5}(150)"), "nothing after the refused key");
        let Err(Interrupted { typed, stop }) = result else { unreachable!("a refused key stops the fill") };
        assert_eq!(typed, [FillField::Number]);
        let FillStop::Input { detail } = &stop else { unreachable!("an input stop: {stop:?}") };
        assert!(!detail.contains("4000") && !detail.contains("5556") && !detail.contains("034"), "{detail}");
        assert!(detail.starts_with("XTestFakeKeyEvent failed") && detail.contains("error 2"), "{detail}");
        assert!(detail.is_ascii() && !detail.contains('\n'), "{detail}");
        assert!(stop.message().contains("Copy buttons"), "{}", stop.message());
    }
}
