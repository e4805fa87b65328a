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
