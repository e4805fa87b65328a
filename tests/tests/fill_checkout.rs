//! Fill in a real browser (issue 18). The app (against a simulator the test runs) and Debian's Chromium
//! share one X display with a window manager, as on a person's desktop. For each of four checkout pages the
//! person presses Fill on a card in the app, clicks into the page's card-number field, sees the app name the
//! browser's window, and the app types the card with XTEST; the test then reads the page's fields through
//! ChromeDriver: exactly the card's digits (known to the test through the partner API, as another client of
//! the same person, never through the app's page). The clipboard stays empty and the app's page never
//! holds the number: not in its DOM, not in any answer its Rust side sent it, not in its process's memory;
//! each of those scans is shown to find a control planted the way a leak would get there. Then the plain
//! page again under a French keyboard layout, where every digit needs Shift, and under `us,fr` with French
//! active.
//!
//! And the cases where nothing may be typed: Escape during the countdown, a fill left armed while the
//! app's own window stays active, and the screen locked while the fill waits for a click.
//!
//! First, without the app, the pages' own check: typed into with xdotool's XTEST keystrokes and read back
//! the same way, so a failure in the journeys is the app's, not the pages' or the harness's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, PartnerKey};
use machines_sim::{KycStatus, SimConfig, SimHandle, Simulator};
use machines_wallet_e2e::checkout_pages::{Checkout, CheckoutPages, ExpiryFields, Field};
use machines_wallet_e2e::chromium::Chromium;
use machines_wallet_e2e::display::Display;
use machines_wallet_e2e::files::files_containing;
use machines_wallet_e2e::window::xpath_literal;
use machines_wallet_e2e::window_manager::WindowManager;
use machines_wallet_e2e::{leaks, memory, steps, Launch, Wallet};

const USER: &str = "checkout@example.com";
const CARD: &str = "Travel";
/// The Fill shortcut's default, which the per-field presses use.
const SHORTCUT: &str = "Ctrl+Alt+F";
/// The start delay's default: how long the app shows the window's title before it types.
const START_DELAY: Duration = Duration::from_secs(2);
/// A card number of the same shape as the app's card, planted where a leak would put it: every scan must
/// find it, or it could not have found the card's either.
const CONTROL_NUMBER: &str = "4000056655665556";
/// The environment scan's control, apart from [`CONTROL_NUMBER`] so that the memory scan's control is
/// still the planted answer, not the environment every process carries.
const ENV_CONTROL_NUMBER: &str = "4000002760003184";

/// The card as its issuer keeps it.
struct CardSecrets {
    number: String,
    cvc: String,
    month: u8,
    year: u16,
}

impl CardSecrets {
    fn mm(&self) -> String {
        format!("{:02}", self.month)
    }

    fn yy(&self) -> String {
        format!("{:02}", self.year % 100)
    }

    fn last4(&self) -> &str {
        &self.number[self.number.len() - 4..]
    }
}

/// The card's details through the partner API, by another client of the same person (as a second device
/// would reveal them): the digits the test expects in the page, without the app's page ever holding them.
async fn card_secrets(sim: &SimHandle, card_id: &str) -> CardSecrets {
    let config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();
    let user = client.user(Identity { user_id: USER.into(), wallet_address: None }).unwrap();
    let reveal = user.reveal_card(card_id).await.unwrap();
    CardSecrets {
        number: reveal.numbers.pan.expose().to_owned(),
        cvc: reveal.numbers.cvc.expose().to_owned(),
        month: reveal.expiration_month.expect("the card has an expiry month"),
        year: reveal.expiration_year.expect("the card has an expiry year"),
    }
}

/// How a field's value differs from the card's, without either value (a failed run's output is kept):
/// its length and the first position that differs.
fn mismatch(got: &str, want: &str) -> String {
    let same = got.chars().zip(want.chars()).take_while(|(a, b)| a == b).count();
    format!(
        "holds {} characters where the card has {}; they first differ at position {}",
        got.len(),
        want.len(),
        same + 1
    )
}

/// Whether `text` holds `number`, as one run of digits or grouped by spaces, dashes or dots.
fn holds_number(text: &str, number: &str) -> bool {
    let squeezed: String =
        text.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '-' | '.' | '\n' | '\t')).collect();
    squeezed.contains(number)
}

