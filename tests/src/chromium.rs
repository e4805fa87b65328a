//! A real browser for the checkout pages: Debian's Chromium, headed, in a window on the test's display,
//! driven through Debian's ChromeDriver (`/usr/bin/chromedriver` on a loopback port) over WebDriver. Nothing
//! is downloaded: both come from `scripts/setup --tests`. Its profile is a fresh temporary folder, and every
//! process it starts carries a marker of its own in its environment, so all of them are stopped at the end
//! (by pid, found through the marker) whatever state the test left them in.
//!
//! The test reads the page through ChromeDriver (values, the focused field) and clicks into a field as a
//! person would; the keys themselves come from the X server (XTEST), never from ChromeDriver.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::Locator;
use tokio::process::{Child, Command};

use crate::checkout_pages::Field;
use crate::display::Display;
use crate::launch::{free_port, wait_for_port};
use crate::processes::{self, MARKER};
use crate::{Failure, Result};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Chromium's window: room for a checkout page beside the app's window on the 1920×1200 test screen.
const WINDOW: (u32, u32) = (1000, 900);

pub struct Chromium {
    client: Option<fantoccini::Client>,
    driver: Option<Child>,
    marker: String,
    display: String,
    /// Chromium's home and profile, removed when dropped.
    home: tempfile::TempDir,
}

impl Chromium {
    /// Starts ChromeDriver and, through it, Chromium in a window on `display`.
    pub async fn start(display: &Display) -> Result<Self> {
        let home = tempfile::Builder::new().prefix("machines-e2e-chromium-").tempdir()?;
        let port = free_port()?;
        let marker = format!("chromium-{}-{port}", std::process::id());
        let driver = Command::new(CHROMEDRIVER)
            .args([&format!("--port={port}"), "--allowed-ips=127.0.0.1"])
            .env(MARKER, &marker)
            .env("DISPLAY", display.name())
            .env("HOME", home.path())
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::new(format!("could not start {CHROMEDRIVER} (apt install chromium-driver): {e}")))?;
        let mut chromium = Self { client: None, driver: Some(driver), marker, display: display.name(), home };
        wait_for_port("chromedriver", port, Duration::from_secs(20)).await?;

        let profile_dir = chromium.home.path().join("profile");
        let (width, height) = WINDOW;
        let args = vec![
            format!("--user-data-dir={}", profile_dir.display()),
            // The tests run as root on CI machines, where Chromium refuses to start with its sandbox; the
            // pages it opens are the test's own.
            "--no-sandbox".to_owned(),
            "--ozone-platform=x11".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            // No keyring on the test's session: Chromium would otherwise wait for one.
            "--password-store=basic".to_owned(),
            format!("--window-position={},0", 1920 - width),
            format!("--window-size={width},{height}"),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": CHROMIUM, "args": args }));
        let mut builder = fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        chromium.client = Some(builder.connect(&format!("http://127.0.0.1:{port}")).await?);
        Ok(chromium)
    }

    pub fn client(&self) -> Result<&fantoccini::Client> {
        self.client.as_ref().ok_or_else(|| Failure::new("the ChromeDriver session is closed"))
    }

