//! How long a person waits after clicking Copy: from the `copy_card` command to the card number being
//! pasteable in another program, on a real X11 clipboard.
//!
//! The command goes through Tauri's IPC (mock runtime, real ACL and invoke handler), fetches the secrets
//! from the simulator on loopback, decrypts them and writes the clipboard with `arboard`. The paste is done
//! by a second process (this binary again, as a reader), so the digits travel from the app's clipboard
//! server through the X server as a browser's paste would take them; the reader's own cost (a new X
//! connection per paste, as arboard reads) is inside the figure, so it is an upper bound. A second
//! benchmark runs the same command over an in-memory clipboard, to show what the command alone costs.
//!
//! Needs a display: `bench/run` runs it under `xvfb-run`, or
//! `xvfb-run -a cargo bench -p machines-wallet --bench copy_latency`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly by design

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::{harness, harness_with, ready, Harness, Outliving};
use criterion::Criterion;
use machines_sim::{SimConfig, Simulator};
use serde_json::json;

/// Set in the environment of the reader process.
const READER: &str = "COPY_LATENCY_READER";

fn main() {
    if std::env::var_os(READER).is_some() {
        return reader();
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("copy_latency needs a display: run it with `xvfb-run -a` (bench/run does)");
        std::process::exit(2);
    }
    let mut criterion = Criterion::default().configure_from_args();
    copy_number(&mut criterion);
    criterion.final_summary();
}

/// The other program: for each line (the text it saw last, possibly empty) it pastes until the clipboard
/// holds something else, and prints that.
fn reader() {
    let mut board = arboard::Clipboard::new().unwrap();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let seen = line.unwrap();
        loop {
            if let Ok(text) = board.get_text() {
                if !text.is_empty() && text != seen {
                    writeln!(out, "{text}").unwrap();
                    break;
                }
            }
        }
        out.flush().unwrap();
    }
}

struct Reader {
    child: Child,
    to: ChildStdin,
    from: BufReader<ChildStdout>,
}

impl Reader {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(READER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let to = child.stdin.take().unwrap();
        let from = BufReader::new(child.stdout.take().unwrap());
        Self { child, to, from }
    }

    /// Pastes until the clipboard holds something other than `seen`.
    fn paste_after(&mut self, seen: &str) -> String {
        writeln!(self.to, "{seen}").unwrap();
        self.to.flush().unwrap();
        let mut answer = String::new();
        self.from.read_line(&mut answer).unwrap();
        answer.trim_end().to_owned()
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A harness with a ready user and one card, the clear timer off (a timer firing mid-measurement would
/// empty the clipboard under the reader); returns the card id.
fn with_card(h: &mut Harness, sim: &machines_sim::SimHandle, user: &str) -> String {
    ready(h, sim, user);
    let mut settings = h.call("get_settings", json!({})).unwrap();
    settings["clipboardClearSeconds"] = json!(null);
    h.call("save_settings", json!({"settings": settings})).unwrap();
    let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
    card["cardId"].as_str().unwrap().to_owned()
}

fn copy_number(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let mut group = c.benchmark_group("Copy card number");

    {
        let (_app, mut h) = harness(&sim);
        let id = with_card(&mut h, &sim, "bench-x11@example.com");
        let copy = [json!({"id": id, "what": "number"}), json!({"id": id, "what": "expiry"})];
        let mut paste = Reader::start();
        h.call("copy_card", copy[0].clone()).unwrap();
        let number = paste.paste_after("");
        assert!(number.len() == 16 && number.bytes().all(|b| b.is_ascii_digit()), "a card number: {number:?}");
        h.call("copy_card", copy[1].clone()).unwrap();
        let expiry = paste.paste_after(&number);
        assert!(expiry.len() == 5 && expiry.as_bytes()[2] == b'/', "an expiry: {expiry:?}");

        // Number and expiry in turn, so that each paste can tell the new value from the one before.
        group.bench_function("command to pasted in another program (X11)", |b| {
            b.iter_custom(|iterations| {
                let mut waited = Duration::ZERO;
                for i in 0..iterations {
                    let (what, before, after) =
                        if i % 2 == 0 { (&copy[0], &expiry, &number) } else { (&copy[1], &number, &expiry) };
                    let start = Instant::now();
                    h.call("copy_card", what.clone()).unwrap();
                    let pasted = paste.paste_after(before);
                    waited += start.elapsed();
                    assert_eq!(&pasted, after);
                }
                // End on the expiry, where the next sample starts.
                if iterations % 2 == 1 {
                    h.call("copy_card", copy[1].clone()).unwrap();
                    assert_eq!(&paste.paste_after(&number), &expiry);
                }
                waited
            });
        });
    }

    {
        let board = Outliving::default();
        let given = board.clone();
        let (_app, mut h) = harness_with(&sim, move |state| state.with_clipboard(Box::new(given)));
        let id = with_card(&mut h, &sim, "bench-memory@example.com");
        let copy = json!({"id": id, "what": "number"});
        group.bench_function("command alone (in-memory clipboard)", |b| {
            b.iter(|| {
                h.call("copy_card", copy.clone()).unwrap();
                assert!(board.0.lock().unwrap().is_some());
            });
        });
    }
    group.finish();
}
