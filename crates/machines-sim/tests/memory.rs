//! Zeroized in memory: the client reveals a card (secrets session, encrypted PAN and CVC, AES-GCM
//! decryption), then drops it, and this test reads its own process memory (`/proc/self/mem`, every
//! readable mapping) looking for the card number. While revealed it must be found (the scan works); after
//! the drop there must be no copy left anywhere in the process.
//!
//! The simulator runs as a separate process (its binary), so the only copies in this process are the
//! client's. The test keeps the number only XOR-masked, so its own needle is not a hit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/memory_scan.rs"]
mod memory_scan;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::cards::CreateCardRequest;
use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey};
use memory_scan::{Scanner, MASK};
use serde_json::json;

/// The simulator's admin secret for this test (passed to the binary, sent on `/_sim`).
const ADMIN_SECRET: &str = "sim_admin_memory_test";

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reveal_is_dropped_no_copy_of_the_card_number_is_left_in_the_process() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _sim = Sim(Command::new(env!("CARGO_BIN_EXE_machines-sim"))
        .args(["--port", &port.to_string(), "--admin-secret", ADMIN_SECRET])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    let origin = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let config = ClientConfig::new(BaseUrl::parse(&format!("{origin}/partner/v1")).unwrap());
    let client = Client::new(config, PartnerKey::parse(machines_sim::DEMO_PARTNER_KEY).unwrap()).unwrap();
    let request = ResolveUserRequest { user_id: "memory".into(), wallet_address: None, wallet_label: None };
    client.resolve_user(&request).await.unwrap();
    let approved = reqwest::Client::new()
        .post(format!("{origin}/_sim/users/memory/kyc"))
        .header(machines_sim::ADMIN_HEADER, ADMIN_SECRET)
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success());
    let user = client.user(Identity { user_id: "memory".into(), wallet_address: None }).unwrap();
    user.accept_agreements().await.unwrap();
    let card = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;

    let reveal = user.reveal_card(&card.card_id).await.unwrap();
    let masked: Vec<u8> = reveal.numbers.pan.expose().bytes().map(|b| b ^ MASK).collect();
    assert!(masked.len() >= 12);
    let mut scanner = Scanner::new();
    let while_revealed = scanner.hits(&masked);
    assert!(while_revealed >= 1, "the scan finds the number while it is revealed");

    drop(reveal);
    let after = scanner.hits(&masked);
    println!("card number in this process: {while_revealed} copies while revealed, {after} after the drop");
    assert_eq!(after, 0, "a copy of the card number outlived the reveal");
}
