//! The gateway on real parts: people sign in to a real OpenID Connect provider (npm `oidc-provider`, through
//! its forms), the simulator is the Machines API, and the database is SQLite or a real PostgreSQL
//! (a throwaway cluster from `scripts/pg-throwaway`). Each purpose is minted on both databases; the
//! provider's tokens for another audience and its expired tokens are refused; two gateways on one
//! Postgres serve the same person; a database restart mid-run is a clear 503 and the gateway recovers.
//!
//! Ignored by a plain `cargo test` (they need Node.js, `npm ci` and Debian's postgresql); `scripts/test`
//! runs them with `--ignored`, and there a missing part fails the test with the reason instead of
//! skipping it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/oidc_provider.rs"]
mod oidc_provider;
#[path = "support/postgres.rs"]
mod postgres;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_gateway::app::{self, Gateway};
use machines_gateway::config::Config;
use machines_gateway::oidc::{Options, Verifier};
use machines_gateway::state::AppState;
use machines_sim::{SimConfig, SimHandle, Simulator, ADMIN_HEADER};
use oidc_provider::OidcProvider;
use postgres::Postgres;
use reqwest::StatusCode;
use serde_json::{json, Value};

const AUDIENCE: &str = "http://127.0.0.1/machines-gateway";
const PARTNER_KEY: &str = "pk_real_parts_0123456789abcdef";

/// The simulator, the provider and one or more gateways sharing one database.
struct RealStack {
    sim: SimHandle,
    provider: OidcProvider,
    env: BTreeMap<String, String>,
    gateways: Vec<(String, AppState, tokio::task::JoinHandle<()>)>,
    http: reqwest::Client,
}

impl RealStack {
    /// `database_url` is a SQLite file or a Postgres URL; `ttl` is the provider's access-token lifetime.
    async fn start(database_url: &str, ttl: Duration) -> RealStack {
        let sim = Simulator::start(SimConfig { partner_keys: vec![PARTNER_KEY.to_owned()], ..SimConfig::instant() })
            .await
            .expect("simulator");
        let provider = OidcProvider::start(AUDIENCE, ttl);
        let env: BTreeMap<String, String> = [
            ("GATEWAY_PARTNER_KEY", PARTNER_KEY),
            ("GATEWAY_MACHINES_API_URL", &sim.base_url()),
            ("GATEWAY_OIDC_ISSUER", &provider.issuer),
            ("GATEWAY_OIDC_AUDIENCE", AUDIENCE),
            ("GATEWAY_USER_ID_SECRET", "real-parts-user-id-secret-0123456789abcdef"),
            ("DATABASE_URL", database_url),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let mut stack = RealStack { sim, provider, env, gateways: Vec::new(), http: reqwest::Client::new() };
        stack.add_gateway().await;
        stack
    }

    /// Starts one more gateway (its own router, pool, limits and verifier) on the same database and
    /// returns its index. With no leeway, so an expired token is refused a second after it expires.
    async fn add_gateway(&mut self) -> usize {
        let config = Config::read(|name| self.env.get(name).cloned()).expect("config");
        let options = Options { leeway: Duration::ZERO, ..Options::default() };
        let verifier =
            Verifier::discover_with(&config.oidc_issuer, &config.oidc_audience, reqwest::Client::new(), options)
                .await
                .expect("discovery against the real provider");
        let Gateway { router, state } = app::build(&config, Arc::new(verifier)).await.expect("gateway");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let gateway = Gateway { router, state: state.clone() };
        let server = tokio::spawn(async move {
            app::serve(gateway, listener, std::future::pending()).await.expect("serve");
        });
        self.gateways.push((url, state, server));
        self.gateways.len() - 1
    }

    async fn sign_in(&self, user: &str) -> String {
        self.provider.sign_in(user, &format!("{user}-password")).await.expect("sign-in through the forms")
    }

    async fn call(
        &self,
        gateway: usize,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.gateways[gateway].0)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the gateway answers");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(!text.contains(PARTNER_KEY), "the partner key in an answer to {path}: {text}");
        (status, serde_json::from_str(&text).unwrap_or_else(|_| json!({ "text": text })))
    }

