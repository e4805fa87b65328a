//! Machines Wallet's desktop shell: state, OS integration and typed commands over `wallet-core` and
//! `machines-api`. The web UI gets views only; the partner key and tokens never leave this process, and
//! card digits reach the webview only while a person has asked to see them.

mod clipboard;
pub mod commands;
pub mod environment;
pub mod fill;
pub mod log_file;
#[cfg(target_os = "linux")]
pub mod os_lock;
#[cfg(target_os = "linux")]
pub mod rendering;
pub mod signals;
pub mod state;
pub mod unlock;
pub mod vault;
mod zeroing_heap;

use std::time::Duration;

use machines_api::config::Overrides;
use tauri::Manager;
use tauri_specta::Builder;
use wallet_core::partner_config;
use wallet_core::settings::Settings;
use wallet_core::signin::{BrowserError, OpenBrowser};

use commands::settings;
use state::{AppState, PartnerSignIn};

/// Every command, for the IPC handler and the TypeScript bindings, for one concrete runtime (`collect_commands!`
/// cannot name an outer generic): `tauri::Wry` in the app, the mock runtime in command tests.
#[macro_export]
macro_rules! commands_for {
    ($runtime:ty) => {
        tauri_specta::Builder::<$runtime>::new()
            .commands(tauri_specta::collect_commands![
                $crate::commands::app::app_state,
                $crate::commands::app::lock_app,
                $crate::commands::app::unlock_app,
                $crate::commands::app::activity,
                $crate::commands::app::panic_button,
                $crate::commands::app::ui_ready::<$runtime>,
                $crate::commands::app::show_window::<$runtime>,
                $crate::commands::app::ui_painted,
                $crate::commands::passphrase::check_passphrase,
                $crate::commands::passphrase::set_passphrase,
                $crate::commands::passphrase::reauthenticate,
                $crate::commands::passphrase::reset_passphrase,
                $crate::commands::passphrase::activity_log,
                $crate::commands::settings::get_settings,
                $crate::commands::settings::save_settings::<$runtime>,
                $crate::commands::settings::set_partner_key,
                $crate::commands::settings::forget_partner_key,
                $crate::commands::settings::start_demo_over::<$runtime>,
                $crate::commands::signin::sign_in::<$runtime>,
                $crate::commands::signin::cancel_sign_in,
                $crate::commands::signin::sign_out::<$runtime>,
                $crate::commands::signin::link_wallet::<$runtime>,
                $crate::commands::onboarding::start::<$runtime>,
                $crate::commands::onboarding::stage,
                $crate::commands::kyc::kyc_form,
                $crate::commands::kyc::kyc_check,
                $crate::commands::kyc::kyc_submit,
                $crate::commands::kyc::kyc_status,
                $crate::commands::kyc::open_verification::<$runtime>,
                $crate::commands::kyc::agreements,
                $crate::commands::kyc::accept_agreements,
                $crate::commands::kyc::open_link::<$runtime>,
                $crate::commands::funding::deposit_routes,
                $crate::commands::funding::create_deposit,
                $crate::commands::funding::deposit_status,
                $crate::commands::funding::copy_deposit_address,
                $crate::commands::funding::demo_fund,
                $crate::commands::funding::balances,
                $crate::commands::cards::cards,
                $crate::commands::cards::create_card,
                $crate::commands::cards::lock_card,
                $crate::commands::cards::unlock_card,
                $crate::commands::cards::update_card,
                $crate::commands::cards::delete_card,
                $crate::commands::cards::reveal_card,
                $crate::commands::cards::hide_card,
                $crate::commands::cards::copy_card,
                $crate::commands::updates::watch_kyc,
                $crate::commands::updates::watch_deposit,
                $crate::commands::updates::check_now,
                $crate::commands::updates::stop_watch,
                $crate::commands::updates::watch_lock,
                $crate::commands::updates::watch_notes,
                $crate::commands::updates::window_visible,
                $crate::commands::activity::activity_list,
                $crate::commands::activity::export_activity::<$runtime>,
                $crate::commands::activity::watch_activity::<$runtime>,
                $crate::commands::fill::fill_card,
                $crate::commands::fill::cancel_fill,
                $crate::commands::fill::fill_availability,
                $crate::commands::fill::listen_fill,
            ])
            // The Settings form's bounds, written once in wallet-core and read by the UI from the bindings.
            .constant("SETTINGS_BOUNDS", wallet_core::settings::bounds())
            .typ::<wallet_core::settings::SettingsBounds>()
            // The length limits the UI's counters show, written once in wallet-core.
            .constant("TEXT_LIMITS", wallet_core::limits::text_limits())
            .typ::<wallet_core::limits::TextLimits>()
    };
}

/// The app's commands on the real runtime.
pub fn specta_builder() -> Builder<tauri::Wry> {
    commands_for!(tauri::Wry)
}

/// Reads the settings store (tolerantly) and the environment overrides from the process environment.
pub fn load_state<R: tauri::Runtime>(app: &tauri::App<R>) -> AppState {
    load_state_from(app, |name| std::env::var(name).ok())
}

