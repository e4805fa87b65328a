//! `soak-bench [--minutes N] [--csv PATH] [--app PATH] [--control | --in-page]`: an hour (by default) of Machines Wallet in Demo, as
//! a person leaves it open. The app is launched through the e2e harness (its own Xvfb, a D-Bus session with
//! an unlocked gnome-keyring, `tauri-driver`, a fresh home), walked to a funded card, and left on the wallet
//! screen, whose updates keep running (the activity watch, the balances). Every minute the card is revealed
//! and hidden again and its number copied, and the app and each WebKit process are sampled: RSS, PSS,
//! anonymous memory, open file descriptors, threads, and the web process's live JavaScript heap after its latest full
//! collection (`js_heap`). Each sample is a CSV row; the end prints start / end / max and the growth.
//! `--control` is the same hour without the reveals and copies (and without any WebDriver call after the
//! card is reached): run beside a real one, it tells the growth the person's actions cause from the growth
//! an app left open has anyway. `--in-page` clicks the same reveal and copy from the page's own script, so
//! that WebDriver holds no element of the page (see `person::reveal_and_copy_in_page`).
//!
//! Run it through `bench/soak-run`, which builds the release app and points `--app` at it.

mod js_heap;
mod person;
mod procs;
mod report;
mod requests;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use machines_wallet_e2e::{Failure, Launch, Result, Wallet};

use crate::procs::{Role, Usage};
use crate::report::{Row, ROLES};

const MINUTE: Duration = Duration::from_secs(60);

struct Args {
    minutes: u64,
    csv: PathBuf,
    app: Option<PathBuf>,
    mode: Mode,
}

/// What the person does each minute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A reveal and a copy, through WebDriver's element lookups and clicks.
    Person,
    /// The same reveal and copy clicked by the page's own script (`person::reveal_and_copy_in_page`).
    InPage,
    /// No reveal and no copy: the hour's control.
    Control,
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("soak-bench: {err}");
        std::process::exit(1);
    }
}

fn args() -> Result<Args> {
    let mut args = Args { minutes: 60, csv: PathBuf::from("soak.csv"), app: None, mode: Mode::Person };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mode = match flag.as_str() {
            "--control" => Some(Mode::Control),
            "--in-page" => Some(Mode::InPage),
            _ => None,
        };
        if let Some(mode) = mode {
            args.mode = mode;
            continue;
        }
        let value = given.next().ok_or_else(|| Failure::new(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--minutes" => {
                args.minutes = value.parse().map_err(|_| Failure::new(format!("--minutes {value}: not a number")))?
            }
            "--csv" => args.csv = PathBuf::from(value),
            "--app" => args.app = Some(PathBuf::from(value)),
            _ => {
                return Err(Failure::new(format!(
                    "unknown option {flag}; usage: --minutes N --csv PATH --app PATH --control --in-page"
                )))
            }
        }
    }
    Ok(args)
}

async fn run() -> Result<()> {
    let args = args()?;
    let mut csv = std::fs::File::create(&args.csv)?;
    writeln!(csv, "{}", report::header())?;

    // JavaScriptCore logs each collection to the app's stderr (`app.err.log`), for the live heap (`js_heap`).
    let (js_log, on) = js_heap::LOG_VARIABLE;
    let mut launch = Launch::new("soak").env("RUST_LOG", requests::LOG_FILTER).env(js_log, on);
    if let Some(app) = &args.app {
        launch = launch.app(app);
    }
    let w = launch.start().await?;
    let app = w
        .processes()
        .into_iter()
        .find(|(_, name)| Role::of(name) == Role::App)
        .ok_or_else(|| Failure::new("the app is not among the launch's processes"))?
        .0 as u32;
    person::reach_card(&w).await?;
    eprintln!(
        "soak: the wallet with card {:?} is open; {} minutes from now{}",
        person::CARD,
        args.minutes,
        match args.mode {
            Mode::Control => ", without reveals or copies (control)",
            Mode::InPage => ", the reveals and copies clicked by the page's script",
            Mode::Person => "",
        }
    );

    // The person's minutes run until the end or Ctrl-C; either way the app is then stopped and the
    // figures printed.
    let mut rows = Vec::new();
    let minutes = tokio::select! {
        done = minutes(&w, app, &args, &mut csv, &mut rows) => done,
        _ = tokio::signal::ctrl_c() => Err(Failure::new("interrupted")),
    };
    // Read before quitting: the home, and the log folder in it, go with the launch.
    let mut by_path: Vec<(String, u64)> = requests::count(&w.log_dir()).into_iter().collect();
    by_path.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let stuck = w.quit().await?;
    print!("{}", report::summary(&rows));
    println!("requests by path over the run:");
    for (path, count) in by_path {
        println!("{count:>8}  {path}");
    }
    println!("CSV: {}", args.csv.display());
    if !stuck.is_empty() {
        return Err(Failure::new(format!("processes that had to be killed at the end: {stuck:?}")));
    }
    minutes
}

/// Samples now and after every minute, with a reveal and a copy in each minute (none in a control run),
/// and writes each row as it is taken (so a run that fails half-way keeps its figures).
async fn minutes(w: &Wallet, app: u32, args: &Args, csv: &mut std::fs::File, rows: &mut Vec<Row>) -> Result<()> {
    let minutes = args.minutes;
    let started = Instant::now();
    let (mut reveals, mut copies) = (0, 0);
    for minute in 0..=minutes {
        tokio::time::sleep_until((started + MINUTE * minute as u32).into()).await;
        let requests = requests::count(&w.log_dir()).values().sum();
        let mut row = sample(app, started.elapsed(), reveals, copies, requests)?;
        // The app's stderr holds WebKit's and the driver's lines, not the app's log (a file): read whole each minute.
        let collections = js_heap::live_after_full_collections(&std::fs::read_to_string(w.stderr_log())?);
        row.js_live_kib = collections.last().copied();
        row.full_collections = collections.len() as u64;
        writeln!(csv, "{}", report::csv(&row))?;
        eprintln!(
            "soak: {:>3} min: app RSS {} MiB, web RSS {} MiB, PSS total {} MiB, anon total {} MiB, fds {}, threads {}, requests {}, JS heap {} KiB",
            minute,
            row.roles[0].rss_kib / 1024,
            row.roles[1].rss_kib / 1024,
            row.total.pss_kib / 1024,
            row.total.anon_kib / 1024,
            row.total.fds,
            row.total.threads,
            row.requests,
            row.js_live_kib.map_or("-".to_owned(), |kib| kib.to_string())
        );
        rows.push(row);
        if minute == minutes {
            break;
        }
        match args.mode {
            Mode::Control => continue,
            Mode::InPage => person::reveal_and_copy_in_page(w).await?,
            Mode::Person => {
                person::reveal_and_hide(w).await?;
                person::copy_number(w).await?;
            }
        }
        reveals += 1;
        copies += 1;
    }
    Ok(())
}

/// The app and everything it spawned, by role and in total.
fn sample(app: u32, elapsed: Duration, reveals: u64, copies: u64, requests: u64) -> Result<Row> {
    let mut row = Row { elapsed_s: elapsed.as_secs(), reveals, copies, requests, ..Row::default() };
    for (pid, command) in procs::tree(app) {
        let Some(usage) = procs::usage(pid) else { continue };
        let role = Role::of(&command);
        if let Some(i) = ROLES.iter().position(|r| *r == role) {
            row.roles[i] += usage;
        }
        row.total += usage;
        row.processes += 1;
    }
    if row.roles[0] == Usage::default() {
        return Err(Failure::new(format!("the app (pid {app}) has gone")));
    }
    Ok(row)
}
