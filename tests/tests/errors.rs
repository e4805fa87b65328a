//! Error journeys in the real window, each against a simulator the test runs: what a person sees when the
//! partner key is wrong, the server is down, a token expires mid-journey, the server rate-limits, or KYC is
//! declined; and that the app keeps working afterwards. Outside Demo each first meets the passphrase set-up,
//! and the lock then takes the passphrase: a wrong one is refused with its wait, the right one unlocks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{FaultKind, FaultRule, SimConfig, Simulator, DEMO_PARTNER_KEY};
use machines_wallet_e2e::files::files_containing;
use machines_wallet_e2e::steps;
use machines_wallet_e2e::{Launch, Wallet};

async fn assert_no_error_banner(w: &Wallet) {
    let banners = w.script("return document.querySelectorAll('.banner[role=alert]').length").await.unwrap();
    assert_eq!(banners, serde_json::json!(0), "no error was shown:\n{}", w.text().await.unwrap());
}

async fn finish(w: Wallet) {
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver, WebKitWebDriver and gnome-keyring: scripts/test runs it"]
async fn a_wrong_partner_key_is_named_and_replaced_in_settings() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    // A custom server is reached over https://. The simulator serves plain http on loopback, which only the
    // MACHINES_API_URL override may name; with no MACHINES_PARTNER_KEY beside it, the key the person saves
    // goes to the real keychain under that server's origin, as a custom server's would.
    let w = Launch::new("wrong-partner-key").env("MACHINES_API_URL", &sim.base_url()).start().await.unwrap();
    // A real environment: before anything else the person sets an unlock passphrase.
    steps::set_passphrase(&w).await.unwrap();

    // The person chooses a custom server in Settings: plain http:// is refused there, https:// is taken.
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.click_button_in("//header", "Settings").await.unwrap();
    w.click("//label[contains(@class, 'choice')][.//input[@value='custom']]").await.unwrap();
    w.fill("settings-url", &sim.base_url()).await.unwrap();
    w.click_button("Save settings").await.unwrap();
    w.wait_for_text("A custom server needs an https:// address").await.unwrap();
    w.shot("settings-custom-http-refused").await.unwrap();
    w.fill("settings-url", "https://api.partner.example/partner/v1").await.unwrap();
    w.click_button("Save settings").await.unwrap();
    // Then pastes a key with a typo.
    w.wait_for_text("No key is saved for this environment yet.").await.unwrap();
    w.fill("settings-key", "mk_this_key_has_a_typo_in_it").await.unwrap();
    w.click_button("Save key").await.unwrap();
    // The page empties the key field once the keychain has it.
    w.wait_for_value("settings-key", "").await.unwrap();
    w.wait_for_text("A key is saved for this environment.").await.unwrap();
    w.shot("settings-custom-key-saved").await.unwrap();
    w.click_button("Back").await.unwrap();

    steps::set_up(&w, "keyed@example.com").await.unwrap();
    w.wait_for_text("Partner key refused").await.unwrap();
    w.shot("partner-key-refused").await.unwrap();

    // The banner's action leads to Settings, where the right key replaces the wrong one.
    w.click_button("Open Settings").await.unwrap();
    w.wait_for_text("Replace the key").await.unwrap();
    w.fill("settings-key", sim.partner_key()).await.unwrap();
    w.click_button("Save key").await.unwrap();
    // Not the toast: the first save's may still be on show. The emptied field means this save is done.
    w.wait_for_value("settings-key", "").await.unwrap();
    w.wait_for_text("Partner key saved").await.unwrap();
    w.click_button("Back").await.unwrap();
    assert_eq!(w.value("setup-userId").await.unwrap(), "keyed@example.com", "the trip to Settings lost nothing");
    w.click_button("Continue").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    assert_no_error_banner(&w).await;
    w.shot("connected-with-the-right-key").await.unwrap();

    // The key and the passphrase's hash went to the keychain only (whose file is encrypted): nothing in the
    // app's home holds the key or the passphrase.
    let hits = files_containing(w.home(), &[sim.partner_key(), "mk_this_key_has", steps::PASSPHRASE]).unwrap();
    assert!(hits.is_empty(), "a partner key in {hits:?}");
    finish(w).await;
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn the_server_down_is_said_plainly_and_try_again_works_once_it_is_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/partner/v1");
    let w = Launch::new("server-down").against(&base, DEMO_PARTNER_KEY).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();

    steps::set_up(&w, "offline@example.com").await.unwrap();
    w.wait_for_text("Can't reach Machines Cash").await.unwrap();
    w.shot("server-down").await.unwrap();
    assert_eq!(w.value("setup-userId").await.unwrap(), "offline@example.com", "nothing typed is lost");

    // The server comes back on the same address; the banner's button tries again.
    let _sim = Simulator::start_on(SimConfig::instant(), port).await.unwrap();
    w.click_button("Try again").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    assert_no_error_banner(&w).await;
    w.shot("server-back").await.unwrap();
    finish(w).await;
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn a_token_that_expires_mid_journey_is_renewed_without_a_word() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let w = Launch::new("token-expired").against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();
    steps::set_up(&w, "expiry@example.com").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    let sessions_before = sim.summary()["sessions"].as_u64().unwrap();

    // Every token dies while the person fills the form.
    sim.expire_sessions();
    steps::submit_kyc(&w, "TestApproved").await.unwrap();
    // Approved at once, so the app goes straight on to the agreements.
    w.wait_for_text("Card agreements").await.unwrap();
    assert_no_error_banner(&w).await;
    assert!(sim.summary()["sessions"].as_u64().unwrap() > sessions_before, "a fresh session was minted");
    w.shot("approved-after-renewal").await.unwrap();
    finish(w).await;
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn a_rate_limit_storm_is_waited_out_or_explained() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let w = Launch::new("rate-limited").against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();

    // A storm longer than the app's patience: the person is told to wait, and nothing they typed is lost.
    sim.inject(FaultRule::new(Some("POST"), "/users/resolve", FaultKind::RateLimit { retry_after: 1 }).times(100));
    steps::set_up(&w, "busy@example.com").await.unwrap();
    w.wait_for_text_within("Busy \u{2014} please wait", Duration::from_secs(60)).await.unwrap();
    w.shot("rate-limited").await.unwrap();
    assert_eq!(w.value("setup-userId").await.unwrap(), "busy@example.com");

    // The storm passes, but a short one hits the form: the app waits it out (Retry-After) without a word.
    sim.clear_faults();
    sim.inject(FaultRule::new(Some("GET"), "/kyc/values", FaultKind::RateLimit { retry_after: 1 }).times(2));
    w.click_button("Try again").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    w.wait_for_css("#kyc-firstName", Duration::from_secs(20)).await.unwrap();
    assert_no_error_banner(&w).await;
    let left = sim.faults();
    assert!(!left.iter().any(|rule| rule.path == "/kyc/values"), "both 429s were met and waited out: {left:?}");
    w.shot("form-after-short-storm").await.unwrap();
    finish(w).await;
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn a_declined_application_stops_with_its_reason_and_the_app_still_works() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let w = Launch::new("kyc-denied").against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();
    steps::set_up(&w, "declined@example.com").await.unwrap();
    steps::submit_kyc(&w, "TestDenied").await.unwrap();
    w.wait_for_text("Verification declined").await.unwrap();
    w.wait_for_text("no longer checks").await.unwrap();
    let text = w.text().await.unwrap();
    assert!(!text.contains("I've finished"), "a final answer offers no check button:\n{text}");
    w.shot("declined").await.unwrap();

    // The app keeps working: settings open and close, the lock locks and unlocks.
    w.click_button_in("//header", "Settings").await.unwrap();
    w.wait_for_text("Hide a revealed card after").await.unwrap();
    w.click_button("Back").await.unwrap();
    w.click_button_in("//header", "Lock").await.unwrap();
    w.wait_for_text("Machines Wallet is locked").await.unwrap();
    // A wrong passphrase is refused with the wait the core set; even the right one waits it out.
    w.fill("unlock-passphrase", "not my passphrase").await.unwrap();
    w.click_button("Unlock").await.unwrap();
    w.wait_for_text("That is not the passphrase. Try again in 1 second.").await.unwrap();
    w.shot("wrong-passphrase").await.unwrap();
    let text = w.text().await.unwrap();
    assert!(!text.contains("Verification declined"), "still locked:\n{text}");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    steps::unlock(&w).await.unwrap();
    w.wait_for_text("Verification declined").await.unwrap();
    finish(w).await;
}
