//! The homes the scale bench measures in, made as a person makes them: a fresh home, the release app
//! driven once through Demo set-up over WebDriver (the e2e crate's launch and steps), closed, then the
//! Demo state file seeded with the simulator's own seed code (`machines_sim::seed`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use machines_sim::seed::{seed_file, Plan, Seeded};
use machines_wallet_e2e::{steps, Launch};

/// The Demo user the homes are set up with.
const USER: &str = "scale@example.com";

/// A home's size.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub name: &'static str,
    pub cards: usize,
    pub transactions: usize,
}

/// A returning person with a few cards.
pub const SMALL: Size = Size { name: "small", cards: 3, transactions: 30 };
/// A big account.
pub const BIG: Size = Size { name: "big", cards: 1_000, transactions: 10_000 };

/// A made home: removed when dropped, unless it was made in a folder of the caller's (`--keep-homes`).
pub struct Home {
    dir: Dir,
    pub size: Size,
    pub seeded: Seeded,
}

enum Dir {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl Dir {
    fn path(&self) -> &Path {
        match self {
            Dir::Temporary(dir) => dir.path(),
            Dir::Kept(path) => path,
        }
    }
}

impl Home {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Where the app keeps Demo's state in a home whose `XDG_DATA_HOME` is `<home>/data` (as both the e2e
/// launch and `bench_measure::app_run` set it).
pub fn demo_state_file(home: &Path) -> PathBuf {
    home.join("data").join("cash.machines.wallet").join("demo-state.json")
}

/// Makes a home of `size` with the app at `app`: in a temporary folder, or in `<keep>/<size name>` (which
/// must not exist yet, so a kept home is never an older one half overwritten) to be launched again later
/// by hand, e.g. to profile one start.
pub async fn make(app: &Path, size: Size, keep: Option<&Path>) -> Result<Home, String> {
    let dir = match keep {
        None => Dir::Temporary(
            tempfile::Builder::new().prefix(&format!("machines-scale-{}-", size.name)).tempdir().map_err(text)?,
        ),
        Some(parent) => {
            let path = parent.join(size.name);
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            std::fs::create_dir(&path).map_err(|e| format!("cannot make the home {}: {e}", path.display()))?;
            Dir::Kept(path)
        }
    };
    let journey = format!("scale-home-{}", size.name);
    let w = Launch::new(&journey).app(app).in_home(dir.path()).start().await.map_err(text)?;
    steps::set_up(&w, USER).await.map_err(text)?;
    // "TestApproved" is approved at once, so the app goes straight on to the agreements.
    steps::submit_kyc(&w, "TestApproved").await.map_err(text)?;
    steps::accept_agreements(&w).await.map_err(text)?;
    let file = demo_state_file(dir.path());
    // Demo saves a moment after each burst of requests, and closing the window does not wait for it: a
    // quit right after the agreements left a file whose person had not accepted them (and the app then
    // opened on the agreements, not the cards).
    let saved = agreements_saved(&file, Duration::from_secs(30)).await;
    let stuck = w.quit().await.map_err(text)?;
    if !stuck.is_empty() {
        return Err(format!("the set-up launch left processes running: {stuck:?}"));
    }
    if !saved {
        return Err(format!("Demo did not save the accepted agreements to {} within 30 s", file.display()));
    }
    let now = time::OffsetDateTime::now_utc();
    let plan = Plan {
        cards: size.cards,
        transactions: size.transactions,
        user: None,
        seed: 19,
        now: now.replace_nanosecond(0).unwrap_or(now),
    };
    let seeded = seed_file(&file, &plan).map_err(text)?;
    Ok(Home { dir, size, seeded })
}

/// Whether the state file at `file` has saved an acceptance of the agreements, within `within`.
async fn agreements_saved(file: &Path, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let accepted = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|state| state["users"].as_array().cloned())
            .is_some_and(|users| users.iter().any(|user| user["agreementsAcceptedAt"].is_string()));
        if accepted {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

fn text(err: impl std::fmt::Display) -> String {
    err.to_string()
}
