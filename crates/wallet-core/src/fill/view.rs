//! What the core tells the UI about a fill: the card it is for (by label and last four only), where it
//! stands, and whether Fill can work on this desktop at all. No digits but the last four.

use serde::Serialize;

use super::plan::{FillField, FillScope};
use super::stop::FillStop;

/// The card a fill is for, as the card list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FillCardLabel {
    pub id: String,
    pub label: Option<String>,
    /// Exactly four digits, or "????" (see [`FillCardLabel::new`]).
    pub last4: String,
}

impl FillCardLabel {
    /// A label whose `last4` is kept only if it is exactly four ASCII digits, so no longer part of a
    /// number can reach the UI through it.
    pub fn new(id: &str, label: Option<String>, last4: &str) -> Self {
        let last4 = if last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()) { last4 } else { "????" };
        Self { id: id.to_owned(), label, last4: last4.to_owned() }
    }
}

/// A fill's news, pushed to the UI as it happens (the shell sends them down a channel).
/// `windowTitle` is the title as [`super::window_title::shown`] makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "phase", rename_all = "camelCase")]
pub enum FillUpdate {
    /// The global shortcut was pressed with nothing to continue: open the card picker.
    Pick,
    /// Armed: waiting for the person to click into `scope`'s first field in another window.
    Waiting { card: FillCardLabel, scope: FillScope },
    /// Another window is active; typing starts in `startsInMs` unless it changes or Escape is pressed.
    #[serde(rename_all = "camelCase")]
    Counting { card: FillCardLabel, scope: FillScope, window_title: String, starts_in_ms: u32 },
    /// Typing now.
    #[serde(rename_all = "camelCase")]
    Typing { card: FillCardLabel, scope: FillScope, window_title: String },
    /// Everything in `scope` was typed. `next`: in per-field mode, the field a following press types.
    #[serde(rename_all = "camelCase")]
    Typed { card: FillCardLabel, scope: FillScope, window_title: String, next: Option<FillField> },
    /// The fill ended early; `title` and `message` are `stop`'s words.
    Stopped { card: Option<FillCardLabel>, stop: FillStop, title: String, message: String },
}

impl FillUpdate {
    /// A stop with its words filled in from the stop.
    pub fn stopped(card: Option<FillCardLabel>, stop: FillStop) -> Self {
        let (title, message) = (stop.title().to_owned(), stop.message());
        Self::Stopped { card, stop, title, message }
    }
}

/// Whether Fill can type on this desktop, and what to tell the person about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FillAvailability {
    pub available: bool,
    /// Why not, when unavailable; a caveat when available with one (XWayland reaches only X11 apps).
    pub reason: Option<String>,
    /// The global shortcut as registered, `None` when off or not registered.
    pub shortcut: Option<String>,
}

/// The words for Wayland without X11.
pub const NO_X11_REASON: &str = "This is a Wayland session without X11, where an app cannot type into \
                                 another app's window. Use the Copy buttons instead.";
/// The caveat for Wayland with XWayland.
pub const XWAYLAND_CAVEAT: &str = "This is a Wayland session: Fill types only into apps that run under \
                                   X11 (XWayland), such as a browser started with X11. Use the Copy buttons for \
                                   the others.";
