//! The status watches against a real simulator: they follow the server's `pollAfterMs`, back off without
//! it, pause while the app is locked or its window hidden, check at once when asked, wait out a rate
//! limit without a word, stop when settled, and read the balances once after a deposit. Requests are
//! counted by the simulator itself (a zero-latency fault rule per route counts what it matched).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::config::ClientConfig;
use machines_api::models::deposits::CreateDepositRequest;
use machines_api::models::users::ResolveUserRequest;
use machines_api::poll::PollPolicy;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey, UserClient};
use machines_sim::{FaultKind, FaultRule, SimConfig, SimHandle, Simulator};
use tokio::sync::mpsc;
use wallet_core::updates::{DepositUpdate, KycUpdate, Watches};

/// A simulator whose manual review lasts `review` and which asks for a check every `poll_after`, and
/// a client on it.
async fn sim(review: Duration, poll_after: Duration) -> (SimHandle, Client) {
    let config = SimConfig { kyc_manual_review_for: review, kyc_poll_after: poll_after, ..SimConfig::instant() };
    let sim = Simulator::start(config).await.unwrap();
    let client = common::client(&sim);
    for path in ["/kyc/status", "/deposits/*", "/deposits/assets", "/balances"] {
        sim.count_requests(Some("GET"), path);
    }
    (sim, client)
}

async fn linked(client: &Client, user_id: &str) -> Arc<UserClient> {
    let request = ResolveUserRequest { user_id: user_id.into(), wallet_address: None, wallet_label: None };
    client.resolve_user(&request).await.unwrap();
    Arc::new(client.user(Identity { user_id: user_id.into(), wallet_address: None }).unwrap())
}

/// A user in manual review.
async fn in_review(client: &Client) -> Arc<UserClient> {
    let user = linked(client, "review@example.com").await;
    user.submit_kyc(&common::application("TestManualReview"), &IdempotencyKey::generate()).await.unwrap();
    user
}

/// A user the simulator approved, with the agreements accepted, and a fresh deposit of theirs.
async fn with_deposit(sim: &SimHandle, client: &Client) -> (Arc<UserClient>, String) {
    let user = Arc::new(common::ready_user(sim, client, "fund@example.com").await);
    let request = CreateDepositRequest::new("rusd", "base", None);
    let deposit = user.create_deposit(&request, &IdempotencyKey::generate()).await.unwrap().data;
    (user, deposit.id)
}

/// Without the server's hint the first wait would be 5 s; every test that sees checks sooner than that
/// saw the hint (or a "check now") at work.
fn slow_without_hints() -> PollPolicy {
    PollPolicy { min: Duration::from_millis(10), ..PollPolicy::default() }
}

fn listener<T: Send + 'static>() -> (impl FnMut(T) -> bool + Send + 'static, mpsc::UnboundedReceiver<T>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (move |update| tx.send(update).is_ok(), rx)
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>, within: Duration) -> T {
    tokio::time::timeout(within, rx.recv()).await.expect("no update in time").expect("the watch ended")
}

fn code(error: &wallet_core::error::UiError) -> String {
    serde_json::to_value(error).unwrap()["code"].as_str().unwrap().to_owned()
}

fn kyc_status(update: &KycUpdate) -> &str {
    match update {
        KycUpdate::Status { view } => &view.status,
        other => panic!("expected a status, got {other:?}"),
    }
}

/// Waits until the watches have wound down (a watch leaves the registry as its task ends).
async fn until_idle(watches: &Watches) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while watches.running() > 0 {
        assert!(Instant::now() < deadline, "a watch kept running");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn kyc_is_checked_as_often_as_the_server_asks_until_it_settles() {
    let (sim, client) = sim(Duration::from_millis(1500), Duration::from_millis(200)).await;
    let user = in_review(&client).await;
    let watches = Watches::new(false).with_policy(slow_without_hints());
    let (sink, mut updates) = listener();
    let started = Instant::now();
    watches.kyc(user, sink);

    let mut seen = Vec::new();
    loop {
        let update = next(&mut updates, Duration::from_secs(3)).await;
        seen.push(kyc_status(&update).to_owned());
        if let KycUpdate::Status { view } = &update {
            if view.terminal {
                break;
            }
        }
    }
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}: the 200 ms hint was not followed", started.elapsed());
    assert_eq!(seen.first().map(String::as_str), Some("manual_review"));
    assert_eq!(seen.last().map(String::as_str), Some("approved"));
    let checks = sim.counted("/kyc/status");
    assert!((6..=12).contains(&checks), "{checks} checks in 1.5 s at one per 200 ms");

    // Settled: the watch is over and asks nothing more.
    until_idle(&watches).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.counted("/kyc/status"), checks);
}

