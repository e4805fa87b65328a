//! Session mints per second and p50/p99 latency on loopback: the simulator upstream, one and two
//! gateways, SQLite (a temp file) and, when `BENCH_DATABASE_URL` names one, Postgres. A benchmark, not a
//! timed test: it prints figures and asserts nothing but that the mints succeeded.
//!
//!   cargo bench -p machines-gateway --bench mints
//!   BENCH_DATABASE_URL=postgres://… BENCH_SECONDS=10 BENCH_CONCURRENCY=32 cargo bench -p machines-gateway --bench mints
//!
//! Everything runs in this one process (client, gateways, simulator, issuer) on the same cores, so the
//! figures are what the whole loop costs on this machine, the gateway's share included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/issuer.rs"]
mod issuer;

#[path = "../tests/common/stack.rs"]
#[allow(dead_code)]
mod stack;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::models::sessions::CreateSessionRequest;
use serde_json::json;
use sha2::{Digest, Sha256};
use stack::Stack;

const USERS: usize = 256;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let seconds = setting("BENCH_SECONDS", 10);
    let concurrency = setting("BENCH_CONCURRENCY", 32) as usize;
    println!("machine: {} cores, {}", cores(), cpu_model());
    println!(
        "{seconds} s per row after 1 s of warm-up, {concurrency} requests in flight, {USERS} users, purpose onboarding"
    );
    println!("{:<9} {:>8} {:>10} {:>9} {:>9} {:>7}", "database", "gateways", "mints/s", "p50 ms", "p99 ms", "errors");
    let mut databases = vec![("sqlite", None)];
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        databases.push(("postgres", Some(url)));
    }
    // The upstream alone: the same mint straight to the simulator through `machines-api`, as the gateway
    // makes it. The difference to the rows below is the gateway's share (token check, database, HTTP).
    let row = measure_upstream(seconds, concurrency).await;
    println!(
        "{:<9} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>7}",
        "upstream", "-", row.per_second, row.p50_ms, row.p99_ms, row.errors
    );
    let (verify_us, db_us) = parts().await;
    println!("one at a time: token check {verify_us:.0} µs, SQLite link read + audit insert {db_us:.0} µs");
    for (label, url) in &databases {
        for gateways in [1, 2] {
            let row = measure(url.as_deref(), gateways, seconds, concurrency).await;
            println!(
                "{label:<9} {gateways:>8} {:>10.0} {:>9.2} {:>9.2} {:>7}",
                row.per_second, row.p50_ms, row.p99_ms, row.errors
            );
        }
    }
}

struct Row {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

async fn measure(database_url: Option<&str>, gateways: usize, seconds: u64, concurrency: usize) -> Row {
    let mut settings =
        vec![("GATEWAY_RATE_PER_SUBJECT_PER_MINUTE", "1000000"), ("GATEWAY_RATE_PER_ADDRESS_PER_MINUTE", "1000000")];
    if let Some(url) = database_url {
        settings.push(("DATABASE_URL", url));
    }
    let mut stack = Stack::start(&settings).await;
    let mut bases = vec![stack.url.clone()];
    for _ in 1..gateways {
        bases.push(stack.start_another().await);
    }
    // Subjects and wallets unique to this run, so a Postgres database can be reused between runs.
    let run = format!("{:?}", Instant::now());
    let mut tokens = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let subject = format!("bench-{run}-{i}");
        let digest = Sha256::digest(subject.as_bytes());
        let wallet = alloy_primitives::Address::from_slice(&digest[..20]).to_checksum(None);
        let linked = stack.link(&subject, &wallet).await;
        assert!(linked.status.is_success(), "{}", linked.text);
        tokens.push(stack.token(&subject));
    }
    let tokens = Arc::new(tokens);
    let bases = Arc::new(bases);
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    let body = json!({ "purpose": "onboarding" }).to_string();

    let start = Instant::now();
    let warm_until = start + Duration::from_secs(1);
    let until = warm_until + Duration::from_secs(seconds);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, tokens, bases, next, body) =
            (http.clone(), tokens.clone(), bases.clone(), next.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let n = next.fetch_add(1, Ordering::Relaxed);
                let base = &bases[n % bases.len()];
                let response = http
                    .post(format!("{base}/v1/session"))
                    .bearer_auth(&tokens[n % tokens.len()])
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let ok = match response {
                    Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if sent >= warm_until {
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let row = summarize(tasks, seconds).await;
    drop(stack);
    row
}

async fn measure_upstream(seconds: u64, concurrency: usize) -> Row {
    let stack = Stack::start(&[]).await;
    let linked = stack.link("bench-upstream", &stack::wallet(42)).await;
    let user_id = linked.body["data"]["userId"].as_str().expect("user id").to_owned();
    let machines = stack.state.machines.clone();
    let start = Instant::now();
    let warm_until = start + Duration::from_secs(1);
    let until = warm_until + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (machines, user_id) = (machines.clone(), user_id.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let request = CreateSessionRequest::new(user_id.clone(), ["kyc.read", "kyc.write"]);
                let ok = machines.create_session(&request).await.is_ok();
                if sent >= warm_until {
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    summarize(tasks, seconds).await
}

/// Where a mint's time goes, one operation at a time on one task: the token check (ES256 signature and
/// claims through the real verifier) and the two database statements of a mint.
async fn parts() -> (f64, f64) {
    let stack = Stack::start(&[]).await;
    stack.link("bench-parts", &stack::wallet(43)).await;
    let token = stack.token("bench-parts");
    let rounds = 2000u32;
    let verifier =
        machines_gateway::oidc::Verifier::discover(&stack.issuer.url, stack::AUDIENCE, reqwest::Client::new())
            .await
            .expect("discover");
    let started = Instant::now();
    for _ in 0..rounds {
        verifier.verify(&token).await.expect("valid token");
    }
    let verify = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    let db = &stack.state.db;
    let started = Instant::now();
    for _ in 0..rounds {
        let link = db.link_of(&stack.issuer.url, "bench-parts").await.expect("read").expect("linked");
        let record = machines_gateway::db::MintRecord {
            issuer: link.issuer,
            subject: link.subject,
            user_id: Some(link.user_id),
            purpose: "onboarding".to_owned(),
            scopes: "kyc.read kyc.write".to_owned(),
            outcome: "minted".to_owned(),
            at_ms: machines_gateway::db::now_ms(),
        };
        db.record_mint(&record).await.expect("insert");
    }
    let db_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    (verify, db_us)
}

type Task = tokio::task::JoinHandle<(Vec<Duration>, usize)>;

async fn summarize(tasks: Vec<Task>, seconds: u64) -> Row {
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mut l, e) = task.await.expect("task");
        latencies.append(&mut l);
        errors += e;
    }
    latencies.sort_unstable();
    let at = |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map(|d| d.as_secs_f64() * 1000.0).unwrap_or(f64::NAN);
    Row { per_second: latencies.len() as f64 / seconds as f64, p50_ms: ms(at(0.50)), p99_ms: ms(at(0.99)), errors }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}
