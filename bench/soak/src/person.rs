//! What the person does in the soak: the Demo journey to a funded card (the e2e harness's own steps), then
//! every minute a Reveal, read and hidden again, and a Copy of the card number.

use std::time::Duration;

use machines_wallet_e2e::window::xpath_literal;
use machines_wallet_e2e::{steps, Failure, Result, Wallet};

const USER: &str = "soak@example.com";
/// The card the soak reveals and copies.
pub const CARD: &str = "Soak";

/// From the first screen to the wallet with one card listed, in Demo: set-up, KYC (approved at once),
/// agreements, a simulated deposit, the card.
pub async fn reach_card(w: &Wallet) -> Result<()> {
    steps::set_up(w, USER).await?;
    steps::submit_kyc(w, "TestApproved").await?;
    steps::accept_agreements(w).await?;
    steps::demo_deposit(w, "60").await?;
    steps::new_card(w, CARD, "25").await?;
    w.wait_for_text(&format!("{CARD} created")).await
}

/// Reveal, wait until the digits are on screen, then "Hide now" as a person does once they have read
/// them, and wait until they are gone.
pub async fn reveal_and_hide(w: &Wallet) -> Result<()> {
    let card = card_scope();
    w.click_button_in(&card, "Reveal").await?;
    w.wait_for_text("Hides in").await?;
    let digits: String = w.text_of(".digits[role='group']").await?.split_whitespace().collect();
    if digits.len() < 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::new(format!("the revealed card shows no number ({} characters)", digits.len())));
    }
    w.click_button_in(&card, "Hide now").await?;
    w.wait_for_no_text("Hides in", Duration::from_secs(10)).await
}

/// "Copy number", then the clipboard read as another app would: a card number (never printed).
pub async fn copy_number(w: &Wallet) -> Result<()> {
    w.click_button_in(&card_scope(), "Copy number").await?;
    let copied = steps::wait_for_clipboard(w).await?;
    if copied.len() < 15 || !copied.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::new("the clipboard does not hold a card number after Copy"));
    }
    Ok(())
}

/// The card's item in the list: a `div` with the listitem role in the virtual list, an `li` before it (so a
/// binary kept from before the virtual list still runs the soak).
fn card_scope() -> String {
    format!(
        "//*[@role='listitem' or self::li][contains(@class, 'card')][.//span[contains(@class, 'name')][normalize-space(.) = {}]]",
        xpath_literal(CARD)
    )
}