    async fn link(&self, gateway: usize, token: &str, wallet: &str) -> (StatusCode, Value) {
        let body = json!({ "walletAddress": wallet, "walletLabel": "Main" });
        self.call(gateway, reqwest::Method::POST, "/v1/link", token, Some(body)).await
    }

    async fn session(&self, gateway: usize, token: &str, purpose: &str) -> (StatusCode, Value) {
        self.call(gateway, reqwest::Method::POST, "/v1/session", token, Some(json!({ "purpose": purpose }))).await
    }

    async fn approve_kyc(&self, user_id: &str) {
        let response = self
            .http
            .post(format!("{}/_sim/users/{user_id}/kyc", self.sim.origin()))
            .header(ADMIN_HEADER, self.sim.admin_secret())
            .json(&json!({ "status": "approved" }))
            .send()
            .await
            .expect("simulator answers");
        assert!(response.status().is_success(), "approve kyc: {}", response.status());
    }
}

impl Drop for RealStack {
    fn drop(&mut self) {
        for (_, _, server) in &self.gateways {
            server.abort();
        }
    }
}

fn wallet(n: u8) -> String {
    alloy_primitives::Address::repeat_byte(n).to_checksum(None)
}

/// A person signs in, links a wallet and gets a session for every purpose, through the KYC fallback.
async fn each_purpose(database_url: &str) {
    let stack = RealStack::start(database_url, Duration::from_secs(300)).await;
    let token = stack.sign_in("alice").await;
    let (status, linked) = stack.link(0, &token, &wallet(0xa1)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    let user_id = linked["data"]["userId"].as_str().unwrap().to_owned();

    let (status, early) = stack.session(0, &token, "funding").await;
    assert_eq!(status, StatusCode::OK, "{early}");
    assert_eq!(
        (early["data"]["purpose"].as_str(), early["data"]["kycRequired"].as_bool()),
        (Some("onboarding"), Some(true))
    );

    stack.approve_kyc(&user_id).await;
    for purpose in ["onboarding", "cards", "funding", "activity"] {
        let (status, answer) = stack.session(0, &token, purpose).await;
        assert_eq!(status, StatusCode::OK, "{purpose}: {answer}");
        assert_eq!(answer["data"]["purpose"], purpose);
        assert_eq!(answer["data"]["userId"], user_id.as_str());
        assert!(answer["data"]["sessionToken"].as_str().is_some_and(|t| t.len() > 20), "{answer}");
    }
    let (status, me) = stack.call(0, reqwest::Method::GET, "/v1/me", &token, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["data"]["link"]["userId"], user_id.as_str(), "{me}");

    let state = &stack.gateways[0].1;
    let outcomes: Vec<String> =
        state.db.mints_of(&stack.provider.issuer, "alice").await.unwrap().into_iter().map(|m| m.outcome).collect();
    assert_eq!(outcomes, ["kyc_required", "minted", "minted", "minted", "minted", "minted"]);
}

#[tokio::test]
#[ignore = "needs Node.js and oidc-provider: run by scripts/test"]
async fn on_sqlite_a_signed_in_person_links_and_mints_each_purpose() {
    let dir = tempfile::tempdir().unwrap();
    each_purpose(&format!("sqlite://{}", dir.path().join("gateway.db").display())).await;
}

#[tokio::test]
#[ignore = "needs Node.js, oidc-provider and postgresql: run by scripts/test"]
async fn on_postgres_a_signed_in_person_links_and_mints_each_purpose() {
    let pg = Postgres::start();
    each_purpose(&pg.url).await;
}

#[tokio::test]
#[ignore = "needs Node.js and oidc-provider: run by scripts/test"]
async fn the_providers_tokens_for_another_audience_or_expired_are_refused_by_the_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let stack =
        RealStack::start(&format!("sqlite://{}", dir.path().join("g.db").display()), Duration::from_secs(1)).await;
    let elsewhere = stack.provider.sign_in_for("bob", "bob-password", Some("https://other-api.test")).await.unwrap();
    let (status, answer) = stack.link(0, &elsewhere, &wallet(0xb0)).await;
    assert_eq!(
        (status, answer["errors"][0]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_audience")),
        "{answer}"
    );

    let token = stack.sign_in("bob").await;
    let (status, answer) = stack.link(0, &token, &wallet(0xb0)).await;
    assert_eq!(status, StatusCode::CREATED, "a fresh token is accepted: {answer}");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, answer) = stack.session(0, &token, "onboarding").await;
    assert_eq!(
        (status, answer["errors"][0]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_expired")),
        "{answer}"
    );
}

#[tokio::test]
#[ignore = "needs Node.js, oidc-provider and postgresql: run by scripts/test"]
async fn two_gateways_on_one_postgres_serve_the_same_person() {
    let pg = Postgres::start();
    let mut stack = RealStack::start(&pg.url, Duration::from_secs(300)).await;
    let second = stack.add_gateway().await;
    let token = stack.sign_in("carol").await;

    let (status, linked) = stack.link(0, &token, &wallet(0xc0)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    let user_id = linked["data"]["userId"].as_str().unwrap().to_owned();
    // The second gateway knows the link the first one made: the same answer, not a second link.
    let (status, again) = stack.link(second, &token, &wallet(0xc0)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["data"]["userId"], user_id.as_str());
    let (status, me) = stack.call(second, reqwest::Method::GET, "/v1/me", &token, None).await;
    assert_eq!((status, me["data"]["link"]["userId"].as_str()), (StatusCode::OK, Some(user_id.as_str())), "{me}");

    // Mints alternate between the two; both audit trails are one table.
    for gateway in [0, second, 0, second] {
        let (status, answer) = stack.session(gateway, &token, "onboarding").await;
        assert_eq!(status, StatusCode::OK, "gateway {gateway}: {answer}");
        assert_eq!(answer["data"]["userId"], user_id.as_str());
    }
    for gateway in [0, second] {
        let mints = stack.gateways[gateway].1.db.mints_of(&stack.provider.issuer, "carol").await.unwrap();
        assert_eq!(mints.len(), 4, "gateway {gateway} sees every mint");
    }
}

#[tokio::test]
#[ignore = "needs Node.js, oidc-provider and postgresql: run by scripts/test"]
async fn a_database_restart_mid_run_is_a_clear_503_and_the_gateway_recovers() {
    let pg = Postgres::start();
    let stack = RealStack::start(&pg.url, Duration::from_secs(300)).await;
    let token = stack.sign_in("alice").await;
    let (status, linked) = stack.link(0, &token, &wallet(0xd0)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");

    pg.down();
    let (status, answer) = stack.session(0, &token, "onboarding").await;
    assert_eq!(
        (status, answer["errors"][0]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("database_unavailable")),
        "{answer}"
    );
    let (status, ready) = stack.call(0, reqwest::Method::GET, "/readyz", &token, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");

    pg.up();
    // The pool reconnects on its own; allow it a few seconds, then the same request works.
    let started = Instant::now();
    let (status, answer) = loop {
        let (status, answer) = stack.session(0, &token, "onboarding").await;
        if status == StatusCode::OK || started.elapsed() > Duration::from_secs(10) {
            break (status, answer);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, StatusCode::OK, "after the restart: {answer}");
    println!("recovered {} ms after the database came back", started.elapsed().as_millis());
    let (status, ready) = stack.call(0, reqwest::Method::GET, "/readyz", &token, None).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
}
