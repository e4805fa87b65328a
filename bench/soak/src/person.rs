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

/// The same reveal and copy clicked by the page's own script, one WebDriver call each that hands back only
/// a word: WebKitWebDriver keeps every element it has handed out (and so the DOM behind it) for the
/// session, and the normal steps look up a dozen elements a minute. Run with `--in-page`, the soak tells
/// the web process's growth that is the app's from the growth that is the driver's.
pub async fn reveal_and_copy_in_page(w: &Wallet) -> Result<()> {
    let answer = w.client()?.execute_async(IN_PAGE, vec![serde_json::json!(CARD)]).await?;
    if answer != serde_json::json!("ok") {
        return Err(Failure::new(format!("the in-page reveal and copy failed: {answer}")));
    }
    let copied = steps::wait_for_clipboard(w).await?;
    if copied.len() < 15 || !copied.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::new("the clipboard does not hold a card number after Copy"));
    }
    Ok(())
}

/// Reveal, the digits read, "Hide now", then "Copy number", on the card named `arguments[0]`, as
/// `reveal_and_hide` and `copy_number` do; answers "ok" or what went wrong.
const IN_PAGE: &str = r#"
const done = arguments[arguments.length - 1];
const name = arguments[0];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (test) => {
  for (const end = Date.now() + 10000; Date.now() < end; await sleep(100)) {
    const found = test();
    if (found) return found;
  }
  return null;
};
const card = () => [...document.querySelectorAll("[role='listitem'].card")]
  .find((item) => item.querySelector('.name')?.textContent.trim() === name);
const button = (label) => [...(card()?.querySelectorAll('button') ?? [])]
  .find((b) => b.textContent.includes(label) && !b.disabled);
const showing = () => document.body.innerText.includes('Hides in');
(async () => {
  const reveal = await until(() => button('Reveal'));
  if (!reveal) return 'no Reveal button';
  reveal.click();
  const digits = await until(() => showing() && document.querySelector(".digits[role='group']"));
  if (!digits) return 'the digits never showed';
  if (!/^[0-9]{15,}$/.test(digits.innerText.replace(/\s/g, ''))) return 'the revealed card shows no number';
  button('Hide now').click();
  if (!(await until(() => !showing()))) return 'the digits are still shown';
  const copy = await until(() => button('Copy number'));
  if (!copy) return 'no Copy number button';
  copy.click();
  return 'ok';
})().then(done, (err) => done(String(err)));
"#;

/// The card's item in the list: a `div` with the listitem role in the virtual list, an `li` before it (so a
/// binary kept from before the virtual list still runs the soak).
fn card_scope() -> String {
    format!(
        "//*[@role='listitem' or self::li][contains(@class, 'card')][.//span[contains(@class, 'name')][normalize-space(.) = {}]]",
        xpath_literal(CARD)
    )
}