/// Copies of `text` in a process's memory, as bytes (UTF-8, or Latin-1 as a JavaScript engine keeps an
/// ASCII string) and as UTF-16 (how it keeps other strings).
fn copies_in_memory(pid: i32, text: &str) -> usize {
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    memory::scan_process(pid, text.as_bytes()).unwrap().copies + memory::scan_process(pid, &utf16).unwrap().copies
}

/// The app, Chromium and the checkout pages on one desktop, with a card ready in the app.
struct Desk {
    sim: SimHandle,
    w: Wallet,
    wm: WindowManager,
    pages: CheckoutPages,
    chromium: Chromium,
    app_window: String,
    browser_window: String,
    card: CardSecrets,
}

impl Desk {
    /// The app against a fresh simulator: passphrase, set-up, identity approved on the simulator's side,
    /// agreements, and a card made in the app; then openbox, the pages and Chromium on the app's display.
    async fn open(journey: &str) -> Desk {
        let sim = Simulator::start(SimConfig::instant()).await.unwrap();
        // The environment scan's control: a number the launch hands every process, as a leak would.
        let w = Launch::new(journey)
            .against(&sim.base_url(), sim.partner_key())
            .env("E2E_CONTROL_NUMBER", ENV_CONTROL_NUMBER)
            .start()
            .await
            .unwrap();
        w.record_ipc().await.unwrap();
        steps::set_passphrase(&w).await.unwrap();
        steps::set_up(&w, USER).await.unwrap();
        w.wait_for_text("Verify your identity").await.unwrap();
        sim.set_kyc(USER, KycStatus::Approved).unwrap();
        w.click_button("Check my status").await.unwrap();
        w.wait_for_text("Identity verified").await.unwrap();
        w.click_button("Continue to the agreements").await.unwrap();
        steps::accept_agreements(&w).await.unwrap();
        steps::new_card(&w, CARD, "100").await.unwrap();
        let card = card_secrets(&sim, &card_id(&w).await).await;

        let wm = WindowManager::start(&w.display).await.unwrap();
        let pages = CheckoutPages::start().await.unwrap();
        let chromium = Chromium::start(&w.display).await.unwrap();
        let browser_window = chromium.window(&w.display).await.unwrap();
        let app = w.processes().into_iter().find(|(_, name)| name == "machines-wallet").expect("the app runs").0;
        let app_window = match w.display.windows_of_pid(app).await.unwrap().as_slice() {
            [one] => one.clone(),
            more => panic!("the app has {} visible windows: {more:?}", more.len()),
        };
        Desk { sim, w, wm, pages, chromium, app_window, browser_window, card }
    }

    async fn close(self) {
        self.chromium.quit().await.unwrap();
        self.wm.stop().await.unwrap();
        let stuck = self.w.quit().await.unwrap();
        assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
        self.sim.shutdown().await;
    }

    fn card_scope(&self) -> String {
        format!(
            "//div[@role='listitem'][contains(@class, 'card')][.//span[contains(@class, 'name')][normalize-space(.) = {}]]",
            xpath_literal(CARD)
        )
    }

    /// Fill's settings through the Settings screen: `mode` (`sequence`, `perField`) and the expiry format
    /// (`mmYy`, `separateMmYy`, …); saving goes back to the wallet.
    async fn set_fill(&self, mode: &str, expiry: &str) {
        let w = &self.w;
        w.click_button_in("//header", "Settings").await.unwrap();
        w.wait_for_text("Each Fill types").await.unwrap();
        w.click(&format!("//label[.//input[@name='fill-mode'][@value='{mode}']]")).await.unwrap();
        w.set_field("settings-fill-expiry", expiry).await.unwrap();
        w.click_button("Save settings").await.unwrap();
        w.wait_for_css(&self.card_scope(), Duration::from_secs(20)).await.unwrap();
    }