/// Reads the settings store (tolerantly) and the environment overrides through `lookup` (the app passes
/// what [`environment::StartEnvironment`] took out of the environment at start).
pub fn load_state_from<R: tauri::Runtime>(app: &tauri::App<R>, lookup: impl Fn(&str) -> Option<String>) -> AppState {
    use tauri_plugin_store::StoreExt;
    let stored = app.store(settings::STORE_FILE).ok().and_then(|store| store.get(settings::STORE_KEY));
    let first_run = stored.is_none();
    let (settings, mut notes) = Settings::from_stored(&stored.unwrap_or(serde_json::Value::Null));
    // The partner's sign-in settings, beside the app (or where `MACHINES_PARTNER_CONFIG` says).
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(std::path::Path::to_path_buf));
    let partner = match partner_config::find(&lookup, exe_dir.as_deref()) {
        partner_config::Found::Usable(config) => partner_sign_in(config, &mut notes),
        partner_config::Found::Absent => None,
        partner_config::Found::Unusable { note } => {
            notes.push(note);
            None
        }
    };
    let (settings, note) = settings.with_partner(first_run, partner.is_some());
    notes.extend(note);
    let overrides = match Overrides::read(lookup) {
        Ok(overrides) => overrides,
        Err(err) => {
            notes.push(format!("{err} The variable is ignored."));
            Overrides::default()
        }
    };
    // Outside Demo the app opens locked: the person gives their passphrase, or sets one, first. The
    // wrong-attempt record and the activity log live in the data folder.
    let real = overrides.base_url.is_some() || settings.environment != wallet_core::settings::EnvironmentSetting::Demo;
    // A real environment keeps its key and passphrase in the system keychain: a build with none (keyring's
    // mock store) is refused at start with a message, before a Save that would be lost.
    if real && !vault::keeps_keys() {
        notes.push(vault::NO_KEYCHAIN.to_owned());
    }
    let gate = unlock::Gate::new(std::sync::Arc::new(vault::KeychainCredential), app.path().app_data_dir().ok());
    // Demo's state lives beside the settings store, in the app's data folder.
    let demo_state_file = app.path().app_data_dir().ok().map(|dir| dir.join(DEMO_STATE_FILE));
    // Unanswered card creates are journaled there too, so a crash cannot make a second card.
    let intents = app.path().app_data_dir().ok().map(|dir| dir.join(INTENTS_DIR));
    AppState::new(settings, notes, overrides)
        .with_partner(partner)
        .with_gate(gate, real)
        .with_demo_state_file(demo_state_file)
        .with_intents(intents)
}

/// The partner's sign-in from its usable settings: the refresh token in the system keychain, the
/// provider's page in the system browser. A sign-in that cannot be made is a note, and no Partner mode.
fn partner_sign_in(config: partner_config::PartnerConfig, notes: &mut Vec<String>) -> Option<PartnerSignIn> {
    let store = std::sync::Arc::new(vault::KeychainRefreshTokens::new(config.keychain_account()));
    match PartnerSignIn::new(config, store, std::sync::Arc::new(SystemBrowser)) {
        Ok(partner) => Some(partner),
        Err(err) => {
            notes.push(format!("Partner sign-in is not available: {}", err.message));
            None
        }
    }
}

/// The person's own browser, through the opener plugin (`xdg-open` on Linux): RFC 8252 wants the
/// provider's page where the person's saved passwords and second factors are, not in the app's webview.
struct SystemBrowser;

impl OpenBrowser for SystemBrowser {
    fn open(&self, url: &tauri::Url) -> Result<(), BrowserError> {
        tauri_plugin_opener::open_url(url.as_str(), None::<&str>).map_err(|e| BrowserError { detail: e.to_string() })
    }
}

/// New transactions as desktop notifications, through `tauri-plugin-notification` (the freedesktop
/// notification service on Linux). A notification that cannot be shown is logged without its text.
struct DesktopNotifier(tauri::AppHandle);

impl state::Notify for DesktopNotifier {
    fn notify(&self, notice: &wallet_core::activity_view::Notice) {
        use tauri_plugin_notification::NotificationExt;
        let shown = self.0.notification().builder().title(&notice.title).body(&notice.body).show();
        if let Err(err) = shown {
            tracing::warn!(error = %err, "a transaction notification could not be shown");
        }
    }
}

/// The OS's own save dialog, through `tauri-plugin-dialog`: the person picks the folder and name, and
/// the app writes only there.
struct NativeSaveDialog(tauri::AppHandle);

impl state::SaveDialog for NativeSaveDialog {
    fn ask(
        &self,
        folder: Option<&std::path::Path>,
        file_name: &str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<std::path::PathBuf>> + Send + 'static>> {
        use tauri_plugin_dialog::DialogExt;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut dialog = self.0.dialog().file().set_file_name(file_name).add_filter("CSV", &["csv"]);
        if let Some(folder) = folder {
            dialog = dialog.set_directory(folder);
        }
        dialog.save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
        Box::pin(async move { rx.await.ok().flatten() })
    }
}

/// The folder, in the app's data folder, of card creates sent and not answered yet.
pub const INTENTS_DIR: &str = "unfinished-cards";

