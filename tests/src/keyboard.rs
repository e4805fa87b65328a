//! The test display's keyboard as a person's: keys pressed and text typed through XTEST (`xdotool`), which
//! the X server delivers to the window with the keyboard focus exactly as it delivers a real keyboard's,
//! and the keyboard layout switched with `setxkbmap` (a French layout, where the digits need Shift; two
//! layouts, with the next one made active by pressing the layout-switching key).

use x11rb::connection::Connection;
use x11rb::protocol::xproto::Window;
use x11rb::rust_connection::RustConnection;

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
        self.setxkbmap(&["-layout", layout]).await
    }

    /// Sets two or more layouts (`us,fr`) with the left Super key switching between them
    /// (`grp:lwin_toggle`), as a desktop's layout switcher does; [`Self::next_keyboard_group`] presses it.
    pub async fn set_keyboard_layouts(&self, layouts: &str) -> Result<()> {
        self.setxkbmap(&["-layout", layouts, "-option", "", "-option", "grp:lwin_toggle"]).await
    }

    async fn setxkbmap(&self, args: &[&str]) -> Result<()> {
        let out = self.x11_tool("setxkbmap", args).await?;
        if !out.status.success() {
            return Err(crate::Failure::new(format!(
                "setxkbmap {} failed: {}",
                args.join(" "),
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
        use x11rb::protocol::xproto::{ConnectionExt, KEY_PRESS_EVENT, KEY_RELEASE_EVENT};
        use x11rb::protocol::xtest::ConnectionExt as _;
        use x11rb::wrapper::ConnectionExt as _;
        self.on_x("the layout key could not be pressed", |conn, root| {
            let setup = conn.setup();
            let (min, count) = (setup.min_keycode, setup.max_keycode - setup.min_keycode + 1);
            let mapping = conn.get_keyboard_mapping(min, count).map_err(text)?.reply().map_err(text)?;
            let per = usize::from(mapping.keysyms_per_keycode).max(1);
            let index = mapping
                .keysyms
                .chunks(per)
                .position(|places| places.contains(&0xfe08))
                .ok_or("no key switches the layout")?;
            let keycode = min + u8::try_from(index).map_err(text)?;
            for event in [KEY_PRESS_EVENT, KEY_RELEASE_EVENT] {
                conn.xtest_fake_input(event, keycode, x11rb::CURRENT_TIME, root, 0, 0, 0).map_err(text)?;
            }
            conn.sync().map_err(text)
        })
        .await
    }

    /// Which of the configured layouts is active (0 for the first): the group the X server reports in the
    /// keyboard's state (`QueryPointer`'s mask, bits 13 and 14).
    pub async fn keyboard_group(&self) -> Result<u8> {
        use x11rb::protocol::xproto::ConnectionExt;
        let state = self
            .on_x("the keyboard's state could not be read", |conn, root| {
                Ok(u16::from(conn.query_pointer(root).map_err(text)?.reply().map_err(text)?.mask))
            })
            .await?;
        Ok(u8::try_from((state >> 13) & 0b11).unwrap_or(0))
    }

    /// Runs `work` on a connection of its own to this display, with the screen's root window, on tokio's
    /// blocking pool (x11rb's calls block). A failure is `failed`, with what went wrong.
    async fn on_x<T: Send + 'static>(
        &self,
        failed: &'static str,
        work: impl FnOnce(&RustConnection, Window) -> std::result::Result<T, String> + Send + 'static,
    ) -> Result<T> {
        let name = self.name();
        let done = tokio::task::spawn_blocking(move || {
            let (conn, screen) = x11rb::connect(Some(&name)).map_err(text)?;
            let root = conn.setup().roots.get(screen).map(|s| s.root).ok_or("no screen")?;
            work(&conn, root)
        });
        match done.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(why)) => Err(crate::Failure::new(format!("{failed}: {why}"))),
            Err(why) => Err(crate::Failure::new(format!("{failed}: {why}"))),
        }
    }
}

fn text(err: impl std::fmt::Display) -> String {
    err.to_string()
}