    /// The person in the app: its window active (as their click in it makes it), Fill pressed on the card.
    async fn press_fill(&self) {
        self.w.display.activate(&self.app_window).await.unwrap();
        self.w.click_button_in(&self.card_scope(), "into a checkout page").await.unwrap();
        let asked = self.wait_for_dialog(|m| m.starts_with("Click into"), Duration::from_secs(10)).await;
        assert_eq!(asked, "Click into the card-number field of the checkout page.");
    }

    /// The person clicks into `field` of the page in Chromium: the page's focus goes there and Chromium's
    /// window becomes the active one.
    async fn click_into_page(&self, field: &Field) {
        self.chromium.click_into(field).await.unwrap();
        self.w.display.activate(&self.browser_window).await.unwrap();
    }

    /// Waits for the countdown and answers the window title it names ("Typing into “…” in 2 s").
    async fn wait_for_countdown(&self) -> String {
        let message = self.wait_for_dialog(|m| m.starts_with("Typing into \u{201c}"), Duration::from_secs(10)).await;
        let (title, rest) = message["Typing into \u{201c}".len()..].rsplit_once('\u{201d}').unwrap();
        assert!(rest.starts_with(" in ") && rest.contains("press Escape to cancel"), "a countdown: {message:?}");
        title.to_owned()
    }

