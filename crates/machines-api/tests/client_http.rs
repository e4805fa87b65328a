//! The client against a mock HTTP server on loopback: the bytes it sends, how the session broker mints,
//! caches, renews and recovers, which calls it retries and with which Idempotency-Key, and the error a
//! caller gets for each failure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::cards::{CardLimit, CardStatus, CreateCardRequest, LimitFrequency};
use machines_api::models::deposits::CreateDepositRequest;
use machines_api::models::kyc::{KycApplication, KycStatus};
use machines_api::models::transactions::TransactionQuery;
use machines_api::models::users::ResolveUserRequest;
use machines_api::poll::{PollControl, PollEvent, PollPolicy};
use machines_api::retry::RetryPolicy;
use machines_api::session::{Access, Identity};
use machines_api::{ApiError, BaseUrl, Client, IdempotencyKey, PartnerKey, SecretString, StateGate, UserClient};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PARTNER_KEY: &str = "pk_test_0123456789";

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true, "data": data, "summary": "ok", "errors": []}))
}

fn fail(status: u16, summary: &str, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "ok": false, "summary": summary, "errors": [{"code": code, "message": message}]
    }))
}

fn expires_in(seconds: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::seconds(seconds)).format(&Rfc3339).unwrap()
}

/// Answers `POST /sessions` with tokens `tok-1`, `tok-2`, … that live `ttl` seconds.
struct Minter {
    count: Arc<AtomicUsize>,
    ttl: i64,
}

impl Respond for Minter {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        ok(json!({
            "sessionToken": format!("tok-{n}"), "sessionId": format!("ses-{n}"), "userId": body["userId"],
            "expiresAt": expires_in(self.ttl), "scopes": body["scopes"]
        }))
    }
}

async fn mount_minter(server: &MockServer, ttl: i64) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/partner/v1/sessions"))
        .and(header("x-partner-key", PARTNER_KEY))
        .respond_with(Minter { count: count.clone(), ttl })
        .mount(server)
        .await;
    count
}

fn config(server: &MockServer) -> ClientConfig {
    let mut config = ClientConfig::new(BaseUrl::parse(&server.uri()).unwrap());
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    config.timeout = Duration::from_secs(5);
    config
}

fn client(config: ClientConfig) -> Client {
    Client::new(config, PartnerKey::parse(PARTNER_KEY).unwrap()).unwrap()
}

fn user(client: &Client) -> UserClient {
    client
        .user(Identity {
            user_id: "eeetest".into(),
            wallet_address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
        })
        .unwrap()
}

async fn requests_to(server: &MockServer, http_method: &str, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == http_method && r.url.path() == route)
        .collect()
}

#[tokio::test]
async fn resolve_user_sends_the_partner_key_and_the_documented_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/users/resolve"))
        .respond_with(ok(json!({"userId": "eeetest", "walletAddress": "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e",
            "kycStatus": "not_submitted", "createdAt": "2026-01-16T14:17:51.298Z"})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let request = ResolveUserRequest {
        user_id: "eeetest".into(),
        wallet_address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
        wallet_label: Some("Main Wallet".into()),
    };
    let user = client.resolve_user(&request).await.unwrap().data;
    assert_eq!(user.kyc_status, Some(KycStatus::NotSubmitted));

    let sent = &requests_to(&server, "POST", "/partner/v1/users/resolve").await[0];
    assert_eq!(sent.headers.get("x-partner-key").unwrap(), PARTNER_KEY);
    assert_eq!(sent.headers.get("content-type").unwrap(), "application/json");
    assert!(sent.headers.get("authorization").is_none());
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"userId": "eeetest", "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": "Main Wallet"})
    );
}

