//! A person who starts the wallet again while it runs (from the menu, a second click) gets the wallet
//! they already have brought to the front, not a second one: the second start exits at once with
//! status 0, and one app process remains, so one clipboard guard and one idle timer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Stdio;
use std::time::Duration;

use machines_wallet_e2e::launch::artifacts_root;
use machines_wallet_e2e::window_manager::WindowManager;
use machines_wallet_e2e::Launch;

const JOURNEY: &str = "single-instance";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, Xvfb, openbox, xdotool, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn a_second_start_brings_the_first_window_back_and_exits() {
    let w = Launch::new(JOURNEY).start().await.unwrap();
    w.wait_for_text("Set up your wallet").await.unwrap();
    let wm = WindowManager::start(&w.display).await.unwrap();
    let app = app_pids(&w);
    let [app] = app.as_slice() else { panic!("one app process at the start: {app:?}") };
    let app = *app;
    let window = match w.display.windows_of_pid(app).await.unwrap().as_slice() {
        [one] => one.clone(),
        more => panic!("the app has {} visible windows: {more:?}", more.len()),
    };

    // The person minimizes the wallet: it is no longer the active window (the control for the end).
    w.display.activate(&window).await.unwrap();
    xdotool(&w, &["windowminimize", "--sync", &window]).await;
    wait_until(|| async { w.display.active_window().await.unwrap().as_deref() != Some(window.as_str()) }).await;
    assert_ne!(w.display.active_window().await.unwrap().as_deref(), Some(window.as_str()), "minimized, not active");

    // The same program again, as the same person in the same session: the first one's environment (its
    // session bus, home, display), so it finds the first one the way a second click on the menu would.
    let exe = std::fs::read_link(format!("/proc/{app}/exe")).unwrap();
    let environ = std::fs::read(format!("/proc/{app}/environ")).unwrap();
    let vars = environ.split(|b| *b == 0).filter_map(|var| {
        let var = String::from_utf8_lossy(var).into_owned();
        var.split_once('=').map(|(name, value)| (name.to_owned(), value.to_owned()))
    });
    let logs = artifacts_root().join(JOURNEY);
    let mut second = tokio::process::Command::new(&exe)
        .env_clear()
        .envs(vars)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(logs.join("second.log")).unwrap())
        .stderr(std::fs::File::create(logs.join("second.err.log")).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), second.wait()).await;
    let Ok(status) = status else {
        let running = app_pids(&w);
        panic!("the second start was still running after 10 s (app processes: {running:?})");
    };
    assert!(status.unwrap().success(), "the second start exits with status 0");

    // The first wallet is back in front, and it is the only one.
    wait_until(|| async { w.display.active_window().await.unwrap().as_deref() == Some(window.as_str()) }).await;
    assert_eq!(
        w.display.active_window().await.unwrap().as_deref(),
        Some(window.as_str()),
        "the first window is active"
    );
    assert_eq!(app_pids(&w), vec![app], "the first app is the one app process left");
    w.wait_for_text("Set up your wallet").await.unwrap();
    w.shot("brought-back").await.unwrap();

    wm.stop().await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}

/// The launch's app processes (WebKit's helpers have their own names).
fn app_pids(w: &machines_wallet_e2e::Wallet) -> Vec<i32> {
    w.processes().into_iter().filter(|(_, name)| name == "machines-wallet").map(|(pid, _)| pid).collect()
}

async fn xdotool(w: &machines_wallet_e2e::Wallet, args: &[&str]) {
    w.display.xdotool_ok(args).await.unwrap();
}

/// Waits up to 5 s for `done`; the caller asserts afterwards, with its own message.
async fn wait_until<F, Fut>(done: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline && !done().await {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
