//! The panic button in the real window: one click clears the clipboard, locks the app and every card.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{SimConfig, Simulator};
use machines_wallet_e2e::{steps, Launch};

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn the_panic_button_locks_the_cards_the_clipboard_and_the_app_in_one_click() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let w = Launch::new("panic").against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();

    // Set-up, then a user approved on the simulator's side, agreements, the wallet.
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.fill("setup-userId", "panic@example.com").await.unwrap();
    w.fill("setup-walletAddress", machines_wallet_e2e::answers::WALLET).await.unwrap();
    w.click_button("Continue").await.unwrap();
    // The simulator approves the linked user, as if verification had happened elsewhere.
    w.wait_for_text("Verify your identity").await.unwrap();
    let approved = reqwest::Client::new()
        .post(format!("{}/_sim/users/panic@example.com/kyc", sim.origin()))
        .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
        .json(&serde_json::json!({"status": "approved"}))
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

    for label in ["Travel", "Ads"] {
        w.click_button("New card").await.unwrap();
        w.fill("card-label", label).await.unwrap();
        w.click_button("Create card").await.unwrap();
        w.wait_for_css(
            &format!("//span[contains(@class, 'name')][normalize-space(.) = '{label}']"),
            Duration::from_secs(20),
        )
        .await
        .unwrap();
    }
    w.click_button_in("//div[@role='listitem'][contains(@class, 'card')][.//span[normalize-space(.) = 'Ads']]", "Lock")
        .await
        .unwrap();
    w.wait_for_text("Locked").await.unwrap();
    w.click_button_in(
        "//div[@role='listitem'][contains(@class, 'card')][.//span[normalize-space(.) = 'Travel']]",
        "Copy number",
    )
    .await
    .unwrap();
    for _ in 0..50 {
        if w.display.clipboard().await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(w.display.clipboard().await.unwrap().is_some(), "the number was copied");

    // One click.
    w.click_button_in("//header", "Panic").await.unwrap();
    w.wait_for_text("Machines Wallet is locked").await.unwrap();
    w.wait_for_text("1 card locked (1 already locked).").await.unwrap();
    assert_eq!(w.display.clipboard().await.unwrap(), None, "the clipboard is empty");
    w.shot("panic-locked").await.unwrap();

    steps::unlock(&w).await.unwrap();
    w.wait_for_css("//span[contains(@class, 'name')][normalize-space(.) = 'Travel']", Duration::from_secs(20))
        .await
        .unwrap();
    let statuses = w
        .script("return Array.from(document.querySelectorAll('.card .status')).map(e => e.textContent.trim())")
        .await
        .unwrap();
    assert_eq!(statuses, serde_json::json!(["Locked", "Locked"]), "both cards are locked");
    w.shot("cards-after-panic").await.unwrap();

    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
