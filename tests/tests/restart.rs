//! Demo survives a restart, in the real window: the journey to a funded card, quit, relaunch with the same
//! home, and the app opens on the wallet with the card under its label and the balance. No file in the
//! home holds the card number or the national id.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_wallet_e2e::answers::NATIONAL_ID;
use machines_wallet_e2e::files::files_containing;
use machines_wallet_e2e::steps;
use machines_wallet_e2e::window::xpath_literal;
use machines_wallet_e2e::Launch;

const USER: &str = "ada@example.com";

fn card_named(label: &str) -> String {
    format!(
        "//div[@role='listitem'][contains(@class, 'card')][.//span[contains(@class, 'name')][normalize-space(.) = {}]]",
        xpath_literal(label)
    )
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn demo_keeps_the_card_and_the_balance_across_a_quit_and_relaunch() {
    let home = tempfile::Builder::new().prefix("machines-e2e-restart-").tempdir().unwrap();

    // First run: approved, agreements accepted, $60 deposited, a card "Groceries".
    let w = Launch::new("restart").in_home(home.path()).start().await.unwrap();
    steps::set_up(&w, USER).await.unwrap();
    // "TestApproved" is approved at once, so the app goes straight on to the agreements.
    steps::submit_kyc(&w, "TestApproved").await.unwrap();
    steps::accept_agreements(&w).await.unwrap();
    steps::demo_deposit(&w, "60").await.unwrap();
    w.wait_for_text("$60.00").await.unwrap();
    steps::new_card(&w, "Groceries", "25").await.unwrap();
    let card = card_named("Groceries");
    w.wait_for_css(&card, Duration::from_secs(20)).await.unwrap();
    w.click_button_in(&card, "Copy number").await.unwrap();
    let pan = steps::wait_for_clipboard(&w).await.unwrap();
    assert!(pan.len() >= 15 && pan.bytes().all(|b| b.is_ascii_digit()), "a card number: {pan:?}");
    w.shot("before-quit").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");

    // Relaunch with the same home: straight to the wallet, the card under its label, the balance.
    let w = Launch::new("restart-relaunch").in_home(home.path()).start().await.unwrap();
    w.wait_for_css(&card, Duration::from_secs(30)).await.unwrap();
    w.wait_for_text("Limit $25.00").await.unwrap();
    w.wait_for_text("$60.00").await.unwrap();
    let shown = w.text_of(&card).await.unwrap();
    assert!(shown.contains(&pan[pan.len() - 4..]), "the same card, by its last four: {shown}");
    let text = w.text().await.unwrap();
    for elsewhere in ["Set up your wallet", "Verify your identity", "could not be read"] {
        assert!(!text.contains(elsewhere), "the relaunch shows {elsewhere:?}:\n{text}");
    }
    w.shot("after-relaunch").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after the second quit: {stuck:?}");

    // Nothing in the home holds the card number (plain or grouped) or the national id. The controls: the
    // scan finds the user id in Demo's own state file, and finds a card number planted in a file.
    let grouped: Vec<&str> = (0..pan.len()).step_by(4).map(|i| &pan[i..(i + 4).min(pan.len())]).collect();
    let grouped = grouped.join(" ");
    let secrets = [pan.as_str(), grouped.as_str(), NATIONAL_ID];
    let hits = files_containing(home.path(), &secrets).unwrap();
    assert!(hits.is_empty(), "secrets in the app's files: {hits:?}");
    let control = files_containing(home.path(), &[USER]).unwrap();
    assert!(control.iter().any(|p| p.ends_with("demo-state.json")), "Demo's state file was scanned: {control:?}");
    let planted = home.path().join("planted.txt");
    std::fs::write(&planted, format!("card {pan}")).unwrap();
    assert_eq!(files_containing(home.path(), &secrets).unwrap(), [planted], "a planted card number is found");
}
