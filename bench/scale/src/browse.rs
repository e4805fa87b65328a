//! The big home driven over WebDriver, as a person browses it: the card list scrolled to its end and back,
//! the Activity tab opened (its `painted activity` line, and the memory once it is open), and the
//! activity list scrolled the same way. Scrolling moves the list's scroll container by a screen per
//! animation frame and records the frame intervals and how many rows (`[data-row]`) are in the page.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bench_measure::memory::{self, Memory};
use machines_wallet_e2e::{Launch, Wallet};
use serde_json::Value;

/// The launch's name: its screenshots and driver logs go to `<e2e artifacts>/scale-browse`.
const JOURNEY: &str = "scale-browse";

/// One scroll to the end of a list and back.
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    /// The intervals between animation frames, in ms.
    pub frames_ms: Vec<f64>,
    /// The most `[data-row]` elements in the page at any frame.
    pub most_rows: u64,
    /// The list's scroll height in px: how far there was to go.
    pub height: f64,
    /// How far down the list the scroll got (1: to the end and back up) before its time ran out.
    pub reached: f64,
}

/// What one browsing session measured.
pub struct Browse {
    pub cards: Result<Scroll, String>,
    /// `painted activity <ms>` after the Activity tab was opened.
    pub painted_activity: Option<f64>,
    /// The app's process tree, `idle` after the activity list was painted.
    pub activity_memory: Option<Memory>,
    pub activity: Result<Scroll, String>,
}

/// Browses the home at `home` with the app at `app`.
pub async fn big_home(app: &Path, home: &Path, idle: Duration) -> Result<Browse, String> {
    let stdout = StdoutToFile::new(app)?;
    let w = Launch::new(JOURNEY)
        .app(&stdout.wrapper)
        .in_home(home)
        .env("MACHINES_WALLET_REPORT_READY", "1")
        .start()
        .await
        .map_err(text)?;
    let cards = match w.wait_for_css("[data-list=cards] [data-row]", Duration::from_secs(60)).await {
        Ok(_) => scroll(&w, "[data-list=cards]").await,
        Err(err) => Err(format!("no card rows: {err}")),
    };
    w.click("//button[@id='tab-activity']").await.map_err(text)?;
    let painted_activity = report_number(&stdout.file, "painted activity", Duration::from_secs(60)).await;
    let activity_memory = match painted_activity {
        Some(_) => {
            tokio::time::sleep(idle).await;
            app_memory(&w)
        }
        None => None,
    };
    let activity = match w.wait_for_css("[data-list=activity] [data-row]", Duration::from_secs(30)).await {
        Ok(_) => scroll(&w, "[data-list=activity]").await,
        Err(err) => Err(format!("no activity rows: {err}")),
    };
    let stuck = w.quit().await.map_err(text)?;
    if !stuck.is_empty() {
        return Err(format!("the browsing launch left processes running: {stuck:?}"));
    }
    Ok(Browse { cards, painted_activity, activity_memory, activity })
}

/// The app's stdout in a file. WebKitWebDriver starts the app itself and keeps its stdout, so the launch
/// starts a wrapper that `exec`s the app (same process, same name) with its stdout sent to the file.
struct StdoutToFile {
    _dir: tempfile::TempDir,
    wrapper: PathBuf,
    file: PathBuf,
}

impl StdoutToFile {
    fn new(app: &Path) -> Result<Self, String> {
        let dir = tempfile::Builder::new().prefix("machines-scale-stdout-").tempdir().map_err(text)?;
        let wrapper = dir.path().join("machines-wallet");
        let file = dir.path().join("stdout.txt");
        let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
        let script = format!("#!/bin/sh\nexec {} \"$@\" >{}\n", quote(app), quote(&file));
        std::fs::write(&wrapper, script).map_err(text)?;
        std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).map_err(text)?;
        Ok(Self { _dir: dir, wrapper, file })
    }
}

/// The number on the app's first stdout line `<prefix> <number>`, waiting up to `within` for it.
async fn report_number(stdout: &Path, prefix: &str, within: Duration) -> Option<f64> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let text = std::fs::read_to_string(stdout).unwrap_or_default();
        let found = text.lines().find_map(|line| line.trim().strip_prefix(prefix)?.trim().parse().ok());
        if found.is_some() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// The memory of the app (by its process name) and of the WebKit processes under it.
fn app_memory(w: &Wallet) -> Option<Memory> {
    let (pid, _) = w.processes().into_iter().find(|(_, name)| name == "machines-wallet")?;
    u32::try_from(pid).ok().map(memory::of_tree)
}

/// Scrolls `list` (a selector) down a screen per animation frame to the end, then back to the top. Runs
/// in the page on its own; this polls for the result, so no WebDriver script timeout cuts a long list off.
async fn scroll(w: &Wallet, list: &str) -> Result<Scroll, String> {
    let selector = serde_json::to_string(list).map_err(text)?;
    let script = SCROLL.replace("SELECTOR", &selector).replace("BUDGET_MS", &SCROLL_BUDGET.as_millis().to_string());
    w.script(&script).await.map_err(text)?;
    let deadline = Instant::now() + SCROLL_BUDGET + Duration::from_secs(60);
    while Instant::now() < deadline {
        let result = w.script("return window.__scaleScroll;").await.map_err(text)?;
        if let Some(error) = result.get("error").and_then(Value::as_str) {
            return Err(error.to_owned());
        }
        if let Some(frames) = result.get("frames").and_then(Value::as_array) {
            return Ok(Scroll {
                frames_ms: frames.iter().filter_map(Value::as_f64).collect(),
                most_rows: result.get("rows").and_then(Value::as_u64).unwrap_or(0),
                height: result.get("height").and_then(Value::as_f64).unwrap_or(0.0),
                reached: result.get("reached").and_then(Value::as_f64).unwrap_or(0.0),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!("scrolling {list} did not stop within {:?}", SCROLL_BUDGET + Duration::from_secs(60)))
}

/// How long one list is scrolled at most: on a loaded machine a 10,000-line list at a screen per frame
/// takes minutes, and the frames seen by then are the figure; how far it got is printed beside them.
const SCROLL_BUDGET: Duration = Duration::from_secs(60);

/// The page side of [`scroll`]. Leaves `{frames, rows, height, reached}` or `{error}` in
/// `window.__scaleScroll`.
const SCROLL: &str = r#"
const list = document.querySelector(SELECTOR);
window.__scaleScroll = null;
if (!list) { window.__scaleScroll = { error: "no " + SELECTOR + " in the page" }; return; }
const frames = [];
const started = performance.now();
let rows = 0, down = true, last = 0, deepest = 0;
list.scrollTop = 0;
const step = (now) => {
  if (last) frames.push(now - last);
  last = now;
  rows = Math.max(rows, document.querySelectorAll("[data-row]").length);
  if (down) {
    list.scrollTop += list.clientHeight;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) down = false;
  } else {
    list.scrollTop -= list.clientHeight;
    if (list.scrollTop <= 0) {
      window.__scaleScroll = { frames, rows, height: list.scrollHeight, reached: 1 };
      return;
    }
  }
  if (now - started > BUDGET_MS) {
    window.__scaleScroll = { frames, rows, height: list.scrollHeight, reached: deepest / list.scrollHeight };
    return;
  }
  deepest = Math.max(deepest, list.scrollTop + list.clientHeight);
  requestAnimationFrame(step);
};
requestAnimationFrame(step);
"#;

fn text(err: impl std::fmt::Display) -> String {
    err.to_string()
}
