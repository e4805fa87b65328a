//! The figures of a scale run, and the table printed from them: medians, ratios, and each target beside
//! its figure with "met" or "not met". Figures a build does not report (no `ready cards` line yet) are
//! printed as "not reported" rather than left out, so the table says what was not measured.

use std::time::Duration;

use bench_measure::memory::Memory;
use bench_measure::stats::{median, percentile};

use crate::browse::{Browse, Scroll};
use crate::homes::Home;
use crate::starts::Start;

/// A returning person's start may take this many times the bare window's.
const START_RATIO_TARGET: f64 = 1.5;
/// A list's data to its rows painted, ms.
const PAINT_TARGET_MS: f64 = 150.0;
/// What the big home may add to idle memory over the small one, MB (10^6 bytes).
const GROWTH_TARGET_MB: f64 = 30.0;
/// A frame longer than this is a visible stutter.
const LONG_FRAME_MS: f64 = 50.0;

pub struct Figures {
    runs: u64,
    idle: Duration,
    small_cards: usize,
    small_transactions: usize,
    big_cards: usize,
    big_transactions: usize,
    bare_ready: Vec<f64>,
    small: Vec<Start>,
    big: Vec<Start>,
    browsed: Vec<Browse>,
}

impl Figures {
    pub fn new(runs: u64, idle: Duration, small: &Home, big: &Home) -> Self {
        Self {
            runs,
            idle,
            small_cards: small.seeded.cards,
            small_transactions: small.size.transactions,
            big_cards: big.seeded.cards,
            big_transactions: big.size.transactions,
            bare_ready: Vec::new(),
            small: Vec::new(),
            big: Vec::new(),
            browsed: Vec::new(),
        }
    }

    pub fn starts(&mut self, bare_ready: Duration, small: Start, big: Start) {
        self.bare_ready.push(ms(bare_ready));
        self.small.push(small);
        self.big.push(big);
    }

    pub fn browse(&mut self, browsed: Browse) {
        self.browsed.push(browsed);
    }

    pub fn print(&self) {
        let idle_s = self.idle.as_secs_f64();
        println!(
            "Machines Wallet at scale: medians of {} alternating runs ({} browsing sessions over WebDriver)",
            self.runs,
            self.browsed.len()
        );
        println!(
            "homes (Demo, set up over WebDriver, then seeded): small = {} cards, {} transactions; big = {} cards, {} transactions",
            self.small_cards, self.small_transactions, self.big_cards, self.big_transactions
        );
        println!();
        println!("A returning person's start (small home)");
        let bare = median(&self.bare_ready);
        row("bare window, start to `ready`", bare, "ms", "");
        row("wallet, start to `ready`", median(&starts(&self.small, |s| Some(ms(s.ready)))), "ms", "");
        let small_cards = median(&starts(&self.small, |s| s.cards.map(|(at, _)| ms(at))));
        let ratio = small_cards.zip(bare).map(|(w, b)| w / b);
        let verdict = ratio.map(|r| {
            format!("{r:.2}× the bare window, target {START_RATIO_TARGET}× — {}", met(r <= START_RATIO_TARGET))
        });
        row(
            &format!("wallet, start to `ready cards {}`", self.small_cards),
            small_cards,
            "ms",
            &verdict.unwrap_or_default(),
        );
        println!();
        println!("The big home ({} cards, {} transactions)", self.big_cards, self.big_transactions);
        row("wallet, start to `ready`", median(&starts(&self.big, |s| Some(ms(s.ready)))), "ms", "");
        row(
            &format!("wallet, start to `ready cards {}`", self.big_cards),
            median(&starts(&self.big, |s| s.cards.map(|(at, _)| ms(at)))),
            "ms",
            "",
        );
        let painted = median(&starts(&self.big, |s| s.painted_cards));
        row("`painted cards` (data to rows painted)", painted, "ms", &paint_verdict(painted));
        let activity: Vec<f64> = self.browsed.iter().filter_map(|b| b.painted_activity).collect();
        let painted = median(&activity);
        row("`painted activity` (Activity opened)", painted, "ms", &paint_verdict(painted));
        println!();
        println!("Scrolling a screen per animation frame, to the end and back (all browsing sessions together)");
        scroll_row("card list", self.browsed.iter().map(|b| &b.cards), self.big_cards);
        scroll_row("activity list", self.browsed.iter().map(|b| &b.activity), self.big_transactions);
        println!();
        println!(
            "Idle memory, {idle_s:.0} s after the cards were painted: RSS / PSS of the app and its WebKit processes"
        );
        let small = memory(&self.small);
        let big = memory(&self.big);
        memory_row("small home", small);
        memory_row("big home", big);
        let split = |samples: &[Start]| {
            median(&starts(samples, |s| Some(s.memory.root_pss_mib())))
                .zip(median(&starts(samples, |s| Some(s.memory.children_pss_mib()))))
        };
        if let (Some((app_small, web_small)), Some((app_big, web_big))) = (split(&self.small), split(&self.big)) {
            println!(
                "  {:<44} app process {app_small:.1} → {app_big:.1} MiB PSS (+{:.1}), WebKit processes {web_small:.1} → {web_big:.1} (+{:.1})",
                "where, small → big",
                app_big - app_small,
                web_big - web_small
            );
        }
        if let (Some(small), Some(big)) = (small, big) {
            let growth_mb = (big.1 - small.1) * 1.048_576;
            println!(
                "  {:<44} {:>8.1} / {:>8.1} MiB   PSS growth {growth_mb:.1} MB, target ≤ {GROWTH_TARGET_MB} MB — {}",
                "growth, big over small",
                big.0 - small.0,
                big.1 - small.1,
                met(growth_mb <= GROWTH_TARGET_MB)
            );
        }
        let open: Vec<Memory> = self.browsed.iter().filter_map(|b| b.activity_memory).collect();
        let open = median(&open.iter().map(Memory::rss_mib).collect::<Vec<_>>())
            .zip(median(&open.iter().map(Memory::pss_mib).collect::<Vec<_>>()));
        memory_row(&format!("big home, {idle_s:.0} s after Activity was painted"), open);
    }
}

