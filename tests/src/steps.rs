//! Steps of the journey that several tests take the same way: set-up, a KYC form sent, the agreements, a
//! Demo deposit, a new card, and reading a copied card number back from the clipboard.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::answers::{kyc_answers, WALLET};
use crate::{Failure, Result, Wallet};

/// Set-up with `user` and the test wallet address.
pub async fn set_up(w: &Wallet, user: &str) -> Result<()> {
    w.wait_for_text("Set up your wallet").await?;
    w.fill("setup-userId", user).await?;
    w.fill("setup-walletAddress", WALLET).await?;
    w.click_button("Continue").await
}

/// Fills the KYC form with a last name that decides the simulator's outcome (`TestApproved` is approved
/// at once), and submits it.
pub async fn submit_kyc(w: &Wallet, last_name: &str) -> Result<()> {
    w.wait_for_css("#kyc-firstName", Duration::from_secs(20)).await?;
    for (id, value) in kyc_answers(last_name) {
        w.set_field(id, &value).await?;
    }
    w.click_button("Submit for verification").await
}

/// On the agreements screen: every agreement ticked and accepted, then on to the wallet.
pub async fn accept_agreements(w: &Wallet) -> Result<()> {
    w.wait_for_text("Card agreements").await?;
    let boxes = w.tick_all("//label[contains(@class, 'check')]/input[@type='checkbox']").await?;
    if boxes == 0 {
        return Err(Failure::new("there were no agreements to tick"));
    }
    w.click_button("Accept").await?;
    w.wait_for_text("You accepted these agreements on").await?;
    w.click_button("Continue to the wallet").await?;
    w.wait_for_css("#tab-fund", Duration::from_secs(20)).await?;
    Ok(())
}

/// In the wallet: a deposit, funded with `dollars` by Demo's "Simulate deposit", until it is completed.
pub async fn demo_deposit(w: &Wallet, dollars: &str) -> Result<()> {
    w.click_button("Fund").await?;
    w.click_button("Create deposit").await?;
    w.wait_for_css(".qr svg", Duration::from_secs(20)).await?;
    w.fill("demo-amount", dollars).await?;
    w.click_button("Simulate deposit").await?;
    w.wait_for_text_within("Completed", Duration::from_secs(40)).await
}

/// In the wallet: a new card with this label and limit (dollars), until it is listed.
pub async fn new_card(w: &Wallet, label: &str, limit: &str) -> Result<()> {
    w.click_button("Cards").await?;
    w.click_button("New card").await?;
    w.wait_for_css("dialog[open] #card-label", Duration::from_secs(5)).await?;
    w.fill("card-label", label).await?;
    w.fill("card-limit", limit).await?;
    w.click_button("Create card").await?;
    w.wait_for_css(".card .name", Duration::from_secs(20)).await?;
    Ok(())
}

/// What the clipboard holds once something is there (a card number just copied), read as another app would.
pub async fn wait_for_clipboard(w: &Wallet) -> Result<String> {
    for _ in 0..50 {
        if let Some(text) = w.display.clipboard().await? {
            return Ok(text);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(Failure::new("nothing reached the clipboard"))
}

/// The unlock passphrase the journeys outside Demo set.
pub const PASSPHRASE: &str = "correct horse battery";

/// Outside Demo, on first use: the set-passphrase screen, filled and confirmed.
pub async fn set_passphrase(w: &Wallet) -> Result<()> {
    w.wait_for_text("Set an unlock passphrase").await?;
    w.fill("new-passphrase", PASSPHRASE).await?;
    w.fill("confirm-passphrase", PASSPHRASE).await?;
    w.click_button("Set passphrase").await?;
    w.wait_for_no_text("Set an unlock passphrase", Duration::from_secs(20)).await
}

/// Outside Demo, on the lock screen: unlocks with the passphrase.
pub async fn unlock(w: &Wallet) -> Result<()> {
    w.wait_for_text("Machines Wallet is locked").await?;
    w.fill("unlock-passphrase", PASSPHRASE).await?;
    w.click_button("Unlock").await
}

/// Where the app keeps Demo's state in a home whose `XDG_DATA_HOME` is `<home>/data` (as both the e2e
/// launch and `bench_measure::app_run` set it).
pub fn demo_state_file(home: &Path) -> PathBuf {
    home.join("data").join("cash.machines.wallet").join("demo-state.json")
}

/// Waits until Demo's state file in `home` holds an acceptance of the agreements. Demo saves a moment
/// after each burst of requests, and closing the window does not wait for it: a launch quit right after
/// the agreements can leave a file whose person has not accepted them, and the next launch opens on the
/// agreements. A caller that reads or seeds the file after quitting waits for this first.
pub async fn agreements_saved(home: &Path, within: Duration) -> Result<()> {
    let file = demo_state_file(home);
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let accepted = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|state| state["users"].as_array().cloned())
            .is_some_and(|users| users.iter().any(|user| user["agreementsAcceptedAt"].is_string()));
        if accepted {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(Failure::new(format!(
                "Demo did not save the accepted agreements to {} within {within:?}",
                file.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
