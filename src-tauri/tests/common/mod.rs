//! The harness for driving the app's commands through Tauri's IPC (mock runtime, real capabilities and
//! ACL) against a simulator.

#![allow(dead_code)] // each test file uses the parts it needs

use machines_api::config::Overrides;
use machines_api::{BaseUrl, PartnerKey};
use machines_wallet::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;
use wallet_core::settings::Settings;

pub struct Harness {
    pub webview: tauri::WebviewWindow<MockRuntime>,
    pub transcript: Vec<String>,
}

impl Harness {
    pub fn call(&mut self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.call_from("tauri://localhost", cmd, args)
    }

    pub fn call_from(&mut self, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let result = get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().unwrap());
        let text = match &result {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.transcript.push(format!("{cmd}: {text}"));
        result
    }
}

pub fn harness(sim: &machines_sim::SimHandle) -> (tauri::App<MockRuntime>, Harness) {
    harness_with(sim, |state| state)
}

/// The harness, with a say in the app state before it is managed (another clipboard, say).
pub fn harness_with(
    sim: &machines_sim::SimHandle,
    adjust: impl FnOnce(AppState) -> AppState,
) -> (tauri::App<MockRuntime>, Harness) {
    harness_at(&sim.base_url(), sim.partner_key(), adjust)
}

/// The harness against a simulator anywhere (one in a process of its own, say), by its base URL and key.
pub fn harness_at(
    base_url: &str,
    partner_key: &str,
    adjust: impl FnOnce(AppState) -> AppState,
) -> (tauri::App<MockRuntime>, Harness) {
    let overrides = Overrides {
        base_url: Some(BaseUrl::parse(base_url).unwrap()),
        partner_key: Some(PartnerKey::parse(partner_key).unwrap()),
    };
    harness_of(|_| {
        adjust(AppState::new(Settings::default(), Vec::new(), overrides).with_gate(set_up_gate(None), false))
    })
}

/// The app as it starts for real: state read by `load_state` from its data folder (settings store, Demo's
/// saved state), so Demo mode runs its own simulator. The data folder follows `XDG_DATA_HOME`.
pub fn demo_harness() -> (tauri::App<MockRuntime>, Harness) {
    harness_of(machines_wallet::load_state)
}

fn harness_of(state: impl FnOnce(&tauri::App<MockRuntime>) -> AppState) -> (tauri::App<MockRuntime>, Harness) {
    // The harness makes the `main` window itself; the config's would clash with it once the app runs.
    let mut context = tauri::generate_context!(test = true);
    context.config_mut().app.windows.clear();
    let app = mock_builder()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(machines_wallet::commands_for!(MockRuntime).invoke_handler())
        .build(context)
        .unwrap();
    let state = state(&app);
    app.manage(state);
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    (app, Harness { webview, transcript: Vec::new() })
}

/// The wallet address the tests set users up with.
pub const WALLET: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

/// Sets `user` up through the `start` command, with [`WALLET`] and no label.
pub fn start(h: &mut Harness, user: &str) {
    h.call("start", json!({"userId": user, "walletAddress": WALLET, "walletLabel": null})).unwrap();
}

/// A user who is approved and has accepted, set up through the commands.
pub fn ready(h: &mut Harness, sim: &machines_sim::SimHandle, user: &str) {
    start(h, user);
    sim.set_kyc(user, machines_sim::KycStatus::Approved).unwrap();
    h.call("accept_agreements", json!({})).unwrap();
}

