//! The keyboard a fill types on: enigo's x11rb backend, which sends each key through XTEST.
//!
//! One `Enigo` per fill: it reads the keyboard mapping when it connects, so a layout switched since the
//! last fill (`setxkbmap fr`) is the one used. A character with no key on the first level of the layout
//! (digits on a French keyboard, which need Shift there) is bound by enigo to a spare keycode for the
//! fill, and enigo puts that keycode back to nothing when it is dropped at the end of the fill.
//!
//! An enigo error can name the keysym it failed to bind, which would be a digit of the card: the words
//! here say only which kind of failure it was. enigo also logs every key (`key: Unicode('4')`) through
//! the `log` crate at debug level. This app installs no `log` logger (its `tracing-subscriber` is built
//! without the `tracing-log` bridge), so `log`'s level stays `Off` and those records are dropped before
//! they are formatted; a bridge added later must leave enigo's target out.

use enigo::{Direction, Enigo, InputError, Key, Keyboard, NewConError, Settings};
use wallet_core::fill::KeySink;

/// XTEST through enigo, for the length of one fill.
pub struct XtestKeyboard {
    enigo: Enigo,
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
        Ok(Self { enigo })
    }
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
        self.enigo.key(Key::Unicode(c), Direction::Click).map_err(|err| input_words(&err))
    }

    fn tab(&mut self) -> Result<(), String> {
        self.enigo.key(Key::Tab, Direction::Click).map_err(|err| input_words(&err))
    }
}
