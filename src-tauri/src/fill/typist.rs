//! The keyboard a fill types on: enigo's x11rb backend, which sends each key through XTEST.
//!
//! One keyboard per fill: it reads the keyboard mapping when it connects, so a layout switched since the
//! last fill (`setxkbmap fr`) is the one used. A character on one of the layout's keys is typed on that key,
//! with Shift held when it is on the key's second level (digits on a French keyboard), so the mapping never
//! changes under a page reading the keys ([`layout_keys`] says why that matters). A character the layout has
//! nowhere the core mapping vouches for is bound by enigo to a spare keycode for the fill, and enigo puts that
//! keycode back to nothing when it is dropped at the end of the fill.
//!
//! An enigo error can name the keysym it failed to bind, which would be a digit of the card: the words
//! here say only which kind of failure it was. enigo also logs every key (`key: Unicode('4')`) through
//! the `log` crate at debug level. This app installs no `log` logger (its `tracing-subscriber` is built
//! without the `tracing-log` bridge), so `log`'s level stays `Off` and those records are dropped before
//! they are formatted; a bridge added later must leave enigo's target out.

use std::time::{Duration, Instant};

use enigo::{Direction, Enigo, InputError, Key, Keyboard, NewConError, Settings};
use wallet_core::fill::KeySink;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, Window};
use x11rb::rust_connection::RustConnection;

use super::layout_keys::{self, LayoutKey, LayoutKeys};

/// The least time between two presses of the same key: what enigo's own `key` waits before a key it has just
/// sent (its default delay), which its `raw`, used for the layout's keys, does not.
const SAME_KEY_GAP: Duration = Duration::from_millis(12);

/// What a person reads when the display is not there, for enigo's connection and for ours alike.
const UNREACHABLE: &str = "the keyboard of the X display could not be reached";

/// XTEST through enigo, for the length of one fill.
pub struct XtestKeyboard {
    enigo: Enigo,
    /// The layout's keys, read at connect, and the connection that reads the keyboard's state before each.
    layout: LayoutKeys,
    conn: RustConnection,
    root: Window,
    /// The layout key pressed last, and when.
    last: Option<(u8, Instant)>,
}

impl XtestKeyboard {
    /// Connects to `$DISPLAY` and reads the current keyboard mapping.
    pub fn connect() -> Result<Self, String> {
        let settings = Settings {
            // Nothing else from the environment: the X display the app runs on, never a Wayland socket.
            x11_display: None,
            wayland_display: None,
            release_keys_when_dropped: true,
            ..Settings::default()
        };
        let enigo = Enigo::new(&settings).map_err(|err| connect_words(&err))?;
        let (conn, screen) = x11rb::connect(None).map_err(|_| UNREACHABLE.to_owned())?;
        let root = conn.setup().roots.get(screen).map(|s| s.root).ok_or_else(|| unreadable("no such screen"))?;
        let layout = read_layout(&conn)?;
        Ok(Self { enigo, layout, conn, root, last: None })
    }

    /// The group whose layout keys type what they were read to type now, if any: a person may switch the
    /// layout or turn Caps Lock on during a fill.
    fn plain_group(&self) -> Result<Option<usize>, String> {
        let state = self
            .conn
            .query_pointer(self.root)
            .map_err(|_| unreadable("the request"))?
            .reply()
            .map_err(|_| unreadable("the state"))?
            .mask;
        Ok(layout_keys::plain_group(state.into()))
    }

    /// Presses and lets go of the layout's own key, with Shift around it for a second level. Shift is let go
    /// whatever fails after it was asked for, so a refused key never leaves it held (enigo also lets go of
    /// what it holds when dropped).
    fn press(&mut self, key: LayoutKey) -> Result<(), InputError> {
        if let Some((keycode, at)) = self.last {
            if keycode == key.keycode {
                std::thread::sleep(SAME_KEY_GAP.saturating_sub(at.elapsed()));
            }
        }
        let shift = self.layout.shift().filter(|_| key.shifted);
        let typed = match shift {
            Some(shift) => {
                let typed = self
                    .enigo
                    .raw(shift.into(), Direction::Press)
                    .and_then(|()| self.enigo.raw(key.keycode.into(), Direction::Click));
                let released = self.enigo.raw(shift.into(), Direction::Release);
                typed.and(released)
            }
            None => self.enigo.raw(key.keycode.into(), Direction::Click),
        };
        self.last = Some((key.keycode, Instant::now()));
        typed
    }
}

fn unreadable(what: &str) -> String {
    format!("the keyboard's layout could not be read ({what})")
}

/// The current layout's keys: the core mapping, and Shift from the modifier map.
fn read_layout(conn: &RustConnection) -> Result<LayoutKeys, String> {
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let mapping = conn
        .get_keyboard_mapping(min, max.saturating_sub(min).saturating_add(1))
        .map_err(|_| unreadable("the request"))?
        .reply()
        .map_err(|_| unreadable("the mapping"))?;
    let modifiers = conn
        .get_modifier_mapping()
        .map_err(|_| unreadable("the request"))?
        .reply()
        .map_err(|_| unreadable("the modifiers"))?;
    let shift = layout_keys::shift_of(modifiers.keycodes_per_modifier(), &modifiers.keycodes);
    Ok(LayoutKeys::read(min, mapping.keysyms_per_keycode, &mapping.keysyms, shift))
}

fn connect_words(err: &NewConError) -> String {
    match err {
        NewConError::EstablishCon(_) => UNREACHABLE.into(),
        NewConError::NoPermission => "the X server does not let this app type".into(),
        NewConError::Reply => "the X server gave an answer the keyboard could not use".into(),
        NewConError::NoEmptyKeycodes => "the keyboard layout has no spare key to type with".into(),
    }
}

/// The failure's kind only: `Mapping` and `Unmapping` carry the keysym, which may be a card digit.
fn input_words(err: &InputError) -> String {
    match err {
        InputError::Mapping(_) => "a character could not be put on a spare key".into(),
        InputError::Unmapping(_) => "a spare key could not be freed for a character".into(),
        InputError::NoEmptyKeycodes => "the keyboard layout has no spare key to type with".into(),
        InputError::Simulate(what) => format!("the X server refused a key ({what})"),
        InputError::InvalidInput(what) => format!("a key could not be typed ({what})"),
    }
}

impl KeySink for XtestKeyboard {
    fn char(&mut self, c: char) -> Result<(), String> {
        let key = self.plain_group()?.and_then(|group| self.layout.key_for(c, group));
        let typed = match key {
            Some(key) => self.press(key),
            None => self.enigo.key(Key::Unicode(c), Direction::Click),
        };
        typed.map_err(|err| input_words(&err))
    }

    fn tab(&mut self) -> Result<(), String> {
        self.enigo.key(Key::Tab, Direction::Click).map_err(|err| input_words(&err))
    }
}
