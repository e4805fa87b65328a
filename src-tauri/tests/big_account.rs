//! A big account through the commands, as the wallet screen and the Activity screen ask for it: 1,000
//! cards and 10,000 transactions made by `machines-sim seed` in a simulator's saved state. The card list
//! names every card and keeps the core's order; the Activity list holds every transaction, grouped
//! (pending, settled, declined) and newest first in each group, a card's own list only that card's.
//! How long each took and how much crossed the IPC is printed (benchmarks measure, tests assert).
//!
//! Also the page's paint marks (`ui_painted`): allowed by the capability, and a time that is not
//! milliseconds is refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::time::Instant;

use machines_sim::seed::{seed_file, Plan};
use machines_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

const CARDS: usize = 1000;
const TRANSACTIONS: usize = 10_000;

/// Calls `cmd` and says how long it took and how many bytes of JSON its answer is.
fn timed(h: &mut common::Harness, cmd: &str, args: Value) -> Value {
    let started = Instant::now();
    let answer = h.call(cmd, args).unwrap();
    let bytes = answer.to_string().len();
    println!("{cmd}: {:.0} ms, {:.1} KiB of JSON", started.elapsed().as_secs_f64() * 1000.0, bytes as f64 / 1024.0);
    answer
}

fn query(card_id: Option<&str>) -> Value {
    json!({"query": {"cardId": card_id, "types": [], "from": null, "to": null, "search": null, "utcOffsetMinutes": 0}})
}

/// Each group newest first: the core's order (`sortKey` descending).
fn newest_first(lines: &[Value]) -> bool {
    lines.windows(2).all(|pair| pair[0]["sortKey"].as_str() >= pair[1]["sortKey"].as_str())
}

#[test]
fn a_big_account_lists_every_card_and_every_transaction_in_order() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("big-account-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state_file = dir.join("demo-state.json");
    let config = SimConfig { state_file: Some(state_file.clone()), ..SimConfig::instant() };

    // A person set up in the app, as Demo does; the simulator saves the state as it stops.
    let sim = runtime.block_on(Simulator::start(config.clone())).unwrap();
    {
        let (_app, mut h) = common::harness(&sim);
        common::ready(&mut h, &sim, "alice");
    }
    runtime.block_on(sim.shutdown());

    let plan = Plan {
        cards: CARDS,
        transactions: TRANSACTIONS,
        user: Some("alice".to_owned()),
        seed: 19,
        now: time::OffsetDateTime::now_utc(),
    };
    let seeded = seed_file(&state_file, &plan).unwrap();
    assert_eq!(seeded.cards, CARDS);

    let sim = runtime.block_on(Simulator::start(config)).unwrap();
    let (_app, mut h) = common::harness(&sim);
    common::start(&mut h, "alice");

    let cards = timed(&mut h, "cards", json!({}));
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), CARDS);
    // Every card is named as the person named it (the labels are decrypted), in the core's list order.
    assert!(cards.iter().all(|c| c["label"].as_str().is_some_and(|l| !l.is_empty())), "a card without its label");
    assert!(cards.windows(2).all(|pair| pair[0]["listOrder"].as_str() <= pair[1]["listOrder"].as_str()));

    let view = timed(&mut h, "activity_list", query(None));
    let groups = ["pending", "settled", "declined"].map(|g| view[g].as_array().unwrap().clone());
    let listed: usize = groups.iter().map(Vec::len).sum();
    assert_eq!(listed, seeded.transactions_added);
    assert_eq!(view["total"].as_u64().unwrap() as usize, listed);
    for (name, lines) in ["pending", "settled", "declined"].iter().zip(&groups) {
        assert!(newest_first(lines), "{name} is not newest first");
        let state = if *name == "settled" { "settled" } else { name };
        assert!(lines.iter().all(|l| l["state"] == state), "a line in the wrong group: {name}");
    }
    assert!(groups.iter().all(|g| !g.is_empty()), "a mix of real use has pending, settled and declined lines");
    // Each card line names its card.
    assert!(groups.iter().flatten().filter(|l| !l["cardId"].is_null()).all(|l| l["cardName"].as_str().is_some()));

    // One card's own list: only its transactions.
    let busiest = groups.iter().flatten().find_map(|l| l["cardId"].as_str()).unwrap().to_owned();
    let own = timed(&mut h, "activity_list", query(Some(&busiest)));
    let own: Vec<&Value> = ["pending", "settled", "declined"].iter().flat_map(|g| own[g].as_array().unwrap()).collect();
    assert!(!own.is_empty());
    assert!(own.iter().all(|l| l["cardId"] == busiest.as_str()));

    drop(h);
    drop(_app);
    runtime.block_on(sim.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_page_paint_marks_are_allowed_and_checked() {
    let (_app, mut h) = common::demo_harness();
    h.call("ui_painted", json!({"report": {"list": "cards", "ms": 12.5, "items": 3}})).unwrap();
    h.call("ui_painted", json!({"report": {"list": "activity", "ms": 0.0, "items": 0}})).unwrap();
    let refused = h.call("ui_painted", json!({"report": {"list": "cards", "ms": -1.0, "items": 3}})).unwrap_err();
    assert!(refused.to_string().contains("milliseconds"), "{refused}");
    assert!(h.call("ui_painted", json!({"report": {"list": "balances", "ms": 1.0, "items": 3}})).is_err());
}
