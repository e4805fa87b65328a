//! `/kyc/values` is asked once per connection and user: drawing the form, every check on blur and the
//! submit reuse it, and another account asks again (its form may differ).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::{harness, start};
use machines_sim::{SimConfig, Simulator};
use serde_json::json;

#[test]
fn the_form_is_fetched_once_per_user_not_on_every_check() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    sim.count_requests(Some("GET"), "/kyc/values");
    start(&mut h, "once@example.com");

    h.call("kyc_form", json!({})).unwrap();
    for email in ["a", "a@", "a@example.com"] {
        h.call("kyc_check", json!({"values": {"email": email}})).unwrap();
    }
    let refused = h.call("kyc_submit", json!({"values": {"email": "a@example.com"}})).unwrap_err();
    assert_eq!(refused["action"], json!("fixFields"));
    assert_eq!(sim.counted("/kyc/values"), 1, "one form, three checks and a submit");

    // Another account: its own form.
    start(&mut h, "other@example.com");
    h.call("kyc_check", json!({"values": {"email": "b"}})).unwrap();
    h.call("kyc_form", json!({})).unwrap();
    assert_eq!(sim.counted("/kyc/values"), 2);
}
