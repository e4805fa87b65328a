//! Contract: every example response in the vendor's guide and reference pages (`shared/seeds/`) parses
//! through the envelope into its model, with the values a person would see.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use machines_api::envelope::{parse_response, Envelope};
use machines_api::models::agreements::Agreements;
use machines_api::models::balances::Balances;
use machines_api::models::card_secrets::{CardSecrets, SecretsSession};
use machines_api::models::cards::{Card, CardStatus, LimitFrequency};
use machines_api::models::deposits::{DepositData, DepositStatus};
use machines_api::models::encryption::Encrypted;
use machines_api::models::kyc::{KycState, KycStatus, KycValues};
use machines_api::models::sessions::SessionInfo;
use machines_api::models::users::ResolvedUser;
use serde_json::Value;

mod common;
use common::{example_responses, seed};

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Envelope<T> {
    parse_response::<T>(200, body.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

#[test]
fn every_guide_response_parses_into_its_model() {
    let page = seed("000_");
    let responses = example_responses(&page);
    assert_eq!(responses.len(), 15, "the guide has 15 example responses");
    let mut seen = Vec::new();
    for body in &responses {
        let summary = serde_json::from_str::<Value>(body).unwrap()["summary"].as_str().unwrap().to_owned();
        match summary.as_str() {
            "session created" => {
                let env = parse::<SessionInfo>(body);
                assert_eq!(env.data.user_id.as_deref(), Some("eeetest"));
                assert_eq!(format!("{:?}", env.data).matches("[redacted]").count(), 1);
            }
            "user linked; kyc not started" => {
                let user = parse::<ResolvedUser>(body).data;
                assert_eq!(user.kyc_status, Some(KycStatus::NotSubmitted));
                assert_eq!(user.wallet_address.as_deref(), Some("0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e"));
            }
            "kyc values" => {
                let values = parse::<KycValues>(body).data;
                assert_eq!(values.fields.len(), 13);
                assert_eq!(values.occupations.len(), 48);
                assert!(values.annual_salary.contains(&"50k\u{2013}99k".to_owned()));
                let national = values.fields.iter().find(|f| f.name == "nationalId").unwrap();
                assert_eq!(national.regex.as_deref(), Some("^[0-9A-Za-z-]+$"));
            }
            "kyc submitted" => {
                let state = parse::<KycState>(body).data;
                assert_eq!(state.status, KycStatus::NeedsVerification);
                let link = state.verification_link().unwrap().resolve().unwrap();
                assert_eq!(link.host_str(), Some("kyc.machines.cash"));
                assert!(link.query().unwrap().contains("userId=18717ac1-c375-4ff6-972d-79dd702b7d44"));
            }
            "kyc status" => {
                let state = parse::<KycState>(body).data;
                assert_eq!(state.status, KycStatus::Approved);
                assert!(state.verification_link().is_none());
            }
            "agreements" | "agreements accepted" => {
                let agreements = parse::<Agreements>(body).data;
                assert_eq!(agreements.agreements.len(), 5);
                assert_eq!(agreements.accepted, summary == "agreements accepted");
                assert_eq!(agreements.accepted_at.is_some(), agreements.accepted);
                assert_eq!(agreements.agreements[2].links.len(), 2);
            }
            "deposit created" | "deposit" => {
                let deposit = parse::<DepositData>(body).data.deposit;
                assert_eq!(deposit.status, DepositStatus::AwaitingDeposit);
                assert_eq!(deposit.chain_id, Some(8453));
                assert_eq!(deposit.deposit_address.as_deref(), Some("0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"));
            }
            "balances" => {
                let balances = parse::<Balances>(body).data;
                assert_eq!((balances.credit_limit, balances.spending_power), (3000, 3000));
            }
            "encrypted" => {
                let field = parse::<Encrypted>(body).data.value;
                assert_eq!(field.iv, "Qz4f2m7Hk1P9x0ab");
            }
            "card created" => {
                let card = parse::<Card>(body).data;
                assert_eq!((card.status, card.last4.as_deref()), (CardStatus::Active, Some("4242")));
                assert_eq!((card.expiration_month, card.expiration_year), (Some(12), Some(2029)));
            }
            "card secrets session" => {
                let session = parse::<SecretsSession>(body).data;
                assert!(!format!("{session:?}").contains("CARD_SECRETS_SECRET_KEY"));
            }
            "card secrets" => {
                let secrets = parse::<CardSecrets>(body).data;
                assert_eq!(secrets.encrypted_pan.iv, "TTPaDqoFqscIQriDfJ/Efg==");
            }
            other => panic!("no model for guide example {other:?}"),
        }
        seen.push(summary);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 14, "{seen:?}");
}

#[test]
fn reference_page_placeholders_parse() {
    // The generated reference pages use Mintlify placeholders ("<string>", 123, "not_submitted").
    let kyc = example_responses(&seed("003_"));
    assert_eq!(kyc.len(), 1);
    let state = parse::<KycState>(&kyc[0]).data;
    assert_eq!(state.status, KycStatus::NotSubmitted);
    assert!(state.completion_link.is_some(), "a string link parses");

    let card = example_responses(&seed("004_"));
    assert_eq!(card.len(), 1);
    let card = parse::<Card>(&card[0]).data;
    assert_eq!(card.limit.unwrap().frequency, LimitFrequency::PerAuthorization);
    assert_eq!(card.brand.as_deref(), Some("VISA"));
    assert!(card.encrypted_memo.is_some());
}