    /// The dialog's message (its sentence, not the heading), once `done` accepts it.
    async fn wait_for_dialog(&self, done: impl Fn(&str) -> bool, within: Duration) -> String {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let message = self.dialog_message().await;
            if let Some(message) = message.as_deref().filter(|m| done(m)) {
                return message.to_owned();
            }
            if tokio::time::Instant::now() > deadline {
                let _ = self.w.shot("failure").await;
                panic!("the Fill dialog never said what was expected; it says {message:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn dialog_message(&self) -> Option<String> {
        let read = "return document.querySelector('dialog[open] p.message')?.textContent.trim() ?? null";
        self.w.script(read).await.unwrap().as_str().map(str::to_owned)
    }

    /// The title the app must name: Chromium's window title as the window manager has it.
    async fn browser_title(&self) -> String {
        self.w.display.window_title(&self.browser_window).await.unwrap()
    }

    /// Closes the dialog after a fill, as the person does.
    async fn close_dialog(&self) {
        self.w.click("//dialog[@open]//button[normalize-space(.) = 'Close']").await.unwrap();
        self.w.wait_for_no_text("Typed ", Duration::from_secs(10)).await.unwrap();
    }

    /// A whole-card fill into `checkout` (sequence mode): the page opened, Fill pressed, the number field
    /// clicked into, the countdown naming Chromium's window, then the typed card read back.
    async fn fill_whole_card(&self, checkout: Checkout) -> String {
        self.chromium.open(&self.pages.url(checkout)).await.unwrap();
        self.press_fill().await;
        self.click_into_page(&checkout.fields().number).await;
        let title = self.browser_title().await;
        assert!(title.starts_with(checkout.title()), "Chromium's window is titled after the page: {title:?}");
        assert_eq!(self.wait_for_countdown().await, title, "the countdown names the window it will type into");
        let done = self.wait_for_dialog(|m| m.starts_with("Typed "), START_DELAY + Duration::from_secs(20)).await;
        assert_eq!(done, format!("Typed the number, expiry and CVC into \u{201c}{title}\u{201d}."));
        self.assert_page_holds_card(checkout).await;
        self.close_dialog().await;
        title
    }

    /// The page's fields hold exactly the card (a page that groups the number adds its spaces), and its
    /// form was not submitted; the clipboard is empty.
    async fn assert_page_holds_card(&self, checkout: Checkout) {
        let (chromium, card, fields) = (&self.chromium, &self.card, checkout.fields());
        let on = format!("{checkout:?} with the {} layout", self.w.display.keyboard_layout().await.unwrap());
        let number = chromium.value(&fields.number).await.unwrap();
        assert!(number.bytes().all(|b| b.is_ascii_digit() || b == b' '), "{on}: digits only in the number");
        let digits = number.replace(' ', "");
        assert!(digits == card.number, "{on}: the number field {}", mismatch(&digits, &card.number));
        match fields.expiry {
            ExpiryFields::One(expiry) => {
                assert_eq!(chromium.value(&expiry).await.unwrap(), format!("{}/{}", card.mm(), card.yy()), "{on}")
            }
            ExpiryFields::MonthYear(month, year) => {
                assert_eq!(chromium.value(&month).await.unwrap(), card.mm(), "{on}: the month select");
                assert_eq!(chromium.value(&year).await.unwrap(), card.yy(), "{on}: the year select");
            }
        }
        let cvc = chromium.value(&fields.cvc).await.unwrap();
        assert!(cvc == card.cvc, "{on}: the CVC field {}", mismatch(&cvc, &card.cvc));
        assert!(!chromium.submitted().await.unwrap(), "{on}: the fill never submits the form");
        assert_eq!(self.w.display.clipboard().await.unwrap(), None, "{on}: nothing on the clipboard");
    }

    /// The lines of the activity log, as Settings lists them (then back to the wallet).
    async fn activity_log(&self) -> Vec<String> {
        let w = &self.w;
        w.click_button_in("//header", "Settings").await.unwrap();
        w.wait_for_css("section.activity ul.entries li", Duration::from_secs(20)).await.unwrap();
        let lines = w
            .script("return [...document.querySelectorAll('section.activity li span')].map(s => s.textContent.trim())")
            .await
            .unwrap();
        w.click_button("Back").await.unwrap();
        w.wait_for_css(&self.card_scope(), Duration::from_secs(20)).await.unwrap();
        serde_json::from_value(lines).unwrap()
    }
}

/// The card's id, from the list item the page renders for it (`id="card-<cardId>"`).
async fn card_id(w: &Wallet) -> String {
    let find = format!(
        "return [...document.querySelectorAll('.card[role=listitem]')].find(c => c.querySelector('.name').textContent.trim() === {})?.id ?? null",
        serde_json::to_string(CARD).unwrap()
    );
    for _ in 0..100 {
        if let Some(id) = w.script(&find).await.unwrap().as_str().and_then(|id| id.strip_prefix("card-")) {
            return id.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no card {CARD:?} listed:\n{}", w.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, openbox, tauri-driver, Chromium and ChromeDriver: scripts/test runs it"]
async fn a_card_is_typed_into_four_checkouts_and_never_reaches_the_webview() {
    let d = Desk::open("fill-checkout").await;
    assert_ne!(d.card.number, CONTROL_NUMBER);
    // The control, delivered to the page the way an answer of the app's is, before any fill.
    d.w.plant_ipc_answer(CONTROL_NUMBER).await.unwrap();

    // The whole card, number, Tab, MM/YY, Tab, CVC (the defaults): into the plain form, then into the
    // provider's frames, where the Tabs cross from one site's frame to the shop's page and into the other.
    let plain_title = d.fill_whole_card(Checkout::Plain).await;
    d.fill_whole_card(Checkout::Iframes).await;

    // Month and year as two selects: "05", Tab, "27".
    d.set_fill("sequence", "separateMmYy").await;
    d.fill_whole_card(Checkout::Selects).await;

    // The page that moves the focus by itself: one field per press, the first from the app's Fill button,
    // the next two from the global shortcut pressed while Chromium stays the active window.
    d.set_fill("perField", "mmYy").await;
    let checkout = Checkout::AutoAdvance;
    d.chromium.open(&d.pages.url(checkout)).await.unwrap();
    d.press_fill().await;
    d.click_into_page(&checkout.fields().number).await;
    let title = d.browser_title().await;
    assert_eq!(d.wait_for_countdown().await, title);
    d.w.shot("countdown-names-the-browser").await.unwrap();
    let typed = d.wait_for_dialog(|m| m.starts_with("Typed "), START_DELAY + Duration::from_secs(20)).await;
    assert_eq!(
        typed,
        format!("Typed the number. Next: the expiry \u{2014} click into the expiry field and press {SHORTCUT} (or Fill expiry here).")
    );
    d.w.shot("typed-number-next-expiry").await.unwrap();
    assert_eq!(d.chromium.focused().await.unwrap(), "expiry", "the page moved to the expiry by itself");
    // The expiry, then the CVC: each press counts down on Chromium's window (still the active one) and types
    // the next field where the page has put the focus.
    for (words, then) in [("Typed the expiry.", Some(("the CVC", "cvc"))), ("Typed the CVC", None)] {
        assert_eq!(d.w.display.active_window().await.unwrap().as_deref(), Some(d.browser_window.as_str()));
        d.w.display.press("ctrl+alt+f").await.unwrap();
        assert_eq!(d.wait_for_countdown().await, title, "the shortcut counts down on the active window");
        let typed = d.wait_for_dialog(|m| m.starts_with(words), START_DELAY + Duration::from_secs(20)).await;
        match then {
            Some((next, focus)) => {
                assert!(typed.contains(&format!("Next: {next}")), "{typed:?}");
                assert_eq!(d.chromium.focused().await.unwrap(), focus, "the page moved on by itself");
            }
            None => assert_eq!(typed, format!("Typed the CVC into \u{201c}{title}\u{201d}.")),
        }
    }
    d.assert_page_holds_card(checkout).await;
    d.close_dialog().await;

    // A French layout, where the digits are on the shifted level: the plain page again, whole card.
    d.set_fill("sequence", "mmYy").await;
    d.w.display.set_keyboard_layout("fr").await.unwrap();
    assert_eq!(d.w.display.keyboard_layout().await.unwrap(), "fr");
    d.fill_whole_card(Checkout::Plain).await;

    // Two layouts, the second active (`us,fr` with French on, as a person who writes in both keeps them): the
    // keys pressed are the active layout's.
    d.w.display.set_keyboard_layouts("us,fr").await.unwrap();
    d.w.display.next_keyboard_group().await.unwrap();
    assert_eq!(d.w.display.keyboard_group().await.unwrap(), 1, "the second layout is active");
    d.fill_whole_card(Checkout::Plain).await;

    // Never in the app's page. Its DOM: the number in no form (grouped or not); a number planted in the
    // DOM, grouped, is found by the same scan.
    let html = d.w.html().await.unwrap();
    assert!(!holds_number(&html, &d.card.number), "the app's DOM holds the card number");
    d.w.script(&format!(
        "document.body.insertAdjacentHTML('beforeend', '<span hidden id=\"e2e-control\">{}</span>'); return true",
        "4000 0566 5566 5556"
    ))
    .await
    .unwrap();
    assert!(holds_number(&d.w.html().await.unwrap(), CONTROL_NUMBER), "the DOM scan finds a planted number");
    d.w.script("document.getElementById('e2e-control').remove(); return true").await.unwrap();
    // Every answer its Rust side sent it: none holds the number; the planted one is recorded.
    let answers = d.w.ipc_answers().await.unwrap();
    assert!(!answers.iter().any(|a| holds_number(a, &d.card.number)), "an IPC answer held the card number");
    assert_eq!(answers.iter().filter(|a| a.contains(CONTROL_NUMBER)).count(), 1, "the planted answer is recorded");
    assert!(answers.iter().any(|a| a.contains(r#""phase":"typed""#)), "the fill's updates are among the recorded");
    // The web process's memory: no copy of the number; the planted answer's is there.
    let web: Vec<i32> =
        d.w.processes().into_iter().filter(|(_, name)| name.starts_with("WebKitWebProc")).map(|(pid, _)| pid).collect();
    assert!(!web.is_empty(), "the app's web process runs");
    let number_copies: usize = web.iter().map(|pid| copies_in_memory(*pid, &d.card.number)).sum();
    let control_copies: usize = web.iter().map(|pid| copies_in_memory(*pid, CONTROL_NUMBER)).sum();
    assert_eq!(number_copies, 0, "the web process's memory holds the card number");
    assert!(control_copies >= 1, "the memory scan finds the planted answer");
    // Nor on disk, and nowhere in the app's environment.
    // Each with its control: a file planted under the home, and the variable the launch set.
    let planted = d.w.home().join("e2e-control.txt");
    std::fs::write(&planted, CONTROL_NUMBER).unwrap();
    assert!(files_containing(d.w.home(), &[&d.card.number]).unwrap().is_empty(), "a file holds the card number");
    assert_eq!(files_containing(d.w.home(), &[CONTROL_NUMBER]).unwrap(), vec![planted.clone()], "the file scan");
    std::fs::remove_file(&planted).unwrap();
    let processes = d.w.processes();
    assert!(leaks::in_environments(&processes, &d.card.number).unwrap().is_empty());
    assert!(!leaks::in_environments(&processes, ENV_CONTROL_NUMBER).unwrap().is_empty(), "the environment scan");

    // One line per fill in the activity log, with the last four and the window only.
    let log = d.activity_log().await;
    let last4 = d.card.last4();
    let typed: Vec<&String> = log.iter().filter(|l| l.starts_with("Typed ")).collect();
    assert_eq!(typed.len(), 8, "five whole cards and three single fields: {log:#?}");
    let plain_line =
        format!("Typed the number, expiry and CVC of \u{2022}\u{2022}{last4} into \u{201c}{plain_title}\u{201d}");
    let plain_fills = typed.iter().filter(|l| **l == &plain_line).count();
    assert_eq!(plain_fills, 3, "{plain_line:?} three times (us, fr, then us,fr): {log:#?}");
    assert!(!log.iter().any(|l| holds_number(l, &d.card.number)));

    // A new shortcut, pressed into Settings on a French layout: named by what the key prints, as the grab
    // finds it, so the key right of Tab is A there (Settings once wrote its US place, Q, and the grab then
    // took the key that prints Q). Saved, it opens the card picker from Chromium.
    d.w.display.set_keyboard_layout("fr").await.unwrap();
    d.w.display.activate(&d.app_window).await.unwrap();
    d.w.click_button_in("//header", "Settings").await.unwrap();
    d.w.wait_for_text("Each Fill types").await.unwrap();
    d.w.click("//input[@id='settings-fill-shortcut']").await.unwrap();
    d.w.display.press("ctrl+alt+a").await.unwrap();
    d.w.wait_for_value("settings-fill-shortcut", "Ctrl+Alt+A").await.unwrap();
    d.w.click_button("Save settings").await.unwrap();
    d.w.wait_for_css(&d.card_scope(), Duration::from_secs(20)).await.unwrap();
    d.w.display.activate(&d.browser_window).await.unwrap();
    d.w.display.press("ctrl+alt+a").await.unwrap();
    d.w.wait_for_css("#fill-pick-title", Duration::from_secs(10)).await.unwrap();
    d.close().await;
}

/// Keys that reach the app's own page, counted from now on (a listener in the capture phase sees every
/// key before the page handles it).
async fn count_keys_in_app(w: &Wallet) {
    w.script("window.__e2eKeys = 0; addEventListener('keydown', () => window.__e2eKeys++, true); return true")
        .await
        .unwrap();
}

async fn keys_in_app(w: &Wallet) -> u64 {
    w.script("return window.__e2eKeys").await.unwrap().as_u64().expect("the key counter is installed")
}

/// The desktop's screen lock turning on, as the screen saver announces it on the app's session bus.
async fn lock_the_screen(w: &Wallet) {
    let app = w.processes().into_iter().find(|(_, name)| name == "machines-wallet").expect("the app runs").0;
    let bus = leaks::environment_value(app, "DBUS_SESSION_BUS_ADDRESS").unwrap();
    let path = "/org/freedesktop/ScreenSaver";
    let signal = "org.freedesktop.ScreenSaver.ActiveChanged";
    let sent = tokio::process::Command::new("dbus-send")
        .args([&format!("--bus={bus}"), "--type=signal", path, signal, "boolean:true"])
        .status()
        .await
        .unwrap();
    assert!(sent.success(), "dbus-send could not announce the screen lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, openbox, tauri-driver, Chromium and ChromeDriver: scripts/test runs it"]
async fn escape_the_own_window_and_the_screen_lock_each_stop_a_fill_before_a_key_is_typed() {
    let d = Desk::open("fill-stopped").await;
    let checkout = Checkout::Plain;
    let number = checkout.fields().number;
    let w = &d.w;

    // Escape during the countdown, pressed in Chromium (the app takes Escape from every window while a
    // fill is under way): nothing is typed, then or after the countdown would have ended.
    d.chromium.open(&d.pages.url(checkout)).await.unwrap();
    d.press_fill().await;
    d.click_into_page(&number).await;
    d.wait_for_countdown().await;
    w.display.press("Escape").await.unwrap();
    let stopped = d.wait_for_dialog(|m| !m.starts_with("Typing into"), Duration::from_secs(5)).await;
    assert_eq!(stopped, "Nothing more was typed.");
    assert_eq!(w.text_of("dialog[open] #fill-title").await.unwrap(), "Fill cancelled");
    w.shot("cancelled-by-escape").await.unwrap();
    tokio::time::sleep(START_DELAY + Duration::from_secs(1)).await;
    assert_eq!(d.chromium.value(&number).await.unwrap(), "", "nothing was typed into the page");
    w.click("//dialog[@open]//button[normalize-space(.) = 'Close']").await.unwrap();

    // Fill pressed while the app's own window stays the active one: it waits for a click elsewhere and
    // types nothing, not into its own window (no key reaches its page) and not into Chromium.
    d.chromium.open(&d.pages.url(checkout)).await.unwrap();
    d.chromium.click_into(&number).await.unwrap();
    count_keys_in_app(w).await;
    d.press_fill().await;
    tokio::time::sleep(START_DELAY * 2).await;
    assert_eq!(w.display.active_window().await.unwrap().as_deref(), Some(d.app_window.as_str()));
    assert_eq!(d.dialog_message().await.as_deref(), Some("Click into the card-number field of the checkout page."));
    assert_eq!(keys_in_app(w).await, 0, "no key reached the app's own page");
    assert_eq!(d.chromium.value(&number).await.unwrap(), "", "nothing was typed into the page");
    // Escape, pressed in the app's window, cancels (the app holds Escape while a fill is armed, so it never
    // reaches the page); a key pressed after that does reach the page, and the counter sees it (so it would
    // have seen the card's).
    w.display.press("Escape").await.unwrap();
    assert_eq!(
        d.wait_for_dialog(|m| !m.starts_with("Click into"), Duration::from_secs(5)).await,
        "Nothing more was typed."
    );
    assert_eq!(keys_in_app(w).await, 0, "Escape went to the app, not its page");
    w.display.press("shift").await.unwrap();
    assert_eq!(keys_in_app(w).await, 1, "the counter sees the one key pressed in the app's window");
    w.click("//dialog[@open]//button[normalize-space(.) = 'Close']").await.unwrap();

    // The screen locked while the fill waits for a click (the person walks away; the Fill dialog is modal,
    // so the app's own Lock button is out of reach): the app locks and the fill is over. A click into the
    // page after it types nothing, and after unlocking nothing is under way.
    d.press_fill().await;
    lock_the_screen(w).await;
    w.wait_for_text("Machines Wallet is locked").await.unwrap();
    d.click_into_page(&number).await;
    tokio::time::sleep(START_DELAY * 2).await;
    assert_eq!(d.chromium.value(&number).await.unwrap(), "", "nothing was typed into the page while locked");
    w.display.activate(&d.app_window).await.unwrap();
    steps::unlock(w).await.unwrap();
    w.wait_for_css(&d.card_scope(), Duration::from_secs(20)).await.unwrap();
    let after = d.dialog_message().await;
    assert!(
        !after.as_deref().is_some_and(|m| m.starts_with("Click into") || m.starts_with("Typing into")),
        "no fill is under way after unlocking: {after:?}"
    );
    d.w.display.activate(&d.browser_window).await.unwrap();
    tokio::time::sleep(START_DELAY * 2).await;
    assert_eq!(d.chromium.value(&number).await.unwrap(), "", "nothing was typed into the page after unlocking");

    // None of the three typed a key, so the activity log has no fill in it.
    let log = d.activity_log().await;
    assert!(!log.iter().any(|l| l.starts_with("Typed ") || l.starts_with("Stopped typing")), "{log:#?}");
    assert_eq!(w.display.clipboard().await.unwrap(), None);
    d.close().await;
}

/// A test card number (Stripe's), for the pages' own check: no card of the app's.
const TEST_NUMBER: &str = "4242424242424242";

/// The pages, typed into with real keystrokes (xdotool's XTEST, the same path the app's typing takes) and
/// read back through ChromeDriver: what the fill tests below trust. The plain, selects and iframes pages
/// take a number, Tab, expiry, Tab, CVC; the auto-advance page moves the focus by itself, so a Tab sent
/// after its 16th digit lands past the expiry, which is why a fill there goes one field per press.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, openbox, xdotool, Chromium and ChromeDriver: scripts/test runs it"]
async fn checkout_pages_take_real_keystrokes_as_the_checkouts_they_stand_for() {
    let marker = format!("checkout-pages-{}", std::process::id());
    let display = Display::start(&marker).await.unwrap();
    let wm = WindowManager::start(&display).await.unwrap();
    let pages = CheckoutPages::start().await.unwrap();
    let chromium = Chromium::start(&display).await.unwrap();
    let window = chromium.window(&display).await.unwrap();

    for checkout in Checkout::ALL {
        chromium.open(&pages.url(checkout)).await.unwrap();
        let fields = checkout.fields();
        if checkout == Checkout::Iframes {
            // The provider's frames are another site: the shop's page cannot reach into them.
            let reachable = "return [...document.querySelectorAll('iframe')].map(f => f.contentDocument !== null)";
            let reachable = chromium.client().unwrap().execute(reachable, vec![]).await.unwrap();
            assert_eq!(reachable, serde_json::json!([false, false]), "two cross-site frames");
        }
        chromium.click_into(&fields.number).await.unwrap();
        display.activate(&window).await.unwrap();
        let title = display.window_title(&window).await.unwrap();
        assert!(title.starts_with(checkout.title()), "Chromium's window is titled after the page: {title:?}");
        assert_eq!(display.active_window().await.unwrap().as_deref(), Some(window.as_str()));

        match checkout {
            Checkout::AutoAdvance => {
                display.type_text(TEST_NUMBER, 25).await.unwrap();
                assert_eq!(chromium.focused().await.unwrap(), "expiry", "the page moved on after 16 digits");
                display.type_text("05/27", 25).await.unwrap();
                assert_eq!(chromium.focused().await.unwrap(), "cvc", "and after a whole MM/YY");
                display.type_text("123", 25).await.unwrap();
            }
            Checkout::Selects => display.type_text(&format!("{TEST_NUMBER}\t05\t27\t123"), 40).await.unwrap(),
            Checkout::Plain | Checkout::Iframes => {
                display.type_text(&format!("{TEST_NUMBER}\t05/27\t123"), 40).await.unwrap()
            }
        }
        // Typed and read back: exactly the digits (a page that groups them adds its spaces).
        let number = chromium.value(&fields.number).await.unwrap();
        assert_eq!(number.replace(' ', ""), TEST_NUMBER, "{checkout:?}: the number field holds {number:?}");
        match fields.expiry {
            ExpiryFields::One(expiry) => assert_eq!(chromium.value(&expiry).await.unwrap(), "05/27", "{checkout:?}"),
            ExpiryFields::MonthYear(month, year) => {
                assert_eq!(chromium.value(&month).await.unwrap(), "05", "{checkout:?}: the month select");
                assert_eq!(chromium.value(&year).await.unwrap(), "27", "{checkout:?}: the year select");
            }
        }
        assert_eq!(chromium.value(&fields.cvc).await.unwrap(), "123", "{checkout:?}");
        assert!(!chromium.submitted().await.unwrap(), "{checkout:?}: nothing submitted the form");
    }

    // The auto-advance page again, typed as a sequence fill with Tabs would type it: the Tab after the
    // number goes from the expiry (where the page had put the focus) on to the CVC.
    chromium.open(&pages.url(Checkout::AutoAdvance)).await.unwrap();
    chromium.click_into(&Checkout::AutoAdvance.fields().number).await.unwrap();
    display.activate(&window).await.unwrap();
    display.type_text(&format!("{TEST_NUMBER}\t"), 25).await.unwrap();
    assert_eq!(chromium.focused().await.unwrap(), "cvc", "a Tab after the 16th digit skips the expiry");

    chromium.quit().await.unwrap();
    wm.stop().await.unwrap();
}
