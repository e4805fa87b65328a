//! Faults survived, nothing lost: the client (`machines-api`) against the simulator's fault injection
//! over loopback. 1,000 card creations through dropped answers after commit, 5xx and timeouts make
//! exactly 1,000 cards; a KYC submission under faults is neither lost nor doubled. The figures are printed
//! (run with `--nocapture`) and reported in the README.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::models::cards::CreateCardRequest;
use machines_api::models::kyc::KycStatus;
use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use machines_api::IdempotencyKey;
use machines_sim::{FaultKind, FaultRule, SimConfig, SimHandle, Simulator};
use serde_json::json;

const CARDS: usize = 1_000;
const WORKERS: usize = 10;

/// How many times each fault rule still in force fired.
fn fault_hits(sim: &SimHandle) -> Vec<(FaultKind, u64)> {
    sim.faults().into_iter().map(|rule| (rule.kind, rule.fired)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_card_creations_through_faults_make_exactly_a_thousand_cards() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = common::client_for(&sim, Duration::from_millis(400));
    let user = Arc::new(common::ready_user(&sim, &client, "faults-1000@example.com").await);

    // Every create meets, at random: an answer lost after the card was made, a 503 before anything
    // happened, or a server slower than the client's 400 ms timeout (it still makes the card).
    for (kind, probability) in [
        (FaultKind::DropAfterCommit, 0.15),
        (FaultKind::Error { status: 503 }, 0.10),
        (FaultKind::Latency { ms: 600 }, 0.03),
    ] {
        sim.inject(FaultRule::new(Some("POST"), "/cards", kind).probability(probability));
    }

    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let user = user.clone();
        workers.spawn(async move {
            let (mut made, mut pressed_again) = (Vec::new(), 0usize);
            for i in 0..CARDS / WORKERS {
                // A person's create: one key, pressed again with the same key after an error, as the app does.
                let key = IdempotencyKey::generate();
                let request =
                    CreateCardRequest { sort_order: Some((w * 1000 + i) as i64), ..CreateCardRequest::default() };
                let card = loop {
                    match user.create_card(&request, &key).await {
                        Ok(card) => break card.data,
                        Err(err) => {
                            assert!(
                                ["network", "timeout", "server", "conflict"].contains(&err.code()),
                                "a fault surfaces as a retryable error, not {}: {err}",
                                err.code()
                            );
                            pressed_again += 1;
                            assert!(pressed_again < 500, "the faults never let a create through");
                        }
                    }
                };
                made.push(card.card_id);
            }
            (made, pressed_again)
        });
    }
    let (mut ids, mut pressed_again) = (Vec::new(), 0);
    while let Some(done) = workers.join_next().await {
        let (made, again) = done.unwrap();
        ids.extend(made);
        pressed_again += again;
    }
    let elapsed = started.elapsed();
    let hits = fault_hits(&sim);
    sim.clear_faults();

    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), CARDS, "every create answered with its own card");
    assert_eq!(sim.summary()["cards"], json!(CARDS), "the server made exactly as many cards as were asked for");
    assert_eq!(user.all_cards().await.unwrap().len(), CARDS);
    let injected: u64 = hits.iter().map(|(_, n)| n).sum();
    assert!(injected > 200, "the faults really fired: {hits:?}");
    println!(
        "{CARDS} cards asked for, {} made, in {:.1} s; faults fired {injected} times ({hits:?}); \
         {pressed_again} errors reached the caller, each resolved by pressing again with the same key",
        sim.summary()["cards"],
        elapsed.as_secs_f64()
    );
}

#[tokio::test]
async fn a_kyc_submission_under_faults_is_neither_lost_nor_doubled() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = common::client_for(&sim, Duration::from_millis(400));
    let request = ResolveUserRequest { user_id: "kyc-faults".into(), wallet_address: None, wallet_label: None };
    client.resolve_user(&request).await.unwrap();
    let user = client.user(Identity { user_id: "kyc-faults".into(), wallet_address: None }).unwrap();

    // The first two answers are lost after the server stored the application, then one 503.
    sim.inject(FaultRule::new(Some("POST"), "/kyc/applications", FaultKind::DropAfterCommit).times(2));
    sim.inject(FaultRule::new(Some("POST"), "/kyc/applications", FaultKind::Error { status: 503 }).times(1));
    let key = IdempotencyKey::generate();
    let submitted = user.submit_kyc(&common::application("TestApproved"), &key).await.unwrap().data;
    // Approved at the first submission: a second, non-replayed submission would have been refused with
    // "kyc already approved", so an answer of "approved" means one submission, replayed.
    assert_eq!(submitted.status, KycStatus::Approved);
    assert_eq!(user.kyc_status().await.unwrap().data.status, KycStatus::Approved, "not lost");
    let again = user.submit_kyc(&common::application("TestApproved"), &IdempotencyKey::generate()).await.unwrap_err();
    assert_eq!(again.code(), "invalid_state", "a genuinely new submission is refused: {again}");
}
