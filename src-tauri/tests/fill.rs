//! Fill through the commands, over a fake desktop: which window is active is the test's to say, and the
//! keyboard writes down every key and the window that was active when it was pressed. So these show what
//! a person would see: the digits land in the checkout window and nowhere else, never in our own window,
//! nothing more after Escape, a lock or a change of window, a minute without a target gives up, per-field
//! mode's next field, the shortcut, and the activity line. Real XTEST into a real browser is the
//! end-to-end `fill_checkout` test's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use machines_sim::{SimConfig, SimHandle, Simulator};
use machines_wallet::commands::fill as fill_commands;
use machines_wallet::fill::{ActiveWindow, ActiveWindows, Desktop, Keyboard, OwnWindows};
use machines_wallet::state::{AppState, FillTimings};
use serde_json::{json, Value};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;
use wallet_core::fill::KeySink;

/// A key as the fake keyboard saw it, with the window that was active then.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pressed {
    Char(char),
    Tab,
}

#[derive(Default)]
struct Screen {
    active: Option<ActiveWindow>,
    keys: Vec<(Option<ActiveWindow>, Pressed)>,
    /// Window readers alive: each holds Escape while it lives.
    readers: usize,
    /// Escape pressed and not yet seen by a reader.
    escape: bool,
    /// Shift, Ctrl, Alt or Super held down.
    modifiers: bool,
    raised: usize,
    /// `Err`: the desktop refuses this shortcut (another app holds it).
    refused_shortcut: Option<String>,
    shortcut: Option<String>,
    unavailable: Option<String>,
}

/// The test's desktop: it says which window is active, and keeps what was typed.
#[derive(Clone, Default)]
struct FakeDesktop(Arc<Mutex<Screen>>);

impl FakeDesktop {
    fn activate(&self, window: Option<ActiveWindow>) {
        self.0.lock().unwrap().active = window;
    }

    fn keys(&self) -> Vec<(Option<ActiveWindow>, Pressed)> {
        self.0.lock().unwrap().keys.clone()
    }

    /// What was typed, as text (Tab as `\t`).
    fn text(&self) -> String {
        self.keys()
            .into_iter()
            .map(|(_, key)| match key {
                Pressed::Char(c) => c,
                Pressed::Tab => '\t',
            })
            .collect()
    }

    /// Whether Escape is taken from the other apps now.
    fn escape_grabbed(&self) -> bool {
        self.0.lock().unwrap().readers > 0
    }

    /// Escape, pressed in whichever app is active.
    fn press_escape(&self) {
        self.0.lock().unwrap().escape = true;
    }
}

struct FakeWindows(FakeDesktop);

impl ActiveWindows for FakeWindows {
    fn active(&mut self) -> Result<Option<ActiveWindow>, String> {
        Ok(self.0 .0.lock().unwrap().active.clone())
    }

    fn escape_pressed(&mut self) -> bool {
        std::mem::take(&mut self.0 .0.lock().unwrap().escape)
    }

    fn modifiers_held(&mut self) -> Result<bool, String> {
        Ok(self.0 .0.lock().unwrap().modifiers)
    }
}

impl Drop for FakeWindows {
    fn drop(&mut self) {
        self.0 .0.lock().unwrap().readers -= 1;
    }
}

struct FakeKeyboard(FakeDesktop);

impl FakeKeyboard {
    fn press(&mut self, key: Pressed) -> Result<(), String> {
        let mut screen = self.0 .0.lock().unwrap();
        let active = screen.active.clone();
        screen.keys.push((active, key));
        Ok(())
    }
}

impl KeySink for FakeKeyboard {
    fn char(&mut self, c: char) -> Result<(), String> {
        self.press(Pressed::Char(c))
    }

    fn tab(&mut self) -> Result<(), String> {
        self.press(Pressed::Tab)
    }
}

impl Desktop for FakeDesktop {
    fn availability(&self) -> Result<Option<String>, String> {
        match &self.0.lock().unwrap().unavailable {
            Some(reason) => Err(reason.clone()),
            None => Ok(None),
        }
    }

    fn windows(&self) -> Result<Box<dyn ActiveWindows>, String> {
        self.0.lock().unwrap().readers += 1;
        Ok(Box::new(FakeWindows(self.clone())))
    }

