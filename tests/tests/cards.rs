//! Many cards in the real window. 25 cards, most made straight through the simulator, keep one order
//! (pinned first, then the newest) across tab switches and a card created in the app; "New card" sits
//! above the list and opens a modal dialog; the new card takes the focus, and after a delete the card in
//! its place does; the grid has one column at 800 px and three at 1600 px; search finds a card by its
//! last four.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{KycStatus, SimConfig, SimHandle, Simulator};
use machines_wallet_e2e::answers::WALLET;
use machines_wallet_e2e::{Launch, Wallet};
use serde_json::{json, Value};

const USER: &str = "many@example.com";

/// The partner API as another client of the same user would call it: a session, then each call.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn new(sim: &SimHandle) -> Self {
        let http = reqwest::Client::new();
        let base = sim.base_url().to_string();
        let session: Value = http
            .post(format!("{base}/sessions"))
            .header("X-Partner-Key", sim.partner_key())
            .json(&json!({"userId": USER, "scopes": ["cards.read", "cards.write", "encryption.write"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["data"]["sessionToken"].as_str().expect("a session token").to_owned();
        Self { http, base, token }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value, key: Option<String>) -> Value {
        let mut request =
            self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        assert_eq!(answer["ok"], true, "{path}: {answer}");
        answer["data"].clone()
    }

    /// A card with an encrypted label, as the app would make it; returns its id and last four.
    async fn card(&self, label: &str) -> (String, String) {
        let sealed = self.send(reqwest::Method::POST, "/encryption/encrypt", json!({"value": label}), None).await;
        let key = format!("e2e-many-cards-{label}").replace(' ', "-");
        let card =
            self.send(reqwest::Method::POST, "/cards", json!({"encryptedName": sealed["value"]}), Some(key)).await;
        (card["cardId"].as_str().unwrap().to_owned(), card["last4"].as_str().unwrap().to_owned())
    }
}

/// What has the keyboard focus: its tag and words, or "BODY" when it fell to the page.
async fn focused(w: &Wallet) -> String {
    // A moment for the screen's own focus move, which follows its first render.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let found = w
        .script("const e = document.activeElement; return e.tagName + (e === document.body ? '' : ' ' + e.textContent.trim())")
        .await
        .unwrap();
    found.as_str().unwrap_or_default().to_owned()
}

/// The card names in the order the list shows them. The list renders only the cards near its viewport,
/// so it is scrolled from top to bottom (and back) to read each card at its place (`aria-posinset`).
async fn names(w: &Wallet) -> Vec<String> {
    let shown = w
        .script(
            "return (async () => {
             const box = document.querySelector('[data-list=cards]');
             if (!box) return [];
             const seen = new Map();
             const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
             const start = box.scrollTop;
             for (let top = 0; ; top += Math.max(1, box.clientHeight / 2)) {
               box.scrollTop = top;
               await frame();
               for (const c of box.querySelectorAll('.card[role=listitem]'))
                 seen.set(Number(c.getAttribute('aria-posinset')), c.querySelector('.name').textContent.trim());
               if (box.scrollTop + box.clientHeight >= box.scrollHeight) break;
             }
             box.scrollTop = start;
             await frame();
             return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
             })();",
        )
        .await
        .unwrap();
    serde_json::from_value(shown).unwrap()
}

