//! The page's paint marks for the scale benchmarks (`bench/`): when a list's rows reached the screen after
//! its data arrived. The page measures (it alone sees the animation frame); this module checks what it
//! sent and words the stdout lines the benchmarks read, so their format is written once and tested.
//!
//! `ready cards <n>` is a returning person's start (the first card list on screen), said once per launch;
//! `painted cards <ms>` and `painted activity <ms>` follow every arrival of the list's data.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

use crate::error::{UiAction, UiError};

/// The list that painted: the wallet screen's cards, or the Activity screen's transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PaintedList {
    Cards,
    Activity,
}

/// One paint: the list, the milliseconds from the IPC answer resolving to the first animation frame after
/// its rows were in the DOM, and how many items the list's data holds (not how many rows are rendered).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PaintReport {
    pub list: PaintedList,
    pub ms: f64,
    pub items: u32,
}

/// The lines said so far in this launch: only whether `ready cards` was.
#[derive(Debug, Default)]
pub struct PaintLines {
    ready_said: AtomicBool,
}

impl PaintLines {
    pub const fn new() -> Self {
        Self { ready_said: AtomicBool::new(false) }
    }

    /// The stdout lines for `report`: `ready cards <n>` before the first card paint of the launch, then
    /// `painted <list> <ms>` with one decimal. A time that is not a number of milliseconds is refused.
    pub fn lines(&self, report: &PaintReport) -> Result<Vec<String>, UiError> {
        if !report.ms.is_finite() || report.ms < 0.0 {
            return Err(UiError::new(
                crate::error::ErrorCode::Internal,
                "Paint report refused",
                format!("A paint time must be a number of milliseconds, not {}.", report.ms),
                UiAction::Dismiss,
            ));
        }
        let mut lines = Vec::with_capacity(2);
        let name = match report.list {
            PaintedList::Cards => {
                if !self.ready_said.swap(true, Ordering::SeqCst) {
                    lines.push(format!("ready cards {}", report.items));
                }
                "cards"
            }
            PaintedList::Activity => "activity",
        };
        lines.push(format!("painted {name} {:.1}", report.ms));
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(list: PaintedList, ms: f64, items: u32) -> PaintReport {
        PaintReport { list, ms, items }
    }

    #[test]
    fn ready_cards_is_said_once_and_before_the_first_card_paint() {
        let said = PaintLines::new();
        assert_eq!(said.lines(&report(PaintedList::Activity, 3.0, 10_000)).unwrap(), ["painted activity 3.0"]);
        assert_eq!(
            said.lines(&report(PaintedList::Cards, 41.26, 1000)).unwrap(),
            ["ready cards 1000", "painted cards 41.3"]
        );
        assert_eq!(said.lines(&report(PaintedList::Cards, 12.0, 1001)).unwrap(), ["painted cards 12.0"]);
    }

    #[test]
    fn a_time_that_is_not_milliseconds_is_refused_and_says_nothing() {
        let said = PaintLines::new();
        for bad in [f64::NAN, f64::INFINITY, -1.0] {
            assert!(said.lines(&report(PaintedList::Cards, bad, 3)).is_err());
        }
        assert_eq!(said.lines(&report(PaintedList::Cards, 0.0, 3)).unwrap(), ["ready cards 3", "painted cards 0.0"]);
    }

    #[test]
    fn the_page_sends_camel_case() {
        let report: PaintReport = serde_json::from_str(r#"{"list":"activity","ms":12.5,"items":7}"#).unwrap();
        assert_eq!(report, PaintReport { list: PaintedList::Activity, ms: 12.5, items: 7 });
    }
}
