//! The guide's whole journey, steps 1–15, driven through `machines-api` against the simulator over real
//! HTTP on loopback: a user goes from nothing to a funded card whose number decrypts and passes Luhn.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::collections::BTreeMap;
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::cards::{CardLimit, CardStatus, CreateCardRequest, LimitFrequency};
use machines_api::models::deposits::{AssetQuery, CreateDepositRequest, DepositStatus};
use machines_api::models::kyc::KycStatus;
use machines_api::models::transactions::{TransactionQuery, TransactionType};
use machines_api::models::users::ResolveUserRequest;
use machines_api::poll::{PollControl, PollPolicy};
use machines_api::session::{Access, Identity};
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey, SecretString, UserClient};
use machines_sim::{SimConfig, SimHandle, Simulator};
use serde_json::{json, Value};

mod common;
use common::application;

const WALLET: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

fn quick_polls() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        factor: 1.5,
        min: Duration::from_millis(5),
    }
}

fn client_for(sim: &SimHandle) -> Client {
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap()
}

/// Opens the verification link as a browser would and presses "Complete verification".
async fn complete_verification(link: &url::Url) {
    let http = reqwest::Client::new();
    let page = http.get(link.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Complete verification"), "{html}");
    let form: Vec<(String, String)> = link.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let submitted = http.post(link.as_str().split('?').next().unwrap()).form(&form).send().await.unwrap();
    assert_eq!(submitted.status(), 200, "{}", submitted.text().await.unwrap_or_default());
}

/// Takes a fresh user through KYC and agreements, as the guide's steps 1–7 do.
async fn onboard(client: &Client, user_id: &str) -> UserClient {
    let resolved = client
        .resolve_user(&ResolveUserRequest {
            user_id: user_id.into(),
            wallet_address: Some(WALLET.into()),
            wallet_label: Some("Main Wallet".into()),
        })
        .await
        .unwrap();
    assert_eq!(resolved.summary, "user linked; kyc not started");
    assert_eq!(resolved.data.wallet_address.as_deref(), Some(WALLET.to_lowercase().as_str()));

    let user = client.user(Identity { user_id: user_id.into(), wallet_address: Some(WALLET.into()) }).unwrap();
    assert_eq!(user.broker().begin().await.unwrap(), Access::KycOnly, "not approved yet: KYC scopes only");

    let values = user.kyc_values().await.unwrap().data;
    assert!(values.annual_salary.contains(&"50k\u{2013}99k".to_owned()));
    let submitted = user.submit_kyc(&application("smith"), &IdempotencyKey::generate()).await.unwrap().data;
    assert_eq!(submitted.status, KycStatus::NeedsVerification);
    let link = submitted.verification_link().unwrap().resolve().unwrap();

    let err = user.agreements().await.unwrap_err();
    assert_eq!(err.code(), "invalid_state", "agreements are gated on approval");

    complete_verification(&link).await;
    let approved = user.watch_kyc(&quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(approved.status, KycStatus::Approved);

    let agreements = user.agreements().await.unwrap().data;
    assert_eq!(agreements.agreements.len(), 5);
    assert!(!agreements.accepted);
    let accepted = user.accept_agreements().await.unwrap().data;
    assert!(accepted.accepted && accepted.accepted_at.is_some());
    assert_eq!(user.broker().begin().await.unwrap(), Access::Full);
    user
}

#[tokio::test]
async fn the_guide_journey_from_nothing_to_a_revealed_card() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = client_for(&sim);
    let user = onboard(&client, "eeetest").await;

    // Steps 8–9: deposit, address, funds, balances.
    let assets = user.deposit_assets(&AssetQuery::default()).await.unwrap().data;
    assert!(assets.assets.iter().any(|a| a.ticker == "USDC"));
    let deposit_key = IdempotencyKey::generate();
    let request = CreateDepositRequest::new("USDC", "base", None);
    let deposit = user.create_deposit(&request, &deposit_key).await.unwrap().data;
    assert_eq!(deposit.deposit_address, None, "the address arrives after creation");
    let again = user.create_deposit(&request, &deposit_key).await.unwrap().data;
    assert_eq!(again.id, deposit.id, "the same key is the same deposit");
    let ready = user.wait_for_deposit_address(&deposit.id, &quick_polls(), &PollControl::new()).await.unwrap();
    let address = ready.deposit_address.clone().unwrap();
    assert_eq!(ready.status, DepositStatus::AwaitingDeposit);
    assert_eq!(ready.chain_id, Some(8453));
    assert_ne!(address, address.to_lowercase(), "EIP-55 mixed case");

    let funded = reqwest::Client::new()
        .post(format!("{}/_sim/deposits/{}/fund", sim.origin(), deposit.id))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"amount": 50}))
        .send()
        .await
        .unwrap();
    assert_eq!(funded.status(), 200);
    let done = user.watch_deposit(&deposit.id, &quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(done.status, DepositStatus::Completed);
    let balances = user.balances().await.unwrap().data;
    assert_eq!((balances.credit_limit, balances.spending_power), (5000, 5000));

    // Steps 10–12: card session, label, card.
    let label = user.encrypt("Marketing Spend").await.unwrap().data;
    let create = CreateCardRequest {
        encrypted_name: Some(label),
        limit: Some(CardLimit { amount_cents: 2500, frequency: LimitFrequency::PerAuthorization }),
        ..CreateCardRequest::default()
    };
    let card = user.create_card(&create, &IdempotencyKey::generate()).await.unwrap().data;
    assert_eq!((card.status.clone(), card.brand.as_deref()), (CardStatus::Active, Some("VISA")));
    let listed = user.all_cards().await.unwrap();
    assert_eq!(listed.len(), 1);
    let name = user.decrypt(listed[0].encrypted_name.as_ref().unwrap()).await.unwrap().data;
    assert_eq!(name, "Marketing Spend");

    // Steps 13–15: secrets session, encrypted PAN and CVC, local decryption.
    let reveal = user.reveal_card(&card.card_id).await.unwrap();
    let pan = reveal.numbers.pan.expose();
    assert_eq!(pan.len(), 16);
    assert!(pan.starts_with('4'));
    assert!(luhn(pan), "{pan}");
    assert_eq!(Some(&pan[12..]), card.last4.as_deref());
    assert_eq!(reveal.numbers.cvc.len(), 3);
    assert_eq!((reveal.expiration_month, reveal.expiration_year), (card.expiration_month, card.expiration_year));

    // Spending, lock, delete.
    let spend = |amount: i64| {
        let url = format!("{}/_sim/cards/{}/spend", sim.origin(), card.card_id);
        let secret = sim.admin_secret().to_owned();
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .header(machines_sim::ADMIN_HEADER, secret)
                .json(&json!({"amountCents": amount, "merchant": "Coffee"}))
                .send()
                .await
                .unwrap();
            response.json::<Value>().await.unwrap()["data"]["approved"].as_bool().unwrap()
        }
    };
    assert!(spend(1200).await);
    assert!(!spend(2600).await, "over the per-authorization limit");
    assert_eq!(user.lock_card(&card.card_id).await.unwrap().data.status, CardStatus::Locked);
    assert!(!spend(100).await, "a locked card declines");
    assert_eq!(user.unlock_card(&card.card_id).await.unwrap().data.status, CardStatus::Active);
    let balances = user.balances().await.unwrap().data;
    assert_eq!(balances.spending_power, 5000 - 1200);
    let history = user.all_transactions(&TransactionQuery::default()).await.unwrap();
    let kinds: Vec<(&str, &str)> =
        history.iter().map(|t| (t.transaction_type.as_str(), t.status.as_ref().map_or("", |s| s.as_str()))).collect();
    assert!(kinds.contains(&("collateral", "posted")), "{kinds:?}");
    assert_eq!(history.iter().filter(|t| t.transaction_type == TransactionType::Spend).count(), 3, "{kinds:?}");

    let deleted = user.delete_card(&card.card_id).await.unwrap().data;
    assert_eq!(deleted.status, Some(CardStatus::Canceled));
    assert!(user.all_cards().await.unwrap().is_empty(), "canceled cards leave the list");
    assert_eq!(user.get_card(&card.card_id).await.unwrap().data.status, CardStatus::Canceled);
    assert_eq!(user.reveal_card(&card.card_id).await.unwrap_err().code(), "invalid_state");
    sim.shutdown().await;
}

