//! Access-token verification (`machines_gateway::oidc`) against an issuer served on loopback with keys made
//! at test time: the good tokens pass and name their subject; every forgery the issue lists is refused with
//! its own code; keys are refetched for an unknown `kid` at most once per interval, and a rotation is
//! picked up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/issuer.rs"]
mod issuer;

use std::time::Duration;

use issuer::{claims, es256_key, now, rs256_key, sign, unsigned, TestIssuer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use machines_gateway::oidc::{Options, Subject, Verifier};
use serde_json::json;

const AUDIENCE: &str = "https://gateway.test";

async fn verifier(issuer: &TestIssuer, options: Options) -> Verifier {
    Verifier::discover_with(&issuer.url, AUDIENCE, reqwest::Client::new(), options).await.expect("discover")
}

async fn refused(verifier: &Verifier, token: &str) -> &'static str {
    match verifier.verify(token).await {
        Ok(subject) => panic!("token accepted for {subject:?}"),
        Err(e) => e.code(),
    }
}

#[tokio::test]
async fn tokens_from_the_published_keys_name_their_subject() {
    let (ec, rsa) = (es256_key("ec-1"), rs256_key("rsa-1"));
    let issuer = TestIssuer::start(&[&ec, &rsa]).await;
    let verifier = verifier(&issuer, Options::default()).await;
    for (key, sub) in [(&ec, "alice"), (&rsa, "bob")] {
        let subject = verifier.verify(&sign(key, &claims(&issuer.url, AUDIENCE, sub))).await.expect("valid");
        assert_eq!(subject, Subject { issuer: issuer.url.clone(), subject: sub.to_owned() });
    }
    // Thirty seconds of clock skew are forgiven both ways.
    let mut skewed = claims(&issuer.url, AUDIENCE, "alice");
    skewed["exp"] = json!(now() - 10);
    skewed["nbf"] = json!(now() + 10);
    verifier.verify(&sign(&ec, &skewed)).await.expect("within the leeway");
    // An audience list that includes the gateway's is accepted.
    let mut listed = claims(&issuer.url, AUDIENCE, "alice");
    listed["aud"] = json!(["https://other.test", AUDIENCE]);
    verifier.verify(&sign(&ec, &listed)).await.expect("audience in a list");
    assert_eq!(issuer.jwks_fetches(), 1, "good tokens are checked with cached keys");
}

#[tokio::test]
async fn forged_expired_early_and_misdirected_tokens_are_refused_each_with_its_code() {
    let key = es256_key("k1");
    let issuer = TestIssuer::start(&[&key]).await;
    let verifier = verifier(&issuer, Options::default()).await;
    let good = claims(&issuer.url, AUDIENCE, "alice");

    // Signed by a key of the attacker's under the issuer's kid.
    let mut forger = es256_key("k1");
    forger.kid = key.kid.clone();
    assert_eq!(refused(&verifier, &sign(&forger, &good)).await, "token_signature");
    // The payload changed after signing.
    let token = sign(&key, &good);
    let parts: Vec<&str> = token.split('.').collect();
    let mut other = good.clone();
    other["sub"] = json!("mallory");
    let tampered = unsigned(&json!({"alg": "ES256", "kid": "k1", "typ": "JWT"}), &other, parts[2]);
    assert_eq!(refused(&verifier, &tampered).await, "token_signature");

    let mut expired = good.clone();
    expired["exp"] = json!(now() - 120);
    assert_eq!(refused(&verifier, &sign(&key, &expired)).await, "token_expired");

    let mut early = good.clone();
    early["nbf"] = json!(now() + 120);
    assert_eq!(refused(&verifier, &sign(&key, &early)).await, "token_not_yet_valid");

    let mut elsewhere = good.clone();
    elsewhere["iss"] = json!("https://evil.test");
    assert_eq!(refused(&verifier, &sign(&key, &elsewhere)).await, "token_issuer");

    let mut for_another = good.clone();
    for_another["aud"] = json!("https://another-gateway.test");
    assert_eq!(refused(&verifier, &sign(&key, &for_another)).await, "token_audience");

    let mut no_audience = good.clone();
    no_audience.as_object_mut().unwrap().remove("aud");
    assert_eq!(refused(&verifier, &sign(&key, &no_audience)).await, "token_malformed");

    assert_eq!(refused(&verifier, "").await, "token_missing");
    assert_eq!(refused(&verifier, "not-a-jwt").await, "token_malformed");
    assert_eq!(refused(&verifier, &"a.".repeat(10_000)).await, "token_malformed");
}

#[tokio::test]
async fn the_algorithm_is_the_keys_never_the_tokens() {
    let rsa = rs256_key("rsa-1");
    let ec = es256_key("ec-1");
    let issuer = TestIssuer::start(&[&rsa, &ec]).await;
    let verifier = verifier(&issuer, Options::default()).await;
    let good = claims(&issuer.url, AUDIENCE, "alice");

    // alg: none, with and without an empty signature part.
    for alg in ["none", "None", "NONE"] {
        let token = unsigned(&json!({"alg": alg, "kid": "rsa-1"}), &good, "");
        assert_eq!(refused(&verifier, &token).await, "token_algorithm", "alg {alg}");
    }
    // HS256 keyed with the RSA public key's bytes, as published: the classic key-confusion forgery.
    for key in [&rsa, &ec] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let forged = jsonwebtoken::encode(&header, &good, &EncodingKey::from_secret(&key.public_pem)).unwrap();
        assert_eq!(refused(&verifier, &forged).await, "token_algorithm", "HS256 with {}", key.kid);
    }
    // An RS256 signature presented under the EC key's kid: the key says ES256.
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(ec.kid.clone());
    let crossed = jsonwebtoken::encode(&header, &good, &rsa.encoding).unwrap();
    assert_eq!(refused(&verifier, &crossed).await, "token_algorithm");
    // PS256 is asymmetric too, but this RSA key is published for RS256 only.
    let mut header = Header::new(Algorithm::PS256);
    header.kid = Some(rsa.kid.clone());
    let other_padding = jsonwebtoken::encode(&header, &good, &rsa.encoding).unwrap();
    assert_eq!(refused(&verifier, &other_padding).await, "token_algorithm");
}