    /// Opens `url` and waits until the page has loaded, its frames included.
    pub async fn open(&self, url: &str) -> Result<()> {
        let client = self.client()?;
        client.goto(url).await?;
        let frames_loaded = "return [...document.querySelectorAll('iframe')].every(f => { \
                             try { return f.contentDocument === null || f.contentDocument.readyState === 'complete'; } \
                             catch (e) { return true; } }) && document.readyState === 'complete'";
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            // A cross-site frame's document is not reachable from the page: its field is looked for instead.
            let ready = client.execute(frames_loaded, vec![]).await?.as_bool().unwrap_or(false);
            if ready && self.frames_have_fields().await? {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!("{url} did not finish loading within 20 s")));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The X window Chromium's page is in (its only visible top-level window).
    pub async fn window(&self, display: &Display) -> Result<String> {
        let windows = display.windows_of_class("chromium").await?;
        match windows.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(Failure::new(format!("Chromium has {} visible windows: {windows:?}", windows.len()))),
        }
    }

    /// Clicks into `field` (inside its frame when it has one), as a person clicks into a field; the page's
    /// focus is then there, and Chromium's window gets the keys whenever it is the active window.
    pub async fn click_into(&self, field: &Field) -> Result<()> {
        let element = self.element(field).await?;
        let clicked = element.click().await;
        self.to_page().await?;
        clicked?;
        Ok(())
    }

    /// The value `field` holds now (a select's: its chosen option's value).
    pub async fn value(&self, field: &Field) -> Result<String> {
        let element = self.element(field).await?;
        let value = element.prop("value").await;
        self.to_page().await?;
        Ok(value?.unwrap_or_default())
    }

    /// Which field has the page's focus: the focused element's id (or name) inside the frame that holds
    /// it, `frame-css > name` for a field in a frame, `BODY` when no field has it.
    pub async fn focused(&self) -> Result<String> {
        const NAME: &str = "const e = document.activeElement; \
                            return e === null || e === document.body ? 'BODY' : (e.id || e.name || e.tagName);";
        let client = self.client()?;
        let top = client.execute(NAME, vec![]).await?.as_str().unwrap_or_default().to_owned();
        if top != "IFRAME" {
            return Ok(top);
        }
        let frame = client.active_element().await?;
        let holder = frame.attr("title").await?.unwrap_or_default();
        frame.enter_frame().await?;
        let inside = client.execute(NAME, vec![]).await;
        self.to_page().await?;
        Ok(format!("{holder} > {}", inside?.as_str().unwrap_or_default()))
    }

    /// Whether the page's form was submitted (the pages mark it instead of leaving).
    pub async fn submitted(&self) -> Result<bool> {
        Ok(self.client()?.execute("return document.body.dataset.submitted === 'yes'", vec![]).await?.as_bool()
            == Some(true))
    }

    /// Ends the session (ChromeDriver closes Chromium), then stops ChromeDriver, and anything of theirs left.
    pub async fn quit(mut self) -> Result<()> {
        if let Some(client) = self.client.take() {
            client.close().await?;
        }
        if let Some(mut driver) = self.driver.take() {
            if let Some(pid) = driver.id() {
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::SIGTERM);
            }
            let _ = tokio::time::timeout(Duration::from_secs(10), driver.wait()).await;
        }
        let left = processes::stop_all(&self.marker, Duration::from_secs(5));
        if !left.is_empty() {
            return Err(Failure::new(format!("Chromium's processes had to be killed on {}: {left:?}", self.display)));
        }
        Ok(())
    }

    /// The element of `field`, with the session switched into its frame when it has one (the caller
    /// switches back to the page).
    async fn element(&self, field: &Field) -> Result<Element> {
        let client = self.client()?;
        self.to_page().await?;
        if let Some(frame) = field.frame {
            client.find(Locator::Css(frame)).await?.enter_frame().await?;
        }
        match client.find(Locator::Css(field.css)).await {
            Ok(element) => Ok(element),
            Err(e) => {
                self.to_page().await?;
                Err(Failure::new(format!("no field {field:?} on the page: {e}")))
            }
        }
    }

    /// Back from a frame to the page. The pages' frames are one level deep, and at the page itself
    /// "switch to parent frame" does nothing (WebDriver's rule), so this is always the page.
    async fn to_page(&self) -> Result<()> {
        self.client()?.enter_parent_frame().await?;
        Ok(())
    }

    /// Whether every iframe of the page has an input in it yet (the provider's frames load after the page).
    async fn frames_have_fields(&self) -> Result<bool> {
        let client = self.client()?;
        let frames = client.find_all(Locator::Css("iframe")).await?;
        for frame in frames {
            frame.enter_frame().await?;
            let found = client.find_all(Locator::Css("input")).await;
            self.to_page().await?;
            if found?.is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl Drop for Chromium {
    /// A test that failed half-way still stops ChromeDriver and Chromium.
    fn drop(&mut self) {
        processes::stop_all(&self.marker, Duration::from_secs(2));
    }
}
