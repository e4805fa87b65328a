//! The floor Machines Wallet is measured against: one window, one button, one command, built the same way.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

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

fn main() {
    let result =
        tauri::Builder::default().invoke_handler(tauri::generate_handler![ready]).run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("the bare window could not start: {err}");
        std::process::exit(1);
    }
}
