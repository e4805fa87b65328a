//! One launch of a release app in a given home, without WebDriver: its stdout report lines
//! (`MACHINES_WALLET_REPORT_READY`: `ready`, `ready cards <n>`, `painted <list> <ms>`), each with the time
//! since the process started, and a stop that leaves none of its processes behind (a second instance would
//! otherwise hand over to the first and exit).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::memory::process_tree;

/// A report line and when it arrived, from the process's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at: Duration,
    pub text: String,
}

impl Line {
    /// The number after `prefix` (`ready cards 1000` → 1000, `painted cards 12.5` → 12.5).
    pub fn number_after(&self, prefix: &str) -> Option<f64> {
        self.text.strip_prefix(prefix)?.trim().parse().ok()
    }
}

/// A running app.
pub struct AppRun {
    child: Child,
    lines: mpsc::Receiver<Line>,
    seen: Vec<Line>,
}

impl AppRun {
    /// Starts `app` with `home` as its home and data folders, its report lines on, no API override, and
    /// `env` on top.
    pub fn start(app: &Path, home: &Path, env: &[(&str, &str)]) -> Result<Self, String> {
        let started = Instant::now();
        let mut child = Command::new(app)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("MACHINES_WALLET_REPORT_READY", "1")
            .env_remove("MACHINES_API_URL")
            .env_remove("MACHINES_PARTNER_KEY")
            .env_remove("WEBKIT_DISABLE_COMPOSITING_MODE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", app.display()))?;
        let stdout = child.stdout.take().ok_or("the app has no stdout")?;
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for text in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(Line { at: started.elapsed(), text: text.trim().to_owned() }).is_err() {
                    return;
                }
            }
        });
        Ok(Self { child, lines, seen: Vec::new() })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The first line that is `word`, alone or followed by a number (`ready`; `ready cards 3` is not `ready`
    /// but `ready cards`), already printed or printed within `within`; `None` if none came in time or the
    /// app ended first.
    pub fn line(&mut self, word: &str, within: Duration) -> Option<Line> {
        let deadline = Instant::now() + within;
        let matches = |text: &str| {
            text.strip_prefix(word).is_some_and(|rest| rest.is_empty() || rest.trim().parse::<f64>().is_ok())
        };
        loop {
            if let Some(line) = self.seen.iter().find(|l| matches(&l.text)) {
                return Some(line.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => return None,
            }
        }
    }

    /// Every line printed so far that starts with `prefix`, in order.
    pub fn lines(&mut self, prefix: &str) -> Vec<Line> {
        self.seen.extend(self.lines.try_iter());
        self.seen.iter().filter(|l| l.text.starts_with(prefix)).cloned().collect()
    }

    /// Asks the app and its processes to stop, kills what is left after a few seconds, and waits until
    /// none of them is running.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let tree = process_tree(self.child.id());
        for pid in &tree {
            let _ = kill(Pid::from_raw(*pid as i32), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        for pid in tree.iter().filter(|pid| running(**pid)) {
            let _ = kill(Pid::from_raw(*pid as i32), Signal::SIGKILL);
        }
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && tree.iter().any(|pid| running(*pid)) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for AppRun {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop_now();
        }
    }
}

/// Whether `pid` is still a live process (a zombie is not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lines_are_read_with_their_numbers() {
        let line = Line { at: Duration::ZERO, text: "painted cards 12.5".into() };
        assert_eq!(line.number_after("painted cards"), Some(12.5));
        assert_eq!(line.number_after("ready cards"), None);
        let ready = Line { at: Duration::ZERO, text: "ready cards 1000".into() };
        assert_eq!(ready.number_after("ready cards"), Some(1000.0));
    }

    #[test]
    #[allow(clippy::unwrap_used)] // a test fails loudly
    fn a_process_lines_are_timed_and_it_stops() {
        let dir = std::env::temp_dir().join(format!("bench-measure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("app");
        std::fs::write(&script, "#!/bin/sh\necho \"ready cards $MACHINES_WALLET_REPORT_READY\"\nexec sleep 30\n")
            .unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let mut run = AppRun::start(&script, &dir, &[]).unwrap();
        assert!(run.line("ready", Duration::from_millis(300)).is_none(), "`ready` is not `ready cards 1`");
        let line = run.line("ready cards", Duration::from_secs(5)).unwrap();
        assert_eq!(line.number_after("ready cards"), Some(1.0), "the report lines are asked for");
        assert!(run.line("painted", Duration::from_millis(100)).is_none());
        let pid = run.pid();
        let started = Instant::now();
        run.stop();
        assert!(!running(pid) && started.elapsed() < Duration::from_secs(5), "SIGTERM ends it");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
