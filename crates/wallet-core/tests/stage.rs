//! The screen a user opens on, decided against the simulator: form, verification, agreements, wallet,
//! or blocked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use machines_api::config::ClientConfig;
use machines_api::models::kyc::KycApplication;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey, SecretString, UserClient};
use machines_sim::{SimConfig, Simulator};
use wallet_core::stage::{current_stage, Stage};

fn user(client: &Client, id: &str) -> UserClient {
    client.user(Identity { user_id: id.into(), wallet_address: None }).unwrap()
}

fn application(last_name: &str) -> KycApplication {
    let mut app = KycApplication::new();
    for (k, v) in [
        ("firstName", "Ada"),
        ("lastName", last_name),
        ("birthDate", "1990-01-01"),
        ("nationalId", "123-45-6789"),
        ("countryOfIssue", "GB"),
        ("email", "ada@example.com"),
        ("occupation", "15-1132"),
        ("annualSalary", "150k+"),
        ("accountPurpose", "testing"),
        ("expectedMonthlyVolume", "under $1k"),
    ] {
        app.set_text(k, SecretString::from(v));
    }
    let address = [
        ("line1", "1 High St"),
        ("city", "London"),
        ("region", "LDN"),
        ("postalCode", "N1 9GU"),
        ("countryCode", "GB"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
    .collect();
    app.set_group("address", address);
    app
}

#[tokio::test]
async fn each_state_opens_its_own_screen() {
    // Manual review takes a while here, so the "checks running" screen can be seen.
    let config = SimConfig { kyc_manual_review_for: std::time::Duration::from_secs(600), ..SimConfig::instant() };
    let sim = Simulator::start(config).await.unwrap();
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();

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
