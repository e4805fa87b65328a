//! The memory of an app and every process under it (WebKit's web and network processes), from `/proc`:
//! RSS, and PSS (shared pages split between the processes that map them, so two processes sharing a
//! library do not count it twice).

use std::path::Path;

/// Memory in KiB, summed over a process tree; `root_pss_kib` is the tree's first process alone (the app:
/// its Rust core and, in Demo, the simulator), so a growth can be told apart from the WebKit processes'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub root_pss_kib: u64,
}

impl Memory {
    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    pub fn pss_mib(&self) -> f64 {
        self.pss_kib as f64 / 1024.0
    }

    /// The app process's PSS.
    pub fn root_pss_mib(&self) -> f64 {
        self.root_pss_kib as f64 / 1024.0
    }

    /// The PSS of the processes under the app (WebKit's web and network processes).
    pub fn children_pss_mib(&self) -> f64 {
        self.pss_kib.saturating_sub(self.root_pss_kib) as f64 / 1024.0
    }
}

/// The memory of `root` and its descendants now.
pub fn of_tree(root: u32) -> Memory {
    let tree = process_tree(root);
    let pss = |pid: &u32| field_kib(format!("/proc/{pid}/smaps_rollup"), "Pss:");
    Memory {
        rss_kib: tree.iter().map(|pid| field_kib(format!("/proc/{pid}/status"), "VmRSS:")).sum(),
        pss_kib: tree.iter().map(pss).sum(),
        root_pss_kib: pss(&root),
    }
}

/// `root` and every process descended from it.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, parent_of(pid)?)))
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// The parent of `pid`, read after the parenthesised command name (which may itself hold spaces).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// The processes named `name` (`/proc/<pid>/comm`, at most 15 characters).
pub fn named(name: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == name))
        .collect()
}

fn field_kib(path: impl AsRef<Path>, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_memory_and_is_in_its_own_tree() {
        let me = std::process::id();
        assert_eq!(process_tree(me).first(), Some(&me));
        let memory = of_tree(me);
        assert!(memory.rss_kib > 0 && memory.pss_kib > 0 && memory.pss_kib <= memory.rss_kib, "{memory:?}");
    }
}
