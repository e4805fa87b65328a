//! The OS lock signals on a real (private) D-Bus session bus: the screen saver turning on locks, turning
//! off does not, and other interfaces' signals of the same name are ignored. Run by `scripts/test` under
//! `dbus-run-session`.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use std::time::Duration;

use futures_util::StreamExt;
use machines_wallet::os_lock::{screen_locks, OsLock};

fn emit(path: &str, interface: &str, on: bool) {
    let status = std::process::Command::new("dbus-send")
        .args(["--session", "--type=signal", path, &format!("{interface}.ActiveChanged"), &format!("boolean:{on}")])
        .status()
        .expect("dbus-send is installed by scripts/setup");
    assert!(status.success());
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus: scripts/test runs it under dbus-run-session"]
async fn the_screen_saver_turning_on_asks_for_a_lock() {
    let session = zbus::Connection::session().await.unwrap();
    let mut events = Box::pin(screen_locks(&session).await.unwrap());
    emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", false);
    emit("/org/example/Other", "org.example.Other", true);
    emit("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", true);
    let first = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap();
    assert_eq!(first, Some(OsLock::ScreenLocked), "only the GNOME screen saver's `true` counts");
    emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", true);
    let second = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap();
    assert_eq!(second, Some(OsLock::ScreenLocked));
    let nothing = tokio::time::timeout(Duration::from_millis(300), events.next()).await;
    assert!(nothing.is_err(), "no further events");
}
