//! The state file of a simulator that keeps its state between runs (Demo mode): reading it at start,
//! setting aside a file that cannot be used, and writing it atomically, debounced after requests and once
//! more at shutdown.
//!
//! Written by hand over `std::fs` (temporary file, `fsync`, rename, `fsync` of the folder): the whole job
//! is those four calls, and doing them ourselves keeps the order that makes a crash leave either the old
//! file or the new one, never half of one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rand::Rng;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::config::SimConfig;
use crate::sim::Sim;
use crate::snapshot;
use crate::state::State;

/// What became of the saved state when a simulator started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// Nothing to restore: no state file is configured, or there is none yet.
    Fresh,
    /// The saved state was read back.
    Restored { users: usize, cards: usize },
    /// The file could not be used (unreadable, damaged, or of an unknown version). It was moved to `to`,
    /// untouched, and the simulator started fresh.
    SetAside { to: PathBuf, reason: String },
    /// The file could not be used and could not be moved either. The simulator started fresh and does
    /// not save, so the file stays as it was.
    NotSaving { reason: String },
}

/// Where and how a simulator saves.
pub struct Saved {
    path: PathBuf,
    /// The partner whose users are saved: the first key the simulator accepts.
    partner: String,
    /// The SHA-256 of the bytes last written (or read): an unchanged state is not written again. A digest,
    /// not the bytes: a big account's state is megabytes (5 MB for 1,000 cards and 10,000 transactions)
    /// that Demo would otherwise hold twice for as long as it runs. Held for the whole of a save, so two
    /// saves cannot overtake each other and leave the older state on disk.
    last: Mutex<Option<StateDigest>>,
    enabled: AtomicBool,
}

