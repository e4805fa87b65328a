//! The app starts in Demo mode in a real window, and quitting leaves no process behind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_wallet_e2e::Launch;

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn first_start_is_demo_mode_on_the_set_up_screen() {
    let wallet = Launch::new("first-start").start().await.unwrap();
    wallet.wait_for_text("Set up your wallet").await.unwrap();
    wallet.wait_for_text("DEMO").await.unwrap();
    wallet.shot("set-up").await.unwrap();
    let stuck = wallet.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
