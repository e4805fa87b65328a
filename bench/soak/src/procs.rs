//! What one process holds, read from `/proc`: resident and proportional memory, anonymous memory, open file
//! descriptors and threads. PSS splits the pages shared between processes (libraries, shared memory) so
//! that a sum counts each page once; but it moves whenever another program on the machine maps the same
//! libraries (another WebKit app starting or ending), so the leak detector is the anonymous memory: the
//! heaps and JavaScript's, which only this process's own allocations change.

use std::path::Path;

/// Which of the app's processes a sample is for. WebKit names its helpers; the kernel cuts a command name
/// to 15 bytes, so they are told apart by prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    App,
    Web,
    Network,
    Other,
}

impl Role {
    pub fn of(command: &str) -> Self {
        if command == "machines-wallet" {
            Self::App
        } else if command.starts_with("WebKitWebProc") {
            Self::Web
        } else if command.starts_with("WebKitNetwork") {
            Self::Network
        } else {
            Self::Other
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Web => "web",
            Self::Network => "network",
            Self::Other => "other",
        }
    }
}

/// One process at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub anon_kib: u64,
    pub fds: u64,
    pub threads: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Self) {
        self.rss_kib += other.rss_kib;
        self.pss_kib += other.pss_kib;
        self.anon_kib += other.anon_kib;
        self.fds += other.fds;
        self.threads += other.threads;
    }
}

/// The usage of process `pid`, or `None` once it has gone (a sample then simply lacks it).
pub fn usage(pid: u32) -> Option<Usage> {
    let proc = Path::new("/proc").join(pid.to_string());
    let status = std::fs::read_to_string(proc.join("status")).ok()?;
    let rollup = std::fs::read_to_string(proc.join("smaps_rollup")).ok()?;
    Some(Usage {
        rss_kib: kib_field(&status, "VmRSS:")?,
        pss_kib: kib_field(&rollup, "Pss:")?,
        anon_kib: kib_field(&rollup, "Anonymous:")?,
        fds: entries(&proc.join("fd"))?,
        threads: entries(&proc.join("task"))?,
    })
}

/// `root` and every process descended from it (the app and the WebKit processes it spawned), with their
/// command names.
pub fn tree(root: u32) -> Vec<(u32, String)> {
    let all: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, parent(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?)))
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while let Some(&pid) = found.get(i) {
        found.extend(all.iter().filter(|(_, ppid)| *ppid == pid).map(|(child, _)| *child));
        i += 1;
    }
    found.into_iter().map(|pid| (pid, command(pid))).collect()
}

pub fn command(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// The parent pid in a `/proc/<pid>/stat` line: the second field after the parenthesised command name,
/// which may itself hold spaces and parentheses.
fn parent(stat: &str) -> Option<u32> {
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// A `Name:   1234 kB` line's number, from `status` or `smaps_rollup`.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.split_whitespace().next()?.parse().ok())
}

fn entries(dir: &Path) -> Option<u64> {
    Some(std::fs::read_dir(dir).ok()?.count() as u64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn webkit_helpers_are_told_apart_by_their_cut_names() {
        assert_eq!(Role::of("machines-wallet"), Role::App);
        assert_eq!(Role::of("WebKitWebProces"), Role::Web);
        assert_eq!(Role::of("WebKitNetworkPr"), Role::Network);
        assert_eq!(Role::of("xclip"), Role::Other);
    }

    #[test]
    fn the_parent_is_read_past_a_command_name_with_spaces_and_parentheses() {
        assert_eq!(parent("4242 (Web (Content) x) S 17 4242 17 0 -1"), Some(17));
        assert_eq!(parent("garbage"), None);
    }

    #[test]
    fn kib_fields_are_read_by_name_not_by_prefix_of_another() {
        let status = "VmHWM:\t  9000 kB\nVmRSS:\t  1234 kB\nRssAnon:\t 1000 kB\n";
        assert_eq!(kib_field(status, "VmRSS:"), Some(1234));
        let rollup = "Rss:  2000 kB\nPss:  1500 kB\nPss_Anon:  900 kB\n";
        assert_eq!(kib_field(rollup, "Pss:"), Some(1500));
        assert_eq!(kib_field(rollup, "Swap:"), None);
    }

    #[test]
    fn this_process_is_measured() {
        let me = usage(std::process::id()).expect("this process can read its own /proc");
        assert!(me.rss_kib > 0 && me.pss_kib > 0 && me.anon_kib > 0 && me.fds >= 3 && me.threads >= 1, "{me:?}");
        let tree = tree(std::process::id());
        assert_eq!(tree.first().map(|(pid, _)| *pid), Some(std::process::id()));
    }
}
