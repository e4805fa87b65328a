//! Nothing but the database is shared: two gateways on one database serve the same users, and a race
//! between them to link one subject (or one wallet) ends with one link. SQLite here; the real-parts tests
//! do the same on Postgres.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/issuer.rs"]
mod issuer;

#[path = "common/stack.rs"]
#[allow(dead_code)]
mod stack;

use reqwest::{Method, StatusCode};
use serde_json::json;
use stack::{wallet, Stack};

#[tokio::test]
async fn two_gateways_on_one_database_serve_the_same_users_and_agree_on_races() {
    let mut stack = Stack::start(&[]).await;
    let second = stack.start_another().await;

    // Linked through the first, served by the second.
    let linked = stack.link("alice", &wallet(1)).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
    let token = stack.token("alice");
    let body = json!({ "purpose": "onboarding" }).to_string().into_bytes();
    let minted = stack.send_to(&second, Method::POST, "/v1/session", Some(&token), Some(body)).await;
    assert_eq!(minted.status, StatusCode::OK, "{}", minted.text);
    assert_eq!(minted.body["data"]["userId"], linked.body["data"]["userId"]);
    let me = stack.send_to(&second, Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(me.body["data"]["link"]["walletAddress"], wallet(1).as_str());

    // Bob links at both at once, each with another wallet: exactly one wallet wins, and both gateways
    // then report that one.
    let bob = stack.token("bob");
    let to_first = json!({ "walletAddress": wallet(2) }).to_string().into_bytes();
    let to_second = json!({ "walletAddress": wallet(3) }).to_string().into_bytes();
    let (a, b) = tokio::join!(
        stack.send_to(&stack.url, Method::POST, "/v1/link", Some(&bob), Some(to_first)),
        stack.send_to(&second, Method::POST, "/v1/link", Some(&bob), Some(to_second)),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{} / {}", a.text, b.text);
    let winner = if a.status == StatusCode::CREATED { &a } else { &b };
    for base in [stack.url.clone(), second.clone()] {
        let me = stack.send_to(&base, Method::GET, "/v1/me", Some(&bob), None).await;
        assert_eq!(me.body["data"]["link"]["walletAddress"], winner.body["data"]["walletAddress"]);
    }
}
