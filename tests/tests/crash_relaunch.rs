//! A crash must not make a second card, in the app as shipped: the person presses Create card, the server
//! makes the card but its answer never arrives, and the app is killed with SIGKILL. Relaunched on the same
//! home, the app finishes that create with the same Idempotency-Key and says so; the simulator (in this
//! test's process, so it outlives the app with its idempotency records) holds exactly one card.
//! `src-tauri/tests/crash_create.rs` covers the other kill points, command by command.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{FaultKind, FaultRule, SimConfig, Simulator};
use machines_wallet_e2e::steps;
use machines_wallet_e2e::Launch;
use serde_json::json;

const USER: &str = "crash@example.com";

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn a_create_whose_answer_died_with_the_app_is_finished_once_after_relaunch() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let home = tempfile::Builder::new().prefix("machines-e2e-crash-").tempdir().unwrap();
    let cards_on = || sim.summary()["cards"].as_u64().unwrap();

    let w = Launch::new("crash_relaunch")
        .against(&sim.base_url(), sim.partner_key())
        .in_home(home.path())
        .start()
        .await
        .unwrap();
    steps::set_passphrase(&w).await.unwrap();
    steps::set_up(&w, USER).await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    let approved = reqwest::Client::new()
        .post(format!("{}/_sim/users/{USER}/kyc", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success(), "{}", approved.status());
    w.click_button("Check my status").await.unwrap();
    w.click_button("Continue to the agreements").await.unwrap();
    w.wait_for_text("Card agreements").await.unwrap();
    w.tick_all("//label[contains(@class, 'check')]/input[@type='checkbox']").await.unwrap();
    w.click_button("Accept").await.unwrap();
    w.click_button("Continue to the wallet").await.unwrap();
    w.wait_for_text("No cards yet").await.unwrap();

    // Every answer to a card create is lost after the server made the card.
    sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::DropAfterCommit));
    w.click_button("New card").await.unwrap();
    w.wait_for_css("dialog[open] #card-label", Duration::from_secs(5)).await.unwrap();
    w.fill("card-label", "Groceries").await.unwrap();
    w.fill("card-limit", "25").await.unwrap();
    w.click_button("Create card").await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while cards_on() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the server never made the card");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    w.shot("creating").await.unwrap();
    let app = w.processes().into_iter().find(|(_, name)| name == "machines-wallet").expect("the app is running");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(app.0), nix::sys::signal::SIGKILL).unwrap();
    let journal = w.data_dir().join("unfinished-cards");
    let records = std::fs::read_dir(&journal).map(|d| d.filter_map(Result::ok).count()).unwrap_or_else(|e| {
        let listing = std::process::Command::new("find").arg(home.path()).output().unwrap();
        panic!("{}: {e}\n{}", journal.display(), String::from_utf8_lossy(&listing.stdout))
    });
    assert_eq!(records, 1, "the create is still written down in {}", journal.display());
    drop(w);
    sim.clear_faults();

    // Relaunched: unlocked, the wallet opens, the create is finished with its own key, and the person
    // is told, with the card's last four.
    let w = Launch::new("crash_relaunch_after")
        .against(&sim.base_url(), sim.partner_key())
        .in_home(home.path())
        .start()
        .await
        .unwrap();
    steps::unlock(&w).await.unwrap();
    w.wait_for_css(".card .name", Duration::from_secs(20)).await.unwrap();
    w.wait_for_text_within("A card you were creating when the app closed has been finished", Duration::from_secs(20))
        .await
        .unwrap();
    w.shot("finished").await.unwrap();
    let text = w.text().await.unwrap();
    assert!(text.contains("Groceries"), "{text}");
    assert_eq!(w.script("return document.querySelectorAll('.list .card').length").await.unwrap(), json!(1));
    assert_eq!(cards_on(), 1, "exactly one card on the server");
    assert_eq!(std::fs::read_dir(&journal).unwrap().count(), 0, "nothing left to finish");
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "left running: {stuck:?}");
}
