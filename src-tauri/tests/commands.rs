//! Every command through Tauri's IPC (mock runtime) against a real simulator on loopback: the journey
//! works command by command, errors come back as `UiError` with fields, and no response carries the
//! partner key, a session token or the national id — the card number only in the reveal a person asked for.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use common::{harness, ready};
use machines_sim::{SimConfig, Simulator};
use serde_json::json;
use tauri::Manager;

#[test]
fn the_webview_reaches_no_plugin_and_no_foreign_origin_reaches_the_commands() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    assert!(h.call("get_settings", json!({})).is_ok(), "the app's own commands are allowed");
    for (cmd, args) in [
        ("plugin:store|get", json!({"rid": 0, "key": "settings"})),
        ("plugin:store|load", json!({"path": "settings.json"})),
        ("plugin:opener|open_url", json!({"url": "https://machines.cash"})),
        ("plugin:clipboard-manager|read_text", json!({})),
    ] {
        let refused = h.call(cmd, args).unwrap_err();
        assert!(
            refused.as_str().is_some_and(|m| m.contains("not allowed") || m.contains("not found")),
            "{cmd}: {refused}"
        );
    }
    let foreign = h.call_from("https://evil.example", "get_settings", json!({})).unwrap_err();
    assert!(foreign.as_str().is_some_and(|m| m.contains("not allowed")), "{foreign}");
}

#[test]
fn a_hostile_verification_link_is_refused_with_a_message_and_never_opened() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    let user = "hostile@example.com";
    h.call(
        "start",
        json!({"userId": user, "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": null}),
    )
    .unwrap();
    let http = reqwest::blocking::Client::new();
    for (link, why) in [
        ("javascript:alert(document.cookie)", "javascript"),
        ("file:///etc/passwd", "file"),
        ("https://machines.cash.evil.example/verify", "machines.cash.evil.example"),
        ("http://machines.cash/verify", "http"),
    ] {
        let set = http
            .post(format!("{}/_sim/users/{user}/kyc", sim.origin()))
            .header(machines_sim::ADMIN_HEADER, sim.admin_secret())
            .json(&json!({"status": "needs_verification", "completionLink": link}))
            .send()
            .unwrap();
        assert!(set.status().is_success());
        let refused = h.call("open_verification", json!({})).unwrap_err();
        assert_eq!(refused["code"], json!("link_refused"), "{link}: {refused}");
        let message = refused["message"].as_str().unwrap();
        assert!(message.starts_with("This link was not opened") && message.contains(why), "{link}: {message}");
    }
}

#[test]
fn the_csp_names_no_remote_host_and_allows_no_eval() {
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json is JSON");
    let csp = config["app"]["security"]["csp"].as_str().expect("a CSP is set");
    for directive in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        for source in directive.split_whitespace().skip(1) {
            let allowed = matches!(source, "'self'" | "'unsafe-inline'" | "data:" | "ipc:" | "http://ipc.localhost");
            assert!(allowed, "{directive}: {source} is not a local source");
        }
    }
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-eval") && !csp.contains('*'), "{csp}");
    assert_eq!(config["app"]["withGlobalTauri"], json!(false));
    assert_eq!(config["app"]["security"]["freezePrototype"], json!(true));
}

#[test]
fn every_command_refuses_malformed_arguments_with_an_error_and_keeps_working() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    let junk = [
        json!({"id": 7, "what": ["number"], "values": "nope", "userId": {"a": 1}, "walletAddress": 0,
               "label": false, "limit": 12, "settings": 3, "key": null, "url": 9, "currency": [], "amount": {}}),
        json!({"id": "x".repeat(100_000), "what": "everything", "userId": "\u{0}", "walletAddress": "0x",
               "walletLabel": null, "url": "javascript:alert(1)", "key": "", "values": {"a": 1}}),
    ];
    for cmd in [
        "start",
        "kyc_check",
        "kyc_submit",
        "open_link",
        "create_deposit",
        "deposit_status",
        "demo_fund",
        "copy_deposit_address",
        "create_card",
        "lock_card",
        "unlock_card",
        "delete_card",
        "reveal_card",
        "copy_card",
        "save_settings",
        "set_partner_key",
    ] {
        for args in &junk {
            let refused = h.call(cmd, args.clone()).expect_err(cmd);
            let text = refused.to_string();
            assert!(!text.is_empty() && text.len() < 2_000, "{cmd}: a short, clear error: {text}");
        }
        assert!(h.call("get_settings", json!({})).is_ok(), "the app keeps working after {cmd}");
    }
}

