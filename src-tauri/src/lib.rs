//! Machines Wallet's desktop shell: state, OS integration and typed commands over `wallet-core` and
//! `machines-api`. The web UI gets views only; the partner key and tokens never leave this process, and
//! card digits reach the webview only while a person has asked to see them.

mod clipboard;
pub mod commands;
pub mod state;
mod vault;

use std::time::Duration;

use machines_api::config::Overrides;
use tauri::Manager;
use tauri_specta::{collect_commands, Builder};
use wallet_core::settings::Settings;

use commands::{app, cards, funding, kyc, onboarding, settings};
use state::AppState;

/// Every command, for the IPC handler and the TypeScript bindings.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().commands(collect_commands![
        app::app_state,
        app::lock_app,
        app::unlock_app,
        app::activity,
        settings::get_settings,
        settings::save_settings,
        settings::set_partner_key,
        settings::forget_partner_key,
        onboarding::start,
        onboarding::stage,
        kyc::kyc_form,
        kyc::kyc_check,
        kyc::kyc_submit,
        kyc::kyc_status,
        kyc::open_verification,
        kyc::agreements,
        kyc::accept_agreements,
        kyc::open_link,
        funding::deposit_routes,
        funding::create_deposit,
        funding::deposit_status,
        funding::copy_deposit_address,
        funding::demo_fund,
        funding::balances,
        cards::cards,
        cards::create_card,
        cards::lock_card,
        cards::unlock_card,
        cards::delete_card,
        cards::reveal_card,
        cards::hide_card,
        cards::copy_card,
    ])
}

/// Reads the settings store (tolerantly) and the environment overrides.
fn load_state(app: &tauri::App) -> AppState {
    use tauri_plugin_store::StoreExt;
    let stored = app.store(settings::STORE_FILE).ok().and_then(|store| store.get(settings::STORE_KEY));
    let (settings, mut notes) = Settings::from_stored(&stored.unwrap_or(serde_json::Value::Null));
    let overrides = match Overrides::read(|name| std::env::var(name).ok()) {
        Ok(overrides) => overrides,
        Err(err) => {
            notes.push(format!("{err} The variable is ignored."));
            Overrides::default()
        }
    };
    AppState::new(settings, notes, overrides)
}

/// Locks after the configured idle time, and clears the clipboard then too.
fn start_idle_lock(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let state = handle.state::<AppState>();
            let limit = Duration::from_secs(u64::from(state.settings.lock().await.idle_lock_minutes) * 60);
            if !state.is_locked() && state.idle_for() >= limit {
                tracing::info!("idle: locking");
                state.lock().await;
            }
        }
    });
}

pub fn run() {
    let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let state = load_state(app);
            app.manage(state);
            start_idle_lock(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Destroyed = event {
                window.app_handle().state::<AppState>().clear_clipboard();
            }
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("Machines Wallet could not start: {err}");
        std::process::exit(1);
    }
}
