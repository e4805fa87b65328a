//! A window manager on the test's display (openbox), so that the display has what a person's desktop has
//! and a bare Xvfb lacks: an *active window* (`_NET_ACTIVE_WINDOW` on the root window), set when a window
//! is clicked or activated, and keyboard focus that follows it. Fill watches exactly that to know where
//! it will type. Also the desktop's side of a window, read and changed as a person would: which window is
//! active, its title, activating another one (`xdotool`, through the window manager, as a click on it
//! does).

use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::display::Display;
use crate::{Failure, Result};

/// A running openbox, stopped by its pid when [`WindowManager::stop`] is called or it is dropped.
pub struct WindowManager {
    openbox: Child,
    /// Its cache folder (openbox writes its session files there), not the person's home.
    _home: tempfile::TempDir,
}

impl WindowManager {
    /// Starts openbox on `display` with Debian's own configuration (not one in the home of whoever runs the
    /// tests), and waits until it manages the screen.
    pub async fn start(display: &Display) -> Result<Self> {
        let home = tempfile::Builder::new().prefix("machines-e2e-openbox-").tempdir()?;
        let openbox = Command::new("openbox")
            .args(["--sm-disable", "--config-file", "/etc/xdg/openbox/rc.xml"])
            .env("DISPLAY", display.name())
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::new(format!("could not start openbox (apt install openbox): {e}")))?;
        let manager = Self { openbox, _home: home };
        // A window manager announces itself with `_NET_SUPPORTING_WM_CHECK` on the root window once it has
        // taken the screen; before that, an activation would go nowhere.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let out = display.x11_tool("xprop", &["-root", "_NET_SUPPORTING_WM_CHECK"]).await?;
            if String::from_utf8_lossy(&out.stdout).contains("window id #") {
                return Ok(manager);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new("openbox did not take the screen within 20 s"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asks openbox to exit (SIGTERM to its pid) and waits for it; kills it after 5 s.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(pid) = self.openbox.id() {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::SIGTERM);
        }
        if tokio::time::timeout(Duration::from_secs(5), self.openbox.wait()).await.is_err() {
            self.openbox.start_kill()?;
            self.openbox.wait().await?;
        }
        Ok(())
    }
}

impl Display {
    /// The active window's id (decimal, as xdotool writes it), or `None` when no window is active.
    pub async fn active_window(&self) -> Result<Option<String>> {
        let out = self.xdotool(&["getactivewindow"]).await?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Ok((out.status.success() && !id.is_empty() && id != "0").then_some(id))
    }

    /// Makes `window` the active window through the window manager and waits until it is (what a click on
    /// a window does on a desktop): it gets the keyboard, and the page in it its focused field.
    pub async fn activate(&self, window: &str) -> Result<()> {
        self.xdotool_ok(&["windowactivate", "--sync", window]).await?;
        Ok(())
    }

    /// The title of `window` (`_NET_WM_NAME`, as the window manager shows it).
    pub async fn window_title(&self, window: &str) -> Result<String> {
        let out = self.xdotool_ok(&["getwindowname", window]).await?;
        Ok(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_owned())
    }

    /// The mapped windows of the process `pid` (by `_NET_WM_PID`), waiting up to 20 s for one.
    pub async fn windows_of_pid(&self, pid: i32) -> Result<Vec<String>> {
        self.wait_for_windows(&["search", "--onlyvisible", "--pid", &pid.to_string()], &format!("process {pid}")).await
    }

    /// The mapped windows whose `WM_CLASS` class is `class`, waiting up to 20 s for one.
    pub async fn windows_of_class(&self, class: &str) -> Result<Vec<String>> {
        self.wait_for_windows(&["search", "--onlyvisible", "--class", class], &format!("class {class}")).await
    }

    async fn wait_for_windows(&self, search: &[&str], what: &str) -> Result<Vec<String>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            // `search` exits 1 when nothing matched: not yet, rather than a failure.
            let out = self.xdotool(search).await?;
            let found: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
            if !found.is_empty() {
                return Ok(found);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!("no window of {what} was mapped within 20 s")));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Runs xdotool and fails with its own words when it reports a failure.
    pub async fn xdotool_ok(&self, args: &[&str]) -> Result<std::process::Output> {
        let out = self.xdotool(args).await?;
        if !out.status.success() {
            return Err(Failure::new(format!(
                "xdotool {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(out)
    }

    /// Runs an X client tool (`xprop`, `setxkbmap`) against this display, within 20 s.
    pub(crate) async fn x11_tool(&self, tool: &str, args: &[&str]) -> Result<std::process::Output> {
        let run = Command::new(tool).args(args).env("DISPLAY", self.name()).kill_on_drop(true).output();
        tokio::time::timeout(Duration::from_secs(20), run)
            .await
            .map_err(|_| Failure::new(format!("{tool} did not answer within 20 s")))?
            .map_err(|e| Failure::new(format!("could not run {tool} (scripts/setup installs it): {e}")))
    }
}