#[test]
fn the_remaining_commands_and_their_errors() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);

    // Before set-up, user commands say so.
    assert_eq!(h.call("kyc_status", json!({})).unwrap_err()["code"], json!("setup"));
    h.call("start", json!({"userId": "more@example.com", "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": null})).unwrap();

    // KYC: checks come back as field problems; status and its verification link; agreements gated.
    let problems =
        h.call("kyc_check", json!({"values": {"email": "not-an-email", "birthDate": "1990-02-30"}})).unwrap();
    let fields: Vec<&str> = problems.as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"email") && fields.contains(&"birthDate") && fields.contains(&"firstName"), "{fields:?}");
    assert_eq!(h.call("kyc_status", json!({})).unwrap()["next"], json!("showForm"));
    assert_eq!(h.call("open_verification", json!({})).unwrap_err()["code"], json!("no_link"));
    let gated = h.call("agreements", json!({})).unwrap_err();
    assert_eq!((gated["code"].clone(), gated["action"].clone()), (json!("invalid_state"), json!("finishKyc")));

    // Links: anything off the allowlist is refused with a reason, before any browser is involved.
    for hostile in ["file:///etc/passwd", "javascript:alert(1)", "https://evil.example/", "http://machines.cash/"] {
        let refused = h.call("open_link", json!({"url": hostile})).unwrap_err();
        assert_eq!(refused["code"], json!("link_refused"), "{hostile}");
        assert!(refused["message"].as_str().unwrap().starts_with("This link was not opened"));
    }

    // Partner key: checked, and not needed in this session's environment (Demo is the default setting).
    let bad = h.call("set_partner_key", json!({"key": "has spaces in it"})).unwrap_err();
    assert_eq!(bad["fields"][0]["field"], json!("partnerKey"));
    assert!(!bad.to_string().contains("has spaces"), "the key is not echoed");
    assert_eq!(
        h.call("set_partner_key", json!({"key": "pk_live_abc"})).unwrap_err()["title"],
        json!("Demo needs no key")
    );
    assert_eq!(h.call("forget_partner_key", json!({})).unwrap_err()["title"], json!("Demo needs no key"));

    // Settings save (and read back), activity and hide are accepted.
    let mut settings = h.call("get_settings", json!({})).unwrap();
    settings["revealSeconds"] = json!(45);
    settings["clipboardClearSeconds"] = json!(null);
    let saved = h.call("save_settings", json!({"settings": settings})).unwrap();
    assert_eq!((saved["revealSeconds"].clone(), saved["clipboardClearSeconds"].clone()), (json!(45), json!(null)));
    assert_eq!(h.call("get_settings", json!({})).unwrap()["revealSeconds"], json!(45));
    h.call("activity", json!({})).unwrap();
    h.call("hide_card", json!({})).unwrap();

    // Unknown ids and bad arguments are clear errors, not crashes.
    let early = h.call("deposit_status", json!({"id": "cmunknown00000"})).unwrap_err();
    assert_eq!(
        (early["code"].clone(), early["action"].clone()),
        (json!("invalid_state"), json!("finishKyc")),
        "not approved yet"
    );
    assert_eq!(h.call("lock_card", json!({"id": "short"})).unwrap_err()["code"], json!("validation"));
    assert!(h.call("create_card", json!({"label": 5})).is_err(), "a malformed argument is refused");
}

#[test]
fn the_idle_lock_locks_after_the_configured_minutes_and_not_before() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (app, mut h) = harness(&sim);
    ready(&mut h, &sim, "idle@example.com");
    let state = app.state::<machines_wallet::state::AppState>();
    // Default: 10 minutes.
    state.set_idle_for(std::time::Duration::from_secs(9 * 60 + 50));
    assert!(!runtime.block_on(state.lock_if_idle()), "not yet at 9:50");
    assert!(h.call("cards", json!({})).is_ok());
    state.set_idle_for(std::time::Duration::from_secs(10 * 60));
    assert!(runtime.block_on(state.lock_if_idle()), "locked at 10:00");
    assert_eq!(h.call("cards", json!({})).unwrap_err()["code"], json!("locked"));
    assert!(!runtime.block_on(state.lock_if_idle()), "already locked");
    // Activity after unlocking starts the clock again.
    h.call("unlock_app", json!({"passphrase": common::PASSPHRASE})).unwrap();
    assert!(!runtime.block_on(state.lock_if_idle()));
}

