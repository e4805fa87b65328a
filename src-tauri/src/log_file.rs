//! The app's log: the same tracing events (secret-free fields only, as everywhere in the shell) on the
//! terminal as before, and in a file in the platform's log folder (Tauri's `app_log_dir()`, on Linux
//! `~/.local/share/cash.machines.wallet/logs`), a new file each day, the newest [`KEEP_FILES`] kept.
//!
//! The subscriber starts before Tauri does, so the plugins' own start is logged, but the log folder is
//! known only once the app exists: the file's layer sits behind a `reload` handle and is switched on in
//! `setup`. A second launch that hands over to the first (single instance) exits before `setup`, so it
//! never writes to the first one's file.

use std::path::PathBuf;
use std::sync::Mutex;

use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::{DefaultFields, Format};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, reload, Registry};

/// INFO for our own crates, WARN for everything else, unless `RUST_LOG` says otherwise.
const DEFAULT_FILTER: &str = "warn,machines_wallet=info,wallet_core=info,machines_api=info,machines_sim=info";

/// The log files' names: `machines-wallet.YYYY-MM-DD.log`.
pub const FILE_PREFIX: &str = "machines-wallet";
pub const FILE_SUFFIX: &str = "log";

/// How many daily files are kept; older ones are deleted as a new one starts.
pub const KEEP_FILES: usize = 7;
/// Lines waiting for the log file's writer thread, at most (see `Logging::write_to`).
const QUEUED_LINES: usize = 4096;

type FileLayer = fmt::Layer<Registry, DefaultFields, Format, NonBlocking>;

/// The installed subscriber's switch for the file.
pub struct Logging {
    file: reload::Handle<Option<FileLayer>, Registry>,
}

/// Installs the subscriber: the terminal now, the file once [`Logging::write_to`] is called.
pub fn init() -> Logging {
    let filter = levels(std::env::var("RUST_LOG").ok().as_deref());
    let (file, handle) = reload::Layer::new(None);
    let _ = tracing_subscriber::registry().with(file).with(fmt::layer()).with(filter).try_init();
    Logging { file: handle }
}

/// The levels to log: `RUST_LOG` when it is a list of `level`, `target=level` or `target` (trace) items, such
/// as `warn,machines_api=debug`; [`DEFAULT_FILTER`] when it is unset or not such a list. `Targets` rather than
/// tracing-subscriber's `EnvFilter`, whose span and field filters (`target[span{field=value}]=level`) no one
/// here uses and whose regex engine made the release binary bigger.
pub fn levels(rust_log: Option<&str>) -> Targets {
    let default = || DEFAULT_FILTER.parse().unwrap_or_default();
    match rust_log.map(str::parse::<Targets>) {
        Some(Ok(targets)) => targets,
        Some(Err(err)) => {
            // Printed, not logged: no subscriber exists yet.
            eprintln!("RUST_LOG is not a list of target=level items ({err}); using {DEFAULT_FILTER}");
            default()
        }
        None => default(),
    }
}

impl Logging {
    /// Starts writing to a daily file in `dir`, created if missing. A folder that cannot be had leaves the
    /// app logging to the terminal only, with one warning there: a log is never a reason not to start.
    pub fn write_to(&self, dir: Result<PathBuf, tauri::Error>) -> LogFile {
        let appender = dir.map_err(|err| err.to_string()).and_then(|dir| {
            // Made here rather than by the appender, which would also print its own line about the folder.
            std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(FILE_PREFIX)
                .filename_suffix(FILE_SUFFIX)
                .max_log_files(KEEP_FILES)
                .build(&dir)
                .map_err(|err| format!("{}: {err}", dir.display()))
        });
        let guard = match appender {
            Ok(appender) => {
                // Written on the appender's own thread: a slow disk never holds up a command. Its queue holds
                // `QUEUED_LINES` lines, not the default 128,000: the queue's slots are made up front, and
                // those were 4 MB of the app's memory for as long as it ran; a disk that falls that far
                // behind loses lines rather than holding up the app either way.
                let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                    .buffered_lines_limit(QUEUED_LINES)
                    .finish(appender);
                let layer = fmt::layer().with_ansi(false).with_writer(writer);
                match self.file.reload(Some(layer)) {
                    Ok(()) => {
                        // The file's first line at the default level, so a file is never empty.
                        tracing::info!(version = env!("CARGO_PKG_VERSION"), "Machines Wallet started");
                        Some(guard)
                    }
                    Err(err) => {
                        tracing::warn!(%err, "the log file could not be switched on; logging to the terminal only");
                        None
                    }
                }
            }
            Err(why) => {
                tracing::warn!(%why, "the log folder could not be used; logging to the terminal only");
                None
            }
        };
        LogFile(Mutex::new(guard))
    }
}

/// The file writer's guard, managed by the app for as long as it runs. The process ends without running
/// destructors (Tauri exits from its event loop), so [`LogFile::close`] is called on `RunEvent::Exit` to
/// write out what is still queued.
pub struct LogFile(Mutex<Option<WorkerGuard>>);

impl LogFile {
    /// Writes out the queued lines and stops the writer; later events reach the terminal only.
    pub fn close(&self) {
        let guard = match self.0.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        drop(guard);
    }
}
