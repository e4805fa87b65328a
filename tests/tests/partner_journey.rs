//! A partner's end user, in the real window, with the partner's config beside the app and no partner key
//! anywhere on their machine: the unlock passphrase, "Sign in with Acme Pay" (cancelled once), the
//! provider's real login page in the browser (the stand-in fills its forms over HTTP and lands on the
//! app's loopback redirect), set-up asking only the wallet address, KYC, agreements, a deposit, a card
//! copied and revealed, sign-out back to the sign-in screen, and a second sign-in that goes straight back
//! to the card.
//!
//! Then the proof that the partner key never reached the app's side: its environment, every file under its
//! home, its keychain, its logs, every IPC answer and its process memory each hold 0 copies, and each scan
//! finds a control planted where a leak would put it. The refresh token is gone from the keychain after
//! sign-out and was never in a file, a log or an answer to the page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_wallet_e2e::answers::{kyc_answers, WALLET};
use machines_wallet_e2e::files::{files_containing, newest_app_log};
use machines_wallet_e2e::local_stack::{LocalStack, PARTNER_NAME};
use machines_wallet_e2e::theme::Theme;
use machines_wallet_e2e::window::xpath_literal;
use machines_wallet_e2e::{launch, leaks, provider_login, steps, Wallet};

const JOURNEY: &str = "partner-journey";

fn card_named(label: &str) -> String {
    format!(
        "//div[@role='listitem'][contains(@class, 'card')][.//span[contains(@class, 'name')][normalize-space(.) = {}]]",
        xpath_literal(label)
    )
}

/// A value no part of the app could make up: a copy found is the planted one.
fn control(what: &str) -> String {
    format!("e2e-control-{what}-{}", machines_sim::random_secret(""))
}

/// A screenshot in the dark theme and one in the light, for the screens this journey adds.
async fn shots(w: &Wallet, name: &str) {
    for theme in [Theme::Dark, Theme::Light] {
        w.set_theme(theme).await.unwrap();
        w.shot(&format!("{name}-{}", theme.name())).await.unwrap();
    }
}