#[tokio::test]
async fn bearer_calls_share_one_cached_session_per_scope_set_and_never_send_the_partner_key() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ok(json!({"status": "pending"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/cards"))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ok(json!({"cards": []})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    for _ in 0..3 {
        assert_eq!(user.kyc_status().await.unwrap().data.status, KycStatus::Pending);
    }
    assert!(user.list_cards(None, None).await.unwrap().data.cards.is_empty());
    assert_eq!(mints.load(Ordering::SeqCst), 2, "one mint for KYC, one for cards");

    let minted = requests_to(&server, "POST", "/partner/v1/sessions").await;
    let first: Value = serde_json::from_slice(&minted[0].body).unwrap();
    assert_eq!(first["scopes"], json!(["kyc.read", "kyc.write"]));
    assert_eq!(first["ttlSeconds"], json!(900));
    let second: Value = serde_json::from_slice(&minted[1].body).unwrap();
    assert_eq!(
        second["scopes"],
        json!(["cards.read", "cards.secrets.read", "cards.write", "encryption.read", "encryption.write"])
    );
    for request in requests_to(&server, "GET", "/partner/v1/kyc/status").await {
        assert!(request.headers.get("x-partner-key").is_none());
    }
}

#[tokio::test]
async fn a_session_is_renewed_before_it_expires() {
    let server = MockServer::start().await;
    // The server grants 100 s; with renewal 60 s before expiry (at most half the life) the token is
    // replaced after 50 s.
    let mints = mount_minter(&server, 100).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(ok(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    user.kyc_status().await.unwrap();

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(45)).await;
    tokio::time::resume();
    user.kyc_status().await.unwrap();
    assert_eq!(mints.load(Ordering::SeqCst), 1, "still fresh at 45 s");

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(10)).await;
    tokio::time::resume();
    user.kyc_status().await.unwrap();
    assert_eq!(mints.load(Ordering::SeqCst), 2, "renewed at 55 s, before the 100 s expiry");
    let auth: Vec<String> = requests_to(&server, "GET", "/partner/v1/kyc/status")
        .await
        .iter()
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_clock_ahead_of_the_server_does_not_force_a_mint_per_call() {
    let server = MockServer::start().await;
    // expiresAt already in the past by our clock: a skewed clock, not a dead token.
    let mints = mount_minter(&server, -600).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(ok(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    for _ in 0..5 {
        user.kyc_status().await.unwrap();
    }
    assert_eq!(mints.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_renewal_keeps_using_the_live_token() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 100).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(ok(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    user.kyc_status().await.unwrap();
    // Past the renewal point (50 s) but before expiry (100 s), the mint endpoint starts failing.
    Mock::given(method("POST"))
        .and(path("/partner/v1/sessions"))
        .respond_with(fail(503, "unavailable", "internal_error", "down"))
        .with_priority(1)
        .mount(&server)
        .await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(60)).await;
    tokio::time::resume();
    assert_eq!(user.kyc_status().await.unwrap().data.status, KycStatus::Pending);
    assert_eq!(mints.load(Ordering::SeqCst), 1);
    assert!(requests_to(&server, "POST", "/partner/v1/sessions").await.len() > 1, "a renewal was attempted");
}

#[tokio::test]
async fn sign_out_drops_tokens_and_the_next_call_mints_again() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(ok(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    user.kyc_status().await.unwrap();
    user.broker().clear();
    user.kyc_status().await.unwrap();
    assert_eq!(mints.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn on_401_a_fresh_session_is_minted_and_the_call_retried_once() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(fail(401, "unauthorized", "unauthorized", "token expired"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ok(json!({"balances": {"creditLimit": 2500, "spendingPower": 2500}})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    let balances = user.balances().await.unwrap().data;
    assert_eq!(balances.credit_limit, 2500);
    assert_eq!(mints.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_second_401_is_reported_not_looped() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .respond_with(fail(401, "unauthorized", "unauthorized", "token revoked"))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let err = user(&client).balances().await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert!(
        err.to_string().contains("refused this session even after signing in again (unauthorized: token revoked)"),
        "{err}"
    );
    assert_eq!(mints.load(Ordering::SeqCst), 2);
    assert_eq!(requests_to(&server, "GET", "/partner/v1/balances").await.len(), 2);
}

#[tokio::test]
async fn a_wrong_partner_key_is_unauthorized_with_the_servers_words() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/sessions"))
        .respond_with(fail(401, "unauthorized", "unauthorized", "invalid partner key"))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let err = user(&client).kyc_status().await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(err.to_string(), "The Machines API refused the partner key (unauthorized: invalid partner key).");
    assert!(!format!("{err} {err:?}").contains(PARTNER_KEY));
}

#[tokio::test]
async fn kyc_required_falls_back_to_kyc_only_scopes() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/partner/v1/sessions")).and(body_partial_json(json!({"scopes": ["cards.read", "cards.secrets.read", "cards.write", "encryption.read", "encryption.write"]})))
        .respond_with(fail(409, "kyc required", "invalid_state", "kyc required")).with_priority(1).mount(&server).await;
    let mints = mount_minter(&server, 900).await;
    let client = client(config(&server));
    let user = user(&client);
    assert_eq!(user.broker().begin().await.unwrap(), Access::KycOnly);
    assert_eq!(mints.load(Ordering::SeqCst), 1, "the KYC session was minted");

    let err = user.list_cards(None, None).await.unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    // The gate is typed, so the app words the advice (wallet-core's `error` tests hold the sentence).
    assert_eq!(err.gate(), Some(StateGate::KycRequired), "{err}");
}

#[tokio::test]
async fn approved_users_get_full_access() {
    let server = MockServer::start().await;
    let mints = mount_minter(&server, 900).await;
    let client = client(config(&server));
    assert_eq!(user(&client).broker().begin().await.unwrap(), Access::Full);
    assert_eq!(mints.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn reads_retry_5xx_and_honour_retry_after() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .respond_with(fail(503, "unavailable", "internal_error", "try later"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/deposits"))
        .respond_with(fail(429, "rate limited", "rate_limited", "slow down").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .respond_with(ok(json!({"creditLimit": 1})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/deposits"))
        .and(query_param("scope", "all"))
        .respond_with(ok(json!({"deposits": []})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    assert_eq!(user.balances().await.unwrap().data.credit_limit, 1);
    assert_eq!(requests_to(&server, "GET", "/partner/v1/balances").await.len(), 3);

    let started = std::time::Instant::now();
    let deposits = user.list_deposits(machines_api::models::deposits::DepositScope::All).await.unwrap();
    assert!(deposits.data.is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn a_rate_limit_longer_than_we_wait_is_reported_with_its_retry_after() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .respond_with(fail(429, "rate limited", "rate_limited", "slow down").insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let client = client(config(&server));
    match user(&client).balances().await.unwrap_err() {
        machines_api::ApiError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(120)))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(requests_to(&server, "GET", "/partner/v1/balances").await.len(), 1);
}

#[tokio::test]
async fn card_creation_retries_only_with_the_same_idempotency_key() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    // First attempt: the server is slower than our timeout (the write may have committed); second: 500;
    // third: success.
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards"))
        .respond_with(ok(json!({"cardId": "card-0001", "status": "active"})).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards"))
        .respond_with(fail(500, "internal error", "internal_error", "boom"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards"))
        .respond_with(ok(json!({"cardId": "card-0001", "status": "active", "last4": "4242"})))
        .with_priority(3)
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.timeout = Duration::from_millis(500);
    let client = client(config);
    let key = IdempotencyKey::generate();
    let request = CreateCardRequest {
        limit: Some(CardLimit { amount_cents: 2500, frequency: LimitFrequency::PerAuthorization }),
        ..CreateCardRequest::default()
    };
    let card = user(&client).create_card(&request, &key).await.unwrap().data;
    assert_eq!(card.card_id, "card-0001");

    let attempts = requests_to(&server, "POST", "/partner/v1/cards").await;
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        assert_eq!(attempt.headers.get("idempotency-key").unwrap(), key.as_str());
        let body: Value = serde_json::from_slice(&attempt.body).unwrap();
        assert_eq!(body, json!({"limit": {"amountCents": 2500, "frequency": "perAuthorization"}}));
    }
}

#[tokio::test]
async fn delete_is_sent_again_after_a_5xx_and_a_404_on_the_resend_means_done() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    // A server that keeps failing: the delete is tried as often as the policy allows, then reported.
    Mock::given(method("DELETE"))
        .and(path("/partner/v1/cards/card-0001"))
        .respond_with(fail(503, "unavailable", "internal_error", "later"))
        .mount(&server)
        .await;
    let client = client(config(&server));
    assert_eq!(user(&client).delete_card("card-0001").await.unwrap_err().code(), "server");
    assert_eq!(requests_to(&server, "DELETE", "/partner/v1/cards/card-0001").await.len(), 4);

    // A 503 (the card may have been canceled before the answer failed), then a 404 for the card we just
    // deleted: done.
    Mock::given(method("DELETE"))
        .and(path("/partner/v1/cards/card-0002"))
        .respond_with(fail(503, "unavailable", "internal_error", "later"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/partner/v1/cards/card-0002"))
        .respond_with(fail(404, "not found", "not_found", "card not found"))
        .mount(&server)
        .await;
    let deleted = user(&client).delete_card("card-0002").await.unwrap().data;
    assert_eq!((deleted.card_id.as_deref(), deleted.status), (Some("card-0002"), Some(CardStatus::Canceled)));

    // A 404 on the first try is someone else's card, or none: an error.
    Mock::given(method("DELETE"))
        .and(path("/partner/v1/cards/card-0003"))
        .respond_with(fail(404, "not found", "not_found", "card not found"))
        .mount(&server)
        .await;
    assert_eq!(user(&client).delete_card("card-0003").await.unwrap_err().code(), "not_found");
    assert_eq!(requests_to(&server, "DELETE", "/partner/v1/cards/card-0003").await.len(), 1);
}

#[tokio::test]
async fn kyc_application_bytes_are_exact_and_keyed() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("POST")).and(path("/partner/v1/kyc/applications")).and(header("authorization", "Bearer tok-1"))
        .respond_with(ok(json!({"status": "needs_verification",
            "completionLink": {"url": "https://kyc.machines.cash/verify", "params": {"userId": "u1", "signature": "s"}}})))
        .mount(&server).await;
    let client = client(config(&server));
    let mut application = KycApplication::new();
    application.set_text("lastName", SecretString::from("Smith"));
    application.set_text("nationalId", SecretString::from("123-45-6789"));
    application.set_text("annualSalary", SecretString::from("50k\u{2013}99k"));
    let mut address = std::collections::BTreeMap::new();
    address.insert("postalCode".to_owned(), SecretString::from("10001"));
    application.set_group("address", address);
    let key = IdempotencyKey::generate();
    let state = user(&client).submit_kyc(&application, &key).await.unwrap().data;
    assert_eq!(state.status, KycStatus::NeedsVerification);

    let sent = &requests_to(&server, "POST", "/partner/v1/kyc/applications").await[0];
    assert_eq!(sent.headers.get("idempotency-key").unwrap(), key.as_str());
    let body = std::str::from_utf8(&sent.body).unwrap();
    assert!(body.contains("\"50k\u{2013}99k\""), "en dash sent byte-exact: {body}");
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        json!({"lastName": "Smith", "nationalId": "123-45-6789", "annualSalary": "50k\u{2013}99k", "address": {"postalCode": "10001"}})
    );
}

#[tokio::test]
async fn each_failure_becomes_the_error_a_person_can_act_on() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards/secrets/session"))
        .respond_with(fail(403, "forbidden", "missing_scope", "missing scope cards.secrets.read"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/cards/card-missing"))
        .respond_with(fail(404, "not found", "not_found", "card not found"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/partner/v1/cards/card-conflict"))
        .respond_with(fail(409, "conflict", "idempotency_conflict", "key reused with a different body"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/values"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>captive portal</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{{\"ok\":true,\"data\":\"{}\"}}", "x".repeat(5 * 1024 * 1024))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/agreements"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://evil.example/steal"))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);

    let forbidden = user.secrets_session().await.unwrap_err();
    assert_eq!(forbidden.code(), "forbidden");
    assert!(forbidden.to_string().starts_with("Permission missing: this needs cards.secrets.read."), "{forbidden}");
    assert_eq!(user.get_card("card-missing").await.unwrap_err().code(), "not_found");
    assert_eq!(user.lock_card("card-conflict").await.unwrap_err().code(), "conflict");
    assert_eq!(user.kyc_values().await.unwrap_err().code(), "decode");
    let huge = user.kyc_status().await.unwrap_err();
    assert_eq!(huge.code(), "decode");
    assert!(huge.to_string().contains("larger than 4096 KiB"), "{huge}");
    let redirect = user.agreements().await.unwrap_err();
    assert!(matches!(redirect, ApiError::NotTheApi { status: 302 | 301 | 307 | 308 | 303 }), "{redirect:?}");

    let validation = user.get_card("short").await.unwrap_err();
    assert_eq!(validation.field_errors()[0].field.as_deref(), Some("cardId"));
    assert!(requests_to(&server, "GET", "/partner/v1/cards/short").await.is_empty(), "refused before sending");
}

#[tokio::test]
async fn server_down_is_a_network_error_after_retrying_the_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = ClientConfig::new(BaseUrl::parse(&url).unwrap());
    config.retry = RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let client = Client::new(config, PartnerKey::parse(PARTNER_KEY).unwrap()).unwrap();
    let err = user(&client).kyc_status().await.unwrap_err();
    assert_eq!(err.code(), "network");
    assert!(err.to_string().starts_with("Could not reach the Machines API at 127.0.0.1"), "{err}");
}

#[tokio::test]
async fn a_first_deposit_waits_out_missing_contract_with_derived_keys() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/deposits"))
        .respond_with(fail(409, "contract not ready", "missing_contract", "collateral contract is being provisioned"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/deposits"))
        .respond_with(ok(json!({"deposit": {"id": "dep-00000001", "status": "pending", "depositAddress": null}})))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let key = IdempotencyKey::generate();
    let deposit =
        user(&client).create_deposit(&CreateDepositRequest::new("USDC", "Base", None), &key).await.unwrap().data;
    assert_eq!(deposit.deposit_address, None);
    let attempts = requests_to(&server, "POST", "/partner/v1/deposits").await;
    assert_eq!(attempts.len(), 2);
    let keys: Vec<&str> =
        attempts.iter().map(|a| a.headers.get("idempotency-key").unwrap().to_str().unwrap()).collect();
    assert_eq!(keys, [key.as_str().to_owned(), format!("{}.2", key.as_str())]);
    for attempt in attempts {
        assert_eq!(
            serde_json::from_slice::<Value>(&attempt.body).unwrap(),
            json!({"currency": "usdc", "network": "base"})
        );
    }
}

/// Serves a fixed sequence of bodies, repeating the last.
struct Sequence(Vec<ResponseTemplate>, AtomicUsize);

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst).min(self.0.len() - 1);
        self.0[n].clone()
    }
}

fn quick_polls() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(100),
        factor: 2.0,
        min: Duration::from_millis(5),
    }
}

#[tokio::test]
async fn kyc_watch_follows_hints_until_a_terminal_state() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    let pending = ResponseTemplate::new(200).set_body_json(json!({"ok": true, "summary": "kyc status", "errors": [],
        "data": {"status": "manualReview"}, "next": {"pollAfterMs": 10, "suggestedTool": "kyc.status"}}));
    Mock::given(method("GET"))
        .and(path("/partner/v1/kyc/status"))
        .respond_with(Sequence(
            vec![
                pending.clone(),
                fail(502, "bad gateway", "internal_error", "x"),
                pending,
                ok(json!({"status": "approved"})),
            ],
            AtomicUsize::new(0),
        ))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.retry = RetryPolicy::none();
    let client = client(config);
    let mut seen = Vec::new();
    let state = user(&client)
        .watch_kyc(&quick_polls(), &PollControl::new(), |event| match event {
            PollEvent::Update(state) => seen.push(state.status.as_str().to_owned()),
            PollEvent::Retrying(err) => seen.push(err.code().to_owned()),
            PollEvent::SlowedDown(..) => seen.push("slowed down".to_owned()),
        })
        .await
        .unwrap();
    assert_eq!(state.status, KycStatus::Approved);
    assert_eq!(seen, ["manual_review", "server", "manual_review", "approved"]);
}

#[tokio::test]
async fn a_null_deposit_address_is_polled_until_it_arrives() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    let pending = ok(json!({"deposit": {"id": "dep-00000001", "status": "pending", "depositAddress": null}}));
    let ready = ok(
        json!({"deposit": {"id": "dep-00000001", "status": "awaitingDeposit", "depositAddress": "0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3", "chainId": 8453}}),
    );
    Mock::given(method("GET"))
        .and(path("/partner/v1/deposits/dep-00000001"))
        .respond_with(Sequence(vec![pending.clone(), pending, ready], AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let deposit =
        user(&client).wait_for_deposit_address("dep-00000001", &quick_polls(), &PollControl::new()).await.unwrap();
    assert_eq!(deposit.deposit_address.as_deref(), Some("0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"));
    assert_eq!(requests_to(&server, "GET", "/partner/v1/deposits/dep-00000001").await.len(), 3);
}

#[tokio::test]
async fn reveal_opens_a_secrets_session_and_decrypts_pan_and_cvc() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    // The shared vector valid-16-byte-iv-0, as a server would send it.
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards/secrets/session"))
        .respond_with(ok(json!({"sessionId": "sec-00000001", "secretKey": "b470a5ab5a800aac66b3cad10f016ceb"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards/card-0001/secrets"))
        .and(body_partial_json(json!({"sessionId": "sec-00000001"})))
        .respond_with(ok(json!({
            "encryptedPan": {"iv": "jLlomjPHJdbAa1ddNBQYRw==", "data": "NtNapMmHkIRZ6puJT2dayZW51AI46u5mW6tVnYNlh+c="},
            "encryptedCvc": {"iv": "GjTSAeKkLYE7Uvz+okDEpQ==", "data": "px/gYRV5lamd/lBenMCBOFLWQA=="},
            "expirationMonth": 12, "expirationYear": 2030, "last4": "4242"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/partner/v1/cards/card-9999/secrets"))
        .respond_with(ok(json!({
            "encryptedPan": {"iv": "jLlomjPHJdbAa1ddNBQYRw==", "data": "NtNapMmHkIRZ6puJT2dayZW51AI46u5mW6tVnYNlh+c="},
            "encryptedCvc": {"iv": "GjTSAeKkLYE7Uvz+okDEpQ==", "data": "px/gYRV5lamd/lBenMCBOFLWQA=="},
            "last4": "9999"
        })))
        .mount(&server)
        .await;
    let client = client(config(&server));
    let user = user(&client);
    let reveal = user.reveal_card("card-0001").await.unwrap();
    assert_eq!(reveal.numbers.pan.expose(), "4242424242424242");
    assert_eq!(reveal.numbers.cvc.expose(), "123");
    assert_eq!((reveal.expiration_month, reveal.expiration_year), (Some(12), Some(2030)));
    assert!(!format!("{reveal:?}").contains("4242424242424242"));

    let mismatch = user.reveal_card("card-9999").await.unwrap_err();
    assert_eq!(mismatch.code(), "crypto");
}

#[tokio::test]
async fn lists_follow_cursors_and_stop_on_a_repeated_one() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/cards"))
        .and(query_param("cursor", "c2"))
        .respond_with(ok(json!({"cards": [{"cardId": "card-0002", "status": "locked"}]})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/partner/v1/cards"))
        .respond_with(ok(json!({"cards": [{"cardId": "card-0001", "status": "active"}], "nextCursor": "c2"})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/partner/v1/transactions"))
        .respond_with(ok(json!({"transactions": [{"transactionId": "txn_1", "type": "spend", "amountCents": 5}], "nextCursor": "same"})))
        .mount(&server).await;
    let client = client(config(&server));
    let user = user(&client);
    let cards = user.all_cards().await.unwrap();
    assert_eq!(cards.iter().map(|c| c.card_id.as_str()).collect::<Vec<_>>(), ["card-0001", "card-0002"]);

    let looping =
        user.all_transactions(&TransactionQuery { limit: Some(500), ..TransactionQuery::default() }).await.unwrap_err();
    assert_eq!(looping.code(), "decode");
    let sent = requests_to(&server, "GET", "/partner/v1/transactions").await;
    assert_eq!(sent[0].url.query(), Some("limit=100"), "limit clamped to the guide's maximum");
    assert_eq!(sent.len(), 2);
}

#[tokio::test]
async fn a_fifty_megabyte_answer_is_refused_at_the_cap_without_reading_it_all() {
    let server = MockServer::start().await;
    mount_minter(&server, 900).await;
    // A hostile server: 50 MB of a valid-looking envelope, announced or streamed without a length.
    let huge = format!("{{\"ok\":true,\"summary\":\"s\",\"data\":{{\"pad\":\"{}\"}}}}", "x".repeat(50 * 1024 * 1024));
    Mock::given(method("GET"))
        .and(path("/partner/v1/balances"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge.into_bytes(), "application/json"))
        .mount(&server)
        .await;
    let err = user(&client(config(&server))).balances().await.unwrap_err();
    assert_eq!(err.code(), "decode", "{err}");
    assert!(err.to_string().contains("larger than 4096 KiB"), "{err}");
}
