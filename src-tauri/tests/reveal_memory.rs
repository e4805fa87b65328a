//! No digits left behind: the real `reveal_card`, `hide_card` and `copy_card` commands run through
//! Tauri's IPC (mock runtime, real ACL) in this process, against the simulator in a process of its own
//! (the simulator, served by this test binary run again as a child), and then this test reads its own memory (`/proc/self/mem` over
//! `/proc/self/maps`) for the card's digits. While the reveal's answer is held they are found; after Hide,
//! and after the clipboard is cleared, nothing of them is left anywhere in the process.
//!
//! What counts as a hit. A 3-digit CVC and a bare 4-digit group turn up by chance in a heap of tens of
//! megabytes (years, ports, ids), so the needles are chosen to mean something:
//! - the whole number (16 digits), and the groups as the reveal's answer carries them: the JSON array
//!   `["4929","1234","5678","9012"]` and each of the first three groups in its quotes (`"1234"`);
//! - each bare group of four but the last (the last four are shown on every card by design), only for a
//!   card whose groups are nowhere in this process before its reveal (the test makes cards until one's groups are all absent, so any later hit comes from the
//!   reveal and not from chance);
//! - the CVC with its key as the answer serializes it, `"cvc":"123"` (a bare CVC is not looked for).
//!
//! The digits are learned first through the API client in this process (the path `machines-sim`'s own
//! memory test shows leaves no copy); the test then keeps them only XOR-masked.
//!
//! The control: another card's reveal answer is kept on purpose (as a shell that cached it would), and
//! the same scan must find every needle of that card.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;
#[path = "../../crates/machines-sim/tests/support/memory_scan.rs"]
mod memory_scan;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, PartnerKey};
use machines_sim::{SimConfig, Simulator};
use memory_scan::{count_in, masked, Scanner};
use serde_json::json;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use zeroize::Zeroize;

const KEY: &str = "mk_memory_test_partner_key";
const USER: &str = "memory@example.com";

/// The simulator's process; stopped when the test ends, however it ends.
struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The environment variable that turns this test binary into the simulator's process.
const CHILD_PORT: &str = "REVEAL_MEMORY_SIMULATOR_PORT";

