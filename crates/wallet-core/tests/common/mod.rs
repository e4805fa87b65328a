//! Helpers shared by wallet-core's tests against the simulator: the simulator's own test helpers (the
//! guide's application, a ready user), so both crates set a user up the same way, and a client with the
//! settings the app ships with.

#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // each test file uses the parts it needs

#[path = "../../../machines-sim/tests/common/mod.rs"]
mod simulator;

use machines_api::config::ClientConfig;
use machines_api::{BaseUrl, Client, PartnerKey};
use machines_sim::SimHandle;

pub use simulator::{application, ready_user};

/// A client for `sim` with the default timeouts and retries.
pub fn client(sim: &SimHandle) -> Client {
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap()
}
