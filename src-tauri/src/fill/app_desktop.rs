//! The app's own [`Desktop`]: X11 for the active window and Escape, XTEST for the keys, the
//! `global-hotkey` crate for the Fill shortcut, and the main window.

use std::sync::{Mutex, OnceLock};

use tauri::{AppHandle, Manager, Runtime};

use super::session::{self, Session};
use super::shortcut::{self, Shortcut, Shortcuts};
use super::typist::XtestKeyboard;
use super::x11_window::X11Windows;
use super::{held, ActiveWindows, Desktop, Keyboard, OwnWindows};
use crate::state::AppState;

pub struct AppDesktop<R: Runtime> {
    app: AppHandle<R>,
    session: Session,
    /// Asked once: the session does not change while the app runs.
    availability: OnceLock<Result<Option<String>, String>>,
    /// The global-hotkey crate's thread and X11 connection, started at the first registration, on the
    /// blocking pool (the plugin made them on the main thread as the app started).
    shortcuts: OnceLock<Result<Shortcuts, String>>,
    /// Held through a change of the Fill shortcut (up to three waits on the crate's thread), so two changes
    /// never interleave; `fill_shortcut` itself is held only to read or write it, so that asking which one is
    /// registered never waits behind the X server.
    changing: Mutex<()>,
    /// The Fill shortcut registered now, as the person wrote it.
    fill_shortcut: Mutex<Option<(String, Shortcut)>>,
}

impl<R: Runtime> AppDesktop<R> {
    /// The desktop `app` runs on, its session read from the process environment.
    pub fn new(app: AppHandle<R>) -> Self {
        Self {
            app,
            session: Session::from_env(|name| std::env::var(name).ok()),
            availability: OnceLock::new(),
            shortcuts: OnceLock::new(),
            changing: Mutex::new(()),
            fill_shortcut: Mutex::new(None),
        }
    }

    /// The crate's thread, started on first use; a press of the Fill shortcut goes to
    /// [`AppState::shortcut_pressed`] on the async runtime, off that thread.
    fn shortcuts(&self) -> Result<&Shortcuts, String> {
        let started = self.shortcuts.get_or_init(|| {
            let app = self.app.clone();
            Shortcuts::start(move || {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(state) = app.try_state::<AppState>() {
                        state.shortcut_pressed().await;
                    }
                });
            })
        });
        started.as_ref().map_err(String::clone)
    }
}

impl<R: Runtime> Desktop for AppDesktop<R> {
    fn availability(&self) -> Result<Option<String>, String> {
        self.availability.get_or_init(|| session::availability(self.session)).clone()
    }

    fn windows(&self) -> Result<Box<dyn ActiveWindows>, String> {
        self.availability()?;
        let mut windows = X11Windows::connect()?;
        if let Err(why) = windows.take_escape() {
            // Cancel and the lock still stop the fill; another app holding Escape is no reason to
            // refuse it.
            tracing::warn!(%why, "Escape could not be taken for the fill");
        }
        Ok(Box::new(windows))
    }

    fn own_windows(&self) -> OwnWindows {
        use raw_window_handle::{HasWindowHandle, RawWindowHandle};
        let mut own = OwnWindows::default();
        for window in self.app.webview_windows().values() {
            if let Ok(title) = window.title() {
                own.titles.push(title);
            }
            match window.window_handle().map(|handle| handle.as_raw()) {
                Ok(RawWindowHandle::Xlib(handle)) => own.ids.extend(u32::try_from(handle.window).ok()),
                Ok(RawWindowHandle::Xcb(handle)) => own.ids.push(handle.window.get()),
                // A Wayland window is none of the X server's; the pid and the title still tell ours.
                _ => {}
            }
        }
        // Their client leader leads every window of ours, the save dialog's too.
        if let Ok(windows) = X11Windows::connect() {
            let leaders: Vec<u32> = own.ids.iter().filter_map(|&id| windows.leader_of(id).ok().flatten()).collect();
            own.ids.extend(leaders);
        }
        own.ids.sort_unstable();
        own.ids.dedup();
        own
    }

    fn keyboard(&self) -> Result<Keyboard, String> {
        self.availability()?;
        Ok(Box::new(XtestKeyboard::connect()?))
    }

    fn raise_main_window(&self) {
        crate::show_main_window(&self.app);
    }

    fn set_shortcut(&self, accelerator: Option<&str>) -> Result<(), String> {
        let next = accelerator.map(|text| shortcut::parse(text).map(|parsed| (text.to_owned(), parsed))).transpose()?;
        let _one_at_a_time = held(&self.changing);
        let current = held(&self.fill_shortcut).clone();
        let same = match (&current, &next) {
            (Some((_, old)), Some((_, new))) => old.id() == new.id(),
            (None, None) => true,
            _ => false,
        };
        if !same {
            // Where Fill cannot type, the crate's thread finds no X server and ends, and from then on every
            // register answers Ok: say why instead.
            if next.is_some() {
                self.availability()?;
            }
            // The new one first: if the desktop refuses it, the old one is still registered and kept.
            let shortcuts = self.shortcuts()?;
            if let Some((_, new)) = &next {
                shortcuts.register_fill(*new)?;
            }
            if let Some((_, old)) = current {
                if let Err(why) = shortcuts.give_back(old) {
                    tracing::warn!(%why, "the previous Fill shortcut could not be given back");
                }
            }
        }
        *held(&self.fill_shortcut) = next;
        Ok(())
    }

    fn shortcut(&self) -> Option<String> {
        held(&self.fill_shortcut).as_ref().map(|(text, _)| text.clone())
    }
}