impl Saved {
    /// Writes the state if it changed since the last write; says whether it wrote. The state is hashed as
    /// it is serialized, and serialized again into the file only when its digest changed: no copy of a
    /// big account's state is ever made in memory.
    pub fn save(&self, state: &Mutex<State>) -> io::Result<bool> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if !self.enabled.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let st = state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut hasher = Sha256::new();
        snapshot::write_to(&st, &self.partner, &mut hasher).map_err(io::Error::other)?;
        let digest: StateDigest = hasher.finalize().into();
        if *last == Some(digest) {
            return Ok(false);
        }
        write_atomic_with(&self.path, move |file| {
            let mut out = io::BufWriter::new(file);
            snapshot::write_to(&st, &self.partner, &mut out).map_err(io::Error::other)?;
            // The state is free again before the file is synced: requests need not wait for the disk.
            drop(st);
            out.flush()
        })?;
        *last = Some(digest);
        Ok(true)
    }

    /// Stops saving and removes the file: a fresh start on purpose.
    pub fn erase(&self) -> io::Result<()> {
        let _last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        self.enabled.store(false, Ordering::SeqCst);
        match fs::remove_file(&self.path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

type StateDigest = [u8; 32];

fn digest_of(bytes: &[u8]) -> StateDigest {
    Sha256::digest(bytes).into()
}

/// The starting state for `config`: read from its state file when there is one, else new.
pub fn open(config: &SimConfig) -> (State, Restored, Option<Saved>) {
    let Some(path) = &config.state_file else {
        return (State::new(&config.partner_keys, config.seed), Restored::Fresh, None);
    };
    let saved = |last: Option<StateDigest>, enabled: bool| Saved {
        path: path.clone(),
        partner: config.partner_keys.first().cloned().unwrap_or_default(),
        last: Mutex::new(last),
        enabled: AtomicBool::new(enabled),
    };
    let reason = match fs::read(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return (fresh(config), Restored::Fresh, Some(saved(None, true)));
        }
        Err(err) => format!("it could not be read ({err})"),
        Ok(bytes) => match snapshot::restore(&bytes, &config.partner_keys, rand::rng().random()) {
            Ok(state) => {
                let users = state.partners.values().map(|p| p.users.len()).sum();
                let cards = state.card_owners.len();
                return (state, Restored::Restored { users, cards }, Some(saved(Some(digest_of(&bytes)), true)));
            }
            Err(unusable) => unusable.to_string(),
        },
    };
    tracing::warn!(path = %path.display(), %reason, "the saved simulator state cannot be used");
    match move_aside(path) {
        Ok(to) => (fresh(config), Restored::SetAside { to, reason }, Some(saved(None, true))),
        Err(err) => {
            let reason = format!("{reason}, and it could not be moved aside ({err})");
            (fresh(config), Restored::NotSaving { reason }, Some(saved(None, false)))
        }
    }
}

/// A new state for a saved simulator. Its seeds are random, not `config.seed`: two installs (or a fresh
/// start after an old one) must not hand out the same ids and card numbers.
fn fresh(config: &SimConfig) -> State {
    let mut state = State::new(&config.partner_keys, rand::rng().random());
    state.card_seed = rand::rng().random();
    state
}

/// Renames `path` to `<name>.unreadable-<unix seconds>` beside it (with a counter if that is taken).
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state".to_owned());
    let seconds =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    for attempt in 0..100u32 {
        let suffix = if attempt == 0 { String::new() } else { format!("-{attempt}") };
        let to = path.with_file_name(format!("{name}.unreadable-{seconds}{suffix}"));
        if to.exists() {
            continue;
        }
        fs::rename(path, &to)?;
        return Ok(to);
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name to move it to"))
}

/// Replaces `path` with `bytes` so that a crash at any moment leaves the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// [`write_atomic`] with what `write` writes into the new file.
fn write_atomic_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    // The file holds the seed the demo cards' numbers come from: readable by its owner only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    write(&mut file)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    // The rename itself is durable only once the folder is synced. Not every platform can open a folder
    // (Windows cannot), and there the rename is as durable as the OS makes it.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Saves `sim` a moment after each request (requests come in bursts: one save per burst), until stopped.
pub async fn keep_saved(sim: Arc<Sim>, mut stopped: watch::Receiver<bool>) {
    if sim.saved.is_none() {
        return;
    }
    loop {
        tokio::select! {
            _ = sim.touched.notified() => {}
            _ = stopped.changed() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(sim.config.save_after) => {}
            _ = stopped.changed() => return,
        }
        let sim = sim.clone();
        match tokio::task::spawn_blocking(move || sim.save_now()).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(%err, "the simulator state could not be saved"),
            Err(err) => tracing::warn!(%err, "the simulator state save did not finish"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_leaves_no_temporary_and_is_private() {
        let dir = std::env::temp_dir().join(format!("machines-sim-atomic-{}", std::process::id()));
        let file = dir.join("nested").join("state.json");
        write_atomic(&file, b"first").unwrap();
        write_atomic(&file, b"second").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"second");
        let names: Vec<String> = fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["state.json"], "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let _ = fs::remove_dir_all(&dir);
    }

    /// The saver remembers what it wrote by its digest: a state that did not change is not written again,
    /// after a save or after being read from the file, and one that changed is.
    #[test]
    fn an_unchanged_state_is_not_written_again_and_a_changed_one_is() {
        let dir = std::env::temp_dir().join(format!("machines-sim-unchanged-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let file = dir.join("state.json");
        let config = SimConfig { state_file: Some(file.clone()), ..SimConfig::default() };
        let (state, restored, saved) = open(&config);
        assert!(matches!(restored, Restored::Fresh));
        let (state, saved) = (Mutex::new(state), saved.expect("a state file is configured"));
        assert!(saved.save(&state).unwrap(), "the first save writes");
        assert!(!saved.save(&state).unwrap(), "nothing changed: not written again");

        // Read back from the file, the same state is not written either; a change is.
        let (state, restored, saved) = open(&config);
        assert!(matches!(restored, Restored::Restored { .. }));
        let (state, saved) = (Mutex::new(state), saved.unwrap());
        assert!(!saved.save(&state).unwrap(), "the state read from the file is the file");
        let written = fs::read(&file).unwrap();
        state.lock().unwrap().next_tx += 1;
        assert!(saved.save(&state).unwrap(), "a changed state is written");
        assert_ne!(fs::read(&file).unwrap(), written);
        assert!(!saved.save(&state).unwrap());
        let _ = fs::remove_dir_all(&dir);
    }
}