#[tokio::test]
async fn a_deposit_is_checked_as_the_server_asks_then_the_balances_are_read_once() {
    // The simulator asks for a deposit check every 1.5 s.
    let (sim, client) = sim(Duration::ZERO, Duration::from_millis(10)).await;
    let (user, deposit_id) = with_deposit(&sim, &client).await;
    let watches = Watches::new(false).with_policy(slow_without_hints());
    let (sink, mut updates) = listener();
    let id = watches.deposit(user, deposit_id.clone(), sink);

    tokio::time::sleep(Duration::from_millis(2000)).await;
    let checks = sim.counted("/deposits/*") - sim.counted("/deposits/assets");
    assert_eq!(checks, 2, "checks at 0 and 1.5 s");
    let mut first = None;
    while let Ok(update) = updates.try_recv() {
        match update {
            DepositUpdate::Status { view } => first = first.or(Some(view)),
            other => panic!("{other:?}"),
        }
    }
    let first = first.expect("no status");
    assert!(first.in_progress && first.address.is_some(), "{first:?}");
    assert!(first.qr_svg.is_some(), "the payment request names the route's token, from the asset list");

    sim.fund_deposit(&deposit_id, 10.0).unwrap();
    assert!(watches.check_now(id));
    let done = match next(&mut updates, Duration::from_secs(1)).await {
        DepositUpdate::Status { view } => view,
        other => panic!("{other:?}"),
    };
    assert!(done.succeeded, "{done:?}");
    match next(&mut updates, Duration::from_secs(1)).await {
        DepositUpdate::Balances { view } => assert_eq!(view.spending_power, "$10.00"),
        other => panic!("{other:?}"),
    }
    until_idle(&watches).await;
    assert!(!watches.check_now(id), "a settled watch is gone");
    assert_eq!(sim.counted("/deposits/assets"), 1, "the asset list is read once per watch, not per check");
    assert_eq!(sim.counted("/balances"), 1);
}

