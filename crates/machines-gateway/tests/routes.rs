//! The gateway's routes against the simulator as the Machines API, with real signed tokens checked by the
//! real verifier and SQLite in a temp dir.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/issuer.rs"]
mod issuer;

#[path = "common/stack.rs"]
#[allow(dead_code)]
mod stack;

use reqwest::StatusCode;
use serde_json::json;
use stack::{wallet, Stack};

#[tokio::test]
async fn before_kyc_every_purpose_falls_back_to_onboarding_and_after_it_each_purpose_gets_its_scopes() {
    let stack = Stack::start(&[]).await;
    let linked = stack.link("alice", &wallet(1)).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
    let user_id = linked.body["data"]["userId"].as_str().unwrap().to_owned();
    assert!(user_id.starts_with("gw_"));

    let early = stack.session("alice", "cards").await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.text);
    assert_eq!(early.body["data"]["purpose"], "onboarding");
    assert_eq!(early.body["data"]["kycRequired"], true);
    assert_eq!(early.body["data"]["scopes"], json!(["kyc.read", "kyc.write"]));
    assert!(early.body["summary"].as_str().unwrap().contains("not approved"), "{}", early.text);

    stack.set_kyc(&user_id, "approved").await;
    for (purpose, scopes) in [
        ("onboarding", json!(["kyc.read", "kyc.write"])),
        ("cards", json!(["cards.read", "cards.secrets.read", "cards.write", "encryption.read", "encryption.write"])),
        ("funding", json!(["deposits.read", "deposits.write", "withdrawals.write"])),
        ("activity", json!(["transactions.read"])),
    ] {
        let answer = stack.session("alice", purpose).await;
        assert_eq!(answer.status, StatusCode::OK, "{purpose}: {}", answer.text);
        let data = &answer.body["data"];
        assert_eq!(data["purpose"], purpose);
        assert_eq!(data["kycRequired"], false);
        assert_eq!(data["scopes"], scopes, "{purpose}");
        assert_eq!(data["userId"], user_id.as_str());
        assert_eq!(data["apiBaseUrl"], stack.sim.as_ref().unwrap().base_url().as_str());
        assert!(data["sessionToken"].as_str().unwrap().len() > 20);
        assert!(data["expiresAt"].is_string());
        assert_eq!(answer.headers["cache-control"], "no-store");
    }

    // Every upstream mint is on the record, with its outcome and scopes and without the token.
    let rows = stack.state.db.mints_of(&stack.issuer.url, "alice").await.unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["kyc_required", "minted", "minted", "minted", "minted", "minted"]);
    assert_eq!(rows[1].purpose, "onboarding");
    assert_eq!(rows[4].scopes, "deposits.read deposits.write withdrawals.write");
    let tokens: Vec<String> = stack
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter_map(|a| a.body["data"]["sessionToken"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(tokens.len(), 5);
    for row in &rows {
        let text = format!("{row:?}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "audit row holds a token: {text}");
        }
        assert!(!text.contains(&stack.partner_key));
    }
}

#[tokio::test]
async fn subject_a_never_gets_subject_bs_machines_user() {
    let stack = Stack::start(&[]).await;
    let alice = stack.link("alice", &wallet(1)).await;
    let bob = stack.link("bob", &wallet(2)).await;
    assert_eq!(bob.status, StatusCode::CREATED, "{}", bob.text);
    let (alice_id, bob_id) = (alice.body["data"]["userId"].clone(), bob.body["data"]["userId"].clone());
    assert_ne!(alice_id, bob_id);

    // Bob cannot take Alice's wallet, and Alice cannot move to Bob's.
    let steal = stack.link("carol", &wallet(1)).await;
    assert_eq!((steal.status, steal.code()), (StatusCode::CONFLICT, "address_taken"), "{}", steal.text);
    let moved = stack.link("alice", &wallet(2)).await;
    assert_eq!((moved.status, moved.code()), (StatusCode::CONFLICT, "already_linked"), "{}", moved.text);

    // Linking again with the same wallet answers the stored link.
    let again = stack.link("alice", &wallet(1).to_lowercase()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["data"]["userId"], alice_id);

    // Each session is for the caller's own user, whatever else the body says.
    let for_bob = stack.session("bob", "onboarding").await;
    assert_eq!(for_bob.body["data"]["userId"], bob_id);
    let sneaky = stack.post("/v1/session", "alice", json!({ "purpose": "onboarding", "userId": bob_id.clone() })).await;
    assert_eq!(sneaky.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sneaky.text);
    let for_alice = stack.session("alice", "onboarding").await;
    assert_eq!(for_alice.body["data"]["userId"], alice_id);

    // A subject with no link gets no session at all.
    let carol = stack.session("carol", "onboarding").await;
    assert_eq!((carol.status, carol.code()), (StatusCode::CONFLICT, "not_linked"));

    let me = stack.get("/v1/me", Some("bob")).await;
    assert_eq!(me.body["data"]["linked"], true);
    assert_eq!(me.body["data"]["link"]["userId"], bob_id);
    let nobody = stack.get("/v1/me", Some("dave")).await;
    assert_eq!(nobody.body["data"]["linked"], false);
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_code() {
    let stack = Stack::start(&[("GATEWAY_BODY_LIMIT_BYTES", "1024")]).await;
    stack.link("alice", &wallet(1)).await;

    let unknown = stack.session("alice", "everything").await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert!(unknown.text.contains("everything"), "{}", unknown.text);

    let label = "x".repeat(2000);
    let big = stack.post("/v1/link", "bob", json!({ "walletAddress": wallet(2), "walletLabel": label })).await;
    assert_eq!((big.status, big.code()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"), "{}", big.text);

    let typo = "0x0101010101010101010101010101010101010101".replace("0x01", "0xA1").replace("0101", "0a0A");
    let checksum = stack.link("bob", &typo).await;
    assert_eq!((checksum.status, checksum.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"));
    assert_eq!(checksum.body["errors"][0]["field"], "walletAddress");

    let anonymous = stack.send(reqwest::Method::GET, "/v1/me", None, None).await;
    assert_eq!((anonymous.status, anonymous.code()), (StatusCode::UNAUTHORIZED, "token_missing"));
    let wrong_audience = issuer::sign(&stack.key, &issuer::claims(&stack.issuer.url, "someone-else", "alice"));
    let refused = stack.send(reqwest::Method::GET, "/v1/me", Some(&wrong_audience), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    assert_eq!(refused.body["ok"], false);
}

#[tokio::test]
async fn a_subject_over_its_rate_gets_429_with_retry_after_and_others_are_served() {
    let stack = Stack::start(&[("GATEWAY_RATE_PER_SUBJECT_PER_MINUTE", "3")]).await;
    assert_eq!(stack.link("alice", &wallet(1)).await.status, StatusCode::CREATED);
    assert_eq!(stack.session("alice", "onboarding").await.status, StatusCode::OK);
    assert_eq!(stack.session("alice", "onboarding").await.status, StatusCode::OK);
    let limited = stack.session("alice", "onboarding").await;
    assert_eq!((limited.status, limited.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let wait: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "Retry-After {wait}");
    assert_eq!(stack.link("bob", &wallet(2)).await.status, StatusCode::CREATED, "bob has his own allowance");
}

#[tokio::test]
async fn upstream_down_is_a_clear_503_and_the_gateway_recovers_when_it_returns() {
    let mut stack = Stack::start(&[]).await;
    assert_eq!(stack.link("alice", &wallet(1)).await.status, StatusCode::CREATED);
    assert_eq!(stack.get("/readyz", None).await.status, StatusCode::OK);

    stack.sim.take().unwrap().shutdown().await;
    let down = stack.session("alice", "onboarding").await;
    assert_eq!((down.status, down.code()), (StatusCode::SERVICE_UNAVAILABLE, "upstream_unavailable"), "{}", down.text);
    assert!(down.body["summary"].as_str().unwrap().contains("not reachable"), "{}", down.text);
    let not_ready = stack.get("/readyz", None).await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(not_ready.text.contains("Machines API unavailable"), "{}", not_ready.text);

    let back = machines_sim::Simulator::start_on(stack::sim_config(&stack.partner_key), stack.sim_port).await.unwrap();
    stack.sim = Some(back);
    let again = stack.session("alice", "onboarding").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(stack.get("/readyz", None).await.status, StatusCode::OK);

    let rows = stack.state.db.mints_of(&stack.issuer.url, "alice").await.unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["failed:upstream_unavailable", "minted"]);
}
