//! The floor Machines Wallet is measured against: one window, one button, one command, built the same way.
//!
//! `BARE_WINDOW_PAGE=first-screen` shows instead a still copy of the wallet's first screen (its set-up
//! screen in Demo, `dist/first-screen.html`, with the UI's own style sheet): no script but the one that
//! reports ready, no core behind it. What that costs over the one button is what painting that screen costs
//! any app, so the start-up bench can tell the screen's share of the wallet's start from the app's.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::{WebviewUrl, WebviewWindowBuilder};

/// The variable that chooses the page, and the pages it may name.
const PAGE_VARIABLE: &str = "BARE_WINDOW_PAGE";
const PAGES: [(&str, &str); 2] = [("button", "index.html"), ("first-screen", "first-screen.html")];

/// The page is interactive: the same start-up report as the wallet's `ui_ready`.
#[tauri::command]
fn ready(app: tauri::AppHandle) {
    if std::env::var_os("MACHINES_WALLET_REPORT_READY").is_some() {
        println!("ready");
    }
    if let Some(ms) = std::env::var("MACHINES_WALLET_EXIT_AFTER_READY_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            app.exit(0);
        });
    }
}

/// The file `BARE_WINDOW_PAGE` names (the one button when it is not set).
fn page() -> Result<&'static str, String> {
    let Some(chosen) = std::env::var_os(PAGE_VARIABLE) else { return Ok(PAGES[0].1) };
    let chosen = chosen.to_string_lossy();
    PAGES.iter().find(|(name, _)| *name == chosen).map(|(_, file)| *file).ok_or_else(|| {
        let names: Vec<&str> = PAGES.iter().map(|(name, _)| *name).collect();
        format!("{PAGE_VARIABLE}={chosen:?} is not a page here; it may be one of {names:?}")
    })
}

fn main() {
    let page = page().unwrap_or_else(|err| {
        eprintln!("the bare window could not start: {err}");
        std::process::exit(2);
    });
    // The window is made here rather than by the configuration (`"create": false`) only to choose its page;
    // Tauri makes configured windows at this same point, just before `setup`.
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .setup(move |app| {
            let mut config = app.config().app.windows.first().cloned().ok_or("no window in tauri.conf.json")?;
            config.url = WebviewUrl::App(page.into());
            WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("the bare window could not start: {err}");
        std::process::exit(1);
    }
}