    fn own_windows(&self) -> OwnWindows {
        OwnWindows { ids: vec![OUR_LEADER, OUR_WINDOW], titles: vec!["Machines Wallet".to_owned()] }
    }

    fn keyboard(&self) -> Result<Keyboard, String> {
        Ok(Box::new(FakeKeyboard(self.clone())))
    }

    fn raise_main_window(&self) {
        self.0.lock().unwrap().raised += 1;
    }

    fn set_shortcut(&self, accelerator: Option<&str>) -> Result<(), String> {
        let mut screen = self.0.lock().unwrap();
        if accelerator.is_some() && accelerator.map(str::to_owned) == screen.refused_shortcut {
            return Err("another app holds it".into());
        }
        screen.shortcut = accelerator.map(str::to_owned);
        Ok(())
    }

    fn shortcut(&self) -> Option<String> {
        self.0.lock().unwrap().shortcut.clone()
    }
}

/// The checkout page's browser window.
fn browser(title: &str) -> Option<ActiveWindow> {
    Some(ActiveWindow { id: 0x40_0002, title: Some(title.to_owned()), pid: Some(4231), leader: Some(0x40_0001) })
}

/// Another app's window.
fn other_app() -> Option<ActiveWindow> {
    Some(ActiveWindow { id: 0x60_0007, title: Some("Notes".to_owned()), pid: Some(5150), leader: None })
}

/// Our main window's X11 id, and its client leader.
const OUR_WINDOW: u32 = 0x20_0003;
const OUR_LEADER: u32 = 0x20_0001;

/// Our own window: the same process as this test.
fn ours() -> Option<ActiveWindow> {
    Some(ActiveWindow {
        id: OUR_WINDOW,
        title: Some("Machines Wallet".to_owned()),
        pid: Some(std::process::id()),
        leader: Some(OUR_LEADER),
    })
}

struct Fixture {
    h: common::Harness,
    app: tauri::App<tauri::test::MockRuntime>,
    desktop: FakeDesktop,
    updates: mpsc::Receiver<Value>,
    card: String,
    /// The card's digits as Reveal shows them: number, expiry (MM/YY) and CVC.
    number: String,
    expiry: String,
    cvc: String,
    _sim: SimHandle,
    _runtime: tokio::runtime::Runtime,
}

/// A ready user with one card, filling on a fake desktop whose active window is ours, listening to the
/// fill's updates. `fill` adjusts the Fill settings; `armed_timeout` is how long a fill waits for a target.
fn fixture(user: &str, fill: Value, armed_timeout: Duration) -> Fixture {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let desktop = FakeDesktop::default();
    desktop.activate(ours());
    let timings = FillTimings {
        poll: Duration::from_millis(20),
        armed_timeout,
        next_kept: Duration::from_secs(120),
        modifier_wait: Duration::from_secs(1),
    };
    let given: Arc<dyn Desktop> = Arc::new(desktop.clone());
    let (app, mut h) = common::harness_with(&sim, move |state| state.with_fill(given, timings));
    common::ready(&mut h, &sim, user);
    let card = h.call("create_card", json!({"label": "Shopping", "limit": null, "frequency": null})).unwrap();
    let card = card["cardId"].as_str().unwrap().to_owned();
    let reveal = h.call("reveal_card", json!({"id": card})).unwrap();
    let number = reveal["numberGroups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect::<String>();
    let (expiry, cvc) = (reveal["expiry"].as_str().unwrap().to_owned(), reveal["cvc"].as_str().unwrap().to_owned());

    let mut settings = h.call("get_settings", json!({})).unwrap();
    let defaults = settings["fill"].as_object_mut().unwrap();
    // The shortest start delay, and no key delay unless a test asks for one.
    defaults.insert("startDelayMs".into(), json!(500));
    defaults.insert("keyDelayMs".into(), json!(0));
    for (key, value) in fill.as_object().unwrap() {
        defaults.insert(key.clone(), value.clone());
    }
    h.call("save_settings", json!({"settings": settings})).unwrap();

    let (tx, updates) = mpsc::channel();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            let _ = tx.send(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    });
    tauri::async_runtime::block_on(fill_commands::listen_fill(app.state(), channel)).unwrap();
    Fixture { h, app, desktop, updates, card, number, expiry, cvc, _sim: sim, _runtime: runtime }
}

