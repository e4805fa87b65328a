//! The partner key appears in no response, no log line and no metric. Everything the gateway said during
//! a run that touches every route and most refusals is scanned; a control plants the key in a copy and
//! checks that the scan finds it, so a scan that sees nothing cannot pass by accident.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/issuer.rs"]
mod issuer;

#[path = "common/stack.rs"]
#[allow(dead_code)]
mod stack;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use stack::{wallet, Stack};

/// Log output, captured for the scan.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Places where `needle` occurs in `haystack`, by name.
fn found_in<'a>(needle: &str, haystack: &'a [(String, String)]) -> Vec<&'a str> {
    haystack.iter().filter(|(_, text)| text.contains(needle)).map(|(name, _)| name.as_str()).collect()
}

#[tokio::test]
async fn the_partner_key_is_in_no_response_log_line_or_metric() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut stack = Stack::start(&[("GATEWAY_RATE_PER_SUBJECT_PER_MINUTE", "8")]).await;
    stack.get("/healthz", None).await;
    stack.get("/readyz", None).await;
    stack.get("/v1/me", Some("alice")).await;
    stack.session("alice", "cards").await;
    let linked = stack.link("alice", &wallet(7)).await;
    stack.link("alice", &wallet(8)).await;
    stack.session("alice", "cards").await;
    stack.set_kyc(linked.body["data"]["userId"].as_str().unwrap(), "approved").await;
    for purpose in ["onboarding", "cards", "funding", "activity", "nonsense"] {
        stack.session("alice", purpose).await;
    }
    stack.session("alice", "cards").await; // over the limit
    stack.send(reqwest::Method::GET, "/v1/me", Some("not-a-jwt"), None).await;
    stack.sim.take().unwrap().shutdown().await;
    stack.session("bob", "cards").await;
    stack.link("bob", &wallet(9)).await;
    stack.get("/readyz", None).await;
    let metrics = stack.get("/metrics", None).await;
    assert!(metrics.text.contains("gateway_mints_total"), "{}", metrics.text);

    let mut places: Vec<(String, String)> = stack
        .seen
        .lock()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("response {i} ({})", a.status), format!("{:?}\n{}", a.headers, a.text)))
        .collect();
    let statuses: Vec<u16> = stack.seen.lock().unwrap().iter().map(|a| a.status.as_u16()).collect();
    for status in [200, 201, 401, 409, 422, 429, 503] {
        assert!(statuses.contains(&status), "the run should include a {status}: {statuses:?}");
    }
    let log_text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(log_text.contains("wallet linked"), "the capture must hold the gateway's own log lines");
    places.push(("log".to_owned(), log_text));

    let key = stack.partner_key.clone();
    assert_eq!(found_in(&key, &places), Vec::<&str>::new(), "the partner key leaked");

    // Control: the same scan finds a planted copy in a response, the log and the metrics.
    let mut planted = places.clone();
    planted[0].1.push_str(&json!({ "oops": key }).to_string());
    planted.last_mut().unwrap().1.push_str(&format!("key={key}\n"));
    planted.push(("metrics".to_owned(), format!("{}\nleak{{k=\"{key}\"}} 1\n", metrics.text)));
    assert_eq!(found_in(&key, &planted).len(), 3);
}