#[tokio::test]
async fn without_a_hint_checks_come_less_and_less_often() {
    // Every check fails with a 503, which carries no hint; the client does not retry inside the call, so
    // each check is one request.
    let (sim, _) = sim(Duration::from_secs(600), Duration::from_millis(50)).await;
    let mut config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    config.retry = machines_api::retry::RetryPolicy::none();
    let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();
    let user = in_review(&client).await;
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::Error { status: 503 }));
    let backoff = PollPolicy {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(800),
        factor: 2.0,
        min: Duration::from_millis(10),
    };
    let watches = Watches::new(false).with_policy(backoff);
    let (sink, mut updates) = listener();
    watches.kyc(user, sink);

    // Checks at 0, 0.1, 0.3, 0.7 and 1.5 s: five in 1.6 s, where a fixed 100 ms would make sixteen.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    watches.stop_all();
    let checks = sim.counted("/kyc/status");
    assert!((4..=6).contains(&checks), "{checks} checks in 1.6 s");
    let mut told = 0;
    while let Ok(update) = updates.try_recv() {
        match update {
            KycUpdate::Retrying { error } => {
                assert_eq!(code(&error), "server");
                told += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(told, checks, "each failed check is told, and the watch goes on");
}

#[tokio::test]
async fn nothing_is_asked_while_locked_or_hidden_and_checks_resume_at_once() {
    let (sim, client) = sim(Duration::from_secs(600), Duration::from_millis(50)).await;
    let user = in_review(&client).await;
    let watches = Watches::new(true).with_policy(slow_without_hints());
    let (sink, mut updates) = listener();
    watches.kyc(user, sink);

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sim.counted("/kyc/status"), 0, "a check while locked");
    let unlocked = Instant::now();
    watches.pauses().set_locked(false);
    next(&mut updates, Duration::from_secs(1)).await;
    assert!(unlocked.elapsed() < Duration::from_millis(300), "the first check waited {:?}", unlocked.elapsed());

    watches.pauses().set_hidden(true);
    // A check already under way may finish; after that, none.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let hidden = sim.counted("/kyc/status");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.counted("/kyc/status"), hidden, "checks while the window was hidden");
    while updates.try_recv().is_ok() {}
    let shown = Instant::now();
    watches.pauses().set_hidden(false);
    next(&mut updates, Duration::from_secs(1)).await;
    assert!(shown.elapsed() < Duration::from_millis(300), "the check after showing waited {:?}", shown.elapsed());
    watches.stop_all();
    until_idle(&watches).await;
}

#[tokio::test]
async fn check_now_skips_the_wait_and_a_rate_limit_is_quiet_unless_the_person_asked() {
    let (sim, client) = sim(Duration::from_secs(600), Duration::from_millis(300)).await;
    let user = in_review(&client).await;
    let watches = Watches::new(false).with_policy(slow_without_hints());
    let (sink, mut updates) = listener();
    // The screen opens on a limit: with nothing else to show, the person is told.
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::RateLimit { retry_after: 120 }).times(1));
    let id = watches.kyc(user, sink);
    match next(&mut updates, Duration::from_secs(1)).await {
        KycUpdate::Retrying { error } => assert_eq!(code(&error), "rate_limited"),
        other => panic!("{other:?}"),
    }
    assert!(watches.check_now(id));
    assert_eq!(kyc_status(&next(&mut updates, Duration::from_secs(1)).await), "manual_review");

    // The next timed check is turned away for two minutes: no error, only how long the wait is now.
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::RateLimit { retry_after: 120 }).times(1));
    match next(&mut updates, Duration::from_secs(1)).await {
        KycUpdate::SlowedDown { next_check_in_ms } => assert_eq!(next_check_in_ms, 120_000),
        other => panic!("{other:?}"),
    }
    // "I've finished — check now" does not wait the two minutes.
    let pressed = Instant::now();
    assert!(watches.check_now(id));
    assert_eq!(kyc_status(&next(&mut updates, Duration::from_secs(1)).await), "manual_review");
    assert!(pressed.elapsed() < Duration::from_millis(250));

    // A check the person asked for that meets the limit is told, and the watch goes on.
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::RateLimit { retry_after: 120 }).times(1));
    assert!(watches.check_now(id));
    let told = loop {
        match next(&mut updates, Duration::from_secs(1)).await {
            KycUpdate::Retrying { error } => break error,
            // The timed check that was already due may come first.
            KycUpdate::Status { .. } => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(code(&told), "rate_limited");
    assert_eq!(watches.running(), 1);
    watches.stop(id);
    until_idle(&watches).await;
}

#[tokio::test]
async fn a_watch_ends_when_stopped_replaced_or_nobody_listens() {
    let (sim, client) = sim(Duration::from_secs(600), Duration::from_millis(50)).await;
    let user = in_review(&client).await;
    let watches = Watches::new(false).with_policy(slow_without_hints());

    // A second KYC watch replaces the first: the screen shows one status.
    let (first_sink, mut first) = listener();
    watches.kyc(user.clone(), first_sink);
    next(&mut first, Duration::from_secs(1)).await;
    let (second_sink, mut second) = listener();
    let id = watches.kyc(user.clone(), second_sink);
    next(&mut second, Duration::from_secs(1)).await;
    assert_eq!(watches.running(), 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    while first.try_recv().is_ok() {}
    assert!(first.recv().await.is_none(), "the replaced watch ended");

    // Stopped by its screen.
    watches.stop(id);
    until_idle(&watches).await;
    let stopped = sim.counted("/kyc/status");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sim.counted("/kyc/status"), stopped);

    // The webview went away: the channel refuses the update, and the watch ends by itself.
    watches.kyc(user, |_| false);
    until_idle(&watches).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sim.counted("/kyc/status"), stopped + 1);
}
