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

use enigo::{Direction, Enigo, InputError, Key, Keyboard, NewConError, Settings};
use wallet_core::fill::KeySink;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt;

use super::layout_keys::{LayoutKey, LayoutKeys};

/// XTEST through enigo, for the length of one fill.
pub struct XtestKeyboard {
    enigo: Enigo,
    layout: LayoutKeys,
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
        Ok(Self { enigo, layout: read_layout()? })
    }

    /// Presses and lets go of the layout's own key, with Shift around it for a second level. Shift is let go
    /// even when the key fails, so a refused key never leaves it held.
    fn press(&mut self, key: LayoutKey, shift: Option<u8>) -> Result<(), enigo::InputError> {
        let shift = shift.filter(|_| key.shifted);
        if let Some(shift) = shift {
            self.enigo.raw(shift.into(), Direction::Press)?;
        }
        let typed = self.enigo.raw(key.keycode.into(), Direction::Click);
        let released = shift.map_or(Ok(()), |shift| self.enigo.raw(shift.into(), Direction::Release));
        typed.and(released)
    }
}

/// The current layout's keys and the keyboard's state, on a connection of its own to the same display as
/// enigo's (`$DISPLAY`).
fn read_layout() -> Result<LayoutKeys, String> {
    let unreadable = |what: &str| format!("the keyboard's layout could not be read ({what})");
    let (conn, screen) =
        x11rb::connect(None).map_err(|_| "the keyboard of the X display could not be reached".to_owned())?;
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let root = setup.roots.get(screen).map(|s| s.root).ok_or_else(|| unreadable("no such screen"))?;
    let mapping = conn
        .get_keyboard_mapping(min, max.saturating_sub(min).saturating_add(1))
        .map_err(|_| unreadable("the request"))?
        .reply()
        .map_err(|_| unreadable("the mapping"))?;
    let state = conn
        .query_pointer(root)
        .map_err(|_| unreadable("the request"))?
        .reply()
        .map_err(|_| unreadable("the state"))?
        .mask;
    Ok(LayoutKeys::read(min, mapping.keysyms_per_keycode, &mapping.keysyms, state.into()))
}

fn connect_words(err: &NewConError) -> String {
    match err {
        NewConError::EstablishCon(_) => "the keyboard of the X display could not be reached".into(),
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
        let typed = match self.layout.key_for(c) {
            Some(key) => self.press(key, self.layout.shift()),
            None => self.enigo.key(Key::Unicode(c), Direction::Click),
        };
        typed.map_err(|err| input_words(&err))
    }

    fn tab(&mut self) -> Result<(), String> {
        self.enigo.key(Key::Tab, Direction::Click).map_err(|err| input_words(&err))
    }
}
