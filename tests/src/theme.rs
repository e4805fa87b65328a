//! The desktop's colour theme, switched while the app runs, the way an X11 desktop tells GTK apps:
//! an XSETTINGS manager (`xsettingsd`) on the test's display announces `Net/ThemeName`. WebKitGTK takes
//! `prefers-color-scheme: dark` from a theme name ending in `-dark` and follows a change at once, so one
//! launch can be checked in both themes. (`GTK_THEME=Adwaita:dark` works too, but only at launch.)

use std::io::Write as _;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::{Failure, Result, Wallet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub const BOTH: [Theme; 2] = [Theme::Light, Theme::Dark];

    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// GTK's own theme and its dark variant (the name is what WebKitGTK reads; no theme files needed).
    fn gtk_theme(self) -> &'static str {
        match self {
            Theme::Light => "Adwaita",
            Theme::Dark => "Adwaita-dark",
        }
    }
}

/// A running `xsettingsd` and the settings file it reads. Not marked as the launch's: it ends with the
/// display (it exits when its X connection closes), or when dropped.
pub(crate) struct XSettings {
    daemon: Child,
    file: tempfile::NamedTempFile,
}

impl crate::display::Display {
    /// Announces `theme` to the apps on this display: starts `xsettingsd` the first time, then rewrites its
    /// file and has it reload (SIGHUP).
    fn announce(&self, theme: Theme) -> Result<()> {
        let mut settings = self.settings.lock().map_err(|_| Failure::new("the XSETTINGS state was poisoned"))?;
        let line = format!("Net/ThemeName \"{}\"\n", theme.gtk_theme());
        match settings.as_mut() {
            Some(running) => {
                let file = running.file.as_file_mut();
                file.set_len(0)?;
                std::io::Seek::rewind(file)?;
                file.write_all(line.as_bytes())?;
                file.sync_all()?;
                let pid = running.daemon.id().ok_or_else(|| Failure::new("xsettingsd has exited"))?;
                let pid = nix::unistd::Pid::from_raw(pid as i32);
                nix::sys::signal::kill(pid, nix::sys::signal::SIGHUP)
                    .map_err(|e| Failure::new(format!("could not reload xsettingsd: {e}")))?;
            }
            None => {
                let mut file = tempfile::Builder::new().prefix("machines-e2e-xsettings-").tempfile()?;
                file.write_all(line.as_bytes())?;
                file.as_file().sync_all()?;
                let daemon = Command::new("xsettingsd")
                    .arg("-c")
                    .arg(file.path())
                    .env("DISPLAY", self.name())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .kill_on_drop(true)
                    .spawn()
                    .map_err(|e| Failure::new(format!("could not start xsettingsd (apt install xsettingsd): {e}")))?;
                *settings = Some(XSettings { daemon, file });
            }
        }
        Ok(())
    }
}

impl Wallet {
    /// Switches the desktop to `theme` and waits until the page sees it (`prefers-color-scheme`).
    pub async fn set_theme(&self, theme: Theme) -> Result<()> {
        self.display.announce(theme)?;
        let query = "return window.matchMedia('(prefers-color-scheme: dark)').matches;";
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let dark = self.client()?.execute(query, vec![]).await?.as_bool() == Some(true);
            if dark == (theme == Theme::Dark) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!(
                    "the desktop announced the {} theme; the page still prefers {}",
                    theme.name(),
                    if dark { "dark" } else { "light" }
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