/// The file Demo mode keeps its simulator's state in, in the app's data folder.
pub const DEMO_STATE_FILE: &str = "demo-state.json";

/// Locks after the configured idle time, and clears the clipboard then too.
fn start_idle_lock(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            handle.state::<AppState>().lock_if_idle().await;
        }
    });
}

/// Runs the app. `environment` is what `main` took out of the process environment before any thread
/// started (see [`environment`]).
pub fn run(environment: environment::StartEnvironment) {
    let logging = log_file::init();
    let builder = specta_builder();
    let result = tauri::Builder::default()
        // First, as its documentation asks: a second launch hands over to this one and exits inside this
        // plugin's setup, before any other plugin or our `setup` starts a simulator, a clipboard guard or an
        // idle timer.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("the app was launched again; showing this window");
            show_main_window(app);
        }))
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            app.manage(logging.write_to(app.path().app_log_dir()));
            builder.mount_events(app);
            let state = load_state_from(app, |name| environment.var(name))
                .with_notifier(std::sync::Arc::new(DesktopNotifier(app.handle().clone())))
                .with_save_dialog(std::sync::Arc::new(NativeSaveDialog(app.handle().clone())));
            // Fill types on this X11 desktop: Escape and the Fill shortcut through X11 (`fill::x11_window`,
            // `fill::shortcut`).
            #[cfg(target_os = "linux")]
            let state = state.with_fill(
                std::sync::Arc::new(fill::app_desktop::AppDesktop::new(app.handle().clone())),
                state::FillTimings::default(),
            );
            app.manage(state);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move { handle.state::<AppState>().register_fill_shortcut().await });
            start_idle_lock(app.handle().clone());
            show_window_if_the_page_does_not(app.handle().clone());
            signals::quit_on_termination(app.handle().clone());
            #[cfg(target_os = "linux")]
            {
                rendering::log_choice();
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(os_lock::watch(move |reason| {
                    let handle = handle.clone();
                    tauri::async_runtime::spawn(async move {
                        tracing::info!(?reason, "the OS asked for a lock");
                        handle.state::<AppState>().lock().await;
                    });
                }));
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(on_run_event),
        Err(err) => {
            eprintln!("Machines Wallet could not start: {err}");
            std::process::exit(1);
        }
    }
}

/// How long the page has to show the window (`commands::app::show_window`) before the app shows it anyway.
/// The page asks within a few hundred milliseconds; a page that cannot (its script failed to load) must
/// still leave a window a person can see, close and report.
const PAGE_SHOWS_WINDOW_WITHIN: Duration = Duration::from_secs(3);

/// The main window is created hidden (`tauri.conf.json`; see `rendering` for why) and the page shows it.
/// If it has not by [`PAGE_SHOWS_WINDOW_WITHIN`], the app does.
fn show_window_if_the_page_does_not(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(PAGE_SHOWS_WINDOW_WITHIN).await;
        if show_main_window_once(&handle) {
            tracing::warn!("the page did not show the window; the app showed it");
        }
    });
}

/// Whether the main window has had its first showing.
static FIRST_SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The main window's first showing, by the page or by the app; says whether this call was it. Not decided
/// by the window's visibility: something else may have mapped the window itself (a WebDriver session sizing
/// it does) and left the webview inside it hidden, which only this showing (GTK's `show_all`) shows.
pub(crate) fn show_main_window_once<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> bool {
    let first = !FIRST_SHOWN.swap(true, std::sync::atomic::Ordering::SeqCst);
    if first {
        show_main_window(app);
    }
    first
}

/// Shows, unminimizes and focuses the main window: what a second launch of the app does instead of
/// opening its own, and what the Fill shortcut does before the card picker (`fill::app_desktop`).
pub(crate) fn show_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let shown = window.show().and_then(|()| window.unminimize()).and_then(|()| window.set_focus());
        if let Err(err) = shown {
            tracing::warn!(%err, "the window could not be brought to the front");
        }
    }
}

/// What the app does as it closes: the window going away or the app quitting (window closed, Quit from
/// the OS, the last window destroyed) clears the clipboard if it still holds a number we copied, so a
/// card number never outlives the app on a platform whose clipboard keeps it after its owner exits, and
/// saves Demo's state, so a restart opens where the person left off.
pub fn on_run_event<R: tauri::Runtime>(app: &tauri::AppHandle<R>, event: tauri::RunEvent) {
    let closing = matches!(
        event,
        tauri::RunEvent::Exit
            | tauri::RunEvent::WindowEvent { event: tauri::WindowEvent::Destroyed, .. }
            | tauri::RunEvent::WindowEvent { event: tauri::WindowEvent::CloseRequested { .. }, .. }
    );
    if closing {
        if let Some(state) = app.try_state::<AppState>() {
            state.clear_clipboard();
            state.save_demo();
        }
    }
    // Last: the lines above are in the log file too.
    if matches!(event, tauri::RunEvent::Exit) {
        if let Some(log) = app.try_state::<log_file::LogFile>() {
            log.close();
        }
    }
}
