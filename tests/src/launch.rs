//! Launching the app for one journey: a fresh home, a private display, `tauri-driver` on free ports, a
//! WebDriver session whose browser is the app, and teardown that leaves no process behind.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::browser::Browser;
use crate::display::Display;
use crate::processes::{self, MARKER};
use crate::{Failure, Result};

/// What to launch: a journey name (for the screenshots folder), extra environment for the app, the home to
/// run it in (a fresh temporary one unless given) and the app's binary (the built one unless given).
pub struct Launch {
    journey: String,
    env: Vec<(String, String)>,
    home: Option<PathBuf>,
    app: Option<PathBuf>,
}

impl Launch {
    pub fn new(journey: &str) -> Self {
        Self { journey: journey.to_owned(), env: Vec::new(), home: None, app: None }
    }

    /// Launches the binary at `app` instead of the built one (`MACHINES_WALLET_APP` for this launch only):
    /// the package test runs the copy `dpkg -i` installed.
    pub fn app(mut self, app: &Path) -> Self {
        self.app = Some(app.to_path_buf());
        self
    }

    /// Runs the app in `home`, which the test owns and keeps, so a second launch finds what the first left
    /// there (a relaunch).
    pub fn in_home(mut self, home: &Path) -> Self {
        self.home = Some(home.to_path_buf());
        self
    }

    /// Points the app at a simulator the test runs (the app's `MACHINES_API_URL` / `MACHINES_PARTNER_KEY`
    /// overrides), instead of the Demo mode simulator it embeds.
    pub fn against(self, base_url: &str, partner_key: &str) -> Self {
        self.env("MACHINES_API_URL", base_url).env("MACHINES_PARTNER_KEY", partner_key)
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    pub async fn start(self) -> Result<Wallet> {
        let app = match self.app {
            Some(path) => path,
            None => app_binary()?,
        };
        let driver_bin = tauri_driver()?;
        let home = match self.home {
            Some(path) => Home::Kept(path),
            None => Home::Temp(tempfile::Builder::new().prefix("machines-e2e-").tempdir()?),
        };
        let marker = format!("{}-{}", std::process::id(), home.path().display()).replace('/', "_");
        let artifacts = artifacts_root().join(&self.journey);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts)?;

        let display = Display::start(&marker).await?;
        let browser = Browser::install(home.path())?;
        let port = free_port()?;
        let native_port = free_port()?;
        // Each launch gets its own session bus with an unlocked gnome-keyring on it: the app's keychain is
        // a real Secret Service, fresh per test, and everything on the bus ends when the driver does.
        let script = format!(
            "printf 'machines-e2e' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec '{}' --port {port} --native-port {native_port}",
            driver_bin.display()
        );
        let mut command = Command::new("dbus-run-session");
        command
            .args(["--", "sh", "-c", &script])
            .env(MARKER, &marker)
            .env("DISPLAY", display.name())
            .env("GDK_BACKEND", "x11")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("PATH", path_with(&browser.bin))
            .env("RUST_LOG", "info")
            .env_remove("MACHINES_API_URL")
            .env_remove("MACHINES_PARTNER_KEY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::fs::File::create(artifacts.join("app.log"))?))
            .stderr(Stdio::from(std::fs::File::create(artifacts.join("app.err.log"))?))
            .kill_on_drop(true);
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let driver = command.spawn().map_err(|e| Failure::new(format!("could not start tauri-driver: {e}")))?;
        let mut wallet =
            Wallet { client: None, driver: Some(driver), display, browser, home, marker, artifacts, shots: 0.into() };
        wait_for_port("tauri-driver", port, Duration::from_secs(20)).await?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
        let mut builder = fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let client = builder.connect(&format!("http://127.0.0.1:{port}")).await?;
        wallet.client = Some(client);
        wallet.wait_for_css("main#main h1", Duration::from_secs(60)).await?;
        Ok(wallet)
    }
}

/// Where a launch runs: its own temporary home (removed at the end), or one the test keeps.
enum Home {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

impl Home {
    fn path(&self) -> &Path {
        match self {
            Self::Temp(dir) => dir.path(),
            Self::Kept(path) => path,
        }
    }
}

/// The running app in its window. Interaction helpers are in `window.rs`.
pub struct Wallet {
    pub(crate) client: Option<fantoccini::Client>,
    driver: Option<Child>,
    pub display: Display,
    pub browser: Browser,
    home: Home,
    marker: String,
    pub(crate) artifacts: PathBuf,
    pub(crate) shots: std::sync::atomic::AtomicU32,
}

impl Wallet {
    /// The app's data directory (settings store and anything else it writes).
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("cash.machines.wallet")
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The app's log folder (Tauri's `app_log_dir()`), under the home like everything else it writes.
    pub fn log_dir(&self) -> PathBuf {
        log_dir(self.home.path())
    }