impl Fixture {
    fn fill(&mut self, field: Value) -> Result<Value, Value> {
        self.h.call("fill_card", json!({"id": self.card, "field": field}))
    }

    /// The updates up to the first of `phase`, which is returned last.
    fn until(&self, phase: &str, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.updates.recv_timeout(left) {
                Ok(update) => {
                    let done = update["phase"] == phase;
                    seen.push(update);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!("no {phase} update within {within:?}; saw {seen:#?}"),
            }
        }
    }

    /// Waits until the fake keyboard has `count` keys.
    fn wait_for_keys(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.desktop.keys().len() < count {
            assert!(Instant::now() < deadline, "only {} keys were typed", self.desktop.keys().len());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn log(&mut self) -> Vec<String> {
        let entries = self.h.call("activity_log", json!({})).unwrap();
        entries.as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap().to_owned()).collect()
    }

    fn last4(&self) -> &str {
        &self.number[self.number.len() - 4..]
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }
}

#[test]
fn a_fill_waits_while_our_window_is_active_then_types_the_sequence_into_the_checkout_window_only() {
    let mut f = fixture("sequence@example.com", json!({}), Duration::from_secs(10));

    assert_eq!(f.fill(Value::Null).unwrap(), Value::Null);
    let waiting = f.until("waiting", Duration::from_secs(2));
    let waiting = waiting.last().unwrap();
    assert_eq!(waiting["scope"], json!({"kind": "all"}));
    assert_eq!(waiting["card"]["last4"], json!(f.last4()));
    assert!(!waiting.to_string().contains(&f.number[..8]), "an update carried digits: {waiting}");
    // Well past the start delay with our own window active: nothing is typed into it.
    std::thread::sleep(Duration::from_millis(900));
    assert!(f.desktop.keys().is_empty(), "typed into our own window: {:?}", f.desktop.keys());
    assert!(f.desktop.escape_grabbed(), "Escape is taken while the fill is armed");

    // The person clicks into another app: the countdown starts; back to ours, it waits again.
    f.desktop.activate(other_app());
    let counting = f.until("counting", Duration::from_secs(1));
    assert_eq!(counting.last().unwrap()["windowTitle"], json!("Notes"));
    assert!(counting.last().unwrap()["startsInMs"].as_u64().unwrap() <= 500);
    f.desktop.activate(ours());
    f.until("waiting", Duration::from_secs(1));
    std::thread::sleep(Duration::from_millis(700));
    assert!(f.desktop.keys().is_empty(), "typed after the countdown was interrupted: {:?}", f.desktop.keys());

    // The checkout page: the countdown names it, then every key goes there.
    f.desktop.activate(browser("Checkout – Shop"));
    let counting = f.until("counting", Duration::from_secs(1));
    assert_eq!(counting.last().unwrap()["windowTitle"], json!("Checkout – Shop"));
    let typing = f.until("typing", Duration::from_secs(2));
    assert_eq!(typing.last().unwrap()["windowTitle"], json!("Checkout – Shop"));
    let typed = f.until("typed", Duration::from_secs(2));
    let typed = typed.last().unwrap();
    assert_eq!(typed["next"], Value::Null, "a sequence has no next field");

    assert_eq!(f.desktop.text(), format!("{}\t{}\t{}", f.number, f.expiry, f.cvc));
    assert!(f.desktop.keys().iter().all(|(window, _)| *window == browser("Checkout – Shop")));
    std::thread::sleep(Duration::from_millis(100));
    assert!(!f.desktop.escape_grabbed(), "Escape is given back once the fill is over");

    let log = f.log();
    assert_eq!(log[0], format!("Typed the number, expiry and CVC of ••{} into “Checkout – Shop”", f.last4()));
}

#[test]
fn a_fill_never_types_into_our_own_window_even_when_it_comes_back_mid_typing() {
    let mut f = fixture("own@example.com", json!({"keyDelayMs": 60}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.until("typing", Duration::from_secs(2));
    f.wait_for_keys(3);
    // Our window becomes active while the digits are going out.
    f.desktop.activate(ours());
    let stopped = f.until("stopped", Duration::from_secs(2));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "windowChanged"}));
    std::thread::sleep(Duration::from_millis(200));
    let keys = f.desktop.keys();
    assert!(keys.len() < f.number.len(), "{keys:?}");
    assert!(keys.iter().all(|(window, _)| *window == browser("Checkout")), "a key reached another window: {keys:?}");
    assert_eq!(f.log()[0], format!("Stopped typing ••{} into “Checkout”", f.last4()));
}

