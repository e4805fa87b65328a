//! The simulator's admin routes (`/_sim`: faults, the clock, a user's KYC) answer only whoever started it:
//! a request without the admin secret, with a wrong one, with a body that is not JSON, or addressed to a
//! name other than loopback (DNS rebinding) is refused and changes nothing. The verification page, which
//! the person's browser opens, needs no secret.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use machines_sim::{SimConfig, SimHandle, Simulator, ADMIN_HEADER};
use serde_json::{json, Value};

const FAULT: &str = r#"{"path": "/cards", "kind": "error", "status": 503}"#;

/// The fault rules in force, read with the secret.
async fn faults(sim: &SimHandle) -> Vec<Value> {
    let answer: Value = reqwest::Client::new()
        .get(format!("{}/_sim/faults", sim.origin()))
        .header(ADMIN_HEADER, sim.admin_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["data"]["faults"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn admin_routes_refuse_a_caller_without_the_secret_json_or_a_loopback_host() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let other = Simulator::start(SimConfig::instant()).await.unwrap();
    assert_ne!(sim.admin_secret(), other.admin_secret(), "each simulator has its own secret");
    assert!(sim.admin_secret().len() >= 32, "a secret no one guesses: {}", sim.admin_secret());
    let http = reqwest::Client::new();
    let url = format!("{}/_sim/faults", sim.origin());

    let refusals = [
        ("no secret", http.post(&url).header("content-type", "application/json").body(FAULT), 401),
        (
            "another simulator's secret",
            http.post(&url)
                .header(ADMIN_HEADER, other.admin_secret())
                .header("content-type", "application/json")
                .body(FAULT),
            401,
        ),
        (
            "text/plain",
            http.post(&url).header(ADMIN_HEADER, sim.admin_secret()).header("content-type", "text/plain").body(FAULT),
            415,
        ),
        (
            "a form",
            http.post(&url)
                .header(ADMIN_HEADER, sim.admin_secret())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(FAULT),
            415,
        ),
        ("no content type", http.post(&url).header(ADMIN_HEADER, sim.admin_secret()).body(FAULT), 415),
        (
            "a rebinding host",
            http.post(&url)
                .header(ADMIN_HEADER, sim.admin_secret())
                .header("host", "attacker.example")
                .header("content-type", "application/json")
                .body(FAULT),
            403,
        ),
        ("a read without the secret", http.get(&url), 401),
        ("an unknown admin route without the secret", http.get(format!("{}/_sim/nothing", sim.origin())), 401),
    ];
    for (what, request, status) in refusals {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        let body: Value = response.json().await.unwrap();
        assert!(body["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: says why: {body}");
    }
    assert!(faults(&sim).await.is_empty(), "no refused request added a fault");

    // The API too answers only to a loopback name.
    let rebound = http
        .post(format!("{}/users/resolve", sim.base_url()))
        .header("host", "attacker.example:80")
        .header("X-Partner-Key", sim.partner_key())
        .json(&json!({"userId": "rebound"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    assert_eq!(sim.summary()["users"], json!(0), "the rebound request made no user");

    // Whoever holds the secret and sends JSON is served, under each loopback name.
    let port = sim.addr().port();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("LocalHost:{port}")] {
        let added = http
            .post(&url)
            .header(ADMIN_HEADER, sim.admin_secret())
            .header("host", &host)
            .header("content-type", "application/json; charset=utf-8")
            .body(FAULT)
            .send()
            .await
            .unwrap();
        assert!(added.status().is_success(), "{host}: {}", added.status());
    }
    assert_eq!(faults(&sim).await.len(), 3);

    // The verification page is the person's, opened in their browser: no secret.
    let page = http.get(format!("{}/verify?session=unknown", sim.origin())).send().await.unwrap();
    assert_ne!(page.status().as_u16(), 401);
    assert_ne!(page.status().as_u16(), 403);
    assert!(page.text().await.unwrap().contains("<html"), "the page is served");
}

#[test]
fn the_binary_prints_its_admin_secret_and_takes_one() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_machines-sim"))
        .args(["--port", "0", "--admin-secret", "sim_admin_chosen_by_the_test"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = None;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while printed.is_none() {
        let Some(Ok(line)) = lines.next() else { break };
        printed =
            line.strip_prefix("admin secret:").map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(printed.as_deref(), Some("sim_admin_chosen_by_the_test"));
}
