//! The test display's keyboard as a person's: keys pressed and text typed through XTEST (`xdotool`), which
//! the X server delivers to the window with the keyboard focus exactly as it delivers a real keyboard's,
//! and the keyboard layout switched with `setxkbmap` (a French layout, where the digits need Shift; two
//! layouts, with the next one made active by pressing the layout-switching key).

use crate::display::Display;
use crate::Result;

impl Display {
    /// Types `text` into whatever has the keyboard focus, `delay_ms` between keys. xdotool finds each
    /// character's key in the current layout itself.
    pub async fn type_text(&self, text: &str, delay_ms: u32) -> Result<()> {
        self.xdotool_ok(&["type", "--delay", &delay_ms.to_string(), text]).await?;
        Ok(())
    }

    /// Presses a key or chord (`ctrl+alt+f`, `Escape`, `Tab`) on whatever has the keyboard focus.
    pub async fn press(&self, keys: &str) -> Result<()> {
        self.xdotool_ok(&["key", keys]).await?;
        Ok(())
    }

    /// Switches the display's keyboard layout (`us`, `fr`), as a person's keyboard settings do.
    pub async fn set_keyboard_layout(&self, layout: &str) -> Result<()> {
        let out = self.x11_tool("setxkbmap", &["-layout", layout]).await?;
        if !out.status.success() {
            return Err(crate::Failure::new(format!(
                "setxkbmap -layout {layout} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    /// Sets two or more layouts (`us,fr`) with the left Super key switching between them
    /// (`grp:lwin_toggle`), as a desktop's layout switcher does; [`Self::next_keyboard_group`] presses it.
    pub async fn set_keyboard_layouts(&self, layouts: &str) -> Result<()> {
        let out =
            self.x11_tool("setxkbmap", &["-layout", layouts, "-option", "", "-option", "grp:lwin_toggle"]).await?;
        if !out.status.success() {
            return Err(crate::Failure::new(format!(
                "setxkbmap -layout {layouts} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    /// The layout in use, as `setxkbmap -query` reports it (`us`, `fr`).
    pub async fn keyboard_layout(&self) -> Result<String> {
        let out = self.x11_tool("setxkbmap", &["-query"]).await?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        Ok(text
            .lines()
            .find_map(|line| line.strip_prefix("layout:"))
            .map(|layout| layout.trim().to_owned())
            .unwrap_or_default())
    }

    /// Presses the key that switches to the next layout (`ISO_Next_Group`, set by
    /// [`Self::set_keyboard_layouts`]) through XTEST. Not through xdotool: it puts back the layout that was
    /// active before each key it sends.
    pub async fn next_keyboard_group(&self) -> Result<()> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{ConnectionExt, KEY_PRESS_EVENT, KEY_RELEASE_EVENT};
        use x11rb::protocol::xtest::ConnectionExt as _;
        use x11rb::wrapper::ConnectionExt as _;
        let name = self.name();
        let pressed = tokio::task::spawn_blocking(move || -> std::result::Result<(), String> {
            let (conn, screen) = x11rb::connect(Some(&name)).map_err(|e| e.to_string())?;
            let setup = conn.setup();
            let root = setup.roots.get(screen).map(|s| s.root).ok_or("no screen")?;
            let (min, count) = (setup.min_keycode, setup.max_keycode - setup.min_keycode + 1);
            let mapping =
                conn.get_keyboard_mapping(min, count).map_err(|e| e.to_string())?.reply().map_err(|e| e.to_string())?;
            let per = usize::from(mapping.keysyms_per_keycode).max(1);
            let index = mapping
                .keysyms
                .chunks(per)
                .position(|places| places.contains(&0xfe08))
                .ok_or("no key switches the layout")?;
            let keycode = min + u8::try_from(index).map_err(|e| e.to_string())?;
            for event in [KEY_PRESS_EVENT, KEY_RELEASE_EVENT] {
                conn.xtest_fake_input(event, keycode, x11rb::CURRENT_TIME, root, 0, 0, 0).map_err(|e| e.to_string())?;
            }
            conn.sync().map_err(|e| e.to_string())
        });
        pressed
            .await
            .map_err(|e| crate::Failure::new(format!("the layout key could not be pressed: {e}")))?
            .map_err(|e| crate::Failure::new(format!("the layout key could not be pressed: {e}")))
    }

    /// Which of the configured layouts is active (0 for the first): the group the X server reports in the
    /// keyboard's state (`QueryPointer`'s mask, bits 13 and 14).
    pub async fn keyboard_group(&self) -> Result<u8> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::ConnectionExt;
        let name = self.name();
        let asked = tokio::task::spawn_blocking(move || -> std::result::Result<u16, String> {
            let (conn, screen) = x11rb::connect(Some(&name)).map_err(|e| e.to_string())?;
            let root = conn.setup().roots.get(screen).map(|s| s.root).ok_or("no screen")?;
            let state = conn.query_pointer(root).map_err(|e| e.to_string())?.reply().map_err(|e| e.to_string())?;
            Ok(u16::from(state.mask))
        });
        let state = asked
            .await
            .map_err(|e| crate::Failure::new(format!("the keyboard's state could not be read: {e}")))?
            .map_err(|e| crate::Failure::new(format!("the keyboard's state could not be read: {e}")))?;
        Ok(u8::try_from((state >> 13) & 0b11).unwrap_or(0))
    }
}
