//! The verifier against a real OpenID Connect provider (npm `oidc-provider`, `tests/oidc/provider.mjs`):
//! a person signs in through its forms and the access token it issues is accepted and names them; its
//! tokens for another audience, and its expired tokens, are refused.
//!
//! Ignored by a plain `cargo test` (they need Node.js and `npm ci`); `scripts/test` runs them with
//! `--ignored`, and there a missing part fails the test with the reason instead of skipping it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/oidc_provider.rs"]
mod oidc_provider;

use std::time::Duration;

use machines_gateway::oidc::{Options, Verifier};
use oidc_provider::OidcProvider;

const AUDIENCE: &str = "http://127.0.0.1/gateway";

#[tokio::test]
#[ignore = "needs Node.js and oidc-provider: run by scripts/test"]
async fn a_person_signed_in_through_the_forms_is_who_the_token_names() {
    let provider = OidcProvider::start(AUDIENCE, Duration::from_secs(300));
    let verifier = Verifier::discover(&provider.issuer, AUDIENCE, reqwest::Client::new()).await.unwrap();
    for user in ["alice", "bob"] {
        let token = provider.sign_in(user, &format!("{user}-password")).await.unwrap();
        let subject = verifier.verify(&token).await.unwrap();
        assert_eq!((subject.issuer.as_str(), subject.subject.as_str()), (provider.issuer.as_str(), user));
    }
    let wrong = provider.sign_in("alice", "bob-password").await.unwrap_err();
    assert!(wrong.contains("do not match"), "{wrong}");
}

#[tokio::test]
#[ignore = "needs Node.js and oidc-provider: run by scripts/test"]
async fn the_providers_tokens_for_another_audience_are_refused() {
    let provider = OidcProvider::start(AUDIENCE, Duration::from_secs(300));
    let verifier = Verifier::discover(&provider.issuer, AUDIENCE, reqwest::Client::new()).await.unwrap();
    let token = provider.sign_in_for("alice", "alice-password", Some("https://other-api.test")).await.unwrap();
    assert_eq!(verifier.verify(&token).await.unwrap_err().code(), "token_audience");
    // The same person's token for this gateway passes, so the refusal was the audience's.
    let token = provider.sign_in("alice", "alice-password").await.unwrap();
    verifier.verify(&token).await.unwrap();
}

#[tokio::test]
#[ignore = "needs Node.js and oidc-provider: run by scripts/test"]
async fn the_providers_expired_tokens_are_refused() {
    let provider = OidcProvider::start(AUDIENCE, Duration::from_secs(1));
    // No leeway here, so the test waits two seconds instead of thirty-two.
    let options = Options { leeway: Duration::ZERO, ..Options::default() };
    let verifier = Verifier::discover_with(&provider.issuer, AUDIENCE, reqwest::Client::new(), options).await.unwrap();
    let token = provider.sign_in("carol", "carol-password").await.unwrap();
    verifier.verify(&token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(verifier.verify(&token).await.unwrap_err().code(), "token_expired");
}
