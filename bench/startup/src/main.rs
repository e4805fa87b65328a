//! `startup-bench [--runs N] [--idle-ms MS] [--wallet PATH]…`: runs the release builds of Machines Wallet
//! and of the bare window alternately (A, B, A, B, …) on the current display, each with a fresh home, and
//! prints the medians and the wallet/bare ratios of:
//! - start-up: process start to the UI's "ready" (the first screen drawn and interactive);
//! - idle memory: the app and every process under it (WebKit's web and network processes), `MS` after
//!   ready, as RSS and as PSS (shared pages split between the processes that map them);
//! - the binary's size.
//!
//! On a machine with no GPU the wallet tells WebKit to paint on the CPU (`src-tauri/src/rendering.rs`); the
//! bare window keeps Tauri's default. A third column runs the bare window painting on the CPU too
//! (`WEBKIT_DISABLE_COMPOSITING_MODE=1`), so a reader can see that the floor barely moves with it. A fourth
//! runs it, on the CPU, with a still copy of the wallet's first screen instead of its one button
//! (`BARE_WINDOW_PAGE=first-screen`): what painting that screen costs any app, so the wallet's ratio can be
//! split into the screen's share and the app's.
//!
//! Each `--wallet PATH` adds another build of the wallet to the same alternation (another commit's, kept
//! aside), so a change is compared with its "before" in one run, on the same noisy machine.
//!
//! Run it through `bench/run`, which builds both and provides the display.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bench_measure::app_run::AppRun;
use bench_measure::memory;

/// Longer than any start: a launch that says nothing by then has failed.
const START_WITHIN: Duration = Duration::from_secs(120);

/// Extra environment for one of the compared apps.
type Env = &'static [(&'static str, &'static str)];

/// Issue 19's target for a first start: the wallet's time to interactive over the bare window's, both
/// painting on the CPU.
const FIRST_START_TARGET: f64 = 1.1;

/// One of the compared apps: its name in the output, its binary, its extra environment.
struct App {
    name: String,
    path: PathBuf,
    env: Env,
}

struct Sample {
    ready: Duration,
    rss_kib: u64,
    pss_kib: u64,
}

fn main() {
    if let Err(err) = run() {
        eprintln!("startup-bench: {err}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == flag) {
            None => Ok(default),
            Some(i) => args.get(i + 1).and_then(|v| v.parse().ok()).ok_or(format!("{flag} needs a number")),
        }
    };
    let runs = number("--runs", 7)?.max(1);
    let idle = Duration::from_millis(number("--idle-ms", 3000)?);
    let release = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .parent()
        .map(Path::to_path_buf)
        .ok_or("no folder for this binary")?;
    let bare = release.join("bare-window");
    let mut apps = vec![
        App { name: "Machines Wallet".into(), path: release.join("machines-wallet"), env: &[] },
        App { name: "bare window".into(), path: bare.clone(), env: &[] },
        App {
            name: "bare window, CPU painting".into(),
            path: bare.clone(),
            env: &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")],
        },
        App {
            name: "bare window, CPU painting, the wallet's first screen".into(),
            path: bare,
            env: &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("BARE_WINDOW_PAGE", "first-screen")],
        },
    ];
    // The builds given with `--wallet` come after these.
    let fixed = apps.len();
    for (i, arg) in args.iter().enumerate() {
        if arg == "--wallet" {
            let path = args.get(i + 1).ok_or("--wallet needs the path of a wallet binary")?;
            apps.push(App { name: format!("Machines Wallet at {path}"), path: PathBuf::from(path), env: &[] });
        }
    }
    for app in &apps {
        if !app.path.is_file() {
            return Err(format!("{} is not built at {}: run bench/run", app.name, app.path.display()));
        }
    }

    let mut samples: Vec<Vec<Sample>> = apps.iter().map(|_| Vec::new()).collect();
    for run in 0..runs {
        for (i, app) in apps.iter().enumerate() {
            let sample = measure(&app.path, app.env, idle)?;
            eprintln!(
                "run {}/{runs} {}: ready {:.0} ms, RSS {} MiB, PSS {} MiB",
                run + 1,
                app.name,
                sample.ready.as_secs_f64() * 1e3,
                sample.rss_kib / 1024,
                sample.pss_kib / 1024
            );
            samples[i].push(sample);
        }
    }

    let median = |values: Vec<f64>| -> f64 {
        let mut v = values;
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let stat = |i: usize, f: &dyn Fn(&Sample) -> f64| median(samples[i].iter().map(f).collect());
    let columns = |f: &dyn Fn(&Sample) -> f64| -> Vec<f64> { (0..apps.len()).map(|i| stat(i, f)).collect() };
    let ready = columns(&|s| s.ready.as_secs_f64() * 1e3);
    let rss = columns(&|s| s.rss_kib as f64 / 1024.0);
    let pss = columns(&|s| s.pss_kib as f64 / 1024.0);
    let size: Vec<f64> = apps
        .iter()
        .map(|a| std::fs::metadata(&a.path).map(|m| m.len() as f64 / 1024.0 / 1024.0).unwrap_or(0.0))
        .collect();
    println!(
        "medians of {runs} alternating runs: Machines Wallet / bare window = ratio   [bare window, CPU painting: ratio]"
    );
    let line = |what: &str, unit: &str, v: &[f64], wallet: usize, digits: usize| {
        println!(
            "{what:<24} {:>8.digits$} {unit:<3} / {:>8.digits$} {unit:<3} = {:.2}×   [{:>8.digits$} {unit:<3}: {:.2}×]",
            v[wallet],
            v[1],
            v[wallet] / v[1],
            v[2],
            v[wallet] / v[2]
        );
    };
    let table = |wallet: usize| {
        line("start-up to interactive", "ms", &ready, wallet, 0);
        let met = if ready[wallet] <= FIRST_START_TARGET * ready[2] { "met" } else { "not met" };
        println!("{:<24} target: within {FIRST_START_TARGET}× of the bare window painting on the CPU — {met}", "");
        println!(
            "{:<24} the same first screen, still, in the bare window on the CPU: {:.0} ms ({:.2}× its one button); the wallet {:.2}× it",
            "",
            ready[3],
            ready[3] / ready[2],
            ready[wallet] / ready[3]
        );
        line("idle memory, RSS", "MiB", &rss, wallet, 1);
        line("idle memory, PSS", "MiB", &pss, wallet, 1);
        line("release binary", "MiB", &size, wallet, 1);
    };
    table(0);
    for (wallet, app) in apps.iter().enumerate().skip(fixed) {
        println!("{}:", app.name);
        table(wallet);
    }
    Ok(())
}

/// One launch with a fresh home: the time to "ready" on stdout, then memory after `idle`.
fn measure(app: &Path, env: &[(&str, &str)], idle: Duration) -> Result<Sample, String> {
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut run = AppRun::start(app, home.path(), env)?;
    let ready = run
        .line("ready", START_WITHIN)
        .ok_or_else(|| format!("{} did not print `ready` within {START_WITHIN:?}", app.display()))?
        .at;
    std::thread::sleep(idle);
    let memory = memory::of_tree(run.pid());
    run.stop();
    Ok(Sample { ready, rss_kib: memory.rss_kib, pss_kib: memory.pss_kib })
}