async fn wait_for_count(w: &Wallet, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let shown = names(w).await;
        if shown.len() == count {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("the list never showed {count} cards: {:?}", names(w).await);
}

/// Fund, then Cards again: the cards tab loads its list afresh from the core.
async fn switch_tabs(w: &Wallet, count: usize) -> Vec<String> {
    w.click_button("Fund").await.unwrap();
    w.wait_for_text("Add funds").await.unwrap();
    w.click_button("Cards").await.unwrap();
    w.wait_for_text("Your cards").await.unwrap();
    wait_for_count(w, count).await
}

/// Resizes the window (no window manager on the test display: the window is the viewport) and counts the
/// columns of the card grid.
async fn columns_at(w: &Wallet, width: u32, height: u32) -> usize {
    w.client().unwrap().set_window_rect(0, 0, width, height).await.unwrap();
    for _ in 0..50 {
        let size = w.script("return [window.innerWidth, window.innerHeight]").await.unwrap();
        if size == json!([width, height]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lefts = w
        .script("return new Set([...document.querySelectorAll('.list .card')].map(c => Math.round(c.getBoundingClientRect().left))).size")
        .await
        .unwrap();
    lefts.as_u64().unwrap() as usize
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn twenty_five_cards_keep_their_order_and_are_found_by_last_four() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let w = Launch::new("cards").against(&sim.base_url(), sim.partner_key()).start().await.unwrap();
    machines_wallet_e2e::steps::set_passphrase(&w).await.unwrap();

    // Set-up, approval on the simulator's side, agreements: the wallet, with no cards yet.
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.fill("setup-userId", USER).await.unwrap();
    w.fill("setup-walletAddress", WALLET).await.unwrap();
    w.click_button("Continue").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    sim.set_kyc(USER, KycStatus::Approved).unwrap();
    w.click_button("Check my status").await.unwrap();
    w.wait_for_text("Identity verified").await.unwrap();
    assert_eq!(focused(&w).await, "H1 Identity verified", "the focus is on the new screen's heading");
    w.click_button("Continue to the agreements").await.unwrap();
    w.wait_for_text("Card agreements").await.unwrap();
    assert_eq!(focused(&w).await, "H1 Card agreements");
    w.tick_all("//label[contains(@class, 'check')]/input[@type='checkbox']").await.unwrap();
    w.click_button("Accept").await.unwrap();
    w.wait_for_text("You accepted these agreements on").await.unwrap();
    assert_eq!(focused(&w).await, "BUTTON Continue to the wallet", "the next step has the focus, not the page");
    w.click_button("Continue to the wallet").await.unwrap();
    w.wait_for_text("No cards yet").await.unwrap();
    assert_eq!(focused(&w).await, "H1 Wallet");

    // On the way, a deposit: its address replaces the Create button, and its heading takes the focus.
    w.click_button("Fund").await.unwrap();
    w.click_button("Create deposit").await.unwrap();
    w.wait_for_text("Copy address").await.unwrap();
    assert!(focused(&w).await.starts_with("H2 Deposit "), "the deposit's heading has the focus");
    w.shot("deposit-focused").await.unwrap();
    w.click_button("Start another deposit").await.unwrap();
    w.click_button("Cards").await.unwrap();

    // 24 cards made elsewhere, oldest first ("Card 1" … "Card 24"); "Card 3" is then pinned.
    let api = Api::new(&sim).await;
    let mut made = Vec::new();
    for i in 1..=24 {
        made.push(api.card(&format!("Card {i}")).await);
        // Distinct creation times, so "newest first" has one answer (the clock is in milliseconds).
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let pinned_id = &made[2].0;
    api.send(
        reqwest::Method::PATCH,
        &format!("/cards/{pinned_id}"),
        json!({"isPinned": true}),
        Some("e2e-pin-card-3".into()),
    )
    .await;

    let mut expected: Vec<String> = vec!["Card 3".into()];
    expected.extend((1..=24).rev().filter(|i| *i != 3).map(|i| format!("Card {i}")));
    assert_eq!(switch_tabs(&w, 24).await, expected, "pinned first, then the newest");
    w.shot("24-cards").await.unwrap();

    // "New card" sits above the list and opens a dialog; the new card takes the focus.
    let above = w
        .script(
            "const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'New card');
             return b.getBoundingClientRect().bottom <= document.querySelector('.list').getBoundingClientRect().top;",
        )
        .await
        .unwrap();
    assert_eq!(above, json!(true), "New card is above the list");
    w.click_button("New card").await.unwrap();
    w.wait_for_css("dialog[open] #card-label", Duration::from_secs(5)).await.unwrap();
    let modal = w
        .script("const d = document.querySelector('dialog[open]'); return [d.matches(':modal'), document.activeElement.id, getComputedStyle(d, '::backdrop').backgroundColor]")
        .await
        .unwrap();
    eprintln!("dialog: {modal}");
    assert_eq!(modal[0], json!(true), "a modal dialog: the page behind is inert");
    assert_eq!(modal[1], json!("card-label"), "the focus is in the dialog");
    w.fill("card-label", "Groceries").await.unwrap();
    w.shot("new-card-dialog").await.unwrap();
    w.click_button("Create card").await.unwrap();
    let after_create = wait_for_count(&w, 25).await;
    let mut expected_after: Vec<String> = vec!["Card 3".into(), "Groceries".into()];
    expected_after.extend(expected[1..].iter().cloned());
    assert_eq!(after_create, expected_after, "the new card comes after the pinned one; nothing else moved");
    let focused =
        w.script("return document.activeElement.querySelector('.name')?.textContent.trim() ?? null").await.unwrap();
    assert_eq!(focused, json!("Groceries"), "the focus is on the new card");
    w.shot("25-cards").await.unwrap();

    // The same order after a tab switch (it used to flip to oldest first).
    assert_eq!(switch_tabs(&w, 25).await, expected_after, "the order survives a tab switch");

    // A wide window shows the cards side by side; a small one, one column with "New card" still in view.
    assert!(columns_at(&w, 1600, 1000).await >= 3, "at least three columns at 1600 px");
    w.shot("25-cards-1600x1000").await.unwrap();
    assert_eq!(columns_at(&w, 800, 600).await, 1, "one column at 800 px");
    let in_view = w
        .script(
            "const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'New card');
             const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;",
        )
        .await
        .unwrap();
    assert_eq!(in_view, json!(true), "New card is in view without scrolling at 800×600");
    w.shot("25-cards-800x600").await.unwrap();

    // Delete "Groceries" after its confirmation: the focus goes to the card now in its place.
    w.click_button_in(
        "//div[@role='listitem'][contains(@class, 'card')][.//span[normalize-space(.) = 'Groceries']]",
        "Delete",
    )
    .await
    .unwrap();
    w.wait_for_text("Delete \u{201c}Groceries\u{201d}?").await.unwrap();
    w.shot("delete-confirmation").await.unwrap();
    w.click_button("Delete card").await.unwrap();
    assert_eq!(wait_for_count(&w, 24).await, expected, "back to the 24, in the same order");
    let focused =
        w.script("return document.activeElement.querySelector('.name')?.textContent.trim() ?? null").await.unwrap();
    assert_eq!(focused, json!("Card 24"), "the focus is on the card that took the deleted one's place");

    // Search by the last four of "Card 7".
    let last4 = &made[6].1;
    w.fill("card-search", last4).await.unwrap();
    let found = wait_for_count(&w, 1).await;
    assert_eq!(found, vec!["Card 7".to_owned()], "found by its last four {last4}");
    w.wait_for_text("1 of 24 cards match").await.unwrap();
    w.shot("search-last-four").await.unwrap();

    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