/// One run's starts, for the progress on stderr.
pub fn one_line(bare: Duration, small: &Start, big: &Start) -> String {
    let cards =
        |s: &Start| s.cards.map_or("no `ready cards`".to_owned(), |(at, n)| format!("{n} cards {:.0} ms", ms(at)));
    format!(
        "bare ready {:.0} ms; small ready {:.0} ms, {}, PSS {:.1} MiB; big ready {:.0} ms, {}, painted {}, PSS {:.1} MiB",
        ms(bare),
        ms(small.ready),
        cards(small),
        small.memory.pss_mib(),
        ms(big.ready),
        cards(big),
        big.painted_cards.map_or("—".to_owned(), |p| format!("{p:.1} ms")),
        big.memory.pss_mib()
    )
}

/// One browsing session, for the progress on stderr.
pub fn browse_line(b: &Browse) -> String {
    let scroll = |s: &Result<Scroll, String>| match s {
        Ok(s) => format!(
            "{:.0} px ({:.0}% reached) in {} frames, p95 {:.1} ms, {} rows at most",
            s.height,
            s.reached * 100.0,
            s.frames_ms.len(),
            percentile(&s.frames_ms, 0.95).unwrap_or(0.0),
            s.most_rows
        ),
        Err(err) => err.lines().next().unwrap_or_default().to_owned(),
    };
    format!(
        "cards: {}; painted activity {}; activity: {}",
        scroll(&b.cards),
        b.painted_activity.map_or("—".to_owned(), |p| format!("{p:.1} ms")),
        scroll(&b.activity)
    )
}

fn starts(samples: &[Start], f: impl Fn(&Start) -> Option<f64>) -> Vec<f64> {
    samples.iter().filter_map(f).collect()
}

/// Median RSS and PSS in MiB.
fn memory(samples: &[Start]) -> Option<(f64, f64)> {
    median(&starts(samples, |s| Some(s.memory.rss_mib()))).zip(median(&starts(samples, |s| Some(s.memory.pss_mib()))))
}

fn row(what: &str, value: Option<f64>, unit: &str, verdict: &str) {
    match value {
        Some(value) => println!("  {what:<44} {value:>8.1} {unit:<3} {verdict}"),
        None => println!("  {what:<44} {:>8} {unit:<3} (not reported by this build)", "—"),
    }
}

fn paint_verdict(value: Option<f64>) -> String {
    value.map(|v| format!("target ≤ {PAINT_TARGET_MS} ms — {}", met(v <= PAINT_TARGET_MS))).unwrap_or_default()
}

fn scroll_row<'a>(what: &str, sessions: impl Iterator<Item = &'a Result<Scroll, String>>, items: usize) {
    let mut frames = Vec::new();
    let mut most_rows = 0;
    let mut reached = f64::MAX;
    let mut problems = Vec::new();
    for session in sessions {
        match session {
            Ok(scroll) => {
                frames.extend_from_slice(&scroll.frames_ms);
                most_rows = most_rows.max(scroll.most_rows);
                reached = reached.min(scroll.reached);
            }
            // A WebDriver wait's error carries the whole window's text: its first line says enough.
            Err(err) => problems.push(err.lines().next().unwrap_or_default().to_owned()),
        }
    }
    if frames.is_empty() {
        println!("  {what:<14} not measured: {}", problems.join("; "));
        return;
    }
    let long = frames.iter().filter(|f| **f > LONG_FRAME_MS).count();
    let stat = |q: f64| percentile(&frames, q).unwrap_or(0.0);
    println!(
        "  {what:<14} {} frames: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {long} over {LONG_FRAME_MS} ms; at most {most_rows} rows in the page for {items} items — {}",
        frames.len(),
        stat(0.5),
        stat(0.95),
        stat(1.0),
        if most_rows * 10 < items as u64 { "virtualized" } else { "not virtualized" }
    );
    if reached < 1.0 {
        println!(
            "  {:<14} (the time for one list ran out {:.0}% of the way down in at least one session)",
            "",
            reached * 100.0
        );
    }
    if !problems.is_empty() {
        println!("  {:<14} (and not measured in {} sessions: {})", "", problems.len(), problems.join("; "));
    }
}

fn memory_row(what: &str, value: Option<(f64, f64)>) {
    match value {
        Some((rss, pss)) => println!("  {what:<44} {rss:>8.1} / {pss:>8.1} MiB"),
        None => println!("  {what:<44} not measured"),
    }
}

fn met(yes: bool) -> &'static str {
    if yes {
        "met"
    } else {
        "not met"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