#[test]
fn a_change_of_window_mid_typing_stops_before_the_next_key() {
    let mut f = fixture("switch@example.com", json!({"keyDelayMs": 60}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.wait_for_keys(4);
    f.desktop.activate(other_app());
    let stopped = f.until("stopped", Duration::from_secs(2));
    let stopped = stopped.last().unwrap();
    assert_eq!(stopped["stop"], json!({"reason": "windowChanged"}));
    assert_eq!(stopped["title"], json!("Fill stopped: the window changed"));
    std::thread::sleep(Duration::from_millis(200));
    assert!(f.desktop.keys().iter().all(|(window, _)| *window == browser("Checkout")), "{:?}", f.desktop.keys());
}

#[test]
fn cancel_mid_typing_stops_the_keys_and_escape_is_given_back() {
    let mut f = fixture("cancel@example.com", json!({"keyDelayMs": 60}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.wait_for_keys(3);
    f.h.call("cancel_fill", json!({})).unwrap();
    let stopped = f.until("stopped", Duration::from_secs(2));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "cancelled"}));
    let after_cancel = f.desktop.keys().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.desktop.keys().len(), after_cancel, "keys went out after the cancel");
    assert!(after_cancel < f.number.len(), "the whole number was typed before the cancel took effect");
    assert!(!f.desktop.escape_grabbed());
    assert_eq!(f.log()[0], format!("Stopped typing ••{} into “Checkout”", f.last4()));
}

#[test]
fn escape_during_the_countdown_types_nothing_and_writes_no_line() {
    let mut f = fixture("escape@example.com", json!({}), Duration::from_secs(10));
    let before = f.log().len();
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.until("counting", Duration::from_secs(1));
    assert!(f.desktop.escape_grabbed());
    f.desktop.press_escape();
    let stopped = f.until("stopped", Duration::from_secs(1));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "cancelled"}));
    std::thread::sleep(Duration::from_millis(700));
    assert!(f.desktop.keys().is_empty(), "{:?}", f.desktop.keys());
    assert!(!f.desktop.escape_grabbed(), "Escape is given back");
    assert_eq!(f.log().len(), before, "a fill that typed nothing writes no line");
}

#[test]
fn escape_mid_typing_stops_before_the_next_key() {
    let mut f = fixture("escapetyping@example.com", json!({"keyDelayMs": 60}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.wait_for_keys(3);
    f.desktop.press_escape();
    let stopped = f.until("stopped", Duration::from_secs(2));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "cancelled"}));
    let after_escape = f.desktop.keys().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.desktop.keys().len(), after_escape, "keys went out after Escape");
    assert!(after_escape < f.number.len());
    assert!(!f.desktop.escape_grabbed());
    assert_eq!(f.log()[0], format!("Stopped typing ••{} into “Checkout”", f.last4()));
}

#[test]
fn a_lock_mid_typing_stops_the_keys_and_nothing_starts_while_locked() {
    let mut f = fixture("lock@example.com", json!({"keyDelayMs": 60}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser("Checkout"));
    f.wait_for_keys(3);
    f.h.call("lock_app", json!({})).unwrap();
    let stopped = f.until("stopped", Duration::from_secs(2));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "locked"}));
    let after_lock = f.desktop.keys().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.desktop.keys().len(), after_lock, "keys went out after the lock");
    assert!(after_lock < f.number.len());

    // Locked: the button is refused, and the shortcut does nothing at all.
    let refused = f.fill(Value::Null).unwrap_err();
    assert_eq!(refused["code"], json!("locked"));
    tauri::async_runtime::block_on(f.state().shortcut_pressed());
    std::thread::sleep(Duration::from_millis(200));
    assert!(f.updates.try_recv().is_err(), "the shortcut told the page something while locked");
    assert_eq!(f.desktop.0.lock().unwrap().raised, 0, "the shortcut raised the window while locked");
}

