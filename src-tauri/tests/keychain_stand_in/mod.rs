//! The app's commands (mock runtime, real capabilities) over a keychain the test controls: `keyring`'s
//! default store replaced by a stand-in, and an app with no environment overrides, so the partner key is
//! read from that keychain as it is in Sandbox, Production or Custom.

#![allow(dead_code)] // each test file uses the parts it needs

use machines_api::config::Overrides;
use machines_wallet::state::AppState;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;
use wallet_core::settings::Settings;

/// The app with `settings` and no overrides; `adjust` has a say in its state.
pub fn app(
    settings: Settings,
    adjust: impl FnOnce(AppState) -> AppState,
) -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    app_with(settings, Overrides::default(), adjust)
}

/// The app with `settings` and these environment overrides.
pub fn app_with(
    settings: Settings,
    overrides: Overrides,
    adjust: impl FnOnce(AppState) -> AppState,
) -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let mut context = tauri::generate_context!(test = true);
    context.config_mut().app.windows.clear();
    let app = mock_builder()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(machines_wallet::commands_for!(MockRuntime).invoke_handler())
        .build(context)
        .unwrap();
    app.manage(adjust(AppState::new(settings, Vec::new(), overrides)));
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    (app, webview)
}

/// One command through the IPC, as the UI calls it (callable from any thread).
pub fn call(webview: &tauri::WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
}
