//! `machines-sim seed` makes a Demo state file a big account the simulator opens as if the person had made
//! it: every card and transaction pages through `GET /cards` and `GET /transactions` with the API client,
//! card names decrypt, the balances agree with the history, and a bad file, user or number is refused with
//! a sentence that says what to do, from the library and from the command.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use machines_api::models::cards::CreateCardRequest;
use machines_api::models::transactions::{TransactionQuery, TransactionStatus, TransactionType};
use machines_api::{IdempotencyKey, UserClient};
use machines_sim::seed::{seed_bytes, seed_file, Plan, SeedError};
use machines_sim::{Restored, SimConfig, Simulator};
use time::macros::datetime;

mod common;
use common::{client_for, ready_user, Scratch};

const USER: &str = "demo@example.com";
const KEY: &str = "mk_demo_seed_test";

fn saved_config(file: &Path) -> SimConfig {
    SimConfig {
        partner_keys: vec![KEY.to_owned()],
        state_file: Some(file.to_path_buf()),
        save_after: Duration::from_millis(50),
        ..SimConfig::instant()
    }
}

/// A state file as the app leaves it after Demo set-up: one approved user with one labelled card.
async fn demo_state(file: &Path) {
    let sim = Simulator::start(saved_config(file)).await.unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    let user = ready_user(&sim, &client, USER).await;
    let name = user.encrypt("Made in the app").await.unwrap().data;
    let request = CreateCardRequest { encrypted_name: Some(name), ..CreateCardRequest::default() };
    user.create_card(&request, &IdempotencyKey::generate()).await.unwrap();
    sim.shutdown().await;
}

fn plan(cards: usize, transactions: usize) -> Plan {
    Plan { cards, transactions, user: None, seed: 42, now: datetime!(2026-11-30 12:00 UTC) }
}

async fn all_cards(user: &UserClient) -> Vec<machines_api::models::cards::Card> {
    let (mut cards, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = user.list_cards(cursor.as_deref(), Some(100)).await.unwrap().data;
        cards.extend(page.cards);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return cards,
        }
    }
}

