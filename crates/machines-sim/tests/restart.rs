//! A simulator with a state file (Demo mode) keeps everything a person did across a restart, read back
//! through the API exactly as before, writes no secret to that file, and sets aside a file it cannot use.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::path::Path;
use std::time::{Duration, Instant};

use machines_api::models::cards::{CardLimit, CreateCardRequest, LimitFrequency};
use machines_api::models::deposits::{CreateDepositRequest, DepositScope, DepositStatus};
use machines_api::models::kyc::KycStatus;
use machines_api::models::transactions::TransactionQuery;
use machines_api::poll::{PollControl, PollPolicy};
use machines_api::session::Identity;
use machines_api::{Client, IdempotencyKey, UserClient};
use machines_sim::{Restored, SimConfig, SimHandle, Simulator};

mod common;
use common::{application, client_for, Scratch};

const USER: &str = "ada@example.com";
const NATIONAL_ID: &str = "123456789";

fn saved_config(file: &Path, partner_key: &str) -> SimConfig {
    SimConfig {
        partner_keys: vec![partner_key.to_owned()],
        state_file: Some(file.to_path_buf()),
        save_after: Duration::from_millis(50),
        ..SimConfig::instant()
    }
}

fn quick_polls() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        factor: 1.5,
        min: Duration::from_millis(5),
    }
}

fn client(sim: &SimHandle) -> Client {
    client_for(sim, Duration::from_secs(5))
}

fn user_of(client: &Client) -> UserClient {
    client.user(Identity { user_id: USER.into(), wallet_address: None }).unwrap()
}

