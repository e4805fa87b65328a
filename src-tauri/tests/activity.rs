//! What a card user expects, through the commands against the simulator: a person funds the wallet,
//! makes a card and spends with it. The spending shows on Activity (pending apart from settled, a decline
//! with its reason, the card's name and last four, signed amounts), is filtered and searched, is exported
//! as CSV to the file the save dialog gave, and arrives by itself on the watch, each new transaction also
//! a desktop notification with the merchant, the amount and the last four, until the person turns the
//! setting off. Then the card is edited: renamed, coloured, an emoji, a memo, a new limit, pinned.
//!
//! The commands go through the IPC as the UI calls them (the capability and ACL apply); the watch is also
//! started by calling the command with a channel the test reads, as `updates.rs` does. The save dialog
//! and the notifications are the app's two traits, stood in for here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use machines_api::poll::PollPolicy;
use machines_sim::{SimConfig, SimHandle, Simulator};
use machines_wallet::commands::activity;
use machines_wallet::state::{Notify, SaveDialog};
use serde_json::{json, Value};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;
use wallet_core::activity_view::Notice;

/// The notifications the app showed.
#[derive(Clone, Default)]
struct Shown(Arc<Mutex<Vec<Notice>>>);

impl Notify for Shown {
    fn notify(&self, notice: &Notice) {
        self.0.lock().unwrap().push(notice.clone());
    }
}

/// A save dialog whose answer the test sets: a path, or `None` for Cancel. It keeps the folder it was
/// opened in and the name it suggested.
#[derive(Clone, Default)]
struct Answer(Arc<Mutex<Option<PathBuf>>>, Arc<Mutex<Vec<Asked>>>);

/// The folder a save dialog opened in and the file name it suggested.
type Asked = (Option<PathBuf>, String);

impl SaveDialog for Answer {
    fn ask(
        &self,
        folder: Option<&Path>,
        file_name: &str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<PathBuf>> + Send>> {
        self.1.lock().unwrap().push((folder.map(Path::to_path_buf), file_name.to_owned()));
        let answer = self.0.lock().unwrap().clone();
        Box::pin(async move { answer })
    }
}

fn channel() -> (Channel<wallet_core::updates::ActivityUpdate>, mpsc::Receiver<Value>) {
    let (tx, rx) = mpsc::channel();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            let _ = tx.send(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    });
    (channel, rx)
}

/// The next `changed` update, skipping retries.
fn changed(rx: &mpsc::Receiver<Value>) -> Value {
    loop {
        let update = rx.recv_timeout(Duration::from_secs(10)).expect("no activity update in time");
        if update["kind"] == "changed" {
            return update;
        }
        assert_ne!(update["kind"], "stopped", "{update}");
    }
}

