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
