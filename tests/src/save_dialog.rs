//! The system's save dialog (GTK's file chooser, which `tauri-plugin-dialog` opens from the app's Rust
//! side), answered as a person does: the Name field typed over with a whole path, then Enter. WebDriver
//! reaches only the page, so the keys go to the X display through `xdotool` (XTEST), the way a keyboard's
//! would.

use std::path::Path;
use std::time::Duration;

use crate::display::Display;
use crate::{Failure, Result};

impl Display {
    /// The X windows on this display that are mapped: taken before a dialog opens, so the dialog is the
    /// one that was not there.
    pub async fn visible_windows(&self) -> Result<Vec<String>> {
        let out = self.xdotool(&["search", "--onlyvisible", "--name", ""]).await?;
        // `search` exits 1 when nothing matched: no window is an answer, not a failure.
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect())
    }

    /// Waits for a window that is not among `before` (the save dialog) and answers its id.
    pub async fn wait_for_new_window(&self, before: &[String]) -> Result<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(new) = self.visible_windows().await?.into_iter().find(|w| !before.contains(w)) {
                // The chooser fills its file list and focuses its Name field a moment after it maps.
                tokio::time::sleep(Duration::from_millis(800)).await;
                return Ok(new);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new("no new window (the save dialog) opened within 20 s"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Gives the save dialog `window` the keyboard, replaces the suggested name with `path` and presses
    /// Enter. GTK's chooser takes a whole path in its Name field, so no folder has to be clicked through.
    pub async fn save_as(&self, window: &str, path: &Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| Failure::new("the path is not UTF-8"))?;
        for args in [
            &["windowfocus", "--sync", window][..],
            &["key", "--clearmodifiers", "ctrl+a"],
            &["type", "--delay", "15", path],
            &["key", "Return"],
        ] {
            let out = self.xdotool(args).await?;
            if !out.status.success() {
                return Err(Failure::new(format!(
                    "xdotool {args:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        Ok(())
    }

    pub(crate) async fn xdotool(&self, args: &[&str]) -> Result<std::process::Output> {
        self.x11_tool("xdotool", args).await
    }
}