#[tokio::test]
async fn twelve_byte_ivs_decrypt_the_same_way() {
    let sim = Simulator::start(SimConfig { secret_iv: machines_sim::SecretIv::Bytes12, ..SimConfig::instant() })
        .await
        .unwrap();
    let client = client_for(&sim);
    let user = onboard(&client, "iv12@example.com").await;
    let card = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;
    let reveal = user.reveal_card(&card.card_id).await.unwrap();
    assert!(luhn(reveal.numbers.pan.expose()));
}

#[tokio::test]
async fn magic_last_names_decide_kyc() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = client_for(&sim);
    for (last_name, expected) in [
        ("TestApproved", KycStatus::Approved),
        ("TestDenied", KycStatus::Denied),
        ("TestNeedsInformation", KycStatus::NeedsInformation),
        ("TestManualReview", KycStatus::ManualReview),
    ] {
        let user = client.user(Identity { user_id: format!("magic-{last_name}"), wallet_address: None }).unwrap();
        let state = user.submit_kyc(&application(last_name), &IdempotencyKey::generate()).await.unwrap().data;
        assert_eq!(state.status, expected, "{last_name}");
    }
    let denied = client.user(Identity { user_id: "magic-TestDenied".into(), wallet_address: None }).unwrap();
    let state = denied.watch_kyc(&quick_polls(), &PollControl::new(), |_| {}).await.unwrap();
    assert_eq!(state.status, KycStatus::Denied);
    assert!(state.reason.is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn field_errors_come_back_on_dotted_paths_and_a_corrected_form_goes_through() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = client_for(&sim);
    let user = client.user(Identity { user_id: "typo@example.com".into(), wallet_address: None }).unwrap();
    let mut bad = application("TestApproved");
    bad.set_text("email", SecretString::from("not-an-email"));
    bad.set_text("annualSalary", SecretString::from("50k-99k"));
    let mut address = BTreeMap::new();
    address.insert("line1".to_owned(), SecretString::from("1 Main St"));
    address.insert("city".to_owned(), SecretString::from("Springfield"));
    address.insert("region".to_owned(), SecretString::from("IL"));
    address.insert("countryCode".to_owned(), SecretString::from("US"));
    bad.set_group("address", address);
    let key = IdempotencyKey::generate();
    let err = user.submit_kyc(&bad, &key).await.unwrap_err();
    assert_eq!(err.code(), "validation");
    let mut fields: Vec<&str> = err.field_errors().iter().filter_map(|e| e.field.as_deref()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["address.postalCode", "annualSalary", "email"], "ASCII hyphen is not the en dash");

    // The same key may be used again after a refusal: nothing was stored.
    let state = user.submit_kyc(&application("TestApproved"), &key).await.unwrap().data;
    assert_eq!(state.status, KycStatus::Approved);
}

fn luhn(number: &str) -> bool {
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}
