//! Activity and card edits in the real window, against a simulator the test runs (it makes the purchases,
//! the settlement, the decline and the refund through the simulator's own routes, as a card network
//! would): the Activity tab keeps pending, settled and declined apart, with the decline's reason, signed
//! amounts and the local time; a merchant search and a card filter narrow it; a purchase made while it is
//! open appears without a reload, and its desktop notification (read off the app's session bus) holds
//! the merchant, the amount and the last four only; Export CSV goes through the system's save dialog to a
//! file with the rows and no card number; a card's own Activity; the card edit dialog (name, limit and
//! frequency, colour, emoji, memo, pin), read back on the card after the page reloads. Each new screen is
//! shot at 800×600 and 1600×1000 in light and dark, and checked with axe.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_sim::{SimConfig, Simulator};
use machines_wallet_e2e::leaks::environment_value;
use machines_wallet_e2e::notifications::NotificationMonitor;
use machines_wallet_e2e::sim_admin::SimAdmin;
use machines_wallet_e2e::theme::Theme;
use machines_wallet_e2e::window::xpath_literal;
use machines_wallet_e2e::{steps, Launch, Wallet};
use serde_json::{json, Value};

const USER: &str = "shopper@example.com";

/// India's offset (+05:30), not a whole hour: a time shown in UTC, or off by the hour, is seen.
const TIME_ZONE: &str = "Asia/Kolkata";
const OFFSET_MINUTES: u32 = 5 * 60 + 30;

const SIZES: [(u32, u32); 2] = [(800, 600), (1600, 1000)];

fn card_scope(label: &str) -> String {
    format!(
        "//div[@role='listitem'][contains(@class, 'card')][.//span[contains(@class, 'name')][contains(normalize-space(.), {})]]",
        xpath_literal(label)
    )
}