#[tokio::test]
async fn a_symmetric_key_in_the_key_set_is_never_used() {
    let key = es256_key("k1");
    let issuer = TestIssuer::start(&[&key]).await;
    let secret = b"a shared secret that anyone who reads the key set knows";
    issuer.publish_raw(vec![
        key.jwk.clone(),
        json!({"kty": "oct", "kid": "hmac", "alg": "HS256", "k": base64_url(secret)}),
    ]);
    let verifier = verifier(&issuer, Options::default()).await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("hmac".into());
    let token =
        jsonwebtoken::encode(&header, &claims(&issuer.url, AUDIENCE, "alice"), &EncodingKey::from_secret(secret))
            .unwrap();
    assert_eq!(refused(&verifier, &token).await, "token_algorithm");
}

#[tokio::test]
async fn an_unknown_kid_refetches_the_keys_at_most_once_per_interval() {
    let key = es256_key("k1");
    let issuer = TestIssuer::start(&[&key]).await;
    let stranger = es256_key("k-unknown");
    let token = sign(&stranger, &claims(&issuer.url, AUDIENCE, "alice"));

    // The default minute: the keys were fetched at discovery, so no refetch yet.
    let by_the_minute = verifier(&issuer, Options::default()).await;
    assert_eq!(refused(&by_the_minute, &token).await, "token_unknown_key");
    assert_eq!(issuer.jwks_fetches(), 1);

    // A short interval, elapsed: exactly one refetch, then none while the interval runs again.
    let interval = Duration::from_millis(300);
    let fetches_before = issuer.jwks_fetches();
    let quick = verifier(&issuer, Options { refetch_interval: interval, ..Options::default() }).await;
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    assert_eq!(refused(&quick, &token).await, "token_unknown_key");
    assert_eq!(issuer.jwks_fetches(), fetches_before + 2, "discovery's fetch and one refetch");
    for _ in 0..20 {
        assert_eq!(refused(&quick, &token).await, "token_unknown_key");
    }
    assert_eq!(issuer.jwks_fetches(), fetches_before + 2, "no more refetches within the interval");
    // Many at once after the interval still make one refetch between them.
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    let all = futures_like_join(&quick, &token, 16).await;
    assert!(all.iter().all(|code| *code == "token_unknown_key"), "{all:?}");
    assert_eq!(issuer.jwks_fetches(), fetches_before + 3, "one refetch for 16 concurrent requests");
}

#[tokio::test]
async fn a_key_rotation_is_picked_up_and_the_retired_key_stops_working() {
    let (old, new) = (es256_key("2026-01"), rs256_key("2026-02"));
    let issuer = TestIssuer::start(&[&old]).await;
    let interval = Duration::from_millis(300);
    let verifier = verifier(&issuer, Options { refetch_interval: interval, ..Options::default() }).await;
    let claims = claims(&issuer.url, AUDIENCE, "alice");
    verifier.verify(&sign(&old, &claims)).await.expect("old key before the rotation");

    issuer.publish(&[&new]);
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    verifier.verify(&sign(&new, &claims)).await.expect("new key after the rotation");
    assert_eq!(issuer.jwks_fetches(), 2);
    // The retired key is gone from the cache with the refetch, and no new refetch is due.
    assert_eq!(refused(&verifier, &sign(&old, &claims)).await, "token_unknown_key");
    assert_eq!(issuer.jwks_fetches(), 2);
}

#[tokio::test]
async fn a_provider_that_cannot_be_asked_is_unavailable_not_a_bad_token() {
    let key = es256_key("k1");
    let issuer = TestIssuer::start(&[&key]).await;
    let interval = Duration::from_millis(200);
    let verifier = verifier(&issuer, Options { refetch_interval: interval, ..Options::default() }).await;
    let url = issuer.url.clone();
    drop(issuer);
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    let stranger = es256_key("k2");
    let error = verifier.verify(&sign(&stranger, &claims(&url, AUDIENCE, "alice"))).await.unwrap_err();
    assert_eq!(error.code(), "oidc_unavailable");
    assert!(error.is_unavailable());
    // Cached keys keep working while the provider is away.
    verifier.verify(&sign(&key, &claims(&url, AUDIENCE, "alice"))).await.expect("cached key");

    let error = Verifier::discover(&url, AUDIENCE, reqwest::Client::new()).await.unwrap_err();
    assert_eq!(error.code(), "oidc_unavailable");
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_refused() {
    let key = es256_key("k1");
    let issuer = TestIssuer::start(&[&key]).await;
    // The same server under another name for itself: the document names 127.0.0.1, not localhost.
    let renamed = issuer.url.replace("127.0.0.1", "localhost");
    let error = Verifier::discover(&renamed, AUDIENCE, reqwest::Client::new()).await.unwrap_err();
    assert_eq!(error.code(), "oidc_unavailable");
    assert!(error.to_string().contains("names the issuer"), "{error}");
}

async fn futures_like_join(verifier: &Verifier, token: &str, n: usize) -> Vec<&'static str> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.to_owned());
            tokio::spawn(async move { verifier.verify(&token).await.unwrap_err().code() })
        })
        .collect();
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    codes
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