/// The app's processes (its own and WebKit's) whose memory holds `needle`, with the count.
fn partner_key_in_memory(w: &Wallet, needle: &str) -> Vec<(i32, String, usize)> {
    let mut hits = Vec::new();
    for (pid, name) in w.processes().into_iter().filter(|(_, n)| n == "machines-wallet" || n.starts_with("WebKit")) {
        let n = leaks::in_memory(pid, needle).unwrap();
        if n > 0 {
            hits.push((pid, name, n));
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, tauri-driver, WebKitWebDriver and Node.js (oidc-provider): scripts/test runs it"]
async fn a_partners_user_signs_in_gets_a_card_and_signs_out_with_no_partner_key_on_their_side() {
    let stack = LocalStack::start().await.unwrap();
    let partner_key = stack.partner_key().to_owned();
    let (env_control, typed_control) = (control("env"), control("typed"));
    // A home the test keeps, so its files can be scanned after the app has quit.
    let home = tempfile::Builder::new().prefix("machines-e2e-partner-").tempdir().unwrap();
    let w = stack.launch(JOURNEY).in_home(home.path()).env("E2E_CONTROL", &env_control).start().await.unwrap();
    w.record_ipc().await.unwrap();

    // Partner sign-in is a real connection: the unlock passphrase comes first.
    steps::set_passphrase(&w).await.unwrap();

    // The first screen offers the partner's sign-in and names where the browser will go.
    let title = format!("Sign in with {PARTNER_NAME}");
    w.wait_for_text(&title).await.unwrap();
    let issuer = url::Url::parse(&stack.issuer).unwrap();
    w.wait_for_text(&format!("opens the sign-in page of {PARTNER_NAME} at {}", issuer.host_str().unwrap()))
        .await
        .unwrap();
    shots(&w, "sign-in").await;
    w.assert_accessible("sign-in").await.unwrap();

    // Sign in: the app waits while the person is in the browser. Cancelled first: the app stops listening
    // for the provider's answer and says so.
    w.click_button(&title).await.unwrap();
    w.wait_for_text("Waiting for you to finish signing in in your browser").await.unwrap();
    shots(&w, "sign-in-waiting").await;
    let abandoned = url::Url::parse(&w.browser.wait_for_link(1).await.unwrap()).unwrap();
    let abandoned = abandoned.query_pairs().find(|(k, _)| k == "redirect_uri").map(|(_, v)| v.into_owned()).unwrap();
    w.click_button("Cancel").await.unwrap();
    w.wait_for_text("Sign-in cancelled").await.unwrap();
    let late = reqwest::get(format!("{abandoned}?code=late&state=late")).await;
    assert!(late.is_err(), "the cancelled sign-in's loopback port is closed: {late:?}");
    w.shot("sign-in-cancelled").await.unwrap();
    w.click_button(&title).await.unwrap();
    let landing = provider_login::sign_in(&w.browser, 2, &stack.issuer, "alice", "alice-password").await.unwrap();
    assert_eq!(landing.asked("code_challenge_method").as_deref(), Some("S256"), "PKCE with S256");
    assert!(landing.asked("state").is_some_and(|s| s.len() >= 16), "a state to check the answer by");
    assert_eq!(landing.callback.host_str(), Some("127.0.0.1"), "the loopback redirect (RFC 8252)");
    assert_eq!(landing.status, 200, "the app's loopback page answered: {}", landing.page);
    assert!(landing.page.contains("You can close this tab"), "{}", landing.page);

    // Set-up asks only for the wallet: the user id comes from the gateway's link. The label is a control
    // for the memory scan: typed by the person, it crosses the IPC into the app.
    w.wait_for_text("Set up your wallet").await.unwrap();
    assert!(w.client().unwrap().find(fantoccini::Locator::Css("#setup-userId")).await.is_err(), "no account name");
    shots(&w, "partner-set-up").await;
    w.fill("setup-walletAddress", WALLET).await.unwrap();
    w.fill("setup-walletLabel", &typed_control).await.unwrap();
    w.click_button("Continue").await.unwrap();

    // KYC ("TestApproved" is approved at once), then the agreements.
    w.wait_for_text("Verify your identity").await.unwrap();
    steps::submit_kyc(&w, "TestApproved").await.unwrap();
    steps::accept_agreements(&w).await.unwrap();
    w.shot("wallet").await.unwrap();

    // A deposit address; the partner's simulator funds it by itself, and it completes.
    w.click_button("Fund").await.unwrap();
    w.click_button("Create deposit").await.unwrap();
    w.wait_for_css(".qr svg", Duration::from_secs(20)).await.unwrap();
    w.wait_for_text_within("Completed", Duration::from_secs(60)).await.unwrap();
    w.wait_for_text("$60.00").await.unwrap();
    w.shot("deposit-completed").await.unwrap();

    // A card.
    steps::new_card(&w, "Groceries", "25").await.unwrap();
    let card = card_named("Groceries");
    w.wait_for_css(&card, Duration::from_secs(20)).await.unwrap();
    w.shot("card-created").await.unwrap();

    // The refresh token, as the keychain holds it while signed in: a needle for the scans below.
    let app = w.processes().into_iter().find(|(_, name)| name == "machines-wallet").expect("the app runs").0;
    let bus = leaks::environment_value(app, "DBUS_SESSION_BUS_ADDRESS").unwrap();
    let is_sign_in = |item: &leaks::KeychainItem| item.attributes.values().any(|v| v.starts_with("signin:"));
    let items = leaks::keychain_items(&bus).await.unwrap();
    let refresh_token = items.iter().find(|i| is_sign_in(i)).map(|i| String::from_utf8_lossy(&i.secret).into_owned());
    let refresh_token = refresh_token.expect("the keychain holds the sign-in while signed in");
    assert!(refresh_token.len() >= 16, "a refresh token");

    // Process memory while signed in: the app's, and its WebKit processes' (the page, its network
    // process). The control: the label typed into set-up crossed the IPC and is kept in the app's settings.
    // Done here, before Copy, so that sign-out comes well inside the clipboard's 20 s.
    let typed_in_memory = leaks::in_memory(app, &typed_control).unwrap();
    assert!(typed_in_memory >= 1, "control: the app's memory holds the label typed into set-up");
    let memory_hits_signed_in = partner_key_in_memory(&w, &partner_key);

    // Copy number, then Reveal: the same number.
    w.click_button_in(&card, "Copy number").await.unwrap();
    let pan = steps::wait_for_clipboard(&w).await.unwrap();
    assert!(pan.len() >= 15 && pan.bytes().all(|b| b.is_ascii_digit()), "a card number: {pan:?}");
    w.click_button_in(&card, "Reveal").await.unwrap();
    w.wait_for_text("Hides in").await.unwrap();
    let shown: String = w.text_of(".digits[role='group']").await.unwrap().split_whitespace().collect();
    assert_eq!(shown, pan, "the revealed number is the copied one");
    w.shot("revealed").await.unwrap();

    // Sign out, after a question that says what it does: the card is hidden, the copied number is gone
    // from the clipboard, and the sign-in screen is back.
    w.click_button_in("//header", "Sign out").await.unwrap();
    w.wait_for_css("dialog[open]", Duration::from_secs(10)).await.unwrap();
    w.wait_for_text("Sign out?").await.unwrap();
    shots(&w, "sign-out-confirmation").await;
    assert_eq!(w.display.clipboard().await.unwrap().as_deref(), Some(pan.as_str()), "still copied before sign-out");
    assert!(w.text().await.unwrap().contains("Hides in"), "still revealed before sign-out");
    w.click_button_in("//dialog", "Sign out").await.unwrap();
    w.wait_for_text(&title).await.unwrap();
    assert_eq!(w.display.clipboard().await.unwrap(), None, "sign-out cleared the copied number");
    let html = w.html().await.unwrap();
    assert!(!html.contains(&pan) && !html.contains("Hides in"), "the revealed card is hidden: no number in the page");
    shots(&w, "signed-out").await;

    // The scans, while the app still runs. Environment: every process of the launch.
    let processes = w.processes();
    let env_hits = leaks::in_environments(&processes, &partner_key).unwrap();
    let env_control_hits = leaks::in_environments(&processes, &env_control).unwrap();
    assert!(env_control_hits.iter().any(|(pid, _, _)| *pid == app), "control: the app's environ holds E2E_CONTROL");

    // Keychain: every item on the app's bus; the sign-in's item is gone.
    let in_keychain = control("keychain");
    leaks::plant_keychain_item(&bus, "e2e control", &in_keychain).await.unwrap();
    let items = leaks::keychain_items(&bus).await.unwrap();
    let copies = |needle: &str| items.iter().filter(|i| leaks::count(&i.secret, needle.as_bytes()) > 0).count();
    assert_eq!(copies(&in_keychain), 1, "control: the planted item is found among {} items", items.len());
    let keychain_hits = (copies(&partner_key), copies(&refresh_token));
    assert!(!items.iter().any(is_sign_in), "sign-out took the sign-in out of the keychain");

    // Every IPC answer since the launch, and a planted one.
    let in_ipc = control("ipc");
    w.plant_ipc_answer(&in_ipc).await.unwrap();
    let answers = w.ipc_answers().await.unwrap();
    let answered = |needle: &str| answers.iter().filter(|a| a.contains(needle)).count();
    assert_eq!(answered(&in_ipc), 1, "control: the planted answer is among the {} recorded", answers.len());
    assert!(answered(r#""linked":"#) >= 1, "control: sign_in's own answer was recorded");

    let ipc_hits = (answered(&partner_key), answered(&refresh_token));

    // Process memory again, signed out. The control: the environment's copy on the app's stack.
    assert!(leaks::in_memory(app, &env_control).unwrap() >= 1, "control: the app's memory holds its environment");
    let memory_hits_signed_out = partner_key_in_memory(&w, &partner_key);
    // And the refresh token: sign-out dropped it, and nothing of the provider's answers is kept (no idle
    // connection with its read buffer; freed memory is wiped by the app's allocator).
    let refresh_token_in_memory = leaks::in_memory(app, &refresh_token).unwrap();

    // The same person signs in again: the wallet is linked, so the app goes straight to the card.
    w.click_button(&title).await.unwrap();
    provider_login::sign_in(&w.browser, 3, &stack.issuer, "alice", "alice-password").await.unwrap();
    w.wait_for_css(&card, Duration::from_secs(30)).await.unwrap();
    w.shot("signed-in-again").await.unwrap();

    // Files under the home and the logs, once the app has quit (and written what it writes on quitting).
    let home = home.path();
    let in_file = control("file");
    std::fs::write(home.join("data").join("e2e-control.txt"), &in_file).unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
    let file_hits = files_containing(home, &[&partner_key, &refresh_token]).unwrap();
    // Controls, after the scan for secrets: the same scan of the home finds a planted file and a line planted
    // in the app's own (non-empty, `newest_app_log` checks) log file, so the scan above read that file too.
    let app_log = newest_app_log(&launch::log_dir(home)).unwrap();
    let mut log_file = std::fs::OpenOptions::new().append(true).open(&app_log).unwrap();
    std::io::Write::write_all(&mut log_file, format!("{in_file}\n").as_bytes()).unwrap();
    let mut control_hits = files_containing(home, &[&in_file]).unwrap();
    control_hits.sort();
    let mut planted = vec![home.join("data").join("e2e-control.txt"), app_log];
    planted.sort();
    assert_eq!(control_hits, planted, "control: the planted file and the planted log line are found");
    let logs = launch::artifacts_root().join(JOURNEY);
    let log_hits = files_containing(&logs, &[&partner_key, &refresh_token]).unwrap();
    let log_control = tempfile::tempdir().unwrap();
    let mut log = std::fs::read(logs.join("app.log")).unwrap();
    assert!(!log.is_empty(), "the app logged something to scan");
    log.extend_from_slice(format!("\n{in_file}\n").as_bytes());
    std::fs::write(log_control.path().join("app.log"), log).unwrap();
    assert_eq!(files_containing(log_control.path(), &[&in_file]).unwrap().len(), 1, "control: a planted log line");

    assert!(env_hits.is_empty(), "the partner key in the environment of {env_hits:?}");
    assert_eq!(keychain_hits, (0, 0), "(partner key, refresh token) items in the keychain");
    assert_eq!(ipc_hits, (0, 0), "(partner key, refresh token) in IPC answers");
    assert!(memory_hits_signed_in.is_empty(), "the partner key in the memory of {memory_hits_signed_in:?}");
    assert!(memory_hits_signed_out.is_empty(), "the partner key in the memory of {memory_hits_signed_out:?}");
    assert_eq!(refresh_token_in_memory, 0, "copies of the refresh token in the app's memory after sign-out");
    assert!(file_hits.is_empty(), "the partner key or refresh token in the app's files: {file_hits:?}");
    assert!(log_hits.is_empty(), "the partner key or refresh token in the app's output: {log_hits:?}");
    stack.stop().await;
}

/// The access tokens' lifetime in the withdrawn sign-in's test.
const TOKEN_TTL: Duration = Duration::from_secs(15);

/// The KYC inputs and what each holds, as the page has them.
async fn kyc_values(w: &Wallet) -> Vec<(&'static str, String)> {
    let mut values = Vec::new();
    for (id, _) in kyc_answers("TestApproved") {
        values.push((id, w.value(id).await.unwrap()));
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, tauri-driver, WebKitWebDriver and Node.js (oidc-provider): scripts/test runs it"]
async fn a_withdrawn_sign_in_is_renewed_over_the_form_and_what_was_typed_stays() {
    // Access tokens that live 15 s, so that the app must go back to the provider soon after it is withdrawn.
    let mut stack = LocalStack::start_with_token_ttl(TOKEN_TTL).await.unwrap();
    let w = stack.launch("partner-sign-in-ended").start().await.unwrap();
    steps::set_passphrase(&w).await.unwrap();
    let title = format!("Sign in with {PARTNER_NAME}");
    w.click_button(&title).await.unwrap();
    provider_login::sign_in(&w.browser, 1, &stack.issuer, "bob", "bob-password").await.unwrap();
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.fill("setup-walletAddress", WALLET).await.unwrap();
    w.click_button("Continue").await.unwrap();

    // The KYC form, filled in.
    w.wait_for_text("Verify your identity").await.unwrap();
    w.wait_for_css("#kyc-firstName", Duration::from_secs(20)).await.unwrap();
    for (id, value) in kyc_answers("TestApproved") {
        w.set_field(id, &value).await.unwrap();
    }
    // A click beside the form, as a person moves on: the last input shows its choice as it settles
    // (a country code typed becomes the country's name).
    w.click("//main//h1").await.unwrap();
    let typed = kyc_values(&w).await;
    assert!(typed.iter().any(|(id, v)| *id == "kyc-firstName" && v == "Ada"), "the form holds what was typed");

    // Meanwhile the sign-in is withdrawn: the provider forgets every grant (and signs with new keys). Once
    // the app's access token has run out and the Machines sessions it holds have expired, its next call
    // needs the gateway, and so a refresh the provider refuses.
    stack.restart_provider().await.unwrap();
    tokio::time::sleep(TOKEN_TTL + Duration::from_secs(1)).await;
    assert!(stack.sim.expire_sessions() > 0, "the app held Machines sessions");

    // Submit: the app cannot renew the sign-in and says so over the form.
    w.click_button("Submit for verification").await.unwrap();
    w.wait_for_text("Your sign-in has ended").await.unwrap();
    shots(&w, "sign-in-ended").await;
    w.assert_accessible("sign-in-ended").await.unwrap();

    // Signing in again from the dialog: the browser once more, the same person, and the form as it was.
    w.click_button(&title).await.unwrap();
    let landing = provider_login::sign_in(&w.browser, 2, &stack.issuer, "bob", "bob-password").await.unwrap();
    assert_eq!(landing.status, 200, "{}", landing.page);
    w.wait_for_no_text("Your sign-in has ended", Duration::from_secs(20)).await.unwrap();
    assert_eq!(kyc_values(&w).await, typed, "every KYC input still holds what was typed");
    w.shot("signed-in-again-form-kept").await.unwrap();

    // And the same submit now goes through ("TestApproved" is approved at once).
    w.click_button("Submit for verification").await.unwrap();
    w.wait_for_text("Card agreements").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
    stack.stop().await;
}
