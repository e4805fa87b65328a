//! The desktop notifications the app sends, read off its own session bus the way the desktop's
//! notification service receives them: `dbus-monitor` on the launch's private bus records every
//! `org.freedesktop.Notifications.Notify` call (summary and body), whether or not a service shows it.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::AsyncBufReadExt;
use tokio::process::{Child, Command};

use crate::{Failure, Result};

/// One notification as sent: its summary (the title) and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub summary: String,
    pub body: String,
}

/// A running `dbus-monitor` and what it has read so far; stops when dropped.
pub struct NotificationMonitor {
    _monitor: Child,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl NotificationMonitor {
    /// Starts watching the bus at `bus_address` (the app's `DBUS_SESSION_BUS_ADDRESS`).
    pub async fn start(bus_address: &str) -> Result<Self> {
        let mut monitor = Command::new("dbus-monitor")
            .args([
                "--address",
                bus_address,
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::new(format!("could not start dbus-monitor (Debian: dbus-bin): {e}")))?;
        let stdout = monitor.stdout.take().ok_or_else(|| Failure::new("dbus-monitor gave no stdout"))?;
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = sent.clone();
        tokio::spawn(async move {
            // Notify's arguments print one a line: app_name, replaces_id, app_icon, summary, body, actions,
            // hints, timeout. The strings at the top level of a call are the first, third, fourth and fifth.
            let mut lines = tokio::io::BufReader::new(stdout).lines();
            let mut strings: Option<Vec<String>> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("method call") && line.contains("member=Notify") {
                    strings = Some(Vec::new());
                } else if let Some(found) = strings.as_mut() {
                    if let Some(text) = line.strip_prefix("   string \"").and_then(|t| t.strip_suffix('"')) {
                        found.push(text.to_owned());
                        if found.len() == 4 {
                            let sent = Sent { summary: found[2].clone(), body: found[3].clone() };
                            record.lock().unwrap_or_else(PoisonError::into_inner).push(sent);
                            strings = None;
                        }
                    }
                }
            }
        });
        // The monitor is on the bus once it has said hello; a notification sent before would be missed.
        tokio::time::sleep(Duration::from_millis(500)).await;
        Ok(Self { _monitor: monitor, sent })
    }

    /// Waits until a notification whose summary or body contains `needle` was sent, and answers it.
    pub async fn wait_for(&self, needle: &str, within: Duration) -> Result<Sent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let sent = self.sent();
            if let Some(found) = sent.iter().find(|s| s.summary.contains(needle) || s.body.contains(needle)) {
                return Ok(found.clone());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Failure::new(format!("no notification with {needle:?} within {within:?}; sent: {sent:?}")));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Every notification sent since the monitor started.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
