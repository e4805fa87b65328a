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
