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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn visa() -> FillCardLabel {
        FillCardLabel::new("card_1", Some("Groceries".into()), "4242")
    }

    #[test]
    fn updates_cross_to_the_ui_tagged_by_phase_with_camel_case_fields() {
        let json = |update: FillUpdate| serde_json::to_value(update).unwrap_or_default();
        let card = json!({"id": "card_1", "label": "Groceries", "last4": "4242"});
        assert_eq!(json(FillUpdate::Pick), json!({"phase": "pick"}));
        assert_eq!(
            json(FillUpdate::Waiting { card: visa(), scope: FillScope::One(FillField::Expiry) }),
            json!({"phase": "waiting", "card": card, "scope": {"kind": "one", "field": "expiry"}})
        );
        assert_eq!(
            json(FillUpdate::Counting {
                card: visa(),
                scope: FillScope::All,
                window_title: "Checkout".into(),
                starts_in_ms: 2_000
            }),
            json!({"phase": "counting", "card": card, "scope": {"kind": "all"}, "windowTitle": "Checkout", "startsInMs": 2000})
        );
        assert_eq!(
            json(FillUpdate::Typing { card: visa(), scope: FillScope::All, window_title: "Checkout".into() }),
            json!({"phase": "typing", "card": card, "scope": {"kind": "all"}, "windowTitle": "Checkout"})
        );
        assert_eq!(
            json(FillUpdate::Typed {
                card: visa(),
                scope: FillScope::One(FillField::Number),
                window_title: "Checkout".into(),
                next: Some(FillField::Expiry)
            }),
            json!({"phase": "typed", "card": card, "scope": {"kind": "one", "field": "number"},
                   "windowTitle": "Checkout", "next": "expiry"})
        );
        assert_eq!(
            json(FillUpdate::stopped(None, FillStop::TimedOut)),
            json!({"phase": "stopped", "card": null, "stop": {"reason": "timedOut"},
                   "title": "Fill timed out", "message": FillStop::TimedOut.message()})
        );
        let availability = FillAvailability { available: false, reason: Some(NO_X11_REASON.into()), shortcut: None };
        assert_eq!(
            serde_json::to_value(availability).unwrap_or_default(),
            json!({"available": false, "reason": NO_X11_REASON, "shortcut": null})
        );
        assert!(NO_X11_REASON.contains("Copy buttons") && XWAYLAND_CAVEAT.contains("X11"));
    }

    #[test]
    fn a_label_carries_four_digits_at_most() {
        assert_eq!(visa().last4, "4242");
        for bad in ["4000056655665556", "424", "42a2", "", "４２４２"] {
            assert_eq!(FillCardLabel::new("card_1", None, bad).last4, "????", "{bad}");
        }
    }
}
