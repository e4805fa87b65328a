//! `scale-bench [--runs N] [--browse-runs K] [--idle-ms MS] [--apps DIR] [--keep-homes DIR]`: Machines Wallet
//! at scale, in one run.
//!
//! It makes two homes as a person would (`homes`): small (3 cards, 30 transactions) and big (1,000 cards,
//! 10,000 transactions). Then, alternating, N times: the bare window's start, a returning person's start
//! in the small home and a start in the big home, timed by the apps' stdout lines without WebDriver
//! (`starts`), with the idle memory `MS` after the cards were painted; and K times a WebDriver session in
//! the big home that scrolls the card list, opens Activity and scrolls it (`browse`). It prints medians,
//! ratios and the targets they are held to (`report`). `--keep-homes DIR` makes the homes in `DIR/small` and
//! `DIR/big` and leaves them there, to launch one again by hand (`--runs 0` only makes them).
//!
//! Run it through `bench/run` (it builds the release apps and the UI, and provides the display).

mod browse;
mod homes;
mod report;
mod starts;

use std::path::{Path, PathBuf};
use std::time::Duration;

use report::Figures;

fn main() {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("scale-bench: cannot start the runtime: {err}");
            std::process::exit(1);
        }
    };
    if let Err(err) = runtime.block_on(run()) {
        eprintln!("scale-bench: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == flag) {
            None => Ok(default),
            Some(i) => args.get(i + 1).and_then(|v| v.parse().ok()).ok_or(format!("{flag} needs a number")),
        }
    };
    let runs = number("--runs", 5)?;
    let browse_runs = number("--browse-runs", 3)?.min(runs);
    let idle = Duration::from_millis(number("--idle-ms", 3000)?);
    // The apps beside this binary (bench/run builds all three in release), or in `--apps DIR`.
    let release = match args.iter().position(|a| a == "--apps") {
        Some(i) => args.get(i + 1).map(PathBuf::from).ok_or("--apps needs a folder")?,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .parent()
            .map(Path::to_path_buf)
            .ok_or("no folder for this binary")?,
    };
    let wallet = built(&release, "machines-wallet")?;
    let bare = built(&release, "bare-window")?;

    eprintln!("making the homes (Demo set-up over WebDriver, then seeded)…");
    let keep = match args.iter().position(|a| a == "--keep-homes") {
        Some(i) => Some(args.get(i + 1).map(PathBuf::from).ok_or("--keep-homes needs a folder")?),
        None => None,
    };
    let small = homes::make(&wallet, homes::SMALL, keep.as_deref()).await?;
    let big = homes::make(&wallet, homes::BIG, keep.as_deref()).await?;
    for home in [&small, &big] {
        eprintln!(
            "{} home: {} cards, {} transactions added ({} deposits)",
            home.size.name, home.seeded.cards, home.seeded.transactions_added, home.seeded.deposits_added
        );
    }

    if let Some(kept) = &keep {
        eprintln!("the homes are kept in {}", kept.display());
    }
    if runs == 0 {
        return Ok(());
    }
    let mut figures = Figures::new(runs, idle, &small, &big);
    // A build that does not print `ready cards` is waited for once, not on every run.
    let mut cards_within = Duration::from_secs(60);
    for run in 1..=runs {
        let bare_ready = starts::bare(&bare)?;
        let small_start = starts::wallet(&wallet, small.path(), idle, cards_within)?;
        let big_start = starts::wallet(&wallet, big.path(), idle, cards_within)?;
        if small_start.cards.is_none() && big_start.cards.is_none() {
            cards_within = Duration::ZERO;
        }
        eprintln!("run {run}/{runs}: {}", report::one_line(bare_ready, &small_start, &big_start));
        figures.starts(bare_ready, small_start, big_start);
        if run <= browse_runs {
            let browsed = browse::big_home(&wallet, big.path(), idle).await?;
            eprintln!("run {run}/{runs}, browsing: {}", report::browse_line(&browsed));
            figures.browse(browsed);
        }
    }
    figures.print();
    Ok(())
}

fn built(release: &Path, name: &str) -> Result<PathBuf, String> {
    let path = release.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{name} is not built at {}: run bench/run", path.display()))
    }
}
