//! Money in and out through `machines-api` against the simulator: deposit routes and their errors, a
//! deposit below its minimum, the Demo auto-fund timer, `missing_contract` on a first deposit, and the
//! withdrawal flow from quote to signature payload.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::deposits::{
    AssetQuery, CreateDepositRequest, DepositEstimateRequest, DepositRoute, DepositScope, DepositStatus,
};
use machines_api::models::withdrawals::{
    CallPath, CreateWithdrawalRequest, WithdrawalDestination, WithdrawalEstimateRequest, WithdrawalRangeRequest,
    WithdrawalSource, WithdrawalStatus,
};
use machines_api::poll::{PollControl, PollPolicy};
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey, UserClient};
use machines_sim::{SimConfig, SimHandle, Simulator};
use serde_json::json;

fn quick_polls() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        factor: 1.5,
        min: Duration::from_millis(5),
    }
}

/// A user who is approved and has accepted the agreements.
async fn ready_user(sim: &SimHandle, user_id: &str) -> UserClient {
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();
    let user = client.user(Identity { user_id: user_id.into(), wallet_address: None }).unwrap();
    user.kyc_status().await.unwrap();
    let http = reqwest::Client::new();
    let approved = http
        .post(format!("{}/_sim/users/{user_id}/kyc", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    user.accept_agreements().await.unwrap();
    user
}

async fn fund(sim: &SimHandle, deposit_id: &str, amount: f64) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{}/_sim/deposits/{deposit_id}/fund", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"amount": amount}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn deposits_before_agreements_are_refused() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();
    let user = client.user(Identity { user_id: "early@example.com".into(), wallet_address: None }).unwrap();
    let err = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_state");
}

#[tokio::test]
async fn routes_quotes_and_their_errors() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let user = ready_user(&sim, "routes@example.com").await;
    let assets = user.deposit_assets(&AssetQuery { q: Some("usd".into()), limit: None }).await.unwrap().data;
    let tickers: Vec<&str> = assets.assets.iter().map(|a| a.ticker.as_str()).collect();
    assert_eq!(tickers, ["USDC", "RUSD"], "search matches ticker or name");

    let range = user.deposit_range(&DepositRoute::new("RUSD", "Base")).await.unwrap().data;
    assert_eq!(range.min_amount, Some(1.0));
    let estimate = user.deposit_estimate(&DepositEstimateRequest::new("hbar", "hbar", 100.0)).await.unwrap().data;
    assert_eq!(estimate.estimated_to_amount, Some(25.0), "100 HBAR at $0.25");

    let unsupported = user.deposit_range(&DepositRoute::new("usdc", "solana")).await.unwrap_err();
    assert_eq!(unsupported.api_code(), Some("chain_not_supported"));
    assert_eq!(unsupported.field_errors()[0].field.as_deref(), Some("network"));
    let unknown = user.deposit_range(&DepositRoute::new("doge", "base")).await.unwrap_err();
    assert_eq!(unknown.field_errors()[0].field.as_deref(), Some("currency"));
}

#[tokio::test]
async fn a_memo_route_a_short_deposit_and_the_history() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let user = ready_user(&sim, "memo@example.com").await;
    let hbar = user
        .create_deposit(&CreateDepositRequest::new("HBAR", "HBAR", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    let hbar = user.wait_for_deposit_address(&hbar.id, &quick_polls(), &PollControl::new()).await.unwrap();
    assert!(hbar.deposit_address.as_deref().unwrap().starts_with("0.0."));
    assert!(hbar.payin_extra_id.is_some(), "a memo route shows its memo");

    let short = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    user.get_deposit(&short.id).await.unwrap();
    assert_eq!(fund(&sim, &short.id, 0.5).await, 200);
    let failed = user.get_deposit(&short.id).await.unwrap().data;
    assert_eq!(failed.status, DepositStatus::Failed, "below the 1 USDC minimum");
    assert_eq!(fund(&sim, &short.id, 10.0).await, 409, "a finished deposit takes no more funds");
    assert_eq!(user.balances().await.unwrap().data.credit_limit, 0);

    let all = user.list_deposits(DepositScope::All).await.unwrap().data;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, short.id, "newest first");
}

