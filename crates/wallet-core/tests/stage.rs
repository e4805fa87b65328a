//! The screen a user opens on, decided against the simulator: form, verification, agreements, wallet,
//! or blocked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::application;
use machines_api::session::Identity;
use machines_api::{Client, IdempotencyKey, UserClient};
use machines_sim::{SimConfig, Simulator};
use wallet_core::stage::{current_stage, Stage};

fn user(client: &Client, id: &str) -> UserClient {
    client.user(Identity { user_id: id.into(), wallet_address: None }).unwrap()
}

#[tokio::test]
async fn each_state_opens_its_own_screen() {
    // Manual review takes a while here, so the "checks running" screen can be seen.
    let config = SimConfig { kyc_manual_review_for: std::time::Duration::from_secs(600), ..SimConfig::instant() };
    let sim = Simulator::start(config).await.unwrap();
    let client = common::client(&sim);

    let new = user(&client, "new@example.com");
    assert_eq!(current_stage(&new).await.unwrap(), Stage::KycForm);
    new.submit_kyc(&application("Lovelace"), &IdempotencyKey::generate()).await.unwrap();
    assert_eq!(current_stage(&new).await.unwrap(), Stage::Verification);

    let review = user(&client, "review@example.com");
    review.submit_kyc(&application("TestManualReview"), &IdempotencyKey::generate()).await.unwrap();
    assert_eq!(current_stage(&review).await.unwrap(), Stage::Waiting);

    let approved = user(&client, "approved@example.com");
    approved.submit_kyc(&application("TestApproved"), &IdempotencyKey::generate()).await.unwrap();
    assert_eq!(current_stage(&approved).await.unwrap(), Stage::Agreements);
    approved.accept_agreements().await.unwrap();
    assert_eq!(current_stage(&approved).await.unwrap(), Stage::Wallet, "approved and accepted: straight to the wallet");

    let denied = user(&client, "denied@example.com");
    denied.submit_kyc(&application("TestDenied"), &IdempotencyKey::generate()).await.unwrap();
    match current_stage(&denied).await.unwrap() {
        Stage::Blocked { status, reason } => {
            assert_eq!(status, "denied");
            assert!(reason.is_some());
        }
        other => panic!("{other:?}"),
    }
}
