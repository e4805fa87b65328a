//! Finding and stopping every process a launch started. Each one carries [`MARKER`] in its environment
//! (children inherit it: the driver, `WebKitWebDriver`, the app, WebKit's web and network processes), so
//! a scan of `/proc` finds them all, however they were spawned or re-parented.

use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// The environment variable that marks a launch's processes; its value is unique to the launch.
pub const MARKER: &str = "MACHINES_E2E_LAUNCH";

/// The processes (pid, command name) whose environment holds `MARKER=value`, this process excluded.
pub fn marked(value: &str) -> Vec<(i32, String)> {
    let needle = format!("{MARKER}={value}");
    let me = std::process::id() as i32;
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
                .unwrap_or(false)
        })
        .filter(|pid| !is_zombie(*pid))
        .map(|pid| (pid, command_name(pid)))
        .collect()
}

/// Asks every marked process to stop, then kills what is left after `grace`. Returns what had to be
/// killed.
pub fn stop_all(value: &str, grace: Duration) -> Vec<(i32, String)> {
    for (pid, _) in marked(value) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && !marked(value).is_empty() {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = marked(value);
    for (pid, _) in &left {
        let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
    }
    left
}

fn command_name(pid: i32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn is_zombie(pid: i32) -> bool {
    // The state is the field after the parenthesised command name, which may itself hold spaces.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(true)
}