/// Starts the simulator in a process of its own: this test binary again, running only
/// [`simulator_process`]. (Its own build of `machines-sim`, from this checkout: a `machines-sim` binary in
/// the shared target folder may have been built from another one.)
fn start_simulator() -> (Sim, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "simulator_process", "--nocapture"])
        .env(CHILD_PORT, port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let sim = Sim(child);
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (sim, format!("http://127.0.0.1:{port}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the simulator did not start on port {port}");
}

/// The simulator's process (see [`start_simulator`]): serves on the port it is given, approves the test's
/// user as soon as it exists (the `/_sim` route, from the simulator's side), and ends when the test closes
/// its standard input or kills it.
#[test]
#[ignore = "the simulator's own process, started by the memory test"]
fn simulator_process() {
    let port: u16 = std::env::var(CHILD_PORT).expect("started by the memory test").parse().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = SimConfig { partner_keys: vec![KEY.to_owned()], ..SimConfig::instant() };
    let sim = runtime.block_on(Simulator::start_on(config, port)).unwrap();
    let origin = sim.origin();
    let admin_secret = sim.admin_secret().to_owned();
    runtime.spawn(async move {
        let client = reqwest::Client::new();
        loop {
            let approve = client
                .post(format!("{origin}/_sim/users/{USER}/kyc"))
                .header(machines_sim::ADMIN_HEADER, &admin_secret)
                .json(&json!({"status": "approved"}))
                .send()
                .await;
            if approve.is_ok_and(|answer| answer.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut rest);
    drop(sim);
}

/// A command's answer straight from the IPC, without the harness's transcript (which keeps a copy of
/// every answer as text).
fn invoke(h: &common::Harness, cmd: &str, args: serde_json::Value) -> Result<InvokeResponseBody, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&h.webview, request)
}

/// The bytes of an answer, to be wiped by the caller.
fn bytes_of(body: InvokeResponseBody) -> Vec<u8> {
    match body {
        InvokeResponseBody::Json(text) => text.into_bytes(),
        InvokeResponseBody::Raw(bytes) => bytes,
    }
}

/// One card's needles, masked, each with its name for the report.
struct Needles(Vec<(String, Vec<u8>)>);

impl Needles {
    /// The needles of the card `id`, learned through the API client (see the module's note).
    async fn of(client: &Client, id: &str) -> Self {
        let user = client.user(Identity { user_id: USER.into(), wallet_address: None }).unwrap();
        let reveal = user.reveal_card(id).await.unwrap();
        let pan = reveal.numbers.pan.expose().as_bytes();
        assert_eq!(pan.len(), 16, "a 16-digit VISA number");
        let groups: Vec<&[u8]> = pan.chunks(4).collect();
        let mut needles = vec![("the whole number".to_owned(), masked(pan))];
        // The array as the reveal's JSON answer carries it: ["gggg","gggg","gggg","gggg"].
        let mut array = masked(b"[");
        for (i, group) in groups.iter().enumerate() {
            array.extend(masked(if i == 0 { b"\"" } else { b",\"" }));
            array.extend(masked(group));
            array.extend(masked(b"\""));
        }
        array.extend(masked(b"]"));
        needles.push(("the groups as JSON".to_owned(), array));
        // The last group is the card's last four, which the API sends in clear and the app shows on
        // every card (••4242) by design: not a secret, so not a needle on its own.
        for (i, group) in groups.iter().enumerate().take(3) {
            let mut quoted = masked(b"\"");
            quoted.extend(masked(group));
            quoted.extend(masked(b"\""));
            needles.push((format!("group {} in quotes", i + 1), quoted));
            needles.push((format!("group {} bare", i + 1), masked(group)));
        }
        let mut cvc = masked(b"\"cvc\":\"");
        cvc.extend(masked(reveal.numbers.cvc.expose().as_bytes()));
        cvc.extend(masked(b"\""));
        needles.push(("the CVC with its key".to_owned(), cvc));
        drop(reveal);
        Self(needles)
    }

    /// Each needle's hits in this process's memory, in one pass.
    fn hits(&self, scanner: &mut Scanner) -> Vec<(String, usize)> {
        let needles: Vec<&[u8]> = self.0.iter().map(|(_, needle)| needle.as_slice()).collect();
        let mut counts = vec![0; needles.len()];
        scanner.hits_each(&needles, &mut counts);
        self.0.iter().map(|(name, _)| name.clone()).zip(counts).collect()
    }
}

fn found(hits: &[(String, usize)]) -> Vec<&(String, usize)> {
    hits.iter().filter(|(_, n)| *n > 0).collect()
}

#[test]
fn after_hide_and_after_the_clipboard_clear_no_digit_of_the_card_is_left_in_the_process() {
    let (_sim, origin) = start_simulator();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _entered = runtime.enter();
    let board = common::Outliving::default();
    let given = board.clone();
    let base = format!("{origin}/partner/v1");
    let (_app, mut h) = common::harness_at(&base, KEY, move |state| state.with_clipboard(Box::new(given)));
    h.call(
        "start",
        json!({"userId": USER, "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": null}),
    )
    .unwrap();
    // The simulator approves the user once it exists; agreements come after the approval.
    let mut accepted = h.call("accept_agreements", json!({}));
    for _ in 0..100 {
        if accepted.is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        accepted = h.call("accept_agreements", json!({}));
    }
    accepted.unwrap();
    let client =
        Client::new(ClientConfig::new(BaseUrl::parse(&base).unwrap()), PartnerKey::parse(KEY).unwrap()).unwrap();
    let mut scanner = Scanner::new();

    // Two cards whose needles are nowhere in the process yet: one measured, one for the control.
    let mut chosen = Vec::new();
    for _ in 0..16 {
        let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
        let id = card["cardId"].as_str().unwrap().to_owned();
        let needles = runtime.block_on(Needles::of(&client, &id));
        let before = needles.hits(&mut scanner);
        if found(&before).is_empty() {
            chosen.push((id, needles));
        } else {
            println!("a card passed over, some of its needles are already in memory: {:?}", found(&before));
        }
        if chosen.len() == 2 {
            break;
        }
    }
    assert_eq!(chosen.len(), 2, "among 16 cards, two whose groups are nowhere in the process before a reveal");
    let (control_id, control_needles) = chosen.pop().unwrap();
    let (id, needles) = chosen.pop().unwrap();

    // Reveal: the answer carries every needle.
    let mut answer = bytes_of(invoke(&h, "reveal_card", json!({"id": id})).unwrap());
    // (All but the first needle: the whole number in one piece is in no answer, only in its groups.)
    for (name, needle) in &needles.0[1..] {
        assert!(count_in(&answer, needle) >= 1, "the reveal's answer holds {name}");
    }
    let while_revealed = needles.hits(&mut scanner);
    assert!(while_revealed[1..].iter().all(|(_, n)| *n >= 1), "while revealed, the scan finds it: {while_revealed:?}");
    answer.zeroize();
    drop(answer);
    invoke(&h, "hide_card", json!({})).unwrap();
    let after_hide = needles.hits(&mut scanner);
    println!("after Hide: {after_hide:?}");

    // Copy the number and then the CVC.
    invoke(&h, "copy_card", json!({"id": id, "what": "number"})).unwrap();
    let on_board = board.0.lock().unwrap().as_ref().map(|text| count_in(text.as_bytes(), &needles.0[0].1));
    assert_eq!(on_board, Some(1), "the number is on the clipboard");
    assert!(scanner.hits(&needles.0[0].1) >= 1, "while on the clipboard, the scan finds the number");
    invoke(&h, "copy_card", json!({"id": id, "what": "cvc"})).unwrap();

    // The control: the other card's answer, kept on purpose as a shell that cached it would.
    let kept: &'static [u8] =
        Box::leak(bytes_of(invoke(&h, "reveal_card", json!({"id": control_id})).unwrap()).into_boxed_slice());
    invoke(&h, "hide_card", json!({})).unwrap();

    // Lock clears the clipboard (it holds our CVC).
    invoke(&h, "lock_app", json!({})).unwrap();
    assert_eq!(*board.0.lock().unwrap(), None, "the lock cleared the clipboard");
    let after_clear = needles.hits(&mut scanner);
    let control = control_needles.hits(&mut scanner);
    println!("after the clipboard clear: {after_clear:?}");
    println!("control, an answer kept on purpose: {control:?}");

    assert!(control[1..].iter().all(|(_, n)| *n >= 1), "the scan sees every needle of a kept answer: {control:?}");
    assert!(!kept.is_empty());
    assert!(found(&after_hide).is_empty(), "digits outlived Hide: {:?}", found(&after_hide));
    assert!(found(&after_clear).is_empty(), "digits outlived the clipboard clear: {:?}", found(&after_clear));
}
