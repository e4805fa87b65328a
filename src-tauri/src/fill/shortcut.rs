//! The Fill shortcut (`Ctrl+Alt+F` unless the person chose another or none), registered while the app
//! runs through the `global-hotkey` crate, from Rust only: the page has no way to register one.
//!
//! Not through `tauri-plugin-global-shortcut`, which wraps the same crate: the plugin runs every register
//! and unregister on the app's main thread (macOS needs that) and waits there for the crate's X11 thread,
//! which reads its requests only between 50 ms sleeps. So each call froze the window, and held the page's
//! files and commands, for up to 50 ms; the one at start-up fell while WebKit's web process was starting,
//! and the page's navigation came 0 to 50 ms late (first starts about 25 ms slower in half the runs). On
//! X11 the crate needs no particular thread, so the app calls it on the blocking pool (`state::settings`)
//! and the main thread never waits. (Escape, taken only while a fill is under way, is the fill's own X11
//! connection's: `x11_window`.)

pub use global_hotkey::hotkey::HotKey as Shortcut;
use global_hotkey::hotkey::Modifiers;

/// The Fill shortcut as the person wrote it (`Ctrl+Alt+F`), read by the crate's own parser. It must hold
/// Ctrl, Alt or Super: a global shortcut without one would take a plain key (or Shift and a letter) from
/// every app, and typing there would stop working.
pub fn parse(accelerator: &str) -> Result<Shortcut, String> {
    let shortcut: Shortcut = accelerator.parse().map_err(|_| {
        format!(
            "\u{201c}{accelerator}\u{201d} is not a key combination the app can listen for. Write it like \
             Ctrl+Alt+F: modifiers first, then one key."
        )
    })?;
    if !shortcut.mods.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER) {
        return Err("A global shortcut needs Ctrl, Alt or Super, so it does not take a key other apps need.".into());
    }
    Ok(shortcut)
}

#[cfg(target_os = "linux")]
pub use x11::Shortcuts;

#[cfg(target_os = "linux")]
mod x11 {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;

    use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};

    use super::Shortcut;

    /// No Fill shortcut registered: a value no shortcut's id (a `u32`) takes.
    const NONE: u64 = u64::MAX;

    /// Whether [`Shortcuts::start`] has run in this process: the crate keeps the first event handler it is
    /// given for good, so a second start's presses would go to the first one's handler.
    static STARTED: AtomicBool = AtomicBool::new(false);

    /// The crate's manager (its X11 thread and connection) and which of its keys is the Fill shortcut.
    /// Each register and unregister waits for that thread (up to its 50 ms sleep, twice for a give-back):
    /// call them on the blocking pool.
    pub struct Shortcuts {
        manager: GlobalHotKeyManager,
        fill: Arc<AtomicU64>,
    }

    impl Shortcuts {
        /// Starts the crate's X11 thread. `on_fill` runs on that thread at each press (not release) of the
        /// Fill shortcut: it must hand the press on and return, since a handler that registered or
        /// unregistered a key itself would wait on its own thread forever.
        ///
        /// Once per process (the app's `AppDesktop` holds the one it starts); a second call is refused.
        pub fn start(on_fill: impl Fn() + Send + Sync + 'static) -> Result<Self, String> {
            if STARTED.swap(true, Ordering::SeqCst) {
                return Err("The app's global shortcuts were started twice.".to_owned());
            }
            let fill = Arc::new(AtomicU64::new(NONE));
            let current = fill.clone();
            // Before the manager: an event sent with no handler set would fix the crate's slot to none.
            GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
                if event.state == HotKeyState::Pressed && u64::from(event.id) == current.load(Ordering::SeqCst) {
                    on_fill();
                }
            }));
            let manager = GlobalHotKeyManager::new().map_err(refused)?;
            Ok(Self { manager, fill })
        }

        /// Registers `shortcut` as the Fill shortcut. A press of the one before is not a Fill press from here
        /// on, though it stays taken until [`Self::give_back`].
        pub fn register_fill(&self, shortcut: Shortcut) -> Result<(), String> {
            if let Err(err) = self.manager.register(shortcut) {
                // Refused part way (another app holds the key with Num or Caps Lock on), the crate queues the
                // ungrabs of the variants it did get without flushing them; an unregister begins with a
                // request whose reply sends them, so no part of the key stays taken.
                let _ = self.manager.unregister(shortcut);
                return Err(refused(err));
            }
            self.fill.store(u64::from(shortcut.id()), Ordering::SeqCst);
            Ok(())
        }

        /// Gives a shortcut back to the other apps.
        ///
        /// Twice: global-hotkey 0.8 queues the X11 ungrab without flushing its connection, so after one call
        /// the key stays taken from every app until the crate next talks to the X server. The second call
        /// begins with a keyboard-mapping request whose reply flushes the first ungrab; its own ungrab of a
        /// key no longer held changes nothing.
        pub fn give_back(&self, shortcut: Shortcut) -> Result<(), String> {
            let _ = self.fill.compare_exchange(u64::from(shortcut.id()), NONE, Ordering::SeqCst, Ordering::SeqCst);
            self.manager.unregister(shortcut).map_err(refused)?;
            self.manager.unregister(shortcut).map_err(refused)
        }
    }

    /// The crate's refusal in words: another app holds the combination, or the X server refused it.
    fn refused(err: global_hotkey::Error) -> String {
        match err {
            global_hotkey::Error::AlreadyRegistered(_) => {
                "Another app already uses this key combination. Choose another.".to_owned()
            }
            err => format!("The desktop did not give the app this key combination ({err}). Choose another."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_and_common_spellings_are_read() {
        for accelerator in ["Ctrl+Alt+F", "ctrl+alt+f", "Control+Shift+K", "Super+F9", "Alt+Backquote"] {
            assert!(parse(accelerator).is_ok(), "{accelerator}");
        }
    }

    #[test]
    fn a_combination_the_crate_cannot_read_is_refused_in_words() {
        let why = parse("Ctrl+Alt+Banana").unwrap_err();
        assert!(why.contains("Ctrl+Alt+Banana") && why.contains("modifiers first"), "{why}");
        assert!(parse("Ctrl+F+Alt").is_err());
    }

    #[test]
    fn a_shortcut_without_ctrl_alt_or_super_is_refused() {
        for accelerator in ["F", "Shift+F", "F9", "Escape"] {
            let why = parse(accelerator).unwrap_err();
            assert!(why.contains("Ctrl, Alt or Super"), "{accelerator}: {why}");
        }
    }
}