/// Whether `needle` occurs anywhere in `bytes`.
fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every string value in a JSON document, at any depth.
fn strings_in(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings_in(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// A session token minted over plain HTTP, as any client of the partner API would.
async fn mint_token(sim: &SimHandle) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/sessions", sim.base_url()))
        .header("X-Partner-Key", sim.partner_key())
        .json(&serde_json::json!({"userId": USER, "scopes": ["cards.read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["data"]["sessionToken"].as_str().unwrap().to_owned()
}

async fn wait_for_file_holding(file: &Path, needle: &str) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let bytes = std::fs::read(file).unwrap_or_default();
        if holds(&bytes, needle) {
            return bytes;
        }
        assert!(Instant::now() < deadline, "the state file never held {needle:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_restart_keeps_cards_numbers_balance_kyc_and_agreements_and_writes_no_secret() {
    let scratch = Scratch::new("restart");
    let file = scratch.file();

    // First run: approved, agreements accepted, $60 deposited, a labelled card with a limit.
    let sim = Simulator::start(saved_config(&file, "mk_demo_first_launch")).await.unwrap();
    assert_eq!(sim.restored(), &Restored::Fresh);
    let api = client(&sim);
    let user = user_of(&api);
    let kyc = user.submit_kyc(&application("TestApproved"), &IdempotencyKey::generate()).await.unwrap().data;
    assert_eq!(kyc.status, KycStatus::Approved);
    user.accept_agreements().await.unwrap();
    let deposit =
        user.create_deposit(&CreateDepositRequest::new("USDC", "base", None), &IdempotencyKey::generate()).await;
    let deposit = deposit.unwrap().data;
    user.wait_for_deposit_address(&deposit.id, &quick_polls(), &PollControl::new()).await.unwrap();
    sim.fund_deposit(&deposit.id, 60.0).unwrap();
    let funded = user.watch_deposit(&deposit.id, &quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(funded.status, DepositStatus::Completed);
    let label = user.encrypt("Groceries").await.unwrap().data;
    let create = CreateCardRequest {
        encrypted_name: Some(label),
        limit: Some(CardLimit { amount_cents: 2500, frequency: LimitFrequency::PerAuthorization }),
        ..CreateCardRequest::default()
    };
    let card = user.create_card(&create, &IdempotencyKey::generate()).await.unwrap().data;
    let reveal = user.reveal_card(&card.card_id).await.unwrap();
    let (pan, cvc) = (reveal.numbers.pan.expose().to_owned(), reveal.numbers.cvc.expose().to_owned());
    let balances = user.balances().await.unwrap().data;
    assert_eq!(balances.spending_power, 6000);
    let history = user.all_transactions(&TransactionQuery::default()).await.unwrap();
    let token = mint_token(&sim).await;

    // Saved a moment after the requests, without waiting for a shutdown.
    wait_for_file_holding(&file, &card.card_id).await;
    sim.shutdown().await;

    // The file holds the journey (the control) but no card number, CVC, national id, token or key.
    let bytes = std::fs::read(&file).unwrap();
    assert!(holds(&bytes, USER) && holds(&bytes, &card.card_id), "the scan reads what the file does hold");
    for secret in [pan.as_str(), NATIONAL_ID, token.as_str(), "mk_demo_first_launch"] {
        assert!(!holds(&bytes, secret), "the state file holds a secret: {secret:?}");
    }
    let mut strings = Vec::new();
    strings_in(&serde_json::from_slice(&bytes).unwrap(), &mut strings);
    assert!(!strings.contains(&cvc), "no value in the file is the CVC ({cvc})");
    assert!(!holds(&bytes, "\"pan\"") && !holds(&bytes, "\"cvc\"") && !holds(&bytes, "nationalId"));
    let mut planted = bytes.clone();
    planted.extend_from_slice(pan.as_bytes());
    assert!(holds(&planted, &pan), "the scan finds a card number when there is one");

    // Second run, under another partner key (issue 13 makes the demo key random per launch): the same
    // card with the same number and CVC, the label, the balance, the approval and the agreements.
    let sim = Simulator::start(saved_config(&file, "mk_demo_second_launch")).await.unwrap();
    assert_eq!(sim.restored(), &Restored::Restored { users: 1, cards: 1 });
    let api = client(&sim);
    let user = user_of(&api);
    assert_eq!(user.kyc_status().await.unwrap().data.status, KycStatus::Approved);
    assert!(user.agreements().await.unwrap().data.accepted);
    let after = user.balances().await.unwrap().data;
    assert_eq!(
        (after.credit_limit, after.spending_power, after.pending_charges),
        (balances.credit_limit, balances.spending_power, balances.pending_charges)
    );
    let cards = user.all_cards().await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!((cards[0].card_id.as_str(), cards[0].last4.as_deref()), (card.card_id.as_str(), card.last4.as_deref()));
    assert_eq!(user.decrypt(cards[0].encrypted_name.as_ref().unwrap()).await.unwrap().data, "Groceries");
    assert_eq!(cards[0].limit.as_ref().map(|l| l.amount_cents), Some(2500));
    let again = user.reveal_card(&card.card_id).await.unwrap();
    assert_eq!((again.numbers.pan.expose(), again.numbers.cvc.expose()), (pan.as_str(), cvc.as_str()));
    let deposits = user.list_deposits(DepositScope::All).await.unwrap().data;
    assert_eq!(
        deposits.iter().map(|d| (d.id.clone(), d.status.clone())).collect::<Vec<_>>(),
        [(deposit.id.clone(), DepositStatus::Completed)]
    );
    let history_after = user.all_transactions(&TransactionQuery::default()).await.unwrap();
    let ids = |h: &[machines_api::models::transactions::Transaction]| {
        h.iter().map(|t| t.transaction_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&history_after), ids(&history));

    // New things after a restart get new ids and numbers.
    let second = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;
    assert_ne!(second.card_id, card.card_id);
    assert_ne!(user.reveal_card(&second.card_id).await.unwrap().numbers.pan.expose(), pan.as_str());
    sim.shutdown().await;
}

/// Opens the verification link as a browser would and presses "Complete verification".
async fn complete_verification(link: &url::Url) {
    let form: Vec<(String, String)> = link.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let page = link.as_str().split('?').next().unwrap().to_owned();
    let submitted = reqwest::Client::new().post(page).form(&form).send().await.unwrap();
    assert_eq!(submitted.status(), 200);
}

#[tokio::test]
async fn a_deposit_and_a_kyc_approval_come_due_by_the_clock_across_a_restart() {
    let scratch = Scratch::new("timed");
    let file = scratch.file();
    let config = |key: &str| SimConfig {
        deposit_auto_fund_after: Some(Duration::from_millis(1500)),
        auto_fund_amount: 50.0,
        kyc_pending_for: Duration::from_millis(1500),
        ..saved_config(&file, key)
    };
    let sim = Simulator::start(config("mk_one")).await.unwrap();
    let api = client(&sim);
    let user = user_of(&api);
    user.submit_kyc(&application("TestApproved"), &IdempotencyKey::generate()).await.unwrap();
    user.accept_agreements().await.unwrap();
    // A second person verifies on the simulator's page and is pending when the simulator stops.
    let pending = api.user(Identity { user_id: "grace@example.com".into(), wallet_address: None }).unwrap();
    let sent = pending.submit_kyc(&application("hopper"), &IdempotencyKey::generate()).await.unwrap().data;
    complete_verification(&sent.verification_link().unwrap().resolve().unwrap()).await;
    assert_eq!(pending.kyc_status().await.unwrap().data.status, KycStatus::Pending);
    let deposit = user
        .create_deposit(&CreateDepositRequest::new("USDC", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    let shown = user.wait_for_deposit_address(&deposit.id, &quick_polls(), &PollControl::new()).await.unwrap();
    assert_eq!(shown.status, DepositStatus::AwaitingDeposit);
    sim.shutdown().await;

    // Quit before the deposit funds itself; it is done once its time has passed, counted by the wall clock.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let sim = Simulator::start(config("mk_two")).await.unwrap();
    let api = client(&sim);
    let user = user_of(&api);
    let done = user.watch_deposit(&deposit.id, &quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(done.status, DepositStatus::Completed);
    assert_eq!(user.balances().await.unwrap().data.spending_power, 5000);
    let pending = api.user(Identity { user_id: "grace@example.com".into(), wallet_address: None }).unwrap();
    assert_eq!(pending.kyc_status().await.unwrap().data.status, KycStatus::Approved, "approved while stopped");
    sim.shutdown().await;
}

/// Starts over `file` holding `contents`; the file must be set aside untouched and the simulator fresh.
async fn set_aside(contents: &[u8], reason_has: &str) {
    let scratch = Scratch::new("aside");
    let file = scratch.file();
    std::fs::write(&file, contents).unwrap();
    let sim = Simulator::start(saved_config(&file, "mk_demo")).await.unwrap();
    let Restored::SetAside { to, reason } = sim.restored().clone() else {
        panic!("not set aside: {:?}", sim.restored());
    };
    assert!(reason.contains(reason_has), "{reason}");
    assert_eq!(std::fs::read(&to).unwrap(), contents, "moved aside as it was, not deleted");
    assert_eq!(to.parent(), file.parent());
    let user = user_of(&client(&sim));
    assert_eq!(user.kyc_status().await.unwrap().data.status, KycStatus::NotSubmitted, "a fresh start");
    sim.shutdown().await;
    assert!(std::fs::read(&to).is_ok(), "the set-aside file stays");
}

#[tokio::test]
async fn a_damaged_file_is_set_aside_and_demo_starts_fresh() {
    set_aside(b"{\"version\": 1, \"cardSeed\": \"00\", \"users\": [", "not a saved simulator state").await;
    set_aside(b"\x00\xff garbage", "not a saved simulator state").await;
    set_aside(br#"{"version": 1, "cardSeed": "zz", "nextTx": 1, "users": []}"#, "card seed").await;
}

#[tokio::test]
async fn a_file_of_an_unknown_version_is_set_aside() {
    set_aside(br#"{"version": 99, "whatever": "a later format"}"#, "format 99").await;
}

#[tokio::test]
async fn erasing_the_saved_state_means_a_fresh_start() {
    let scratch = Scratch::new("erase");
    let file = scratch.file();
    let sim = Simulator::start(saved_config(&file, "mk_demo")).await.unwrap();
    let user = user_of(&client(&sim));
    user.submit_kyc(&application("TestApproved"), &IdempotencyKey::generate()).await.unwrap();
    wait_for_file_holding(&file, USER).await;
    sim.erase_saved_state().await.unwrap();
    assert!(!file.exists(), "the file is gone, and the shutdown did not write it again");
    let sim = Simulator::start(saved_config(&file, "mk_demo")).await.unwrap();
    assert_eq!(sim.restored(), &Restored::Fresh);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_file_that_can_be_neither_read_nor_moved_means_a_fresh_start_that_saves_nothing() {
    let scratch = Scratch::new("stuck");
    // A path under a plain file: reading it fails (not a folder), and so does renaming it.
    let blocker = scratch.path().join("not-a-folder");
    std::fs::write(&blocker, b"a plain file").unwrap();
    let file = blocker.join("demo-state.json");
    let sim = Simulator::start(saved_config(&file, "mk_demo")).await.unwrap();
    let Restored::NotSaving { reason } = sim.restored().clone() else {
        panic!("expected NotSaving: {:?}", sim.restored());
    };
    assert!(reason.contains("could not be read") && reason.contains("could not be moved aside"), "{reason}");
    let user = user_of(&client(&sim));
    user.submit_kyc(&application("TestApproved"), &IdempotencyKey::generate()).await.unwrap();
    sim.save_now().unwrap();
    sim.shutdown().await;
    assert_eq!(std::fs::read(&blocker).unwrap(), b"a plain file", "nothing was written over what was there");
}
