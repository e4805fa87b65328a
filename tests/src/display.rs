//! A private X display (Xvfb) per launch, and its clipboard as a person's other apps would read it.

use std::process::Stdio;

use tokio::io::AsyncBufReadExt;
use tokio::process::{Child, Command};

use crate::{Failure, Result};

/// The largest window size (width, height) a test uses: a wide desktop window.
pub const LARGEST_WINDOW: (u32, u32) = (1600, 1000);

/// The virtual screen: room for [`LARGEST_WINDOW`] with some to spare, 24-bit colour.
const SCREEN: &str = "1920x1200x24";

pub struct Display {
    pub number: u32,
    pub(crate) server: Child,
    /// The launch's marker, given to every process started on this display so teardown finds it.
    marker: String,
    /// The desktop's settings (its colour theme), once a test has changed them (`theme.rs`).
    pub(crate) settings: std::sync::Mutex<Option<crate::theme::XSettings>>,
}

impl Display {
    /// Starts Xvfb on the first free display number; Xvfb itself picks it and reports it on `-displayfd`.
    /// The screen is larger than the largest window a test asks for ([`LARGEST_WINDOW`]): a window that
    /// does not fit is clipped on the X display, so screenshots would miss part of it.
    pub async fn start(marker: &str) -> Result<Self> {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env(crate::processes::MARKER, marker)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::new(format!("could not start Xvfb (apt install xvfb): {e}")))?;
        let stdout = server.stdout.take().ok_or_else(|| Failure::new("Xvfb gave no stdout"))?;
        let mut line = String::new();
        let mut reader = tokio::io::BufReader::new(stdout);
        let read = reader.read_line(&mut line);
        tokio::time::timeout(std::time::Duration::from_secs(20), read)
            .await
            .map_err(|_| Failure::new("Xvfb did not report a display within 20 s"))??;
        let number = line.trim().parse().map_err(|_| Failure::new(format!("Xvfb reported {line:?}")))?;
        Ok(Self { number, server, marker: marker.to_owned(), settings: std::sync::Mutex::new(None) })
    }

    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }

    /// The text on the clipboard, or `None` when it is empty (what a paste would get).
    pub async fn clipboard(&self) -> Result<Option<String>> {
        let out = self.xclip(&["-selection", "clipboard", "-o"]).await?;
        Ok(out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned()))
    }

    /// The formats the clipboard offers: a secret carries the password-manager hint.
    pub async fn clipboard_targets(&self) -> Result<Vec<String>> {
        let out = self.xclip(&["-selection", "clipboard", "-t", "TARGETS", "-o"]).await?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect())
    }

    /// Puts text of the person's own on the clipboard (another app copying something).
    pub async fn copy_own_text(&self, text: &str) -> Result<()> {
        use tokio::io::AsyncWriteExt;
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-i"])
            .env("DISPLAY", self.name())
            .env(crate::processes::MARKER, &self.marker)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes()).await?;
        }
        // xclip forks a child that serves the selection, the parent exits once it has read its input.
        child.wait().await?;
        Ok(())
    }

    async fn xclip(&self, args: &[&str]) -> Result<std::process::Output> {
        let run = Command::new("xclip")
            .args(args)
            .env("DISPLAY", self.name())
            .env(crate::processes::MARKER, &self.marker)
            .kill_on_drop(true)
            .output();
        tokio::time::timeout(std::time::Duration::from_secs(10), run)
            .await
            .map_err(|_| Failure::new("xclip did not answer within 10 s"))?
            .map_err(|e| Failure::new(format!("could not run xclip (apt install xclip): {e}")))
    }
}

impl crate::Wallet {
    /// Resizes the app's window over WebDriver to `width` × `height` at the screen's top left corner, and
    /// waits until the page's viewport has that size. Xvfb runs no window manager, so the window has no
    /// decorations and its size is the viewport's.
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        let (max_width, max_height) = LARGEST_WINDOW;
        if width > max_width || height > max_height {
            return Err(Failure::new(format!(
                "{width}×{height} does not fit the test display (at most {max_width}×{max_height})"
            )));
        }
        let client = self.client()?;
        client.set_window_rect(0, 0, width, height).await?;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let size = client.execute("return [window.innerWidth, window.innerHeight];", vec![]).await?;
            let seen = (size[0].as_u64().unwrap_or(0), size[1].as_u64().unwrap_or(0));
            if seen == (u64::from(width), u64::from(height)) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!(
                    "asked for a {width}×{height} window; the page's viewport stayed {}×{}",
                    seen.0, seen.1
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
