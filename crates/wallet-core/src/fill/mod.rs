//! Fill: a card's number, expiry and CVC typed straight into the checkout page a person is paying on,
//! from Rust to the input system, never through the webview or the clipboard. This is the part with no
//! Tauri and no X11 in it: the settings, the typing plan (which keys, which pauses), the typist that runs
//! a plan into any [`KeySink`] under a [`FillGuard`], the stops and the UI's news. The shell supplies the
//! active window, the XTEST sink and the shortcut.

pub mod plan;
pub mod settings;
pub mod stop;
pub mod typing;
pub mod view;
pub mod window_title;

pub use plan::{FillCard, FillField, FillPlan, FillScope, PlanError, Stroke, PAGE_FOCUS_SETTLE, TAB_SETTLE};
pub use settings::{
    shortcut_problem, ExpiryFormat, FieldAdvance, FillMode, FillSettings, FILL_KEY_DELAY_MS, FILL_SHORTCUT_MAX_CHARS,
    FILL_START_DELAY_MS,
};
pub use stop::{FillStop, ARMED_TIMEOUT};
pub use typing::{type_plan, FillGuard, Interrupted, KeySink};
pub use view::{FillAvailability, FillCardLabel, FillUpdate, NO_X11_REASON, XWAYLAND_CAVEAT};

/// How long, in per-field mode, the field after a typed one stays the next press's: long enough to click
/// into it, short enough that a press much later starts again with the picker.
pub const NEXT_FIELD_KEPT: std::time::Duration = std::time::Duration::from_secs(120);

#[cfg(test)]
mod test_support;
