//! A big account in the real window: a Demo home set up as a person does it, then seeded with 1,000 cards
//! and 10,000 transactions (`machines_sim::seed`, as `bench/scale` does). The card list and the Activity
//! list render a few dozen rows however long they are, the last card and the last line are reached (by
//! scrolling, and by the End key on Activity's lines), each says which of how many it is, and both lists
//! pass axe in light and dark, with a screenshot of each. How fast they paint is `bench/scale`'s to measure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Duration;

use machines_sim::seed::{seed_file, Plan};
use machines_wallet_e2e::theme::Theme;
use machines_wallet_e2e::{steps, Launch, Wallet};
use serde_json::{json, Value};

const JOURNEY: &str = "big-lists";

/// Rendered rows of the list named `list`, and the largest `aria-posinset` among its items.
async fn rendered(w: &Wallet, list: &str) -> Value {
    w.script(&format!(
        "const box = document.querySelector('[data-list={list}]');
         const items = [...box.querySelectorAll('[role=listitem][aria-posinset]')];
         return {{rows: box.querySelectorAll('[data-row]').length, items: items.length,
                  last: Math.max(...items.map((i) => Number(i.getAttribute('aria-posinset')))),
                  size: Number(items[0]?.getAttribute('aria-setsize') ?? 0)}};"
    ))
    .await
    .unwrap()
}

/// Scrolls the list to its end and waits two frames for the rows there.
async fn scroll_to_end(w: &Wallet, list: &str) {
    w.script(&format!(
        "const box = document.querySelector('[data-list={list}]');
         box.scrollTop = box.scrollHeight;
         return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));"
    ))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
}

async fn check_both_themes(w: &Wallet, screen: &str) {
    for theme in Theme::BOTH {
        w.set_theme(theme).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        w.shot(&format!("{screen}-{}", theme.name())).await.unwrap();
        w.assert_accessible(&format!("{screen} ({})", theme.name())).await.unwrap();
    }
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb and WebKitWebDriver (scripts/test runs it)"]
async fn a_big_account_renders_few_rows_and_reaches_the_last_card_and_line() {
    let home = tempfile::Builder::new().prefix("machines-big-lists-").tempdir().unwrap();
    let w = Launch::new(JOURNEY).in_home(home.path()).start().await.unwrap();
    steps::set_up(&w, "big@example.com").await.unwrap();
    steps::submit_kyc(&w, "TestApproved").await.unwrap();
    steps::accept_agreements(&w).await.unwrap();
    // The seed below must start from the accepted agreements (see `agreements_saved`).
    steps::agreements_saved(home.path(), Duration::from_secs(20)).await.unwrap();
    assert!(w.quit().await.unwrap().is_empty());

    let state = steps::demo_state_file(home.path());
    let plan = Plan { cards: 1000, transactions: 10_000, user: None, seed: 19, now: time::OffsetDateTime::now_utc() };
    seed_file(&state, &plan).unwrap();

    let w = Launch::new(JOURNEY).in_home(home.path()).start().await.unwrap();
    w.resize(1600, 1000).await.unwrap();
    w.wait_for_css("[data-list=cards] [data-row]", Duration::from_secs(120)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = rendered(&w, "cards").await;
    assert_eq!(first["size"], json!(1000), "each card says it is one of 1,000: {first}");
    assert!(first["items"].as_u64().unwrap() < 60, "a few rows of cards rendered, not 1,000: {first}");
    check_both_themes(&w, "big-cards").await;
    scroll_to_end(&w, "cards").await;
    let end = rendered(&w, "cards").await;
    assert_eq!(end["last"], json!(1000), "the last card is reached: {end}");
    assert!(end["items"].as_u64().unwrap() < 60, "{end}");
    w.shot("big-cards-end").await.unwrap();

    w.click("//button[@id='tab-activity']").await.unwrap();
    w.wait_for_css("[data-list=activity] .tx", Duration::from_secs(120)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lines = rendered(&w, "activity").await;
    assert!(lines["rows"].as_u64().unwrap() < 80, "a few dozen lines rendered, not 10,000: {lines}");
    check_both_themes(&w, "big-activity").await;
    // The list is one Tab stop; End takes the focus to the last line of the last group.
    let last = w
        .script(
            "const first = document.querySelector('[data-list=activity] .tx[tabindex=\"0\"]');
             first.focus();
             first.dispatchEvent(new KeyboardEvent('keydown', {key: 'End', bubbles: true, cancelable: true}));
             return new Promise((r) => setTimeout(() => {
               const a = document.activeElement;
               const stop = document.querySelector('[data-list=activity] .tx[tabindex=\"0\"]');
               r({pos: a.getAttribute('aria-posinset'), size: a.getAttribute('aria-setsize'), tx: a.classList.contains('tx'),
                  stop: stop?.getAttribute('aria-posinset') ?? null, section: stop?.closest('[data-section]')?.dataset.section ?? null,
                  rows: document.querySelectorAll('[data-list=activity] [data-row]').length});
             }, 3000));",
        )
        .await
        .unwrap();
    assert_eq!(last["tx"], json!(true), "{last}");
    assert_eq!(last["pos"], last["size"], "the focus is on the last line: {last}");
    w.shot("big-activity-end").await.unwrap();
    assert!(w.quit().await.unwrap().is_empty());
}
