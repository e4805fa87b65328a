//! What the core tells the UI without being asked: a KYC status or a deposit as it moves, the balances
//! once a deposit arrives, and the lock. The UI runs no timer of its own; the waiting is
//! `machines_api::poll` (the server's `next.pollAfterMs`, else 5 s backing off to 60 s), paused while
//! the app is locked or its window hidden ([`Pauses`]), stopped when the screen goes away.
//!
//! Updates go to a sink, a closure that answers whether anyone still listens (the shell's is a Tauri
//! channel to the webview); nothing here knows about windows.

mod activity;
mod deposit;
mod kyc;
mod notes;
mod pause;
mod watches;

use serde::Serialize;

use crate::activity_view::ActivityLine;
use crate::balances_view::BalancesView;
use crate::deposit_view::DepositView;
use crate::error::UiError;
use crate::kyc_view::KycView;

pub use activity::{watch_activity, Seen, WATCH_PAGE};
pub use deposit::watch_deposit;
pub use kyc::watch_kyc;
pub use notes::{Notes, NotesUpdate};
pub use pause::{Gate, LockChanges, Pauses};
pub use watches::{WatchId, Watches};

/// The KYC status screen's news.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum KycUpdate {
    /// A fresh status; the watch ends after a terminal one.
    Status { view: KycView },
    /// A check failed and will be tried again (a rate limit only on a check the person asked for).
    Retrying { error: UiError },
    /// A timed check met a rate limit: nothing is wrong, the next check waits this long.
    #[serde(rename_all = "camelCase")]
    SlowedDown { next_check_in_ms: u32 },
    /// The watch ended on an error that waiting cannot mend.
    Stopped { error: UiError },
}

/// The Fund screen's news about one deposit.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DepositUpdate {
    /// A fresh status; the watch ends after a terminal one.
    Status { view: DepositView },
    /// The balances, read once after the deposit completed.
    Balances { view: BalancesView },
    /// The deposit completed but the balances could not be read.
    BalancesUnavailable { error: UiError },
    /// A check failed and will be tried again.
    Retrying { error: UiError },
    /// A timed check met a rate limit: nothing is wrong, the next check waits this long.
    #[serde(rename_all = "camelCase")]
    SlowedDown { next_check_in_ms: u32 },
    /// The watch ended on an error that waiting cannot mend.
    Stopped { error: UiError },
}

/// The Activity screen's news, and the desktop notifications'.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ActivityUpdate {
    /// Transactions not seen before (each also a notification, when the setting is on) and those whose
    /// state changed (a pending spend that posted).
    Changed { new: Vec<ActivityLine>, updated: Vec<ActivityLine> },
    /// A check failed and will be tried again.
    Retrying { error: UiError },
    /// A timed check met a rate limit: nothing is wrong, the next check waits this long.
    #[serde(rename_all = "camelCase")]
    SlowedDown { next_check_in_ms: u32 },
    /// The watch ended on an error that waiting cannot mend.
    Stopped { error: UiError },
}

/// The app locked itself (idle, the OS screen lock, the panic button) or was unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LockUpdate {
    pub locked: bool,
}

/// A wait as whole milliseconds for the UI (a watch never waits more than an hour).
fn millis(wait: std::time::Duration) -> u32 {
    u32::try_from(wait.as_millis()).unwrap_or(u32::MAX)
}
