// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First, while this process still has a single thread: the partner key is taken out of the
    // environment before any thread, webview helper or browser is started, so no child inherits it.
    let environment = machines_wallet::environment::StartEnvironment::take();
    // Also before any thread, and before WebKit starts: whether WebKit composites (see `rendering`).
    #[cfg(target_os = "linux")]
    machines_wallet::rendering::choose_before_start();
    machines_wallet::run(environment);
}