async fn all_transactions(user: &UserClient) -> Vec<machines_api::models::transactions::Transaction> {
    let mut query = TransactionQuery { limit: Some(200), ..TransactionQuery::default() };
    let mut transactions = Vec::new();
    loop {
        let page = user.transactions(&query).await.unwrap().data;
        transactions.extend(page.transactions);
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return transactions,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cards_and_ten_thousand_transactions_page_through_the_api_as_made() {
    let scratch = Scratch::new("big");
    let file = scratch.file();
    demo_state(&file).await;

    let seeded = seed_file(&file, &plan(1_000, 10_000)).unwrap();
    assert_eq!((seeded.user_id.as_str(), seeded.cards, seeded.cards_added), (USER, 1_000, 999));
    assert_eq!(seeded.transactions_added, 10_000);

    let sim = Simulator::start(saved_config(&file)).await.unwrap();
    assert_eq!(sim.restored(), &Restored::Restored { users: 1, cards: 1_000 });
    let client = client_for(&sim, Duration::from_secs(5));
    let user = client.user(machines_api::session::Identity { user_id: USER.into(), wallet_address: None }).unwrap();

    let started = Instant::now();
    let cards = all_cards(&user).await;
    let cards_took = started.elapsed();
    assert_eq!(cards.len(), 1_000);
    assert_eq!(cards.iter().map(|c| c.card_id.as_str()).collect::<HashSet<_>>().len(), 1_000, "no card twice");
    assert!(cards.iter().all(|c| c.last4.as_deref().is_some_and(|l| l.len() == 4)), "every card has its last four");

    // Names open with the user's key, as the app opens them: the app's own card and the seeded ones.
    let mut names = Vec::new();
    for card in cards.iter().take(3).chain(cards.iter().skip(40).take(1)) {
        names.push(user.decrypt(card.encrypted_name.as_ref().unwrap()).await.unwrap().data);
    }
    assert_eq!(names, ["Made in the app", "Travel", "Streaming", "Groceries 2"]);

    let started = Instant::now();
    let transactions = all_transactions(&user).await;
    let transactions_took = started.elapsed();
    assert_eq!(transactions.len(), 10_000, "the Demo set-up made none, so all are seeded");
    assert_eq!(
        transactions.iter().map(|t| t.transaction_id.as_str()).collect::<HashSet<_>>().len(),
        transactions.len()
    );
    let count = |status: TransactionStatus| transactions.iter().filter(|t| t.status.as_ref() == Some(&status)).count();
    let (posted, pending, declined, reversed) = (
        count(TransactionStatus::Posted),
        count(TransactionStatus::Pending),
        count(TransactionStatus::Declined),
        count(TransactionStatus::Reversed),
    );
    let refunds = transactions.iter().filter(|t| t.amount_cents < 0).count();
    let deposits = transactions.iter().filter(|t| t.transaction_type == TransactionType::Collateral).count();
    println!(
        "1,000 cards in {cards_took:?}, {} transactions in {transactions_took:?}: {posted} posted, {pending} pending, \
         {declined} declined, {reversed} reversed, {refunds} refunds, {deposits} deposits",
        transactions.len()
    );
    assert!(posted > 7_000 && pending > 0 && declined > 300 && reversed > 100 && refunds > 100 && deposits > 10);
    assert!(transactions
        .iter()
        .filter(|t| t.status == Some(TransactionStatus::Declined))
        .all(|t| t.decline_reason.is_some()));
    let merchants: HashSet<_> = transactions.iter().filter_map(|t| t.merchant_name.as_deref()).collect();
    assert!(merchants.len() >= 25, "merchants vary: {merchants:?}");
    let oldest = transactions.iter().filter_map(|t| t.created_at.as_deref()).min().unwrap();
    assert!(oldest < "2025-01-01", "the history goes back about two years: {oldest}");
    // "Fast enough": a person's list pages in well under a second each; both lists whole in seconds.
    assert!(cards_took < Duration::from_secs(10) && transactions_took < Duration::from_secs(30));

    // The balances are what the history adds up to, and the spending power is not below zero.
    let balances = user.balances().await.unwrap().data;
    let net_posted: i64 = transactions
        .iter()
        .filter(|t| t.transaction_type == TransactionType::Spend && t.status == Some(TransactionStatus::Posted))
        .map(|t| t.amount_cents)
        .sum();
    let held: i64 = transactions
        .iter()
        .filter(|t| t.transaction_type == TransactionType::Spend && t.status == Some(TransactionStatus::Pending))
        .map(|t| t.amount_cents)
        .sum();
    let collateral: i64 =
        transactions.iter().filter(|t| t.transaction_type == TransactionType::Collateral).map(|t| t.amount_cents).sum();
    assert_eq!((balances.balance_due, balances.pending_charges, balances.credit_limit), (net_posted, held, collateral));
    assert!(balances.spending_power >= 0);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_file_and_seed_give_the_same_account() {
    let scratch = Scratch::new("same");
    let file = scratch.file();
    demo_state(&file).await;
    let bytes = std::fs::read(&file).unwrap();
    let (first, _) = seed_bytes(&bytes, &plan(20, 300)).unwrap();
    let (again, _) = seed_bytes(&bytes, &plan(20, 300)).unwrap();
    assert!(first == again, "the same seed gives the same bytes");
    let (other, _) = seed_bytes(&bytes, &Plan { seed: 43, ..plan(20, 300) }).unwrap();
    assert!(first != other, "another seed, another account");
    // Seeding again adds transactions, and cards only up to the total.
    let (twice, seeded) = seed_bytes(&first, &plan(20, 10)).unwrap();
    assert_eq!((seeded.cards_added, seeded.cards), (0, 20));
    assert!(twice.len() > first.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_user_or_number_is_refused_with_what_to_do() {
    let scratch = Scratch::new("bad");
    let file = scratch.file();
    let message = |err: SeedError| err.to_string();

    let missing = message(seed_file(&file, &plan(3, 30)).unwrap_err());
    assert!(missing.starts_with("cannot read ") && missing.contains("demo-state.json"), "{missing}");
    std::fs::write(&file, b"{not json").unwrap();
    let damaged = message(seed_file(&file, &plan(3, 30)).unwrap_err());
    assert!(damaged.contains("cannot be seeded: it is not a saved simulator state"), "{damaged}");
    assert_eq!(std::fs::read(&file).unwrap(), b"{not json", "a file that cannot be seeded is left as it was");

    demo_state(&file).await;
    let bytes = std::fs::read(&file).unwrap();
    let refused = |plan: Plan| message(seed_bytes(&bytes, &plan).unwrap_err());
    assert_eq!(
        refused(Plan { user: Some("bob".into()), ..plan(3, 30) }),
        format!("the state file has no user \"bob\" (it has: {USER})")
    );
    assert_eq!(refused(plan(0, 0)), "--cards 0 is fewer than the 1 active cards the user already has");
    assert_eq!(refused(plan(0, 5)), "transactions need a card to be made on: --cards must be at least 1");
    assert_eq!(refused(plan(100_001, 0)), "--cards 100001 is more than 100000");
    assert_eq!(refused(plan(3, 1_000_001)), "--transactions 1000001 is more than 1000000");
    assert!(seed_bytes(&bytes, &Plan { user: Some(USER.into()), ..plan(3, 30) }).is_ok());

    // The command says the same and exits non-zero, with no panic; a number clap cannot read is refused too.
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_machines-sim")).arg("seed").args(args).output().unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["--state-file", path, "--cards", "3", "--transactions", "30", "--user", "bob"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("has no user \"bob\""), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = run(&["--state-file", path, "--cards", "many", "--transactions", "30"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("invalid value 'many' for '--cards"), "{stderr}");
    let out = run(&["--state-file", path, "--cards", "3", "--transactions", "30"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 active cards (2 added), 30 transactions added"));
}