/// A spend at `merchant` through the simulator's card network stand-in.
fn spend(sim: &SimHandle, card: &str, cents: i64, merchant: &str) -> Value {
    let reply: Value = reqwest::blocking::Client::new()
        .post(format!("{}/_sim/cards/{card}/spend", sim.origin()))
        .header("X-Sim-Admin", sim.admin_secret())
        .json(&json!({"amountCents": cents, "merchant": merchant}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(reply["ok"], json!(true), "{reply}");
    reply["data"].clone()
}

fn refund(sim: &SimHandle, transaction: &str, cents: i64) {
    let reply: Value = reqwest::blocking::Client::new()
        .post(format!("{}/_sim/transactions/{transaction}/refund", sim.origin()))
        .header("X-Sim-Admin", sim.admin_secret())
        .json(&json!({"amountCents": cents}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(reply["ok"], json!(true), "{reply}");
}

fn ids(lines: &Value) -> Vec<String> {
    lines.as_array().unwrap().iter().map(|l| l["title"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_person_sees_searches_exports_and_hears_of_their_spending_and_edits_the_card() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = SimConfig { spend_posts_after: Duration::from_secs(600), ..SimConfig::instant() };
    let sim = runtime.block_on(Simulator::start(config)).unwrap();
    let shown = Shown::default();
    let dialog = Answer::default();
    let policy = PollPolicy {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(200),
        min: Duration::from_millis(10),
        ..PollPolicy::default()
    };
    let (notifier, saver) = (shown.clone(), dialog.clone());
    let (app, mut h) = common::harness_with(&sim, move |state| {
        state.with_poll_policy(policy).with_notifier(Arc::new(notifier)).with_save_dialog(Arc::new(saver))
    });
    let user = "spender@example.com";
    common::ready(&mut h, &sim, user);

    // $100 of collateral, and a card with a $50 daily limit.
    let deposit = h.call("create_deposit", json!({"currency": "usdc", "network": "base"})).unwrap();
    sim.fund_deposit(deposit["id"].as_str().unwrap(), 100.0).unwrap();
    let card =
        h.call("create_card", json!({"label": "Groceries", "limit": "50", "frequency": "per24HourPeriod"})).unwrap();
    let (card_id, last4) = (card["cardId"].as_str().unwrap().to_owned(), card["last4"].as_str().unwrap().to_owned());

    // The page starts the watch; so does the test, with a channel it reads (it replaces the page's).
    assert!(h.call("watch_activity", json!({"utcOffsetMinutes": 60, "onUpdate": "__CHANNEL__:9"})).unwrap().is_u64());
    let (updates, rx) = channel();
    let watch =
        tauri::async_runtime::block_on(activity::watch_activity(app.handle().clone(), app.state(), 60, updates))
            .unwrap();
    // The first check only learns what is there already: the collateral is not news.
    std::thread::sleep(Duration::from_millis(400));

    // A coffee: pushed by the core, and a notification with the merchant, the amount and the last four.
    let coffee = spend(&sim, &card_id, 1250, "Cafe Lumen");
    assert_eq!(coffee["approved"], json!(true), "{coffee}");
    let update = changed(&rx);
    assert_eq!(ids(&update["new"]), ["Cafe Lumen"], "{update}");
    assert_eq!(update["new"][0]["state"], "pending");
    std::thread::sleep(Duration::from_millis(200));
    let notices = shown.0.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].body, format!("Cafe Lumen \u{2212}$12.50 \u{00B7} \u{2022}\u{2022}{last4}"));
    assert!(!notices[0].body.contains("Groceries") && !notices[0].title.contains("Groceries"));

    // Over the daily limit: declined, with the reason.
    let laptop = spend(&sim, &card_id, 8000, "Laptop Store");
    assert_eq!(laptop["approved"], json!(false), "{laptop}");
    assert_eq!(ids(&changed(&rx)["new"]), ["Laptop Store"]);
    std::thread::sleep(Duration::from_millis(200));
    let declined = shown.0.lock().unwrap()[1].clone();
    assert_eq!(
        (declined.title.as_str(), declined.body),
        ("Card payment declined", format!("Laptop Store $80.00 not charged \u{00B7} \u{2022}\u{2022}{last4}")),
        "a decline is no money gone"
    );

    // Activity: pending, settled and declined apart; the card named; the amounts signed.
    let view = h.call("activity_list", json!({"query": {"utcOffsetMinutes": 60}})).unwrap();
    assert_eq!(ids(&view["pending"]), ["Cafe Lumen"], "{view}");
    assert_eq!(ids(&view["settled"]), ["Collateral"], "{view}");
    assert_eq!(ids(&view["declined"]), ["Laptop Store"], "{view}");
    let pending = &view["pending"][0];
    assert_eq!((&pending["cardName"], &pending["cardLast4"]), (&json!("Groceries"), &json!(last4)));
    assert_eq!(
        (&pending["amountText"], &view["settled"][0]["amountText"]),
        (&json!("\u{2212}$12.50"), &json!("+$100.00"))
    );
    assert!(view["declined"][0]["declineReason"].as_str().unwrap().contains("limit"), "{view}");

    // The card's own activity, a type, a search: filtered by the API and again by the core.
    let on_card = h.call("activity_list", json!({"query": {"cardId": card_id, "utcOffsetMinutes": 0}})).unwrap();
    assert_eq!((ids(&on_card["settled"]), on_card["total"].clone()), (Vec::<String>::new(), json!(2)));
    let collateral =
        h.call("activity_list", json!({"query": {"types": ["collateral"], "utcOffsetMinutes": 0}})).unwrap();
    assert_eq!((ids(&collateral["pending"]), ids(&collateral["settled"])), (vec![], vec!["Collateral".to_owned()]));
    let search = h.call("activity_list", json!({"query": {"search": "LUMEN", "utcOffsetMinutes": 0}})).unwrap();
    assert_eq!((ids(&search["pending"]), ids(&search["declined"])), (vec!["Cafe Lumen".to_owned()], vec![]));
    let backwards = h
        .call("activity_list", json!({"query": {"from": "2030-01-02", "to": "2030-01-01", "utcOffsetMinutes": 0}}))
        .unwrap_err();
    assert_eq!((&backwards["code"], &backwards["fields"][0]["field"]), (&json!("validation"), &json!("to")));

    // The coffee posts; part of it comes back. The watch says so without being asked.
    sim.advance_clock(Duration::from_secs(601));
    let posted = changed(&rx);
    assert_eq!(posted["updated"][0]["statusText"], "Posted", "{posted}");
    let coffee_id = coffee["transaction"]["transactionId"].as_str().unwrap();
    refund(&sim, coffee_id, 250);
    let back = changed(&rx);
    assert_eq!((&back["new"][0]["amountText"], &back["new"][0]["refund"]), (&json!("+$2.50"), &json!(true)), "{back}");
    std::thread::sleep(Duration::from_millis(200));
    let refunded = shown.0.lock().unwrap().last().unwrap().clone();
    assert_eq!(
        (refunded.title.as_str(), refunded.body.as_str()),
        ("Refund", &*format!("Cafe Lumen +$2.50 \u{00B7} \u{2022}\u{2022}{last4}"))
    );

    // Export: the dialog suggests a name; the file holds what the screen shows and nothing secret.
    let folder = tempdir();
    let path = folder.join("my-activity.csv");
    *dialog.0.lock().unwrap() = Some(path.clone());
    let receipt = h.call("export_activity", json!({"query": {"utcOffsetMinutes": 60}})).unwrap();
    assert_eq!(receipt, json!({"fileName": "my-activity.csv", "rows": 4}));
    let (opened_in, suggested) = dialog.1.lock().unwrap()[0].clone();
    assert!(suggested.starts_with("machines-activity-"), "{suggested}");
    // In the person's Downloads folder (home when there is none), not the app's working directory.
    let paths = app.path();
    let expected = [paths.download_dir(), paths.home_dir()].into_iter().filter_map(Result::ok).find(|d| d.is_dir());
    assert!(expected.is_some(), "this machine has neither Downloads nor a home folder");
    assert_eq!(opened_in, expected);
    assert_ne!(opened_in, std::env::current_dir().ok(), "the dialog opened in the working directory");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("Date,Time,Status,Type,Merchant,Card,Last four,Amount (USD)"), "{text}");
    assert!(text.contains(&format!("Cafe Lumen,Groceries,{last4},-12.50")), "{text}");
    assert!(text.contains("Refund,Cafe Lumen") && text.contains("Declined,Card spend,Laptop Store"), "{text}");
    // The decline moved no money: its Amount does not count, the sum tried is beside it.
    assert!(text.contains(&format!("Laptop Store,Groceries,{last4},0.00,-80.00,")), "{text}");
    for secret in [sim.partner_key(), user, common::WALLET] {
        assert!(!text.contains(secret), "the export holds {secret}");
    }
    *dialog.0.lock().unwrap() = None;
    assert_eq!(h.call("export_activity", json!({"query": {"utcOffsetMinutes": 0}})).unwrap(), Value::Null, "cancelled");

    // The setting off: the page still hears of spending, the desktop does not.
    let mut settings = h.call("get_settings", json!({})).unwrap();
    assert_eq!(settings["notifyTransactions"], json!(true), "on by default");
    settings["notifyTransactions"] = json!(false);
    h.call("save_settings", json!({"settings": settings})).unwrap();
    let before = shown.0.lock().unwrap().len();
    spend(&sim, &card_id, 300, "Bakery");
    assert_eq!(ids(&changed(&rx)["new"]), ["Bakery"]);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(shown.0.lock().unwrap().len(), before, "a notification with the setting off");
    h.call("stop_watch", json!({"watch": watch})).unwrap();

    // The card edit: each field, one PATCH, the labels encrypted and read back.
    let edit = json!({"label": "Food", "color": "#1F6FEB", "emoji": "\u{1F6D2}", "memo": "Weekly shop",
        "limit": "75", "frequency": "per7DayPeriod", "pinned": true, "sortOrder": 3});
    let edited = h.call("update_card", json!({"id": card_id, "edit": edit})).unwrap();
    assert_eq!(
        (&edited["label"], &edited["color"], &edited["emoji"], &edited["memo"]),
        (&json!("Food"), &json!("#1f6feb"), &json!("\u{1F6D2}"), &json!("Weekly shop"))
    );
    assert_eq!(
        (&edited["limitText"], &edited["limitFrequency"], &edited["pinned"], &edited["sortOrder"]),
        (&json!("$75.00 per 7 days"), &json!("per7DayPeriod"), &json!(true), &json!(3))
    );
    let listed = h.call("cards", json!({})).unwrap();
    assert_eq!(listed[0]["memo"], json!("Weekly shop"), "{listed}");
    let renamed = h.call("activity_list", json!({"query": {"search": "bakery", "utcOffsetMinutes": 0}})).unwrap();
    assert_eq!(renamed["pending"][0]["cardName"], json!("Food"), "Activity names the card as it is now");
    let cleared = h.call("update_card", json!({"id": card_id, "edit": {"memo": "", "limit": ""}})).unwrap();
    assert_eq!(
        (&cleared["memo"], &cleared["limitText"], &cleared["label"]),
        (&Value::Null, &Value::Null, &json!("Food"))
    );
    let bad = h.call("update_card", json!({"id": card_id, "edit": {"color": "red"}})).unwrap_err();
    assert_eq!((&bad["code"], &bad["fields"][0]["field"]), (&json!("validation"), &json!("color")));

    drop(app);
    runtime.block_on(sim.shutdown());
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("activity-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
