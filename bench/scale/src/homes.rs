//! The homes the scale bench measures in, made as a person makes them: a fresh home, the release app
//! driven once through Demo set-up over WebDriver (the e2e crate's launch and steps), closed, then the
//! Demo state file seeded with the simulator's own seed code (`machines_sim::seed`).

use std::path::{Path, PathBuf};
use std::time::Duration;

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
    let saved = steps::agreements_saved(dir.path(), Duration::from_secs(30)).await;
    let stuck = w.quit().await.map_err(text)?;
    if !stuck.is_empty() {
        return Err(format!("the set-up launch left processes running: {stuck:?}"));
    }
    saved.map_err(text)?;
    let now = time::OffsetDateTime::now_utc();
    let plan = Plan {
        cards: size.cards,
        transactions: size.transactions,
        user: None,
        seed: 19,
        now: now.replace_nanosecond(0).unwrap_or(now),
    };
    let seeded = seed_file(&steps::demo_state_file(dir.path()), &plan).map_err(text)?;
    Ok(Home { dir, size, seeded })
}

fn text(err: impl std::fmt::Display) -> String {
    err.to_string()
}
