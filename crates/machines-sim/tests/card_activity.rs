//! What a card user expects, through `machines-api` against the simulator over real HTTP: every field of a
//! card edit lands and reads back (the labels decrypt to what was typed), and the activity a card makes
//! (pending, posted, declined with why, reversed, refunded) is listed with the sign and times a list needs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Duration;

use machines_api::models::cards::{Card, CardLimit, CreateCardRequest, FieldChange, LimitFrequency, UpdateCardRequest};
use machines_api::models::deposits::CreateDepositRequest;
use machines_api::models::transactions::{
    DeclineReason, Transaction, TransactionQuery, TransactionStatus, TransactionType,
};
use machines_api::poll::{PollControl, PollPolicy};
use machines_api::{IdempotencyKey, UserClient};
use machines_sim::{SimConfig, SimHandle, Simulator};
use serde_json::{json, Value};

mod common;
use common::{client_for, ready_user};

fn quick_polls() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        factor: 1.5,
        min: Duration::from_millis(5),
    }
}

async fn sim_post(sim: &SimHandle, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/{path}", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    body["data"].clone()
}

/// Deposits `usdc` and waits until it is collateral.
async fn fund(sim: &SimHandle, user: &UserClient, usdc: f64) {
    let request = CreateDepositRequest::new("USDC", "base", None);
    let deposit = user.create_deposit(&request, &IdempotencyKey::generate()).await.unwrap().data;
    user.wait_for_deposit_address(&deposit.id, &quick_polls(), &PollControl::new()).await.unwrap();
    sim_post(sim, &format!("deposits/{}/fund", deposit.id), json!({"amount": usdc})).await;
    user.watch_deposit(&deposit.id, &quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
}

/// Spends on the card and returns the transaction id.
async fn spend(sim: &SimHandle, card_id: &str, cents: i64, merchant: &str) -> String {
    let data =
        sim_post(sim, &format!("cards/{card_id}/spend"), json!({"amountCents": cents, "merchant": merchant})).await;
    data["transaction"]["transactionId"].as_str().unwrap().to_owned()
}

/// The card's labels, decrypted: name, colour, emoji, memo.
async fn labels(user: &UserClient, card: &Card) -> [Option<String>; 4] {
    let mut out = [None, None, None, None];
    let fields = [&card.encrypted_name, &card.encrypted_color, &card.encrypted_emoji, &card.encrypted_memo];
    for (slot, field) in out.iter_mut().zip(fields) {
        if let Some(field) = field {
            *slot = Some(user.decrypt(field).await.unwrap().data);
        }
    }
    out
}

fn owned(texts: [Option<&str>; 4]) -> [Option<String>; 4] {
    texts.map(|t| t.map(str::to_owned))
}

#[tokio::test]
async fn a_card_edit_changes_each_field_it_names_and_keeps_the_rest() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    let user = ready_user(&sim, &client, "edit@example.com").await;
    let create = CreateCardRequest {
        encrypted_name: Some(user.encrypt("Travel").await.unwrap().data),
        ..CreateCardRequest::default()
    };
    let card = user.create_card(&create, &IdempotencyKey::generate()).await.unwrap().data;
    let other = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;

    let weekly = CardLimit { amount_cents: 9_000, frequency: LimitFrequency::Per7DayPeriod };
    let edit = UpdateCardRequest {
        encrypted_name: FieldChange::Set(user.encrypt("Groceries").await.unwrap().data),
        encrypted_color: FieldChange::Set(user.encrypt("#2f855a").await.unwrap().data),
        encrypted_emoji: FieldChange::Set(user.encrypt("🛒").await.unwrap().data),
        encrypted_memo: FieldChange::Set(user.encrypt("the weekly shop").await.unwrap().data),
        limit: FieldChange::Set(weekly.clone()),
        is_pinned: Some(true),
        sort_order: Some(-1),
        ..UpdateCardRequest::default()
    };
    let key = IdempotencyKey::generate();
    let edited = user.update_card(&card.card_id, &edit, &key).await.unwrap();
    assert_eq!(edited.summary, "card updated");
    let read = user.get_card(&card.card_id).await.unwrap().data;
    assert_eq!(read, edited.data, "the answer is the card as stored");
    assert_eq!(
        labels(&user, &read).await,
        owned([Some("Groceries"), Some("#2f855a"), Some("🛒"), Some("the weekly shop")])
    );
    assert_eq!((read.limit.as_ref(), read.is_pinned, read.sort_order), (Some(&weekly), Some(true), Some(-1)));
    let order: Vec<String> = {
        let mut cards = user.all_cards().await.unwrap();
        cards.sort_by_key(|c| c.sort_order);
        cards.into_iter().map(|c| c.card_id).collect()
    };
    assert_eq!(order, [card.card_id.clone(), other.card_id.clone()], "the new order puts it first");

    // One field at a time: a cleared memo and limit, a new emoji, the rest as it was.
    let small = UpdateCardRequest {
        encrypted_memo: FieldChange::Clear,
        encrypted_emoji: FieldChange::Set(user.encrypt("🧺").await.unwrap().data),
        limit: FieldChange::Clear,
        ..UpdateCardRequest::default()
    };
    let after = user.update_card(&card.card_id, &small, &IdempotencyKey::generate()).await.unwrap().data;
    assert_eq!(labels(&user, &after).await, owned([Some("Groceries"), Some("#2f855a"), Some("🧺"), None]));
    assert_eq!((after.limit, after.is_pinned, after.sort_order), (None, Some(true), Some(-1)));

    // The first edit's key again (an answer lost and the edit retried): its first answer, not a second
    // application over the later edit.
    let replay = user.update_card(&card.card_id, &edit, &key).await.unwrap().data;
    assert_eq!(replay, edited.data);
    let now = user.get_card(&card.card_id).await.unwrap().data;
    assert_eq!(labels(&user, &now).await[2].as_deref(), Some("🧺"), "the later edit stands");

    let negative = UpdateCardRequest {
        limit: FieldChange::Set(CardLimit { amount_cents: -5, frequency: LimitFrequency::AllTime }),
        ..UpdateCardRequest::default()
    };
    let refused = user.update_card(&card.card_id, &negative, &IdempotencyKey::generate()).await.unwrap_err();
    assert_eq!(refused.code(), "validation", "{refused}");
    let zero = UpdateCardRequest {
        limit: FieldChange::Set(CardLimit { amount_cents: 0, frequency: LimitFrequency::AllTime }),
        ..UpdateCardRequest::default()
    };
    let server_refused = user.update_card(&card.card_id, &zero, &IdempotencyKey::generate()).await.unwrap_err();
    assert_eq!(server_refused.code(), "validation", "the simulator wants at least a cent: {server_refused}");
}