#[tokio::test]
async fn demo_mode_funds_a_deposit_by_itself() {
    let config = SimConfig {
        deposit_auto_fund_after: Some(Duration::from_secs(30)),
        auto_fund_amount: 25.0,
        ..SimConfig::instant()
    };
    let sim = Simulator::start(config).await.unwrap();
    let user = ready_user(&sim, "demo@example.com").await;
    let deposit = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    assert_eq!(user.get_deposit(&deposit.id).await.unwrap().data.status, DepositStatus::AwaitingDeposit);
    sim.advance_clock(Duration::from_secs(31));
    let done = user.watch_deposit(&deposit.id, &quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(done.status, DepositStatus::Completed);
    assert_eq!(user.balances().await.unwrap().data.credit_limit, 2500);
}

#[tokio::test]
async fn a_first_deposit_meets_missing_contract_and_the_client_waits_it_out() {
    let sim =
        Simulator::start(SimConfig { missing_contract_on_first_deposit: true, ..SimConfig::instant() }).await.unwrap();
    let user = ready_user(&sim, "contract@example.com").await;
    let deposit = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    assert_eq!(deposit.status, DepositStatus::Pending);
    assert_eq!(sim.summary()["deposits"], json!(1));
}

#[tokio::test]
async fn a_withdrawal_goes_from_quote_to_signature_payload() {
    let sim = Simulator::start(SimConfig { withdrawal_pending_polls: 2, ..SimConfig::instant() }).await.unwrap();
    let user = ready_user(&sim, "withdraw@example.com").await;
    let deposit = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    user.get_deposit(&deposit.id).await.unwrap();
    assert_eq!(fund(&sim, &deposit.id, 40.0).await, 200);

    let destination = WithdrawalDestination {
        address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
        ..WithdrawalDestination::new("usdc", "base")
    };
    let range = user
        .withdrawal_range(&WithdrawalRangeRequest { source: None, destination: destination.clone() })
        .await
        .unwrap()
        .data;
    assert_eq!(range.max_amount_cents, Some(4000), "up to the spending power");
    let estimate = user
        .withdrawal_estimate(&WithdrawalEstimateRequest {
            destination: destination.clone(),
            amount_cents: 1500,
            source: None,
        })
        .await
        .unwrap()
        .data;
    assert_eq!(estimate.from_amount_cents, Some(1500));

    let request = CreateWithdrawalRequest {
        amount_cents: 1500,
        source: WithdrawalSource::default(),
        destination: destination.clone(),
        admin_address: None,
    };
    // Each poll is a fresh key, as the vendor's client does; the same request is the same withdrawal.
    let mut statuses = Vec::new();
    let ready = loop {
        let answer = user.create_withdrawal(&request, &IdempotencyKey::generate()).await.unwrap();
        statuses.push(answer.data.status.clone());
        if answer.data.status == WithdrawalStatus::Ready {
            break answer.data;
        }
        assert!(answer.next.and_then(|n| n.poll_after).is_some(), "pending comes with a polling hint");
        assert!(statuses.len() < 5);
    };
    assert_eq!(statuses, [WithdrawalStatus::Pending, WithdrawalStatus::Pending, WithdrawalStatus::Ready]);
    assert_eq!(ready.parameters_as_strings().len(), 7);
    assert_eq!(ready.execution.unwrap().call_path, Some(CallPath::CoordinatorV2));

    let too_much = CreateWithdrawalRequest { amount_cents: 999_999, ..request.clone() };
    let err = user.create_withdrawal(&too_much, &IdempotencyKey::generate()).await.unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("amountCents"));
    let bad_destination =
        WithdrawalDestination { address: Some("not-an-address".into()), ..WithdrawalDestination::new("usdc", "base") };
    let bad_address = CreateWithdrawalRequest { destination: bad_destination, ..request.clone() };
    let err = user.create_withdrawal(&bad_address, &IdempotencyKey::generate()).await.unwrap_err();
    assert_eq!(err.api_code(), Some("wallet_invalid_for_chain"));
    let key = IdempotencyKey::generate();
    user.create_withdrawal(&request, &key).await.unwrap();
    let reused = CreateWithdrawalRequest { amount_cents: 1400, ..request };
    assert_eq!(user.create_withdrawal(&reused, &key).await.unwrap_err().code(), "conflict");
}

#[tokio::test]
async fn a_refused_withdrawal_keeps_its_key_free_and_an_expired_signature_is_renewed() {
    let sim = Simulator::start(SimConfig { withdrawal_pending_polls: 0, ..SimConfig::instant() }).await.unwrap();
    let user = ready_user(&sim, "renew@example.com").await;
    let destination = WithdrawalDestination {
        address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
        ..WithdrawalDestination::new("usdc", "base")
    };
    let request = CreateWithdrawalRequest {
        amount_cents: 100,
        source: WithdrawalSource::default(),
        destination,
        admin_address: None,
    };
    let key = IdempotencyKey::generate();
    let refused = user.create_withdrawal(&request, &key).await.unwrap_err();
    assert_eq!(refused.code(), "validation", "no funds yet");

    let deposit = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    assert_eq!(fund(&sim, &deposit.id, 5.0).await, 200, "funds may arrive before the address was read");
    let corrected = CreateWithdrawalRequest { amount_cents: 50, ..request.clone() };
    let first = user.create_withdrawal(&corrected, &key).await.unwrap().data;
    assert_eq!(first.status, WithdrawalStatus::Ready, "the refused attempt did not claim the key");

    sim.advance_clock(Duration::from_secs(3600));
    let later = user.create_withdrawal(&corrected, &IdempotencyKey::generate()).await.unwrap().data;
    assert_ne!(later.expires_at, first.expires_at, "an expired signature is not served again");
}

#[tokio::test]
async fn absurd_admin_input_is_refused_not_fatal() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let user = ready_user(&sim, "absurd@example.com").await;
    let deposit = user
        .create_deposit(&CreateDepositRequest::new("usdc", "base", None), &IdempotencyKey::generate())
        .await
        .unwrap()
        .data;
    assert_eq!(fund(&sim, &deposit.id, 1e17).await, 400);
    let http = reqwest::Client::new();
    for (path, body) in [
        ("/_sim/faults", json!({"path": "/**", "kind": "error", "status": 200})),
        ("/_sim/faults", json!({"path": "/**", "kind": "latency", "ms": 1, "probability": 2.0})),
        ("/_sim/clock/advance", json!({"seconds": -5})),
    ] {
        let response = http
            .post(format!("{}{path}", sim.origin()))
            .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path} {body}");
    }
    // Moving the clock as far as it goes leaves the simulator answering.
    for _ in 0..50 {
        http.post(format!("{}/_sim/clock/advance", sim.origin()))
            .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
            .json(&json!({"seconds": 316_224_000}))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(user.balances().await.unwrap().data.credit_limit, 0);
    let short_id = user.get_deposit("\u{e9}\u{e9}\u{e9}\u{e9}").await.unwrap_err();
    assert_eq!(short_id.code(), "validation");
}
