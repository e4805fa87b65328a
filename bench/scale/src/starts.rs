//! Launches without WebDriver, timed by the app's own stdout lines (as `bench/startup` times them): a
//! returning person's start in a seeded home, and the bare window's start beside it.

use std::path::Path;
use std::time::Duration;

use bench_measure::app_run::AppRun;
use bench_measure::memory::{self, Memory};

/// Longer than any start: a launch that says nothing by then has failed.
const START_WITHIN: Duration = Duration::from_secs(120);

/// One start of the wallet in a seeded home.
pub struct Start {
    /// Process start to `ready` (the first screen interactive).
    pub ready: Duration,
    /// Process start to `ready cards <n>` (the card list's rows painted), with n; `None` when the app
    /// does not print it.
    pub cards: Option<(Duration, u64)>,
    /// The first `painted cards <ms>`: the card list's data arriving to its rows painted.
    pub painted_cards: Option<f64>,
    /// The app's process tree, `idle` after the cards were painted (after `ready` without them).
    pub memory: Memory,
}

/// Starts the wallet at `app` in `home`, waits for its report lines (`ready cards` up to `cards_within`
/// after `ready`: a build without the line is not waited for long), then `idle`, and reads its memory.
pub fn wallet(app: &Path, home: &Path, idle: Duration, cards_within: Duration) -> Result<Start, String> {
    let mut run = AppRun::start(app, home, &[])?;
    let ready = run.line("ready", START_WITHIN).ok_or("the wallet did not print `ready`")?.at;
    let cards = run.line("ready cards", cards_within).and_then(|line| {
        let n = line.number_after("ready cards")?;
        Some((line.at, n as u64))
    });
    let painted_cards = match cards {
        Some(_) => run.line("painted cards", Duration::from_secs(5)).and_then(|l| l.number_after("painted cards")),
        None => None,
    };
    std::thread::sleep(idle);
    let memory = memory::of_tree(run.pid());
    run.stop();
    Ok(Start { ready, cards, painted_cards, memory })
}

/// Starts the bare window at `app` in a fresh home: process start to its `ready`.
pub fn bare(app: &Path) -> Result<Duration, String> {
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut run = AppRun::start(app, home.path(), &[])?;
    let ready = run.line("ready", START_WITHIN).ok_or("the bare window did not print `ready`")?.at;
    run.stop();
    Ok(ready)
}
