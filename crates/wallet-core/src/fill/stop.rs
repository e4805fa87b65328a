//! Why a fill ended without typing everything, in words a person reads.

use serde::Serialize;

use super::plan::PlanError;
use crate::error::UiError;

/// How long an armed fill waits for another window to become active before it gives up.
pub const ARMED_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Why a fill stopped. Sent to the UI inside `FillUpdate::Stopped`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum FillStop {
    /// Escape, or the Cancel button.
    Cancelled,
    /// The app locked (idle, the OS screen lock, the panic button, the Lock button).
    Locked,
    /// Another window became active while typing: the rest would have gone to the wrong place.
    WindowChanged,
    /// No other window became active within [`ARMED_TIMEOUT`].
    TimedOut,
    /// The input system refused a key. `detail` is short printable ASCII with no run of digits (see
    /// [`FillStop::input`]).
    Input { detail: String },
    /// The card's details could not be had when the countdown ended (the reveal failed, or the card has
    /// no expiry): nothing was typed. `message` is the words of that failure.
    CardDetails { message: String },
}

/// The longest input-system detail kept.
const DETAIL_MAX: usize = 120;

impl FillStop {
    /// The input system's refusal, its text cut to printable ASCII, at most 120 characters, with any run
    /// of three or more digits taken out: the text comes from a layer that was handed a key of the card,
    /// and a CVC is three digits.
    pub fn input(detail: &str) -> Self {
        let mut kept = String::with_capacity(DETAIL_MAX);
        let mut digits = 0usize;
        let mut run_start = 0usize;
        for c in detail.chars() {
            if kept.len() >= DETAIL_MAX {
                break;
            }
            let c = if c.is_ascii_graphic() { c } else { ' ' };
            if c.is_ascii_digit() {
                if digits == 0 {
                    run_start = kept.len();
                }
                digits += 1;
                if digits == 3 {
                    kept.truncate(run_start);
                    kept.push('#');
                }
                if digits >= 3 {
                    continue;
                }
            } else {
                digits = 0;
            }
            kept.push(c);
        }
        let detail = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::Input { detail: if detail.is_empty() { "no detail".to_owned() } else { detail } }
    }

    /// A plan that could not be built: nothing was typed.
    pub fn card_details(error: PlanError) -> Self {
        Self::CardDetails { message: error.message() }
    }

    /// A failure to fetch the card's details (the reveal), in the words the person would read anywhere.
    pub fn reveal_failed(error: &UiError) -> Self {
        Self::CardDetails { message: error.message.clone() }
    }

    /// A short title.
    pub fn title(&self) -> &'static str {
        match self {
            Self::Cancelled => "Fill cancelled",
            Self::Locked => "Fill stopped: the app locked",
            Self::WindowChanged => "Fill stopped: the window changed",
            Self::TimedOut => "Fill timed out",
            Self::Input { .. } => "Typing failed",
            Self::CardDetails { .. } => "Card details not available",
        }
    }

    /// What happened and what to do now.
    pub fn message(&self) -> String {
        match self {
            Self::Cancelled => "Nothing more was typed.".to_owned(),
            Self::Locked => "The app locked, so nothing more was typed. Unlock it and press Fill again.".to_owned(),
            Self::WindowChanged => "Another window became active, so nothing more was typed there. Click into the \
                                    field again and press Fill."
                .to_owned(),
            Self::TimedOut => format!(
                "No other window became active within {} seconds. Press Fill again, then click into the field.",
                ARMED_TIMEOUT.as_secs()
            ),
            Self::Input { detail } => {
                format!("This computer's input system refused a key ({detail}). Use the Copy buttons instead.")
            }
            Self::CardDetails { message } => message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorCode, UiAction};
    use serde_json::json;

    fn every_stop() -> Vec<FillStop> {
        vec![
            FillStop::Cancelled,
            FillStop::Locked,
            FillStop::WindowChanged,
            FillStop::TimedOut,
            FillStop::input("BadAccess"),
            FillStop::card_details(PlanError::NoExpiry),
        ]
    }

    #[test]
    fn each_stop_has_its_own_title_and_a_message_that_says_what_now() {
        let stops = every_stop();
        let mut titles: Vec<&str> = stops.iter().map(FillStop::title).collect();
        titles.dedup();
        assert_eq!(titles.len(), stops.len(), "{titles:?}");
        for stop in &stops {
            let message = stop.message();
            assert!(message.ends_with('.') && message.len() > 20, "{stop:?}: {message}");
        }
        assert_eq!(FillStop::Cancelled.message(), "Nothing more was typed.");
        assert!(FillStop::Locked.message().contains("Unlock"), "{}", FillStop::Locked.message());
        assert!(FillStop::TimedOut.message().contains("60 seconds"), "{}", FillStop::TimedOut.message());
        assert!(FillStop::WindowChanged.message().contains("Another window"));
        assert!(FillStop::input("BadAccess").message().contains("(BadAccess)"));
        let no_expiry = FillStop::card_details(PlanError::NoExpiry).message();
        assert!(no_expiry.starts_with("The card has no valid expiry date, so nothing was typed."), "{no_expiry}");
        let offline =
            UiError::new(ErrorCode::Network, "Can't reach Machines Cash", "Could not reach it.", UiAction::Retry);
        assert_eq!(FillStop::reveal_failed(&offline).message(), "Could not reach it.");
    }

    #[test]
    fn stops_cross_to_the_ui_tagged_by_reason() {
        let json = |stop: FillStop| serde_json::to_value(stop).unwrap_or_default();
        assert_eq!(json(FillStop::WindowChanged), json!({"reason": "windowChanged"}));
        assert_eq!(json(FillStop::TimedOut), json!({"reason": "timedOut"}));
        assert_eq!(json(FillStop::input("BadValue")), json!({"reason": "input", "detail": "BadValue"}));
        assert_eq!(
            json(FillStop::CardDetails { message: "m".into() }),
            json!({"reason": "cardDetails", "message": "m"})
        );
    }

    #[test]
    fn an_input_detail_is_short_plain_text_with_no_run_of_three_digits() {
        let FillStop::Input { detail } = FillStop::input("keysym 0x34 for '4' in 4000056655665556, cvc 987, error 11")
        else {
            unreachable!()
        };
        assert_eq!(detail, "keysym 0x34 for '4' in #, cvc #, error 11");
        let FillStop::Input { detail } = FillStop::input(&format!("\u{1b}[31mX\u{0}error\r\n{}", "a".repeat(500)))
        else {
            unreachable!()
        };
        assert!(detail.is_ascii() && detail.len() <= 120, "{detail}");
        assert!(detail.starts_with("[31mX error a"), "{detail}");
        assert_eq!(FillStop::input(" \n\t"), FillStop::Input { detail: "no detail".into() });
        assert_eq!(FillStop::input("é 4000056655665556"), FillStop::Input { detail: "#".into() });
    }
}
