// Declares the app's own commands so the capability can grant exactly them (and nothing else) to the
// main window. The list must match the commands registered in `src/lib.rs`; a test checks that.
const COMMANDS: &[&str] = &[
    "app_state",
    "lock_app",
    "unlock_app",
    "panic_button",
    "ui_ready",
    "ui_painted",
    "check_passphrase",
    "set_passphrase",
    "reauthenticate",
    "reset_passphrase",
    "activity_log",
    "activity",
    "get_settings",
    "save_settings",
    "set_partner_key",
    "forget_partner_key",
    "start_demo_over",
    "sign_in",
    "cancel_sign_in",
    "sign_out",
    "link_wallet",
    "start",
    "stage",
    "kyc_form",
    "kyc_check",
    "kyc_submit",
    "kyc_status",
    "open_verification",
    "agreements",
    "accept_agreements",
    "open_link",
    "deposit_routes",
    "create_deposit",
    "deposit_status",
    "copy_deposit_address",
    "demo_fund",
    "balances",
    "cards",
    "create_card",
    "lock_card",
    "unlock_card",
    "update_card",
    "delete_card",
    "reveal_card",
    "hide_card",
    "copy_card",
    "watch_kyc",
    "watch_deposit",
    "check_now",
    "stop_watch",
    "watch_lock",
    "watch_notes",
    "window_visible",
    "activity_list",
    "export_activity",
    "watch_activity",
    "fill_card",
    "cancel_fill",
    "fill_availability",
    "listen_fill",
];

fn main() {
    // The built UI is embedded at compile time; rebuild when it changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build step failed: {err}");
        std::process::exit(1);
    }
}