fn line(t: &Transaction) -> (String, Option<TransactionStatus>, i64, Option<DeclineReason>) {
    (t.title().to_owned(), t.status.clone(), t.signed_cents(), t.decline_reason.clone())
}

#[tokio::test]
async fn a_cards_activity_shows_pending_posted_declined_reversed_and_refunded_spend() {
    let config = SimConfig { spend_posts_after: Duration::from_secs(60), ..SimConfig::instant() };
    let sim = Simulator::start(config).await.unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    let user = ready_user(&sim, &client, "activity@example.com").await;
    fund(&sim, &user, 50.0).await;
    let limit = CardLimit { amount_cents: 2_500, frequency: LimitFrequency::PerAuthorization };
    let create = CreateCardRequest { limit: Some(limit), ..CreateCardRequest::default() };
    let card = user.create_card(&create, &IdempotencyKey::generate()).await.unwrap().data;
    let other = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;

    let coffee = spend(&sim, &card.card_id, 1_200, "Coffee Shop").await;
    spend(&sim, &card.card_id, 2_600, "Electronics").await;
    user.lock_card(&card.card_id).await.unwrap();
    spend(&sim, &card.card_id, 100, "Bakery").await;
    user.unlock_card(&card.card_id).await.unwrap();
    sim.advance_clock(Duration::from_secs(61));
    let books = spend(&sim, &card.card_id, 800, "Book Shop").await;
    sim_post(&sim, &format!("transactions/{books}/refund"), json!({})).await;
    let refund = sim_post(&sim, &format!("transactions/{coffee}/refund"), json!({"amountCents": 200})).await;
    assert_eq!(refund["refund"]["amountCents"], -200);
    spend(&sim, &other.card_id, 500, "Cinema").await;

    let mine = user.all_transactions(&TransactionQuery::for_card(&card.card_id)).await.unwrap();
    use DeclineReason::{CardLocked, LimitExceeded};
    use TransactionStatus::{Declined, Posted, Reversed};
    let lines: Vec<_> = mine.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            ("Coffee Shop".to_owned(), Some(Posted), 200, None),
            ("Book Shop".to_owned(), Some(Reversed), -800, None),
            ("Bakery".to_owned(), Some(Declined), -100, Some(CardLocked)),
            ("Electronics".to_owned(), Some(Declined), -2_600, Some(LimitExceeded)),
            ("Coffee Shop".to_owned(), Some(Posted), -1_200, None),
        ],
        "newest first: the refund, the reversal, the two declines, the posted spend"
    );
    assert!(mine[0].is_refund() && !mine[4].is_refund());
    assert!(mine.iter().all(|t| t.card_id.as_deref() == Some(card.card_id.as_str())));
    let posted = &mine[4];
    assert!(posted.posted_at.as_deref().unwrap() > posted.created_at.as_deref().unwrap(), "posted after it was made");
    assert!(mine[1..4].iter().all(|t| t.posted_at.is_none()), "reversed and declined spend never posts");

    let everything = user.all_transactions(&TransactionQuery::default()).await.unwrap();
    assert_eq!(everything.len(), 7, "the other card's spend and the deposit too");
    assert_eq!(everything[0].status, Some(TransactionStatus::Pending), "the cinema has not posted yet");
    let deposits = TransactionQuery { types: vec![TransactionType::Collateral], ..TransactionQuery::default() };
    let collateral = user.all_transactions(&deposits).await.unwrap();
    assert_eq!(collateral.iter().map(Transaction::signed_cents).collect::<Vec<_>>(), [5_000], "a credit");

    // Small pages give the same list as one big one.
    let mut paged = Vec::new();
    let mut query = TransactionQuery { limit: Some(2), ..TransactionQuery::default() };
    loop {
        let page = user.transactions(&query).await.unwrap().data;
        paged.extend(page.transactions);
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, everything);

    let balances = user.balances().await.unwrap().data;
    assert_eq!(
        (balances.pending_charges, balances.balance_due, balances.spending_power),
        (500, 1_000, 3_500),
        "the cinema held, the coffee less its refund owed, the books released"
    );
}
