//! How often the app asks the server while a person waits, counted by the simulator over one minute: a
//! KYC wait in manual review (with the simulator's 2 s `pollAfterMs`, and with a 30 s one, as a partner
//! with many users waiting might send) and a deposit wait (the simulator's 1.5 s). The figures are
//! printed, then held to what the server asked for. `MACHINES_WALLET_APP` runs another build, as the
//! README's "before" figures did (that build fails the bounds: it polled on its own timers).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{KycStatus, SimConfig, SimHandle, Simulator};
use machines_wallet_e2e::{steps, Launch, Wallet};

/// How long each wait is counted.
const MINUTE: Duration = Duration::from_secs(60);

/// The app against `sim`, with its passphrase set and `user` set up (on the KYC form).
async fn set_up(journey: &str, sim: &SimHandle, user: &str) -> Wallet {
    let w = Launch::new(journey).against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();
    steps::set_up(&w, user).await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    w
}

/// One minute on the status screen of a user in manual review; returns (status checks, all requests).
async fn kyc_wait(journey: &str, poll_after: Duration) -> (u64, u64) {
    let config = SimConfig {
        kyc_manual_review_for: Duration::from_secs(3600),
        kyc_poll_after: poll_after,
        ..SimConfig::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    let user = "waiting@example.com";
    let w = set_up(journey, &sim, user).await;
    sim.set_kyc(user, KycStatus::ManualReview).unwrap();
    w.click_button("Check my status").await.unwrap();
    w.wait_for_text("I've finished").await.unwrap();
    sim.count_requests(Some("GET"), "/kyc/status");
    sim.count_requests(None, "/**");
    tokio::time::sleep(MINUTE).await;
    let figures = (sim.counted("/kyc/status"), sim.counted("/**"));
    w.shot("kyc-wait").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
    println!("{journey}: GET /kyc/status {} a minute, {} requests in all", figures.0, figures.1);
    figures
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver; a minute of waiting"]
async fn a_kyc_wait_asks_as_often_as_the_server_says() {
    // Both waits are counted before either is judged, so another build's figures are all printed.
    let (checks, all) = kyc_wait("request-rate-kyc-2s", Duration::from_secs(2)).await;
    let (slow_checks, _) = kyc_wait("request-rate-kyc-30s", Duration::from_secs(30)).await;
    // The simulator asks for a check every 2 s: about 30 a minute, and nothing else.
    assert!((25..=32).contains(&checks), "{checks} checks in a minute at one per 2 s");
    assert!(all <= checks + 2, "{all} requests in all: only the status is asked (and a session, maybe)");
    // A server that asks for 30 s is asked twice or three times a minute, not every 3 s.
    assert!((2..=3).contains(&slow_checks), "{slow_checks} checks in a minute at one per 30 s");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver; a minute of waiting"]
async fn a_deposit_wait_asks_for_the_deposit_as_the_server_says_and_the_asset_list_once() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let user = "funding@example.com";
    let w = set_up("request-rate-deposit", &sim, user).await;
    sim.set_kyc(user, KycStatus::Approved).unwrap();
    w.click_button("Check my status").await.unwrap();
    w.click_button("Continue to the agreements").await.unwrap();
    steps::accept_agreements(&w).await.unwrap();
    w.click_button("Fund").await.unwrap();
    w.click_button("Create deposit").await.unwrap();
    w.wait_for_css(".qr svg", Duration::from_secs(20)).await.unwrap();
    sim.count_requests(Some("GET"), "/deposits/*");
    sim.count_requests(Some("GET"), "/deposits/assets");
    sim.count_requests(None, "/**");
    tokio::time::sleep(MINUTE).await;
    let assets = sim.counted("/deposits/assets");
    // `/deposits/*` matches the asset list too.
    let checks = sim.counted("/deposits/*") - assets;
    let all = sim.counted("/**");
    w.shot("deposit-wait").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
    println!("request-rate-deposit: GET /deposits/{{id}} {checks}, GET /deposits/assets {assets}, {all} in all");
    assert!((35..=42).contains(&checks), "{checks} checks in a minute at one per 1.5 s");
    assert!(assets <= 1, "the asset list was read {assets} times: once per watch at most");
}
