//! The client's overhead per call: `GET /balances` through `machines-api` (session broker, envelope,
//! typed model, retry wrapper) against the simulator on loopback, next to a bare `reqwest` call to the same
//! route with a token minted once. The difference is what the client adds.
//! `cargo bench -p machines-sim --bench client_overhead`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly by design

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use machines_api::config::ClientConfig;
use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, PartnerKey};
use machines_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

fn balances(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let base = sim.base_url();
    let client =
        Client::new(ClientConfig::new(BaseUrl::parse(&base).unwrap()), PartnerKey::parse(sim.partner_key()).unwrap())
            .unwrap();
    let request = ResolveUserRequest { user_id: "bench".into(), wallet_address: None, wallet_label: None };
    rt.block_on(client.resolve_user(&request)).unwrap();
    let http = reqwest::Client::new();
    let approve = http
        .post(format!("{}/_sim/users/bench/kyc", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"status": "approved"}));
    assert!(rt.block_on(approve.send()).unwrap().status().is_success());
    let user = client.user(Identity { user_id: "bench".into(), wallet_address: None }).unwrap();
    rt.block_on(user.accept_agreements()).unwrap();
    rt.block_on(user.balances()).unwrap();

    let minted: Value = rt
        .block_on(async {
            http.post(format!("{base}/sessions"))
                .header("X-Partner-Key", sim.partner_key())
                .json(&json!({"userId": "bench", "scopes": ["kyc.read"]}))
                .send()
                .await?
                .json()
                .await
        })
        .unwrap();
    let token = minted["data"]["sessionToken"].as_str().unwrap().to_owned();
    let url = format!("{base}/balances");

    let mut group = c.benchmark_group("GET /balances on loopback");
    group.bench_function("bare reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                let response = http.get(&url).bearer_auth(&token).send().await.unwrap();
                black_box(response.bytes().await.unwrap())
            })
        });
    });
    group.bench_function("machines-api client", |b| {
        b.iter(|| black_box(rt.block_on(user.balances()).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, balances);
criterion_main!(benches);