/// The card's id, from the list item the page renders for it (`id="card-<cardId>"`), once it is listed.
async fn card_id(w: &Wallet, label: &str) -> String {
    let find = format!(
        "return [...document.querySelectorAll('.card[role=listitem]')].find(c => c.querySelector('.name').textContent.trim() === {})?.id ?? null",
        serde_json::to_string(label).unwrap()
    );
    for _ in 0..100 {
        if let Some(id) = w.script(&find).await.unwrap().as_str().and_then(|id| id.strip_prefix("card-")) {
            return id.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no card {label:?} listed:\n{}", w.text().await.unwrap());
}

/// What each section of the Activity list shows: `{pending|settled|declined: [{title, amount, meta, reason,
/// status}]}`, read from the page as a person reads it.
async fn sections(w: &Wallet) -> Value {
    w.script(
        "const out = {};
         for (const key of ['pending', 'settled', 'declined']) {
           const rows = document.querySelectorAll(`[data-list='activity'] [data-section='${key}'] .tx`);
           out[key] = [...rows].map(li => ({
             title: li.querySelector('.merchant').textContent.trim(),
             amount: li.querySelector('.money').textContent.replace(/^(Out|In): /, '').trim(),
             meta: li.querySelector('.hint').textContent.trim(),
             reason: li.querySelector('.reason')?.textContent.trim() ?? null,
             status: li.querySelector('.status').textContent.trim(),
           }));
         }
         return out;",
    )
    .await
    .unwrap()
}

/// The (title, amount) pairs of one section, in the order shown.
fn pairs(sections: &Value, key: &str) -> Vec<(String, String)> {
    sections[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["title"].as_str().unwrap().to_owned(), l["amount"].as_str().unwrap().to_owned()))
        .collect()
}

/// Waits until the list's count line says `expected` (the list is re-asked as filters change).
async fn wait_for_count(w: &Wallet, expected: &str) {
    w.wait_for_css(
        &format!("//p[contains(@class, 'result')][contains(normalize-space(.), {})]", xpath_literal(expected)),
        Duration::from_secs(20),
    )
    .await
    .unwrap();
}

/// The local "HH:MM" of an API time (`2026-11-30T09:05:12.345Z`) at [`OFFSET_MINUTES`] east of UTC.
fn local_hh_mm(iso: &str) -> String {
    assert!(iso.len() >= 16 && iso.ends_with('Z'), "an ISO time in UTC: {iso}");
    let (h, m): (u32, u32) = (iso[11..13].parse().unwrap(), iso[14..16].parse().unwrap());
    let minutes = (h * 60 + m + OFFSET_MINUTES) % (24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `"15:05"` as the page may write it: the webview's locale picks the clock through Intl (`"3:05 PM"` under
/// en-US, which is what `LANG=C` gives WebKitGTK; `"15:05"` under a 24-hour locale).
fn clock_forms(hh_mm: &str) -> [String; 2] {
    let (h, m): (u32, &str) = (hh_mm[..2].parse().unwrap(), &hh_mm[3..]);
    let twelve = if h % 12 == 0 { 12 } else { h % 12 };
    [hh_mm.to_owned(), format!("{twelve}:{m}\u{202f}{}", if h < 12 { "AM" } else { "PM" })]
}

/// The screen at both sizes in both themes, after `prepare` (a scroll) at each size, each checked with axe
/// in its theme; back to 1600×1000 in light afterwards.
async fn shoot(w: &Wallet, name: &str, prepare: &str) {
    for (width, height) in SIZES {
        w.resize(width, height).await.unwrap();
        for theme in Theme::BOTH {
            w.set_theme(theme).await.unwrap();
            if !prepare.is_empty() {
                w.script(prepare).await.unwrap();
            }
            let shot = format!("{name}-{width}x{height}-{}", theme.name());
            w.shot(&shot).await.unwrap();
            w.assert_accessible(&shot).await.unwrap();
        }
    }
    w.set_theme(Theme::Light).await.unwrap();
    w.resize(1600, 1000).await.unwrap();
}

/// Opens one of the wallet's tabs by its tab button (a card's own "Activity" button has the same word).
async fn tab(w: &Wallet, id: &str) {
    w.click(&format!("//button[@id='tab-{id}']")).await.unwrap();
}

/// Scrolls the Activity heading to just below the app's header (which stays on top of what scrolls).
const ACTIVITY_TOP: &str = "const t = document.getElementById('transactions-title');
    let s = t.parentElement;
    while (s && !(s.scrollHeight > s.clientHeight && /(auto|scroll)/.test(getComputedStyle(s).overflowY))) s = s.parentElement;
    s = s ?? document.scrollingElement;
    const below = document.querySelector('header').getBoundingClientRect().bottom;
    s.scrollTop += t.getBoundingClientRect().top - below - 16;";

#[tokio::test]
#[ignore = "needs the built app, Xvfb, xdotool, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn purchases_a_decline_and_a_refund_searched_exported_and_a_card_edited() {
    // Purchases stay pending until the test settles them; a deposit with an address funds itself.
    let config = SimConfig {
        spend_posts_after: Duration::from_secs(3600),
        deposit_auto_fund_after: Some(Duration::ZERO),
        auto_fund_amount: 400.0,
        ..SimConfig::instant()
    };
    let sim = Simulator::start(config).await.unwrap();
    let admin = SimAdmin::new(&sim);
    let w =
        Launch::new("activity").against(&sim.base_url(), sim.partner_key()).env("TZ", TIME_ZONE).start().await.unwrap();
    w.resize(1600, 1000).await.unwrap();
    // What the desktop's notification service would be asked to show, off the app's own session bus.
    let app = w.processes().into_iter().find(|(_, name)| name == "machines-wallet").expect("the app is running").0;
    let notifications =
        NotificationMonitor::start(&environment_value(app, "DBUS_SESSION_BUS_ADDRESS").unwrap()).await.unwrap();

    // A funded wallet with two cards, the way the other journeys get there.
    steps::set_passphrase(&w).await.unwrap();
    steps::set_up(&w, USER).await.unwrap();
    steps::submit_kyc(&w, "TestApproved").await.unwrap();
    steps::accept_agreements(&w).await.unwrap();
    tab(&w, "fund").await;
    w.click_button("Create deposit").await.unwrap();
    w.wait_for_text_within("Completed", Duration::from_secs(40)).await.unwrap();
    steps::new_card(&w, "Groceries", "150").await.unwrap();
    w.wait_for_text("Groceries created").await.unwrap();
    steps::new_card(&w, "Travel", "500").await.unwrap();
    w.wait_for_text("Travel created").await.unwrap();
    let groceries = card_id(&w, "Groceries").await;
    let travel = card_id(&w, "Travel").await;
    let masked = w.text_of(&format!("#card-{travel} .digits.masked")).await.unwrap();
    let travel_last4 = masked.trim_start_matches(|c: char| !c.is_ascii_digit()).trim().to_owned();
    assert_eq!(travel_last4.len(), 4, "Travel's last four: {masked:?}");

    // The card network's side: three purchases settled, one refunded, one over the limit declined, one
    // still pending.
    let coffee = admin.spend(&groceries, 450, "Coffee Corner").await.unwrap();
    let book = admin.spend(&groceries, 2399, "Book Barn").await.unwrap();
    admin.spend(&travel, 31240, "Skyline Air").await.unwrap();
    let gadget = admin.spend(&groceries, 90000, "Gadget Hub").await.unwrap();
    assert_eq!(gadget["approved"], json!(false), "over Groceries' $150 limit: {gadget}");
    admin.settle().await.unwrap();
    admin.refund(book["transaction"]["transactionId"].as_str().unwrap()).await.unwrap();
    admin.spend(&groceries, 1200, "Corner Deli").await.unwrap();

    // The Activity tab: pending, settled and declined apart, money out with a minus, money in with a plus.
    tab(&w, "activity").await;
    w.wait_for_css("#transactions-title", Duration::from_secs(10)).await.unwrap();
    wait_for_count(&w, "7 transactions.").await;
    let shown = sections(&w).await;
    eprintln!("activity: {shown:#}");
    assert_eq!(pairs(&shown, "pending"), [("Corner Deli".to_owned(), "\u{2212}$12.00".to_owned())]);
    let settled = pairs(&shown, "settled");
    for (title, amount) in [
        ("Coffee Corner", "\u{2212}$4.50"),
        ("Book Barn", "\u{2212}$23.99"),
        ("Book Barn", "+$23.99"),
        ("Skyline Air", "\u{2212}$312.40"),
        ("Collateral", "+$400.00"),
    ] {
        assert!(
            settled.contains(&(title.to_owned(), amount.to_owned())),
            "settled shows {title} {amount}: {settled:?}"
        );
    }
    assert_eq!(settled.len(), 5, "nothing else is settled: {settled:?}");
    let declined = &shown["declined"][0];
    assert_eq!(shown["declined"].as_array().unwrap().len(), 1, "one decline: {shown}");
    assert_eq!(declined["title"], json!("Gadget Hub"));
    assert!(declined["amount"].as_str().unwrap().ends_with("$900.00"), "its amount, struck through: {declined}");
    let reason = declined["reason"].as_str().unwrap();
    assert!(reason.starts_with("Declined:") && reason.contains("limit"), "the decline says why: {reason}");
    assert!(declined["meta"].as_str().unwrap().contains("Groceries"), "the declined card is named: {declined}");
    let refund = shown["settled"].as_array().unwrap().iter().find(|l| l["amount"] == "+$23.99").unwrap();
    assert!(refund["meta"].as_str().unwrap().starts_with("Refund"), "the refund is called one: {refund}");
    // The card's name and last four, and the local time (India's, not UTC).
    let coffee_line = shown["settled"].as_array().unwrap().iter().find(|l| l["title"] == "Coffee Corner").unwrap();
    let meta = coffee_line["meta"].as_str().unwrap();
    assert!(meta.contains("Groceries \u{2022}\u{2022}"), "the card's name and last four: {meta}");
    let at = local_hh_mm(coffee["transaction"]["createdAt"].as_str().unwrap());
    let shown_at = meta.replace(' ', "\u{202f}");
    let shown = |form: &String| shown_at.ends_with(&format!("\u{202f}{form}"));
    assert!(clock_forms(&at).iter().any(shown), "the purchase's local time {at} in {TIME_ZONE}: {meta}");
    shoot(&w, "activity", ACTIVITY_TOP).await;

    // A merchant search narrows the list as typing pauses: the purchase and its refund.
    w.fill("tx-search", "book").await.unwrap();
    wait_for_count(&w, "2 of 7 transactions match.").await;
    let found = sections(&w).await;
    assert_eq!(
        pairs(&found, "settled").iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["Book Barn", "Book Barn"],
        "only Book Barn: {found}"
    );
    assert!(pairs(&found, "pending").is_empty() && pairs(&found, "declined").is_empty());
    shoot(&w, "activity-search", ACTIVITY_TOP).await;
    w.click_button("Clear filters").await.unwrap();
    assert_eq!(w.value("tx-search").await.unwrap(), "", "the search is cleared");
    wait_for_count(&w, "7 transactions.").await;

    // The card filter: Travel's one purchase.
    w.set_field("tx-card", &travel).await.unwrap();
    w.wait_for_text("Activity of Travel").await.unwrap();
    wait_for_count(&w, "1 transaction.").await;
    assert_eq!(pairs(&sections(&w).await, "settled"), [("Skyline Air".to_owned(), "\u{2212}$312.40".to_owned())]);
    w.set_field("tx-card", "").await.unwrap();
    wait_for_count(&w, "7 transactions.").await;

    // A purchase while the tab is open: the core's watch brings it, no reload, no click.
    let hotel = admin.spend(&travel, 4500, "Harbour Hotel").await.unwrap();
    assert_eq!(hotel["approved"], json!(true), "within the $71.10 of spending power left: {hotel}");
    w.wait_for_text_within("Harbour Hotel", Duration::from_secs(90)).await.unwrap();
    wait_for_count(&w, "8 transactions.").await;
    let pushed = sections(&w).await;
    assert!(
        pairs(&pushed, "pending").contains(&("Harbour Hotel".to_owned(), "\u{2212}$45.00".to_owned())),
        "the pushed purchase is pending: {pushed}"
    );
    shoot(&w, "activity-pushed", ACTIVITY_TOP).await;

    // The same purchase as a desktop notification: the merchant, the amount and the last four, never more.
    let sent = notifications.wait_for("Harbour Hotel", Duration::from_secs(30)).await.unwrap();
    assert_eq!(sent.summary, "Card payment pending");
    assert_eq!(sent.body, format!("Harbour Hotel \u{2212}$45.00 \u{00B7} \u{2022}\u{2022}{travel_last4}"));
    let all = notifications.sent();
    eprintln!("notifications: {all:#?}");
    for sent in &all {
        for private in ["Groceries", "Travel", USER] {
            assert!(!sent.summary.contains(private) && !sent.body.contains(private), "{private} in {sent:?}");
        }
    }

    // Export CSV: the system's save dialog, a path typed into its Name field, the file written there.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("shopper-activity.csv");
    let before = w.display.visible_windows().await.unwrap();
    w.click_button("Export CSV").await.unwrap();
    let dialog = w.display.wait_for_new_window(&before).await.unwrap();
    w.shot("export-save-dialog").await.unwrap();
    w.display.save_as(&dialog, &file).await.unwrap();
    w.wait_for_text("Saved 8 transactions as shopper-activity.csv").await.unwrap();
    let csv = std::fs::read_to_string(&file).unwrap();
    eprintln!("csv:\n{csv}");
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 9, "a header and eight transactions: {csv}");
    assert!(rows[0].starts_with("Date,Time,Status"), "the header first: {}", rows[0]);
    for merchant in ["Corner Deli", "Harbour Hotel", "Coffee Corner", "Skyline Air", "Gadget Hub"] {
        assert_eq!(rows.iter().filter(|r| r.contains(merchant)).count(), 1, "one row for {merchant}: {csv}");
    }
    assert_eq!(rows.iter().filter(|r| r.contains("Book Barn")).count(), 2, "the purchase and its refund");
    assert!(rows.iter().any(|r| r.contains("Gadget Hub") && r.contains("limit")), "the decline's reason is in");
    let longest_digits = |text: &str| text.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    // The control: the same scan finds a card number planted in the same text.
    assert!(longest_digits(&format!("{csv},4929123456789012\r\n")) >= 12, "control: a planted number is found");
    assert!(longest_digits(&csv) < 12, "no card number (no run of 12+ digits) in the file: {csv}");

    // A card's own Activity, from the card.
    tab(&w, "cards").await;
    w.click_button_in(&card_scope("Groceries"), "Activity").await.unwrap();
    w.wait_for_text("Activity of Groceries").await.unwrap();
    wait_for_count(&w, "5 transactions.").await;
    let own = sections(&w).await;
    for key in ["pending", "settled", "declined"] {
        for line in own[key].as_array().unwrap() {
            assert!(line["meta"].as_str().unwrap().contains("Groceries"), "only Groceries' transactions: {line}");
        }
    }
    shoot(&w, "card-activity", ACTIVITY_TOP).await;

    // The card edit dialog: Travel renamed, a monthly limit, teal, an emoji, a memo, pinned.
    tab(&w, "cards").await;
    w.click_button_in(&card_scope("Travel"), "Edit").await.unwrap();
    w.wait_for_css("dialog[open] #edit-label", Duration::from_secs(5)).await.unwrap();
    w.fill("edit-label", "Trips").await.unwrap();
    w.fill("edit-limit", "750").await.unwrap();
    w.set_field("edit-frequency", "per30DayPeriod").await.unwrap();
    w.click("//label[contains(@class, 'swatch')][.//input[@value='#115e59']]").await.unwrap();
    w.fill("edit-emoji", "\u{2708}").await.unwrap();
    w.fill("edit-memo", "Flights and hotels").await.unwrap();
    w.click("//input[@id='edit-pinned']").await.unwrap();
    shoot(&w, "card-edit-dialog", "").await;
    w.click_button("Save changes").await.unwrap();
    w.wait_for_text("Trips saved").await.unwrap();

    // After a reload the page knows nothing it was not told again: the card as the server now has it.
    w.client().unwrap().refresh().await.unwrap();
    w.wait_for_css("main#main h1", Duration::from_secs(30)).await.unwrap();
    if w.text().await.unwrap().contains("Machines Wallet is locked") {
        steps::unlock(&w).await.unwrap();
    }
    w.wait_for_css("#tab-fund", Duration::from_secs(30)).await.unwrap();
    tab(&w, "cards").await;
    let trips = card_scope("Trips");
    w.wait_for_css(&trips, Duration::from_secs(20)).await.unwrap();
    let face = w
        .script(&format!(
            "const c = document.getElementById('card-{travel}');
             return {{name: c.querySelector('.name').textContent.trim(), pinned: c.querySelector('.pin')?.textContent.trim() ?? null,
                      limit: c.querySelector('.limit').textContent.trim(), memo: c.querySelector('.memo')?.textContent.trim() ?? null,
                      background: getComputedStyle(c.querySelector('.face')).backgroundColor,
                      first: document.querySelector('.card[role=listitem]').id === c.id}}"
        ))
        .await
        .unwrap();
    eprintln!("edited card after reload: {face}");
    assert_eq!(face["name"], json!("\u{2708}Trips"), "renamed, with its emoji");
    assert_eq!(face["pinned"], json!("Pinned"));
    assert_eq!(face["first"], json!(true), "pinned to the top of the list");
    assert_eq!(face["limit"], json!("Limit $750.00 per 30 days"));
    assert_eq!(face["memo"], json!("Flights and hotels"));
    assert_eq!(face["background"], json!("rgb(17, 94, 89)"), "teal (#115e59)");
    shoot(&w, "card-edited", "document.querySelector('main').scrollTop = 0; window.scrollTo(0, 0)").await;

    // The dialog opens on what was saved.
    w.click_button_in(&trips, "Edit").await.unwrap();
    w.wait_for_css("dialog[open] #edit-label", Duration::from_secs(5)).await.unwrap();
    assert_eq!(w.value("edit-label").await.unwrap(), "Trips");
    assert_eq!(w.value("edit-frequency").await.unwrap(), "per30DayPeriod");
    assert_eq!(w.value("edit-memo").await.unwrap(), "Flights and hotels");
    w.click_button("Cancel").await.unwrap();

    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
