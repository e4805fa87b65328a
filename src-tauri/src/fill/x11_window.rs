//! The X11 active window: which top-level window has the keyboard, its title, process id and client
//! leader, and whether a modifier is held, read with plain core-protocol requests over one x11rb
//! connection per fill.
//!
//! A window manager names the active window in `_NET_ACTIVE_WINDOW` on the root window (EWMH). Without
//! one (a bare X server), the window with the input focus is walked up to its top-level window, the
//! child of the root. A reparenting manager that does not set the property leaves a frame there; the
//! client window inside it is the descendant carrying `WM_STATE` (ICCCM), as `XmuClientWindow` finds it.
//!
//! The same connection takes Escape from every app while a fill is under way (a passive grab on the
//! root window), and the X server gives it back when the connection closes at the end of the fill. This
//! is done here rather than through the `global-hotkey` crate: global-hotkey 0.8 queues the X11 ungrab
//! without flushing it, so Escape stayed taken from every app after the fill (seen under Xvfb: another
//! client's `GrabKey` on Escape got `BadAccess` until the next shortcut change); a grab that lives and
//! dies with the fill's own connection cannot outlive it.

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::xproto::{Atom, AtomEnum, ConnectionExt, GrabMode, KeyButMask, Keycode, ModMask, Window};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

use super::{ActiveWindow, ActiveWindows};

x11rb::atom_manager! {
    Atoms: AtomsCookie {
        _NET_ACTIVE_WINDOW,
        _NET_WM_NAME,
        _NET_WM_PID,
        UTF8_STRING,
        WM_CLIENT_LEADER,
        WM_STATE,
    }
}

/// A title is read up to this many 32-bit units (4 KiB); what is shown is cut to 80 characters anyway.
const TITLE_UNITS: u32 = 1024;
/// How deep under a frame the client window is looked for (a frame nests it one or two levels down).
const CLIENT_SEARCH_DEPTH: usize = 4;
/// The Escape keysym (`XK_Escape`).
const ESCAPE_KEYSYM: u32 = 0xff1b;

/// One connection to the X server, reading the active window on demand.
pub struct X11Windows {
    conn: RustConnection,
    root: Window,
    atoms: Atoms,
    /// The keycodes of Escape this connection has taken.
    escape: Vec<Keycode>,
}

/// A failed request, in words without any window content.
fn x_error(what: &str) -> impl Fn(x11rb::errors::ReplyError) -> String + '_ {
    move |err| format!("the X server did not answer {what} ({err})")
}

impl X11Windows {
    /// Connects to `$DISPLAY`.
    pub fn connect() -> Result<Self, String> {
        let (conn, screen) = x11rb::connect(None).map_err(|err| format!("no X11 display could be reached ({err})"))?;
        let root = conn.setup().roots.get(screen).map(|s| s.root).ok_or("the X server named no screen")?;
        let atoms = Atoms::new(&conn)
            .map_err(|err| format!("the X server could not be asked for atoms ({err})"))?
            .reply()
            .map_err(x_error("for atoms"))?;
        Ok(Self { conn, root, atoms, escape: Vec::new() })
    }

