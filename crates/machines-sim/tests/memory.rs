//! Zeroized in memory: the client reveals a card (secrets session, encrypted PAN and CVC, AES-GCM
//! decryption), then drops it, and this test reads its own process memory (`/proc/self/mem`, every
//! readable mapping) looking for the card number. While revealed it must be found (the scan works); after
//! the drop there must be no copy left anywhere in the process.
//!
//! The simulator runs as a separate process (its binary), so the only copies in this process are the
//! client's. The test keeps the number only XOR-masked, so its own needle is not a hit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::io::{Read, Seek, SeekFrom};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::cards::CreateCardRequest;
use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey};
use serde_json::json;

const MASK: u8 = 0x5a;

/// The simulator's admin secret for this test (passed to the binary, sent on `/_sim`).
const ADMIN_SECRET: &str = "sim_admin_memory_test";

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads this process's own memory. Its buffers and file handles are made before the secret is dropped
/// and the scan allocates nothing, so it cannot reuse (and so overwrite) a freed chunk that still holds
/// a copy.
struct Scanner {
    maps_file: std::fs::File,
    mem: std::fs::File,
    maps: String,
    chunk: Vec<u8>,
}

impl Scanner {
    fn new() -> Self {
        Self {
            maps_file: std::fs::File::open("/proc/self/maps").unwrap(),
            mem: std::fs::File::open("/proc/self/mem").unwrap(),
            maps: String::with_capacity(4 << 20),
            chunk: vec![0u8; 1 << 20],
        }
    }

    /// Counts the places in readable memory that hold the masked needle, unmasked.
    fn hits(&mut self, masked: &[u8]) -> usize {
        self.maps.clear();
        self.maps_file.seek(SeekFrom::Start(0)).unwrap();
        self.maps_file.read_to_string(&mut self.maps).unwrap();
        assert!(self.maps.len() < self.maps.capacity(), "the maps buffer must not grow during a scan");
        let first = masked[0] ^ MASK;
        let mut hits = 0;
        for line in self.maps.lines() {
            let mut parts = line.split_whitespace();
            let (range, perms) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let name = line.split_whitespace().nth(5).unwrap_or("");
            if !perms.starts_with('r') || name.starts_with("[vvar") || name == "[vsyscall]" {
                continue;
            }
            let Some((start, end)) = range.split_once('-') else { continue };
            let (start, end) = (u64::from_str_radix(start, 16).unwrap(), u64::from_str_radix(end, 16).unwrap());
            let mut at = start;
            while at < end {
                let len = ((end - at) as usize).min(self.chunk.len());
                let read = self.mem.seek(SeekFrom::Start(at)).and_then(|_| self.mem.read(&mut self.chunk[..len]));
                let Ok(read) = read else { break };
                if read == 0 {
                    break;
                }
                let window = &self.chunk[..read];
                for i in 0..window.len().saturating_sub(masked.len() - 1) {
                    if window[i] == first && window[i..i + masked.len()].iter().zip(masked).all(|(b, m)| *b == m ^ MASK)
                    {
                        hits += 1;
                    }
                }
                // Overlap consecutive chunks so a copy that straddles them is still found.
                let step = if read == len && at + (read as u64) < end { read - (masked.len() - 1) } else { read };
                at += step as u64;
            }
        }
        hits
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
