//! The system browser, as the app sees it: `xdg-open` on the PATH. The stand-in records every link the app
//! hands over, so a test can check what would have opened and then visit it itself, as the person would.

use std::path::{Path, PathBuf};

use crate::{Failure, Result};

pub struct Browser {
    pub bin: PathBuf,
    log: PathBuf,
}

impl Browser {
    /// Writes an `xdg-open` (and `gio`, the opener's fallback) into `dir/bin` that appends its argument to
    /// `dir/opened.txt`.
    pub fn install(dir: &Path) -> Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin)?;
        let log = dir.join("opened.txt");
        let script = format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display());
        for name in ["xdg-open", "gio"] {
            let path = bin.join(name);
            std::fs::write(&path, &script)?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(Self { bin, log })
    }

    /// Every link opened so far, oldest first.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .map(|text| text.lines().map(|l| l.trim_start_matches("open ").to_owned()).collect())
            .unwrap_or_default()
    }

    /// Waits for the `n`th link (1-based) to be opened.
    pub async fn wait_for_link(&self, n: usize) -> Result<String> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if let Some(link) = self.opened().get(n - 1) {
                return Ok(link.clone());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!("no link was handed to the browser; opened: {:?}", self.opened())));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