#[test]
fn pressing_create_again_after_a_lost_answer_makes_one_card() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    ready(&mut h, &sim, "retry@example.com");

    // The server creates the card, but every answer is lost: the client's own retries run out.
    sim.inject(machines_sim::FaultRule::new(Some("POST"), "/cards", machines_sim::FaultKind::DropAfterCommit).times(4));
    let lost = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap_err();
    assert_eq!(lost["code"], json!("network"), "{lost}");
    // The person presses Create again: the same key, so the server answers with the card it made.
    let card = h.call("create_card", json!({"label": "Travel", "limit": null, "frequency": null})).unwrap();
    assert_eq!(card["label"], json!("Travel"));
    assert_eq!(sim.summary()["cards"], json!(1), "one card, not two");
    // A different request afterwards is a new card.
    h.call("create_card", json!({"label": "Groceries", "limit": null, "frequency": null})).unwrap();
    assert_eq!(sim.summary()["cards"], json!(2));
}

#[test]
fn the_journey_command_by_command_leaks_nothing() {
    // Every log line any crate writes, at the most verbose level, is kept to be scanned at the end; the
    // simulator (the stand-in server, in this process) is left out: its logs are the server's, not ours.
    let logs = Capture::default();
    let sink = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace,machines_sim=off"))
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .try_init()
        .expect("the only test that installs a subscriber");
    let data = std::env::temp_dir().join(format!("machines-wallet-commands-{}", std::process::id()));
    std::env::set_var("XDG_DATA_HOME", &data);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let partner_key = sim.partner_key().to_owned();

    let (_app, mut h) = harness(&sim);

    // Set-up: a checksum typo is a field error; then the real address.
    let typo = h.call("start", json!({"userId": "ipc@example.com", "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226e", "walletLabel": null})).unwrap_err();
    assert_eq!(typo["code"], json!("validation"), "{typo}");
    assert_eq!(typo["fields"][0]["field"], json!("walletAddress"));
    let stage = h.call("start", json!({"userId": "ipc@example.com", "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "walletLabel": "Main"})).unwrap();
    assert_eq!(stage, json!({"stage": "kycForm"}));
    let state = h.call("app_state", json!({})).unwrap();
    assert_eq!((state["userId"].clone(), state["locked"].clone()), (json!("ipc@example.com"), json!(false)));

    // KYC: the form from /kyc/values, a client-side field error, then an approval.
    let form = h.call("kyc_form", json!({})).unwrap();
    assert!(form["fields"].as_array().unwrap().iter().any(|f| f["name"] == "nationalId" && f["secret"] == json!(true)));
    let mut values = json!({
        "firstName": "Ada", "lastName": "TestApproved", "birthDate": "1990-01-01", "nationalId": "123-45-6789",
        "countryOfIssue": "US", "email": "ada@example.com", "occupation": "49-3023", "annualSalary": "50k\u{2013}99k",
        "accountPurpose": "everyday spend", "expectedMonthlyVolume": "$1k\u{2013}$5k",
        "address.line1": "123 Main St", "address.city": "New York", "address.region": "NY", "address.countryCode": "US"
    });
    let missing = h.call("kyc_submit", json!({"values": values})).unwrap_err();
    assert_eq!(missing["action"], json!("fixFields"));
    assert!(missing["fields"].as_array().unwrap().iter().any(|f| f["field"] == "address.postalCode"), "{missing}");
    values["address.postalCode"] = json!("10001");
    let kyc = h.call("kyc_submit", json!({"values": values})).unwrap();
    assert_eq!(kyc["status"], json!("approved"));

    // Agreements, then the wallet.
    assert_eq!(h.call("stage", json!({})).unwrap(), json!({"stage": "agreements"}));
    let accepted = h.call("accept_agreements", json!({})).unwrap();
    assert_eq!(accepted["accepted"], json!(true));
    assert_eq!(h.call("stage", json!({})).unwrap(), json!({"stage": "wallet"}));

    // Funding in Demo style through the simulator, then balances.
    let routes = h.call("deposit_routes", json!({})).unwrap();
    assert!(routes.as_array().unwrap().iter().any(|r| r["currency"] == "usdc"));
    let deposit = h.call("create_deposit", json!({"currency": "usdc", "network": "base"})).unwrap();
    let id = deposit["id"].as_str().unwrap().to_owned();
    let shown = h.call("deposit_status", json!({"id": id})).unwrap();
    assert!(shown["qrSvg"].as_str().unwrap().contains("<svg"));
    sim.fund_deposit(&id, 40.0).unwrap();
    let done = h.call("deposit_status", json!({"id": id})).unwrap();
    assert_eq!(done["succeeded"], json!(true));
    assert_eq!(h.call("balances", json!({})).unwrap()["spendingPower"], json!("$40.00"));
    let not_demo = h.call("demo_fund", json!({"id": id, "amount": "5"})).unwrap_err();
    assert_eq!(not_demo["code"], json!("not_demo"), "overrides point at a custom URL, not Demo");

    // Cards: create with label and limit, list, lock, reveal, delete.
    let bad_limit =
        h.call("create_card", json!({"label": "Ads", "limit": "12.345", "frequency": "perAuthorization"})).unwrap_err();
    assert_eq!(bad_limit["fields"][0]["field"], json!("limit"));
    let card = h.call("create_card", json!({"label": "Ads", "limit": "25", "frequency": "per30DayPeriod"})).unwrap();
    let card_id = card["cardId"].as_str().unwrap().to_owned();
    assert_eq!(card["limitText"], json!("$25.00 per 30 days"));
    let listed = h.call("cards", json!({})).unwrap();
    assert_eq!(listed[0]["label"], json!("Ads"));
    let locked = h.call("lock_card", json!({"id": card_id})).unwrap();
    assert_eq!((locked["status"].clone(), locked["label"].clone()), (json!("locked"), json!("Ads")), "keeps its label");
    let unlocked = h.call("unlock_card", json!({"id": card_id})).unwrap();
    assert_eq!((unlocked["status"].clone(), unlocked["label"].clone()), (json!("active"), json!("Ads")));
    let reveal = h.call("reveal_card", json!({"id": card_id})).unwrap();
    let pan: String = reveal["numberGroups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert_eq!(pan.len(), 16);
    assert!(pan.ends_with(card["last4"].as_str().unwrap()));
    h.call("delete_card", json!({"id": card_id})).unwrap();
    assert!(h.call("cards", json!({})).unwrap().as_array().unwrap().is_empty());

    // Settings: out-of-range values come back on their fields; the lock refuses work until unlocked.
    let mut settings = h.call("get_settings", json!({})).unwrap();
    settings["revealSeconds"] = json!(1);
    let refused = h.call("save_settings", json!({"settings": settings})).unwrap_err();
    assert_eq!(refused["fields"][0]["field"], json!("revealSeconds"));
    h.call("lock_app", json!({})).unwrap();
    assert_eq!(h.call("cards", json!({})).unwrap_err()["code"], json!("locked"));
    h.call("unlock_app", json!({"passphrase": common::PASSPHRASE})).unwrap();
    assert!(h.call("cards", json!({})).is_ok());

    // Nothing secret crossed IPC, except the digits of the reveal that was asked for (which also shows the
    // scan below reads the real responses).
    // A number may travel grouped ("4242","4242",…), so digits are compared with separators removed.
    let compact =
        |line: &str| line.chars().filter(|c| !matches!(c, '"' | ',' | ' ' | '-' | '[' | ']')).collect::<String>();
    assert!(h.transcript.iter().any(|l| l.starts_with("reveal_card:") && compact(l).contains(&pan)));
    for line in &h.transcript {
        assert!(!line.contains(&partner_key), "partner key in {line}");
        assert!(!line.contains("sim_"), "a session token in {line}");
        assert!(!line.contains("123-45-6789"), "the national id in {line}");
        if !line.starts_with("reveal_card:") {
            assert!(!compact(line).contains(&pan), "the card number in {line}");
        }
    }
    // The CVC travels only in the reveal; a card-secrets key (32 hex digits) never travels or is logged.
    let cvc = reveal["cvc"].as_str().unwrap().to_owned();
    assert!((3..=4).contains(&cvc.len()));
    for line in h.transcript.iter().filter(|l| !l.starts_with("reveal_card:")) {
        assert!(!line.to_lowercase().contains("cvc"), "a CVC field outside the reveal: {line}");
    }
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for text in h.transcript.iter().map(String::as_str).chain([logged.as_str()]) {
        let key_shaped = text.split(|c: char| !c.is_ascii_hexdigit()).find(|run| run.len() == 32);
        assert_eq!(key_shaped, None, "a run of 32 hex digits, the shape of a card-secrets key");
    }
    assert!(logged.contains("ipc@example.com") || logged.lines().count() > 20, "the logs were captured");
    for secret in [partner_key.as_str(), "123-45-6789", pan.as_str(), "sim_"] {
        assert!(!logged.contains(secret), "a secret in the logs: {secret}");
    }
    assert!(!compact(&logged).contains(&pan), "the card number, grouped, in the logs");
    let stored = std::fs::read_to_string(data.join("cash.machines.wallet").join("settings.json")).unwrap_or_default();
    for secret in [partner_key.as_str(), "123-45-6789", pan.as_str(), "sim_"] {
        assert!(!stored.contains(secret), "a secret in the settings store");
    }
    let _ = std::fs::remove_dir_all(&data);
}

/// A log sink the test reads back.
#[derive(Clone, Default)]
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