#[test]
fn a_lock_during_the_wait_stops_the_fill() {
    let mut f = fixture("lockwait@example.com", json!({}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.until("waiting", Duration::from_secs(1));
    f.h.call("lock_app", json!({})).unwrap();
    let stopped = f.until("stopped", Duration::from_secs(1));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "locked"}));
    f.desktop.activate(browser("Checkout"));
    std::thread::sleep(Duration::from_millis(800));
    assert!(f.desktop.keys().is_empty());
}

#[test]
fn another_account_saved_during_the_wait_stops_the_fill() {
    // The fill was asked for by the person signed in now: once the account changes (sign-out, another
    // user id, another environment), the card it would fetch at the end of the countdown is not theirs.
    let mut f = fixture("switchwait@example.com", json!({}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.until("waiting", Duration::from_secs(1));
    let mut settings = f.h.call("get_settings", json!({})).unwrap();
    settings["userId"] = json!("someone-else@example.com");
    f.h.call("save_settings", json!({"settings": settings})).unwrap();
    let stopped = f.until("stopped", Duration::from_secs(1));
    assert_eq!(stopped.last().unwrap()["stop"], json!({"reason": "cancelled"}));
    f.desktop.activate(browser("Checkout"));
    std::thread::sleep(Duration::from_millis(800));
    assert!(f.desktop.keys().is_empty());
}

#[test]
fn a_fill_with_no_other_window_gives_up() {
    let mut f = fixture("timeout@example.com", json!({}), Duration::from_millis(600));
    f.fill(Value::Null).unwrap();
    let stopped = f.until("stopped", Duration::from_secs(3));
    let stopped = stopped.last().unwrap();
    assert_eq!(stopped["stop"], json!({"reason": "timedOut"}));
    assert_eq!(stopped["title"], json!("Fill timed out"));
    assert!(f.desktop.keys().is_empty());
    std::thread::sleep(Duration::from_millis(100));
    assert!(!f.desktop.escape_grabbed());
}

#[test]
fn a_new_fill_replaces_the_one_waiting() {
    let mut f = fixture("replace@example.com", json!({"mode": "perField"}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    f.until("waiting", Duration::from_secs(1));
    f.fill(json!("cvc")).unwrap();
    let waiting = f.until("waiting", Duration::from_secs(1));
    assert_eq!(waiting.last().unwrap()["scope"], json!({"kind": "one", "field": "cvc"}));
    f.desktop.activate(browser("Checkout"));
    f.until("typed", Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(f.desktop.text(), f.cvc, "only the second fill typed");
    assert!(f.updates.try_recv().is_err(), "the replaced fill spoke after its successor");
}

#[test]
fn per_field_mode_types_one_field_per_press_and_the_shortcut_continues_with_the_next() {
    let mut f = fixture("perfield@example.com", json!({"mode": "perField"}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    let waiting = f.until("waiting", Duration::from_secs(1));
    assert_eq!(waiting.last().unwrap()["scope"], json!({"kind": "one", "field": "number"}));
    f.desktop.activate(browser("Checkout"));
    let typed = f.until("typed", Duration::from_secs(2));
    assert_eq!(typed.last().unwrap()["next"], json!("expiry"));
    assert_eq!(f.desktop.text(), f.number);

    // The shortcut, pressed in the browser: straight to the countdown on it, the expiry.
    tauri::async_runtime::block_on(f.state().shortcut_pressed());
    let counting = f.until("counting", Duration::from_secs(1));
    assert_eq!(counting.last().unwrap()["scope"], json!({"kind": "one", "field": "expiry"}));
    let typed = f.until("typed", Duration::from_secs(2));
    assert_eq!(typed.last().unwrap()["next"], json!("cvc"));

    // The button for the next field works the same way.
    f.fill(json!("cvc")).unwrap();
    let typed = f.until("typed", Duration::from_secs(2));
    assert_eq!(typed.last().unwrap()["next"], Value::Null);
    assert_eq!(f.desktop.text(), format!("{}{}{}", f.number, f.expiry, f.cvc));

    // Nothing left to continue: the shortcut brings the window up with the card picker.
    tauri::async_runtime::block_on(f.state().shortcut_pressed());
    assert_eq!(f.until("pick", Duration::from_secs(1)).last().unwrap(), &json!({"phase": "pick"}));
    assert_eq!(f.desktop.0.lock().unwrap().raised, 1);

    let log = f.log();
    let last4 = f.last4();
    assert_eq!(
        &log[..3],
        [
            format!("Typed the CVC of ••{last4} into “Checkout”"),
            format!("Typed the expiry of ••{last4} into “Checkout”"),
            format!("Typed the number of ••{last4} into “Checkout”"),
        ]
    );
}

#[test]
fn the_log_line_keeps_no_digits_a_page_put_in_its_title() {
    let mut f = fixture("title@example.com", json!({}), Duration::from_secs(10));
    // A page can set its own title; this one plants the card's number in it.
    let planted = format!("Pay {} now", f.number);
    f.fill(Value::Null).unwrap();
    f.desktop.activate(browser(&planted));
    let typed = f.until("typed", Duration::from_secs(3));
    // The countdown shows the person the real title (they may read it) ...
    assert_eq!(typed.last().unwrap()["windowTitle"], json!(planted));
    // ... the log on disk does not keep it.
    let log = f.log().join("\n");
    assert!(log.contains("into “Pay … now”"), "{log}");
    assert!(!log.contains(&f.number[..6]), "the log kept the planted number: {log}");
    // The control: the same check finds the number in what the page was sent for the countdown.
    let shown = typed.last().unwrap()["windowTitle"].as_str().unwrap_or_default().to_owned();
    assert!(shown.contains(&f.number[..6]), "the countdown's title: {shown}");
}

#[test]
fn fill_is_refused_in_words_where_it_cannot_type() {
    let mut f = fixture("wayland@example.com", json!({}), Duration::from_secs(10));
    let reason = wallet_core::fill::NO_X11_REASON;
    f.desktop.0.lock().unwrap().unavailable = Some(reason.to_owned());
    let availability = f.h.call("fill_availability", json!({})).unwrap();
    assert_eq!(availability["available"], json!(false));
    assert_eq!(availability["reason"], json!(reason));
    let refused = f.fill(Value::Null).unwrap_err();
    assert_eq!(refused["code"], json!("fill_unavailable"));
    assert_eq!(refused["message"], json!(reason));
}

#[test]
fn an_app_without_a_desktop_cannot_fill() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = common::harness(&sim);
    common::ready(&mut h, &sim, "nodesktop@example.com");
    let card = h.call("create_card", json!({"label": null, "limit": null, "frequency": null})).unwrap();
    let availability = h.call("fill_availability", json!({})).unwrap();
    assert_eq!(availability["available"], json!(false));
    assert!(availability["reason"].as_str().unwrap().contains("Copy"), "{availability}");
    let refused = h.call("fill_card", json!({"id": card["cardId"], "field": null})).unwrap_err();
    assert_eq!(refused["code"], json!("fill_unavailable"));
}

#[test]
fn a_shortcut_the_desktop_refuses_or_cannot_read_is_a_field_error_and_the_old_one_stays() {
    let mut f = fixture("shortcut@example.com", json!({"shortcut": "Ctrl+Alt+F"}), Duration::from_secs(10));
    // As the app starts: the saved shortcut is registered.
    tauri::async_runtime::block_on(f.state().register_fill_shortcut());
    assert_eq!(f.desktop.shortcut(), Some("Ctrl+Alt+F".to_owned()));
    f.desktop.0.lock().unwrap().refused_shortcut = Some("Ctrl+Alt+K".to_owned());

    for (accelerator, says) in [
        ("Ctrl+Alt+K", "another app holds it"),
        ("Ctrl+Alt+Banana", "modifiers first"),
        ("Shift+K", "Ctrl, Alt or Super"),
    ] {
        let mut settings = f.h.call("get_settings", json!({})).unwrap();
        settings["fill"]["shortcut"] = json!(accelerator);
        let refused = f.h.call("save_settings", json!({"settings": settings})).unwrap_err();
        assert_eq!(refused["fields"][0]["field"], json!("fill.shortcut"), "{refused}");
        assert!(refused["fields"][0]["message"].as_str().unwrap().contains(says), "{refused}");
        assert_eq!(f.desktop.shortcut(), Some("Ctrl+Alt+F".to_owned()), "the old shortcut was let go");
        assert_eq!(f.h.call("get_settings", json!({})).unwrap()["fill"]["shortcut"], json!("Ctrl+Alt+F"));
    }

    // Off, then another one: both are taken.
    let mut settings = f.h.call("get_settings", json!({})).unwrap();
    settings["fill"]["shortcut"] = Value::Null;
    f.h.call("save_settings", json!({"settings": settings.clone()})).unwrap();
    assert_eq!(f.desktop.shortcut(), None);
    settings["fill"]["shortcut"] = json!("Super+F9");
    f.h.call("save_settings", json!({"settings": settings})).unwrap();
    assert_eq!(f.h.call("fill_availability", json!({})).unwrap()["shortcut"], json!("Super+F9"));
}

#[test]
fn keys_wait_while_a_modifier_is_held_and_go_out_once_it_is_let_go() {
    let mut f = fixture("modifier@example.com", json!({"mode": "perField"}), Duration::from_secs(10));
    f.fill(Value::Null).unwrap();
    // Still holding the shortcut's Ctrl+Alt as the countdown ends: a digit now would be Ctrl+Alt+4.
    f.desktop.0.lock().unwrap().modifiers = true;
    f.desktop.activate(browser("Checkout"));
    f.until("typing", Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(400));
    assert!(f.desktop.keys().is_empty(), "typed with a modifier held: {:?}", f.desktop.keys());
    f.desktop.0.lock().unwrap().modifiers = false;
    f.until("typed", Duration::from_secs(2));
    assert_eq!(f.desktop.text(), f.number);
}

#[test]
fn a_modifier_held_too_long_stops_the_fill_before_any_key() {
    let mut f = fixture("heldmodifier@example.com", json!({}), Duration::from_secs(10));
    let lines = f.log().len();
    f.fill(Value::Null).unwrap();
    f.desktop.0.lock().unwrap().modifiers = true;
    f.desktop.activate(browser("Checkout"));
    let stopped = f.until("stopped", Duration::from_secs(3));
    let stop = &stopped.last().unwrap()["stop"];
    assert_eq!(stop["reason"], json!("input"));
    assert!(stop["detail"].as_str().unwrap().contains("held down"), "{stop}");
    assert!(f.desktop.keys().is_empty(), "{:?}", f.desktop.keys());
    assert_eq!(f.log().len(), lines, "a fill that typed nothing writes no line");
}

#[test]
fn a_window_of_ours_is_never_a_target_whichever_sign_gives_it_away() {
    let mut f = fixture("signs@example.com", json!({}), Duration::from_secs(10));
    let someone = Some(5150);
    let window = |id, title: &str, pid, leader| Some(ActiveWindow { id, title: Some(title.to_owned()), pid, leader });
    let ours_by = [
        ("our window's id, no pid", window(OUR_WINDOW, "Fill", None, None)),
        ("our pid, another id", window(0x20_0099, "Untitled", Some(std::process::id()), None)),
        ("led by our leader (a dialog of ours)", window(0x20_0042, "Save the activity", None, Some(OUR_LEADER))),
        ("our title, no pid", window(0x70_0001, "Machines Wallet", None, None)),
        ("our title, another pid (a second copy of the app)", window(0x70_0002, "Machines Wallet", someone, None)),
    ];
    f.fill(Value::Null).unwrap();
    f.until("waiting", Duration::from_secs(1));
    for (sign, window) in ours_by {
        f.desktop.activate(window);
        // Longer than the start delay.
        std::thread::sleep(Duration::from_millis(700));
        assert!(f.desktop.keys().is_empty(), "typed into a window of ours ({sign}): {:?}", f.desktop.keys());
        assert!(f.updates.try_recv().is_err(), "counted down on a window of ours ({sign})");
    }
    // The control: the checkout window next, with the same fill.
    f.desktop.activate(browser("Checkout"));
    f.until("typed", Duration::from_secs(2));
    assert_eq!(f.desktop.text(), format!("{}\t{}\t{}", f.number, f.expiry, f.cvc));
}
