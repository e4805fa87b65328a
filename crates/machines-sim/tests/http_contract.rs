//! The simulator as a client meets it over HTTP: the guide's own requests replayed with the guide's
//! responses as the expected shapes, every error code provoked once, faults that a client must survive,
//! Open Responses mode, and the binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Duration;

use machines_api::models::cards::CreateCardRequest;
use machines_api::models::kyc::KycStatus;
use machines_api::session::Identity;
use machines_api::IdempotencyKey;
use machines_sim::{FaultKind, FaultRule, SimConfig, SimHandle, Simulator};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

mod common;
use common::client_for;

struct Http {
    http: reqwest::Client,
    base: String,
    origin: String,
    admin_secret: String,
    key: String,
}

impl Http {
    fn new(sim: &SimHandle) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sim.base_url(),
            origin: sim.origin(),
            admin_secret: sim.admin_secret().to_owned(),
            key: sim.partner_key().to_owned(),
        }
    }

    async fn call(&self, method: Method, path: &str, auth: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        request = match auth {
            Some("partner") => request.header("X-Partner-Key", &self.key),
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn admin(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/_sim{path}", self.origin))
            .header(machines_sim::ADMIN_HEADER, &self.admin_secret)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn mint(&self, user: &str, scopes: &[&str]) -> String {
        let (status, body) = self
            .call(Method::POST, "/sessions", Some("partner"), Some(json!({"userId": user, "scopes": scopes})))
            .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["sessionToken"].as_str().unwrap().to_owned()
    }

    /// A user who is approved and has accepted the agreements, with a token for `scopes`.
    async fn ready_user(&self, user: &str, scopes: &[&str]) -> String {
        self.mint(user, &["kyc.read"]).await;
        self.admin(&format!("/users/{user}/kyc"), json!({"status": "approved"})).await;
        let kyc = self.mint(user, &["kyc.read", "kyc.write"]).await;
        let (status, _) = self.call(Method::POST, "/agreements", Some(&kyc), Some(json!({"accepted": true}))).await;
        assert_eq!(status, 200);
        self.mint(user, scopes).await
    }
}

/// `actual` has every member `expected` has, with the same JSON type; `null` in the guide allows any
/// value, arrays are compared by their first element, and the paths in `optional` (documented as
/// nullable or optional) may be null or absent.
fn same_shape(expected: &Value, actual: &Value, path: &str, optional: &[&str], problems: &mut Vec<String>) {
    let nullable = optional;
    match (expected, actual) {
        (Value::Null, _) => {}
        (_, Value::Null) if nullable.contains(&path) => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let child = format!("{path}.{key}");
                match a.get(key) {
                    Some(found) => same_shape(value, found, &child, nullable, problems),
                    None if nullable.contains(&child.as_str()) => {}
                    None => problems.push(format!("{child} is missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let (Some(e), Some(a)) = (e.first(), a.first()) {
                same_shape(e, a, &format!("{path}[0]"), nullable, problems);
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_)) => {}
        _ => problems.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// The stored pages' example emails were replaced by "[email protected]" (sometimes with a no-break space)
/// when they were scraped: an address-obfuscation artifact, not the vendor's data. A real address stands in.
fn restore_scraped_email(body: &mut Value) {
    let scraped =
        body.get("email").and_then(Value::as_str).is_some_and(|e| e.starts_with("[email") && e.ends_with("protected]"));
    if scraped {
        body["email"] = json!("john@example.com");
    }
}

/// Every curl request and its response in the guide, in order: (method, path, request body, response).
fn guide_steps() -> Vec<(String, String, Option<Value>, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    let page = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000_"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap();
    let mut steps = Vec::new();
    for block in page.split("curl --request ").skip(1) {
        let method = block.split_whitespace().next().unwrap().to_owned();
        let url = block.split("--url ").nth(1).unwrap().split_whitespace().next().unwrap();
        let path = url.split("/partner/v1").nth(1).unwrap().to_owned();
        let mut values = Vec::new();
        let mut offset = 0;
        while let Some(start) = block[offset..].find('{').map(|i| offset + i) {
            let mut stream = serde_json::Deserializer::from_str(&block[start..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(value)) => {
                    values.push(value);
                    offset = start + stream.byte_offset();
                }
                _ => offset = start + 1,
            }
        }
        let response = values.iter().find(|v| v.get("ok").is_some()).cloned().unwrap();
        let request = values.into_iter().find(|v| v.get("ok").is_none());
        steps.push((method, path, request, response));
    }
    steps
}

#[tokio::test]
async fn the_guides_requests_get_the_guides_shapes() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    let steps = guide_steps();
    assert_eq!(steps.len(), 15, "the guide has 15 calls");
    let (mut token, mut card_token, mut secrets_session, mut card_id) =
        (String::new(), String::new(), String::new(), String::new());
    let mut deposit_id = String::new();
    let mut problems = Vec::new();
    for (index, (method, path, request, expected)) in steps.into_iter().enumerate() {
        let step = index + 1;
        // Between the guide's calls a person acts: before the status poll (call 5) they complete verification.
        if step == 5 {
            let (_, status) = http.call(Method::GET, "/kyc/status", Some(&token), None).await;
            let link = &status["data"]["completionLink"];
            let form = [
                ("userId", link["params"]["userId"].as_str().unwrap()),
                ("signature", link["params"]["signature"].as_str().unwrap()),
            ];
            let done = http.http.post(link["url"].as_str().unwrap()).form(&form).send().await.unwrap();
            assert_eq!(done.status(), 200);
        }
        let path = path.replace("cards/9f970d1a-fd8e-41ac-a6fd-5993417942e3", &format!("cards/{card_id}"));
        let path = if step == 9 { format!("/deposits/{deposit_id}") } else { path };
        let mut request = request;
        if let Some(body) = request.as_mut() {
            if body.get("sessionId").is_some() {
                body["sessionId"] = json!(secrets_session);
            }
            restore_scraped_email(body);
        }
        let auth = match (path.as_str(), step) {
            ("/sessions" | "/users/resolve", _) => "partner".to_owned(),
            (_, 12..) => card_token.clone(),
            _ => token.clone(),
        };
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let (status, actual) = http.call(method, &path, Some(&auth), request).await;
        assert_eq!(status, 200, "step {step} {path}: {actual}");
        assert_eq!(actual["summary"], expected["summary"], "step {step}");
        // The deposit address is documented as nullable right after creation.
        same_shape(&expected, &actual, &format!("step{step}"), &["step8.data.deposit.depositAddress"], &mut problems);
        match step {
            1 => token = actual["data"]["sessionToken"].as_str().unwrap().to_owned(),
            8 => deposit_id = actual["data"]["deposit"]["id"].as_str().unwrap().to_owned(),
            11 => card_token = actual["data"]["sessionToken"].as_str().unwrap().to_owned(),
            13 => card_id = actual["data"]["cardId"].as_str().unwrap().to_owned(),
            14 => secrets_session = actual["data"]["sessionId"].as_str().unwrap().to_owned(),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The first request body and the response example of a reference page.
fn reference_example(prefix: &str) -> (Value, Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    let page = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap();
    let body_text = page.split("--data '").nth(1).unwrap().split('\'').next().unwrap();
    let request: Value = serde_json::from_str(body_text).unwrap();
    let response_start = page.find("{\n  \"ok\"").unwrap();
    let response =
        serde_json::Deserializer::from_str(&page[response_start..]).into_iter::<Value>().next().unwrap().unwrap();
    (request, response)
}

#[tokio::test]
async fn the_reference_pages_requests_get_their_shapes() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    let mut problems = Vec::new();

    // POST /kyc/applications. Links may be a string or a {url, params} object (spec Q2).
    let (mut request, expected) = reference_example("003_");
    restore_scraped_email(&mut request);
    let token = http.mint("reference@example.com", &["kyc.read", "kyc.write"]).await;
    let (status, actual) = http.call(Method::POST, "/kyc/applications", Some(&token), Some(request)).await;
    assert_eq!(status, 200, "{actual}");
    let links = ["kyc.data.completionLink", "kyc.data.externalVerificationLink"];
    let mut expected_kyc = expected.clone();
    for link in ["completionLink", "externalVerificationLink"] {
        assert!(actual["data"][link]["url"].is_string() || actual["data"][link].is_string(), "{actual}");
        expected_kyc["data"][link] = Value::Null;
    }
    same_shape(&expected_kyc, &actual, "kyc", &links, &mut problems);

    // POST /cards with the page's body ({}): metadata the request did not send comes back null.
    let (request, expected) = reference_example("004_");
    let cards = http.ready_user("reference-cards@example.com", &["cards.write"]).await;
    let (status, actual) = http.call(Method::POST, "/cards", Some(&cards), Some(request)).await;
    assert_eq!(status, 200, "{actual}");
    // `next` is optional in every envelope.
    let unsent = [
        "card.next",
        "card.data.encryptedName",
        "card.data.encryptedColor",
        "card.data.encryptedEmoji",
        "card.data.encryptedMemo",
        "card.data.folderId",
        "card.data.limit",
    ];
    same_shape(&expected, &actual, "card", &unsent, &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn every_error_code_is_provoked() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    let expect = |(status, body): (StatusCode, Value), want: u16, code: &str| {
        assert_eq!(status.as_u16(), want, "{body}");
        assert_eq!(body["ok"], json!(false));
        assert!(body.get("data").is_none(), "errors carry no data: {body}");
        assert_eq!(body["errors"][0]["code"], json!(code), "{body}");
        body
    };
    // 400 with the field's dotted path.
    let body = expect(
        http.call(
            Method::POST,
            "/sessions",
            Some("partner"),
            Some(json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": 30})),
        )
        .await,
        400,
        "invalid_request",
    );
    assert_eq!(body["errors"][0]["field"], json!("ttlSeconds"));
    // 401: no partner key, a wrong one, no token, an unknown token, an expired token.
    expect(http.call(Method::POST, "/users/resolve", None, Some(json!({"userId": "u"}))).await, 401, "unauthorized");
    let wrong = Http { key: "mk_wrong".into(), ..Http::new(&sim) };
    expect(
        wrong
            .call(Method::POST, "/sessions", Some("partner"), Some(json!({"userId": "u", "scopes": ["kyc.read"]})))
            .await,
        401,
        "unauthorized",
    );
    expect(http.call(Method::GET, "/kyc/status", None, None).await, 401, "unauthorized");
    expect(http.call(Method::GET, "/kyc/status", Some("sim_not_a_token"), None).await, 401, "unauthorized");
    let token = http.mint("errors@example.com", &["kyc.read", "kyc.write"]).await;
    sim.advance_clock(Duration::from_secs(901));
    expect(http.call(Method::GET, "/kyc/status", Some(&token), None).await, 401, "unauthorized");
    // 403: a KYC session asking for cards.
    let token = http.mint("errors@example.com", &["kyc.read", "kyc.write"]).await;
    let body = expect(http.call(Method::GET, "/cards", Some(&token), None).await, 403, "missing_scope");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("cards.read"));
    // 409: card scopes before approval, agreements before approval.
    let body = expect(
        http.call(
            Method::POST,
            "/sessions",
            Some("partner"),
            Some(json!({"userId": "errors@example.com", "scopes": ["cards.read"]})),
        )
        .await,
        409,
        "invalid_state",
    );
    assert!(body["summary"].as_str().unwrap().contains("kyc required"));
    expect(http.call(Method::GET, "/agreements", Some(&token), None).await, 409, "invalid_state");
    // 404: another user's card, an unknown deposit.
    let owner = http.ready_user("owner@example.com", &["cards.read", "cards.write"]).await;
    let (_, card) = http.call(Method::POST, "/cards", Some(&owner), Some(json!({}))).await;
    let card_id = card["data"]["cardId"].as_str().unwrap();
    let other = http.ready_user("other@example.com", &["cards.read", "cards.write"]).await;
    expect(http.call(Method::GET, &format!("/cards/{card_id}"), Some(&other), None).await, 404, "not_found");
    expect(http.call(Method::GET, "/deposits/cmunknown000001", Some(&other), None).await, 404, "not_found");
    // 409 idempotency_conflict: one key, two different bodies.
    let send = |body: Value| {
        let request = http
            .http
            .post(format!("{}/cards", http.base))
            .bearer_auth(&owner)
            .header("Idempotency-Key", "key-conflict-1");
        async move {
            let response = request.json(&body).send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(send(json!({"isPinned": true})).await.0, 200);
    expect(send(json!({"isPinned": false})).await, 409, "idempotency_conflict");
    // 429 with Retry-After.
    sim.inject(FaultRule::new(Some("GET"), "/balances", FaultKind::RateLimit { retry_after: 3 }).times(1));
    let response = http.http.get(format!("{}/balances", http.base)).bearer_auth(&owner).send().await.unwrap();
    assert_eq!(response.headers().get("retry-after").unwrap(), "3");
    expect((response.status(), response.json().await.unwrap()), 429, "rate_limited");
    // Unknown routes and methods answer in the envelope too.
    expect(http.call(Method::GET, "/nope", None, None).await, 404, "not_found");
    expect(http.call(Method::PUT, "/cards", Some(&owner), None).await, 405, "invalid_request");
}

#[tokio::test]
async fn a_dropped_connection_after_commit_still_makes_exactly_one_card() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    http.ready_user("drop@example.com", &["kyc.read"]).await;
    sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::DropAfterCommit).times(2));
    let client = client_for(&sim, Duration::from_secs(5));
    let user = client.user(Identity { user_id: "drop@example.com".into(), wallet_address: None }).unwrap();
    let key = IdempotencyKey::generate();
    let card = user.create_card(&CreateCardRequest::default(), &key).await.unwrap().data;
    assert_eq!(sim.summary()["cards"], json!(1), "two dropped answers, one card");
    let cards = user.all_cards().await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].card_id, card.card_id);
}

#[tokio::test]
async fn a_client_rides_out_5xx_latency_429_and_a_token_that_expires_mid_journey() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    http.ready_user("faults@example.com", &["kyc.read"]).await;
    let client = client_for(&sim, Duration::from_millis(800));
    let user = client.user(Identity { user_id: "faults@example.com".into(), wallet_address: None }).unwrap();
    user.balances().await.unwrap();

    sim.inject(FaultRule::new(Some("GET"), "/balances", FaultKind::Error { status: 503 }).times(2));
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::Latency { ms: 1500 }).times(1));
    sim.inject(FaultRule::new(Some("GET"), "/cards", FaultKind::RateLimit { retry_after: 1 }).times(1));
    sim.inject(FaultRule::new(Some("GET"), "/deposits", FaultKind::ExpireToken).times(1));
    assert_eq!(user.balances().await.unwrap().data.credit_limit, 0);
    assert_eq!(
        user.kyc_status().await.unwrap().data.status,
        KycStatus::Approved,
        "a slow answer is retried after the timeout"
    );
    let started = std::time::Instant::now();
    assert!(user.all_cards().await.unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured");
    let deposits = user.list_deposits(machines_api::models::deposits::DepositScope::All).await.unwrap();
    assert!(deposits.data.is_empty(), "the expired token was renewed without the caller noticing");
}

#[tokio::test]
async fn open_responses_mode_wraps_the_envelope() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let http = Http::new(&sim);
    let token = http.mint("or@example.com", &["kyc.read"]).await;
    let response = http
        .http
        .get(format!("{}/kyc/status", http.base))
        .bearer_auth(&token)
        .header("X-Open-Responses", "1")
        .header("X-Open-Responses-Call-Id", "call_123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    let wrapped: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(wrapped["object"], json!("response"));
    assert_eq!(wrapped["model"], json!("machinescash.partner"));
    assert_eq!(wrapped["output"][0]["content"][0]["text"], json!("kyc status"));
    assert_eq!(wrapped["output"][1]["call_id"], json!("call_123"));
    let inner: Value = serde_json::from_str(wrapped["output"][1]["output"].as_str().unwrap()).unwrap();
    assert_eq!(inner["data"]["status"], json!("not_submitted"));
    // And the client reads it as the plain envelope.
    let parsed = machines_api::envelope::parse_response::<machines_api::models::kyc::KycState>(200, &body).unwrap();
    assert_eq!(parsed.data.status, KycStatus::NotSubmitted);
}

#[tokio::test]
async fn the_configured_rate_limit_answers_429_with_retry_after() {
    let sim = Simulator::start(SimConfig { rate_limit_per_second: Some(5), ..SimConfig::instant() }).await.unwrap();
    let http = Http::new(&sim);
    let mut limited = None;
    for _ in 0..20 {
        let (status, body) = http.call(Method::GET, "/kyc/status", None, None).await;
        if status == 429 {
            limited = Some(body);
            break;
        }
    }
    let body = limited.expect("20 requests at once exceed 5 a second");
    assert_eq!(body["errors"][0]["code"], json!("rate_limited"));
}

#[test]
fn the_binary_prints_its_url_and_key_and_serves() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_machines-sim"))
        .args(["--port", "0", "--seed", "3", "--key", "mk_test_binary"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    let mut key = None;
    // The binary prints a few lines and then serves until it is stopped: read only until both are seen.
    while base.is_none() || key.is_none() {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(url) = line.strip_prefix("base URL:") {
            base = Some(url.trim().to_owned());
        }
        if let Some(k) = line.strip_prefix("partner key:") {
            key = Some(k.trim().to_owned());
        }
    }
    let served = base.as_ref().map(|base| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            reqwest::Client::new()
                .post(format!("{base}/users/resolve"))
                .header("X-Partner-Key", "mk_test_binary")
                .json(&json!({"userId": "bin"}))
                .send()
                .await
                .map(|r| r.status())
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        base.as_deref().is_some_and(|b| b.starts_with("http://127.0.0.1:") && b.ends_with("/partner/v1")),
        "{base:?}"
    );
    assert_eq!(key.as_deref(), Some("mk_test_binary"));
    assert_eq!(served.unwrap().unwrap(), 200);
}

#[test]
fn the_binary_explains_a_bad_argument() {
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_machines-sim")).args(["--port", "seventy"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--port"), "{stderr}");
}
