//! Searching what the app wrote (its home, its output) for values that must never be there.

use std::path::{Path, PathBuf};

use crate::{Failure, Result};

/// The files under `dir`, at any depth, whose bytes hold any of `needles`. Fails if there was no file to
/// read at all, so an empty or missing folder cannot pass for a clean one.
pub fn files_containing(dir: &Path, needles: &[&str]) -> Result<Vec<PathBuf>> {
    let mut hits = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    let mut scanned = 0;
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                scanned += 1;
                if needles.iter().any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes())) {
                    hits.push(path);
                }
            }
        }
    }
    if scanned == 0 {
        return Err(Failure::new(format!("nothing was scanned under {}", dir.display())));
    }
    Ok(hits)
}

/// The app's newest log file in `log_dir` (`machines-wallet.<date>.log`, one a day). Fails when there is
/// none or it is empty, so a scan that covers the log folder cannot pass for want of a log.
pub fn newest_app_log(log_dir: &Path) -> Result<PathBuf> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(log_dir)
        .map_err(|e| Failure::new(format!("the app's log folder {}: {e}", log_dir.display())))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("machines-wallet.")))
        .collect();
    // The date in the name sorts as text.
    logs.sort();
    let newest = logs.pop().ok_or_else(|| Failure::new(format!("no log file in {}", log_dir.display())))?;
    if std::fs::metadata(&newest)?.len() == 0 {
        return Err(Failure::new(format!("the log file {} is empty", newest.display())));
    }
    Ok(newest)
}
