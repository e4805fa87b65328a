//! `/kyc/values` is asked once per connection and user: drawing the form, every check on blur and the
//! submit reuse it, and another account asks again (its form may differ).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::harness;
use machines_sim::{SimConfig, SimHandle, Simulator};
use serde_json::{json, Value};

const WALLET: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

/// Counts the requests to `GET /kyc/values` with a no-op fault rule (no delay), whose `fired` the
/// simulator reports: the simulator keeps no other request log.
fn count_kyc_values(sim: &SimHandle) {
    let added = reqwest::blocking::Client::new()
        .post(format!("{}/_sim/faults", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"method": "GET", "path": "/kyc/values", "kind": "latency", "ms": 0}))
        .send()
        .unwrap();
    assert!(added.status().is_success(), "{}", added.text().unwrap());
}

fn kyc_values_asked(sim: &SimHandle) -> u64 {
    let listed: Value = reqwest::blocking::Client::new()
        .get(format!("{}/_sim/faults", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .send()
        .unwrap()
        .json()
        .unwrap();
    listed["data"]["faults"][0]["fired"].as_u64().unwrap()
}

#[test]
fn the_form_is_fetched_once_per_user_not_on_every_check() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    count_kyc_values(&sim);
    h.call("start", json!({"userId": "once@example.com", "walletAddress": WALLET, "walletLabel": null})).unwrap();

    h.call("kyc_form", json!({})).unwrap();
    for email in ["a", "a@", "a@example.com"] {
        h.call("kyc_check", json!({"values": {"email": email}})).unwrap();
    }
    let refused = h.call("kyc_submit", json!({"values": {"email": "a@example.com"}})).unwrap_err();
    assert_eq!(refused["action"], json!("fixFields"));
    assert_eq!(kyc_values_asked(&sim), 1, "one form, three checks and a submit");

    // Another account: its own form.
    h.call("start", json!({"userId": "other@example.com", "walletAddress": WALLET, "walletLabel": null})).unwrap();
    h.call("kyc_check", json!({"values": {"email": "b"}})).unwrap();
    h.call("kyc_form", json!({})).unwrap();
    assert_eq!(kyc_values_asked(&sim), 2);
}
