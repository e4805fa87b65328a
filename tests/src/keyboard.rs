//! The test display's keyboard as a person's: keys pressed and text typed through XTEST (`xdotool`), which
//! the X server delivers to the window with the keyboard focus exactly as it delivers a real keyboard's,
//! and the keyboard layout switched with `setxkbmap` (a French layout, where the digits need Shift).

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
}