    /// Where the app's stderr goes (its log is a file in [`Self::log_dir`]; this has what WebKit and the
    /// driver print).
    pub fn stderr_log(&self) -> PathBuf {
        self.artifacts.join("app.err.log")
    }

    /// The processes this launch has running: the driver, the app and its WebKit helpers, the display.
    pub fn processes(&self) -> Vec<(i32, String)> {
        processes::marked(&self.marker)
    }

    /// Closes the session (WebKitWebDriver closes the app's window, which quits it), stops the driver and
    /// the display, and returns any process that had to be killed because it did not stop by itself.
    pub async fn quit(mut self) -> Result<Vec<(i32, String)>> {
        if let Some(client) = self.client.take() {
            client.close().await?;
        }
        if let Some(mut driver) = self.driver.take() {
            // Stopping the driver ends `dbus-run-session`, which takes the bus and the keyring with it.
            for (pid, name) in self.processes() {
                if name == "tauri-driver" {
                    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGTERM);
                }
            }
            let _ = tokio::time::timeout(Duration::from_secs(10), driver.wait()).await;
        }
        // The app (and WebKit's processes) exit once the session is closed; give them a moment.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline && !self.app_side().is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let stuck = self.app_side();
        let _ = self.display.server.start_kill();
        let _ = self.display.server.wait().await;
        processes::stop_all(&self.marker, Duration::from_secs(2));
        Ok(stuck)
    }
}

impl Wallet {
    /// The launch's processes other than the display itself and any `xclip` serving a test's own copy
    /// (those end with the display).
    fn app_side(&self) -> Vec<(i32, String)> {
        let display = self.display.server.id();
        self.processes().into_iter().filter(|(pid, name)| Some(*pid as u32) != display && name != "xclip").collect()
    }
}

impl Drop for Wallet {
    /// A test that failed half-way still stops everything it started.
    fn drop(&mut self) {
        processes::stop_all(&self.marker, Duration::from_secs(2));
    }
}

/// The app's log folder for a launch in `home`: `$XDG_DATA_HOME/<identifier>/logs` on Linux.
pub fn log_dir(home: &Path) -> PathBuf {
    home.join("data").join("cash.machines.wallet").join("logs")
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The app as `tauri build --debug --no-bundle` leaves it (assets embedded), or `MACHINES_WALLET_APP`.
fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("MACHINES_WALLET_APP") {
        Some(path) => PathBuf::from(path),
        None => workspace_root().join("target/debug/machines-wallet"),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(Failure::new(format!(
            "the app is not built at {}: run `npx tauri build --debug --no-bundle` (scripts/test does)",
            path.display()
        )))
    }
}

fn tauri_driver() -> Result<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(cargo_home.map(|h| h.join("bin")));
    for dir in candidates {
        let path = dir.join("tauri-driver");
        if path.is_file() {
            return Ok(path);
        }
    }
    Err(Failure::new("tauri-driver is not installed: cargo install tauri-driver --locked (scripts/setup does)"))
}

/// Where screenshots and logs go: `E2E_ARTIFACTS`, or `target/e2e-artifacts`.
pub fn artifacts_root() -> PathBuf {
    std::env::var_os("E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/e2e-artifacts"))
}

fn path_with(first: &Path) -> std::ffi::OsString {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![first.to_path_buf()];
    paths.extend(std::env::split_paths(&rest));
    std::env::join_paths(paths).unwrap_or(rest)
}

/// A loopback port free at the time of asking, for a driver the test starts.
pub(crate) fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until `server` (named in the error) listens on loopback `port`.
pub(crate) async fn wait_for_port(server: &str, port: u16, within: Duration) -> Result<()> {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(Failure::new(format!("{server} did not listen on port {port} within {within:?}")))
}
