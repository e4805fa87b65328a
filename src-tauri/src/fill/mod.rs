//! What Fill needs from the desktop around the app: the active window and Escape (X11), a keyboard to
//! type on (XTEST), the Fill shortcut (the `global-hotkey` crate), and the main window brought to the
//! front.
//! `state::fill` runs a fill over the [`Desktop`] trait, so its rules are tested over a fake one; the
//! app's is [`app_desktop::AppDesktop`]. The plan, the typist and the words are `wallet_core::fill`'s.

#[cfg(target_os = "linux")]
pub mod app_desktop;
#[cfg(target_os = "linux")]
pub mod layout_keys;
#[cfg(target_os = "linux")]
pub mod session;
pub mod shortcut;
#[cfg(target_os = "linux")]
pub mod typist;
#[cfg(target_os = "linux")]
pub mod x11_window;

use std::sync::{Mutex, MutexGuard, PoisonError};

use wallet_core::fill::KeySink;

/// Fill's locks hold plain values (a ticket, the registered shortcut) that a panic elsewhere cannot leave
/// half-made: going on with them is safer than refusing to cancel a fill.
pub(crate) fn held<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The window that has the keyboard: an X11 window id, its title as set (`None` without one), the
/// process that says it owns it (`_NET_WM_PID`) and its client leader (`WM_CLIENT_LEADER`, the window
/// a toolkit groups all of one process's windows under).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveWindow {
    pub id: u32,
    pub title: Option<String>,
    pub pid: Option<u32>,
    pub leader: Option<u32>,
}

/// This app's own windows as the X server names them, read as a fill starts: their ids (with their
/// client leaders) and titles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnWindows {
    pub ids: Vec<u32>,
    pub titles: Vec<String>,
}

impl ActiveWindow {
    /// One of this app's windows, never typed into. Any one sign is enough, since each can be missing or
    /// wrong on its own: `_NET_WM_PID` is set by the toolkit and may be absent, so also our own windows'
    /// ids, a window led by one of them (a dialog of ours), and a window bearing our window's title (a
    /// second copy of the app; a page that names itself so is not worth the risk).
    pub fn is_ours(&self, own: &OwnWindows) -> bool {
        self.pid == Some(std::process::id())
            || own.ids.contains(&self.id)
            || self.leader.is_some_and(|leader| own.ids.contains(&leader))
            || self.title.as_deref().is_some_and(|title| own.titles.iter().any(|ours| ours.trim() == title.trim()))
    }
}

/// Reads the active window, for one fill, and holds Escape: while it lives, Escape pressed in any app
/// comes here instead (it cancels the fill), and it is given back when the reader is dropped at the end
/// of the fill. Blocking (a round trip to the X server): called on the blocking pool, every 100 ms while
/// a fill is armed and before every key while it types.
pub trait ActiveWindows: Send {
    /// `None` when no window has the keyboard (the desktop itself).
    fn active(&mut self) -> Result<Option<ActiveWindow>, String>;
    /// Whether Escape was pressed since the last call.
    fn escape_pressed(&mut self) -> bool;
    /// Whether Shift, Ctrl, Alt, AltGr or Super is held down now: a typed digit would become another
    /// character, or a shortcut of the page (Alt+4 switches a browser's tab).
    fn modifiers_held(&mut self) -> Result<bool, String>;
}

/// A keyboard for one fill's typing; dropped when the fill ends.
pub type Keyboard = Box<dyn KeySink + Send>;

/// The desktop a fill runs on. Calls may block; `state::fill` makes them on the blocking pool.
pub trait Desktop: Send + Sync + 'static {
    /// `Ok` with a caveat (or none) when Fill can type here, `Err` with the reason in words when not.
    fn availability(&self) -> Result<Option<String>, String>;
    /// A reader of the active window, holding Escape while it lives.
    fn windows(&self) -> Result<Box<dyn ActiveWindows>, String>;
    /// This app's windows now, so that none of them is ever a target.
    fn own_windows(&self) -> OwnWindows;
    /// A keyboard, reading the layout as it is now.
    fn keyboard(&self) -> Result<Keyboard, String>;
    /// Shows, unminimizes and focuses the main window (the shortcut opens the card picker there).
    fn raise_main_window(&self);
    /// Registers the Fill shortcut in place of the one before; `None` turns it off. On `Err` (words for
    /// the person) the one before stays.
    fn set_shortcut(&self, accelerator: Option<&str>) -> Result<(), String>;
    /// The Fill shortcut registered now.
    fn shortcut(&self) -> Option<String>;
}

/// No desktop to type on: what the state starts with until the app gives it its own (command tests run
/// many apps at once on whatever display the machine has, and none of them may type into it).
pub struct NoDesktop;

/// What [`NoDesktop`] says.
const NO_DESKTOP: &str =
    "This copy of the app was started without a desktop to type into. Use the Copy buttons instead.";

impl Desktop for NoDesktop {
    fn availability(&self) -> Result<Option<String>, String> {
        Err(NO_DESKTOP.to_owned())
    }

    fn windows(&self) -> Result<Box<dyn ActiveWindows>, String> {
        Err(NO_DESKTOP.to_owned())
    }

    fn own_windows(&self) -> OwnWindows {
        OwnWindows::default()
    }

    fn keyboard(&self) -> Result<Keyboard, String> {
        Err(NO_DESKTOP.to_owned())
    }

    fn raise_main_window(&self) {}

    fn set_shortcut(&self, _accelerator: Option<&str>) -> Result<(), String> {
        Ok(())
    }

    fn shortcut(&self) -> Option<String> {
        None
    }
}