    /// Takes Escape from every app for as long as this connection lives: Escape alone, also with Caps Lock
    /// or Num Lock on (X11 counts them as modifiers). Not `AnyModifier`: a window manager's own binding of
    /// Escape with a modifier (openbox's Alt+Escape) makes the server refuse that whole grab. `Err` when
    /// another app has taken plain Escape (the fill goes on: Cancel and the lock still stop it).
    pub fn take_escape(&mut self) -> Result<(), String> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .conn
            .get_keyboard_mapping(min, max.saturating_sub(min).saturating_add(1))
            .map_err(|err| format!("the X server could not be asked for the keyboard ({err})"))?
            .reply()
            .map_err(x_error("for the keyboard"))?;
        let per_key = usize::from(mapping.keysyms_per_keycode).max(1);
        let codes: Vec<Keycode> = mapping
            .keysyms
            .chunks(per_key)
            .zip(min..=max)
            .filter(|(keysyms, _)| keysyms.contains(&ESCAPE_KEYSYM))
            .map(|(_, code)| code)
            .collect();
        if codes.is_empty() {
            return Err("no key of this keyboard types Escape".to_owned());
        }
        for code in codes {
            for (n, modifiers) in
                [ModMask::default(), ModMask::LOCK, ModMask::M2, ModMask::LOCK | ModMask::M2].into_iter().enumerate()
            {
                let taken = self
                    .conn
                    .grab_key(false, self.root, modifiers, code, GrabMode::ASYNC, GrabMode::ASYNC)
                    .map_err(|err| format!("the X server could not be asked for Escape ({err})"))?
                    .check();
                match taken {
                    Ok(()) => {}
                    // Plain Escape is the one that matters; with a lock key on, another app may keep it.
                    Err(err) if n == 0 => return Err(format!("another app holds Escape ({err})")),
                    Err(_) => {}
                }
            }
            self.escape.push(code);
        }
        Ok(())
    }

    /// The window's client leader (`WM_CLIENT_LEADER`), if it names one.
    pub fn leader_of(&self, window: Window) -> Result<Option<Window>, String> {
        let leader = self.property_u32(window, self.atoms.WM_CLIENT_LEADER, AtomEnum::WINDOW.into())?;
        Ok(leader.filter(|&leader| leader != x11rb::NONE))
    }

    /// Whether the server offers XTEST, the extension every typed key goes through.
    pub fn has_xtest(&self) -> bool {
        matches!(self.conn.extension_information("XTEST"), Ok(Some(_)))
    }

    /// A property's bytes, `None` when the window does not have it (or it is of another type).
    fn property(&self, window: Window, property: Atom, type_: Atom, units: u32) -> Result<Option<Vec<u8>>, String> {
        let reply = self
            .conn
            .get_property(false, window, property, type_, 0, units)
            .map_err(|err| format!("the X server could not be asked for a property ({err})"))?
            .reply();
        match reply {
            Ok(reply) if reply.type_ == u32::from(AtomEnum::NONE) || reply.format == 0 => Ok(None),
            Ok(reply) if type_ != u32::from(AtomEnum::ANY) && reply.type_ != type_ => Ok(None),
            Ok(reply) => Ok(Some(reply.value)),
            // The window went away between two requests: as if it had no such property.
            Err(x11rb::errors::ReplyError::X11Error(_)) => Ok(None),
            Err(err) => Err(x_error("for a property")(err)),
        }
    }

    /// The first 32-bit value of a property.
    fn property_u32(&self, window: Window, property: Atom, type_: Atom) -> Result<Option<u32>, String> {
        Ok(self.property(window, property, type_, 1)?.and_then(|bytes| {
            let first: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
            Some(u32::from_ne_bytes(first))
        }))
    }

    /// The window manager's active window, when one keeps `_NET_ACTIVE_WINDOW`.
    fn net_active(&self) -> Result<Option<Option<Window>>, String> {
        let value = self.property_u32(self.root, self.atoms._NET_ACTIVE_WINDOW, AtomEnum::WINDOW.into())?;
        // Present and 0 means "no window is active" (the desktop has the focus): an answer, not a
        // missing manager.
        Ok(value.map(|window| (window != x11rb::NONE).then_some(window)))
    }

    /// Without a manager: the focused window walked up to the root's child, then into the client window.
    fn focused_top_level(&self) -> Result<Option<Window>, String> {
        let focus = self
            .conn
            .get_input_focus()
            .map_err(|err| format!("the X server could not be asked for the focus ({err})"))?
            .reply()
            .map_err(x_error("for the focus"))?
            .focus;
        // 0 is None and 1 is PointerRoot: no window of its own has the keyboard.
        if focus <= 1 || focus == self.root {
            return Ok(None);
        }
        let mut window = focus;
        loop {
            let Ok(tree) = self.conn.query_tree(window).map_err(|err| err.to_string())?.reply() else {
                return Ok(None);
            };
            if tree.parent == self.root || tree.parent == x11rb::NONE {
                break;
            }
            window = tree.parent;
        }
        Ok(Some(self.client_window(window, CLIENT_SEARCH_DEPTH)?.unwrap_or(window)))
    }

    /// `window` if it carries `WM_STATE`, else the first descendant that does.
    fn client_window(&self, window: Window, depth: usize) -> Result<Option<Window>, String> {
        if self.property(window, self.atoms.WM_STATE, AtomEnum::ANY.into(), 1)?.is_some() {
            return Ok(Some(window));
        }
        if depth == 0 {
            return Ok(None);
        }
        let Ok(tree) = self.conn.query_tree(window).map_err(|err| err.to_string())?.reply() else { return Ok(None) };
        for child in tree.children {
            if let Some(found) = self.client_window(child, depth - 1)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The title as the window sets it: `_NET_WM_NAME` in UTF-8, else `WM_NAME` (Latin-1 when it is a
    /// `STRING`, read as UTF-8 otherwise). `None` when it has neither or they are empty.
    fn title(&self, window: Window) -> Result<Option<String>, String> {
        if let Some(bytes) = self.property(window, self.atoms._NET_WM_NAME, self.atoms.UTF8_STRING, TITLE_UNITS)? {
            let title = String::from_utf8_lossy(&bytes).into_owned();
            if !title.is_empty() {
                return Ok(Some(title));
            }
        }
        let reply = self
            .conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, TITLE_UNITS)
            .map_err(|err| format!("the X server could not be asked for a title ({err})"))?
            .reply();
        let Ok(reply) = reply else { return Ok(None) };
        let title: String = if reply.type_ == u32::from(AtomEnum::STRING) {
            reply.value.iter().map(|&b| char::from(b)).collect()
        } else {
            String::from_utf8_lossy(&reply.value).into_owned()
        };
        Ok((!title.is_empty()).then_some(title))
    }
}

impl ActiveWindows for X11Windows {
    fn escape_pressed(&mut self) -> bool {
        let mut pressed = false;
        // The events the grab delivered since the last look (replies read meanwhile queued them).
        while let Ok(Some(event)) = self.conn.poll_for_event() {
            if let Event::KeyPress(key) = event {
                pressed |= self.escape.contains(&key.detail);
            }
        }
        pressed
    }

    fn modifiers_held(&mut self) -> Result<bool, String> {
        let state = self
            .conn
            .query_pointer(self.root)
            .map_err(|err| format!("the X server could not be asked for the keyboard's state ({err})"))?
            .reply()
            .map_err(x_error("for the keyboard's state"))?
            .mask;
        // Mod1 is Alt, Mod4 Super and Mod5 AltGr on the usual layouts. Lock (Caps) and the layout group are not
        // waited for: the typist reads them before each key and, when they are not plain, leaves the key to a
        // spare keycode carrying the character on both levels (`typist`); Mod2 (Num Lock) changes no digit.
        let changing = KeyButMask::SHIFT | KeyButMask::CONTROL | KeyButMask::MOD1 | KeyButMask::MOD4 | KeyButMask::MOD5;
        Ok(state.intersects(changing))
    }

    fn active(&mut self) -> Result<Option<ActiveWindow>, String> {
        let window = match self.net_active()? {
            Some(active) => active,
            None => self.focused_top_level()?,
        };
        let Some(id) = window else { return Ok(None) };
        let pid = self.property_u32(id, self.atoms._NET_WM_PID, AtomEnum::CARDINAL.into())?;
        Ok(Some(ActiveWindow { id, title: self.title(id)?, pid, leader: self.leader_of(id)? }))
    }
}