/// A clipboard the test can read (also after the app is gone: it outlives the app, as a clipboard
/// manager or another OS's clipboard would).
#[derive(Clone, Default)]
pub struct Outliving(pub std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl wallet_core::clipboard::Clipboard for Outliving {
    fn write_secret(&mut self, text: &str) -> Result<(), wallet_core::clipboard::ClipboardError> {
        *self.0.lock().unwrap() = Some(text.to_owned());
        Ok(())
    }
    fn read_text(&mut self) -> Result<Option<zeroize::Zeroizing<String>>, wallet_core::clipboard::ClipboardError> {
        Ok(self.0.lock().unwrap().clone().map(zeroize::Zeroizing::new))
    }
    fn clear(&mut self) -> Result<(), wallet_core::clipboard::ClipboardError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

/// A ready user (approved, agreements accepted) in the harness, over a clipboard the test reads back.
/// Fields drop in order: the app before the simulator, the simulator before its runtime.
pub struct ReadyWithBoard {
    pub h: Harness,
    pub app: tauri::App<MockRuntime>,
    pub board: Outliving,
    pub sim: machines_sim::SimHandle,
    pub runtime: tokio::runtime::Runtime,
}

pub fn ready_with_board(user: &str) -> ReadyWithBoard {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(machines_sim::Simulator::start(machines_sim::SimConfig::instant())).unwrap();
    let board = Outliving::default();
    let given = board.clone();
    let (app, mut h) = harness_with(&sim, move |state| state.with_clipboard(Box::new(given)));
    ready(&mut h, &sim, user);
    ReadyWithBoard { h, app, board, sim, runtime }
}

/// The unlock passphrase of every harness that runs outside Demo.
pub const PASSPHRASE: &str = "correct horse battery";

/// The unlock credential's hash in memory: the keychain is tested on its own (`keychain.rs`) under a
/// real Secret Service, which plain `cargo test` does not have.
#[derive(Clone, Default)]
pub struct MemoryCredential(pub std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl machines_wallet::unlock::CredentialStore for MemoryCredential {
    fn load(&self) -> Result<Option<String>, wallet_core::error::UiError> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn store(&self, phc: &str) -> Result<(), wallet_core::error::UiError> {
        *self.0.lock().unwrap() = Some(phc.to_owned());
        Ok(())
    }
    fn forget(&self) -> Result<(), wallet_core::error::UiError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

/// A gate as a person leaves it who set `PASSPHRASE` just now (its files in `data_dir`, if given).
pub fn set_up_gate(data_dir: Option<std::path::PathBuf>) -> machines_wallet::unlock::Gate {
    let gate = machines_wallet::unlock::Gate::new(std::sync::Arc::new(MemoryCredential::default()), data_dir);
    // Its own thread and runtime: some callers are already inside one.
    std::thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(gate.set(PASSPHRASE.into(), PASSPHRASE.into())).unwrap();
        gate
    })
    .join()
    .unwrap()
}

/// The app in Demo mode (its own simulator, kept in memory), with a say in the state before it is managed.
pub fn demo_harness_with(adjust: impl FnOnce(AppState) -> AppState) -> (tauri::App<MockRuntime>, Harness) {
    harness_of(|_| adjust(AppState::new(Settings::default(), Vec::new(), Overrides::default())))
}

/// The app in Partner sign-in mode: no partner key anywhere (no overrides, nothing in a keychain), the
/// partner's sign-in given, unlocked with [`PASSPHRASE`] set. `adjust` has a say before it is managed.
pub fn partner_harness(
    partner: machines_wallet::state::PartnerSignIn,
    settings: Settings,
    adjust: impl FnOnce(AppState) -> AppState,
) -> (tauri::App<MockRuntime>, Harness) {
    harness_of(|_| {
        adjust(
            AppState::new(settings, Vec::new(), Overrides::default())
                .with_partner(Some(partner))
                .with_gate(set_up_gate(None), false),
        )
    })
}

/// The app as it starts for real (`load_state_from`: settings store, partner file), reading the
/// environment through `lookup` instead of the process's. The data folder follows `XDG_DATA_HOME`.
pub fn loaded_harness(lookup: impl Fn(&str) -> Option<String>) -> (tauri::App<MockRuntime>, Harness) {
    harness_of(|app| machines_wallet::load_state_from(app, lookup))
}
