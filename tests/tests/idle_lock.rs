//! The idle lock in the real window: after the configured minute with nothing done, the lock screen
//! appears by itself. The core locks on its idle timer and tells the page down the lock channel; the page
//! asks nothing on a timer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use machines_wallet_e2e::{steps, Launch};

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver; a minute of waiting"]
async fn after_a_minute_idle_the_lock_screen_appears_by_itself() {
    let w = Launch::new("idle-lock").start().await.unwrap();
    steps::set_up(&w, "idle@example.com").await.unwrap();
    w.wait_for_text("Verify your identity").await.unwrap();
    w.click_button_in("//header", "Settings").await.unwrap();
    w.fill("settings-idle", "1").await.unwrap();
    w.click_button("Save settings").await.unwrap();
    w.wait_for_text("Settings saved").await.unwrap();

    // Nothing more is done. The core checks for idleness every 5 s.
    w.wait_for_text_within("Machines Wallet is locked", Duration::from_secs(80)).await.unwrap();
    w.shot("locked-when-idle").await.unwrap();
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
