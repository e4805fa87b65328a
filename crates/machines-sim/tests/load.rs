//! A bounded load test on loopback: 10,000 requests from 50 concurrent clients, each its own user, mixing
//! keyed card creations with reads. Every request must be answered with a success and no state may be lost:
//! each user ends with exactly the cards it created. Throughput is printed (run with `--nocapture`); it is
//! measured, not asserted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Instant;

use machines_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

const CLIENTS: usize = 50;
const REQUESTS_PER_CLIENT: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_from_fifty_clients_lose_nothing() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let base = sim.base_url();
    let origin = sim.origin();
    let key = sim.partner_key().to_owned();
    let http = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build().unwrap();

    // Set-up (not timed): each client's user is approved, has accepted, and holds a card session.
    let mut tokens = Vec::new();
    for n in 0..CLIENTS {
        let user = format!("load-{n}@example.com");
        let mint = |scopes: Value| {
            let request = http.post(format!("{base}/sessions")).header("X-Partner-Key", &key);
            let body = json!({"userId": user, "scopes": scopes});
            async move { request.json(&body).send().await.unwrap().json::<Value>().await.unwrap() }
        };
        mint(json!(["kyc.read"])).await;
        http.post(format!("{origin}/_sim/users/{user}/kyc"))
            .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
            .json(&json!({"status": "approved"}))
            .send()
            .await
            .unwrap();
        let kyc = mint(json!(["kyc.write"])).await["data"]["sessionToken"].as_str().unwrap().to_owned();
        http.post(format!("{base}/agreements"))
            .bearer_auth(&kyc)
            .json(&json!({"accepted": true}))
            .send()
            .await
            .unwrap();
        let cards = mint(json!(["cards.read", "cards.write", "kyc.read"])).await;
        tokens.push(cards["data"]["sessionToken"].as_str().unwrap().to_owned());
    }

    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for (n, token) in tokens.into_iter().enumerate() {
        let http = http.clone();
        let base = base.clone();
        clients.spawn(async move {
            let (mut ok, mut created) = (0usize, 0usize);
            for i in 0..REQUESTS_PER_CLIENT {
                let request = match i % 4 {
                    0 => {
                        created += 1;
                        http.post(format!("{base}/cards"))
                            .header("Idempotency-Key", format!("load-{n}-{i}"))
                            .json(&json!({"sortOrder": i}))
                    }
                    1 => http.get(format!("{base}/cards?limit=5")),
                    2 => http.get(format!("{base}/balances")),
                    _ => http.get(format!("{base}/kyc/status")),
                };
                let response = request.bearer_auth(&token).send().await.unwrap();
                if response.status().is_success() && response.json::<Value>().await.unwrap()["ok"] == json!(true) {
                    ok += 1;
                }
            }
            (token, ok, created)
        });
    }
    let mut results = Vec::new();
    while let Some(result) = clients.join_next().await {
        results.push(result.unwrap());
    }
    let elapsed = started.elapsed();
    let total = CLIENTS * REQUESTS_PER_CLIENT;
    let answered: usize = results.iter().map(|(_, ok, _)| ok).sum();
    println!(
        "load: {total} requests from {CLIENTS} clients in {:.2} s = {:.0} requests/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(answered, total, "every request answered with success");

    let created: usize = results.iter().map(|(_, _, c)| c).sum();
    assert_eq!(sim.summary()["cards"], json!(created), "no card lost or doubled");
    for (token, _, created) in &results {
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{base}/cards?limit=100&cursor={c}"),
                None => format!("{base}/cards?limit=100"),
            };
            let page: Value = http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
            seen += page["data"]["cards"].as_array().unwrap().len();
            match page["data"]["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, *created, "each user has exactly the cards it created");
    }
}
