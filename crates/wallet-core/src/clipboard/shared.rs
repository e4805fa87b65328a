//! The clipboard and its guard behind one lock, shared by the copy commands, the lock, the panic button,
//! quitting and the clear timer; and the timer itself, a tokio task that clears the clipboard when the
//! copy is due to go (if it still holds our value) and tries again while the clipboard cannot be reached.
//!
//! A poisoned lock (a panic while the clipboard was held) refuses a copy with an error, but never a
//! clear: clearing is the safe thing whatever state the panic left, so a clear takes the guard out of the
//! poisoned lock and goes on, after logging it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use machines_api::SecretString;

use super::{Cleared, Clipboard, ClipboardError, ClipboardGuard};
use crate::error::{ErrorCode, UiAction, UiError};

/// How often, and how many times, a clear that could not reach the clipboard is tried again: every 2 s
/// for a minute, after which the guard still keeps it pending for the next lock or quit.
pub const CLEAR_RETRY_EVERY: Duration = Duration::from_secs(2);
pub const CLEAR_RETRIES: u32 = 30;

struct Held {
    guard: ClipboardGuard,
    board: Box<dyn Clipboard + Send>,
}

/// A handle on the app's clipboard; clones share it.
#[derive(Clone)]
pub struct SharedClipboard {
    held: Arc<Mutex<Held>>,
}

/// Why nothing was copied, as the person reads it.
pub fn nothing_copied(detail: impl std::fmt::Display) -> UiError {
    UiError::new(ErrorCode::Internal, "Clipboard unavailable", format!("Nothing was copied: {detail}"), UiAction::Retry)
}

/// The time now on tokio's clock, which is the system's monotonic clock except in tests that pause it,
/// where it moves only as the test advances it; copies and the timer both read it, so a test can drive them.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

impl SharedClipboard {
    pub fn new(board: Box<dyn Clipboard + Send>) -> Self {
        Self { held: Arc::new(Mutex::new(Held { guard: ClipboardGuard::default(), board })) }
    }

    /// For clearing: the guard even out of a poisoned lock (see the module's note).
    fn held_for_clearing(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|poisoned: PoisonError<_>| {
            tracing::error!("the clipboard's lock was poisoned by an earlier panic; clearing anyway");
            poisoned.into_inner()
        })
    }

    /// Copies `value` as a secret, to be cleared `clear_after` from now (`None`: only on lock and quit),
    /// and returns when. `may_write` is asked while the clipboard is held, right before the write: Lock
    /// and Panic mark the app locked before they take the clipboard to clear it, so a copy that checks
    /// the lock here either wrote before their clear or sees the lock and writes nothing.
    pub fn copy(
        &self,
        value: &SecretString,
        clear_after: Option<Duration>,
        may_write: impl FnOnce() -> Result<(), UiError>,
    ) -> Result<Option<Instant>, UiError> {
        let mut held =
            self.held.lock().map_err(|_| nothing_copied("the clipboard is not usable after an earlier error"))?;
        may_write()?;
        let Held { guard, board } = &mut *held;
        guard.copy(board, value, now(), clear_after).map_err(nothing_copied)
    }

    /// Copies `text` that is not a card secret (a deposit address): nothing to clear later, but marked
    /// as a secret all the same, so clipboard managers keep no history of it.
    pub fn copy_plain(&self, text: &str) -> Result<(), UiError> {
        let mut held =
            self.held.lock().map_err(|_| nothing_copied("the clipboard is not usable after an earlier error"))?;
        held.board.write_secret(text).map_err(nothing_copied)
    }

    /// Clears the clipboard now if it still holds what we copied (lock, panic, quit, a changed
    /// environment). A clipboard that cannot be reached keeps the clear pending, and is logged.
    pub fn clear_if_ours(&self) {
        let mut held = self.held_for_clearing();
        let Held { guard, board } = &mut *held;
        if let Err(err) = guard.clear_if_ours(board) {
            tracing::warn!(%err, "could not clear the clipboard");
        }
    }

    /// Clears if the copy is due by now.
    fn tick(&self) -> Result<Cleared, ClipboardError> {
        let mut held = self.held_for_clearing();
        let Held { guard, board } = &mut *held;
        guard.tick(board, now())
    }

    /// Waits until `due`, then clears the clipboard if it still holds our value. A clipboard that cannot
    /// be read or cleared right then (another client holding it, say) is tried again every
    /// [`CLEAR_RETRY_EVERY`], [`CLEAR_RETRIES`] times; the guard keeps the clear pending meanwhile, so a
    /// lock or quit in between clears it too. Spawn it on the runtime: it holds no lock while it waits.
    pub async fn clear_when_due(self, due: Instant) {
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        for _ in 0..=CLEAR_RETRIES {
            match self.tick() {
                Ok(_) => return,
                Err(err) => tracing::warn!(%err, "could not clear the clipboard; trying again"),
            }
            tokio::time::sleep(CLEAR_RETRY_EVERY).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use zeroize::Zeroizing;

    /// A clipboard the test can look into after handing it over: its text, how often it was read, and
    /// how many reads are still to fail (as X11 does while another client holds the selection).
    #[derive(Clone, Default)]
    struct Fake {
        text: Arc<Mutex<Option<String>>>,
        reads: Arc<AtomicU32>,
        failures: Arc<AtomicU32>,
    }

    impl Fake {
        fn text(&self) -> Option<String> {
            self.text.lock().unwrap().clone()
        }
    }

    impl Clipboard for Fake {
        fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
            *self.text.lock().unwrap() = Some(text.to_owned());
            Ok(())
        }
        fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            if self.failures.load(Ordering::SeqCst) > 0 {
                self.failures.fetch_sub(1, Ordering::SeqCst);
                return Err(ClipboardError::Unavailable("held by another client".into()));
            }
            Ok(self.text().map(Zeroizing::new))
        }
        fn clear(&mut self) -> Result<(), ClipboardError> {
            *self.text.lock().unwrap() = None;
            Ok(())
        }
    }

    const NUMBER: &str = "4000056655665556";

    fn copied(fake: &Fake, after: u64) -> (SharedClipboard, Instant) {
        let shared = SharedClipboard::new(Box::new(fake.clone()));
        let due = shared.copy(&SecretString::from(NUMBER), Some(Duration::from_secs(after)), || Ok(())).unwrap();
        (shared, due.unwrap())
    }

    /// Lets the spawned timer run up to where it waits again.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn clears_at_the_due_time_and_not_before() {
        let fake = Fake::default();
        let (shared, due) = copied(&fake, 20);
        let timer = tokio::spawn(shared.clear_when_due(due));
        tokio::time::advance(Duration::from_millis(19_900)).await;
        settle().await;
        assert_eq!(fake.text().as_deref(), Some(NUMBER), "still there at 19.9 s");
        tokio::time::advance(Duration::from_millis(100)).await;
        settle().await;
        assert_eq!(fake.text(), None, "cleared at 20 s");
        assert!(timer.is_finished());
    }

    #[tokio::test(start_paused = true)]
    async fn retries_a_failing_clear_then_stops_once_cleared() {
        let fake = Fake::default();
        let (shared, due) = copied(&fake, 20);
        fake.failures.store(2, Ordering::SeqCst);
        let timer = tokio::spawn(shared.clear_when_due(due));
        tokio::time::advance(Duration::from_secs(20)).await;
        settle().await;
        assert_eq!((fake.reads.load(Ordering::SeqCst), fake.text().as_deref()), (1, Some(NUMBER)), "first try failed");
        tokio::time::advance(CLEAR_RETRY_EVERY).await;
        settle().await;
        assert_eq!((fake.reads.load(Ordering::SeqCst), fake.text().as_deref()), (2, Some(NUMBER)), "second failed");
        tokio::time::advance(CLEAR_RETRY_EVERY).await;
        settle().await;
        assert_eq!((fake.reads.load(Ordering::SeqCst), fake.text()), (3, None), "the third cleared it");
        assert!(timer.is_finished(), "and the timer stopped");
        tokio::time::advance(Duration::from_secs(120)).await;
        settle().await;
        assert_eq!(fake.reads.load(Ordering::SeqCst), 3, "no read after the clear");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_a_minute_but_the_clear_stays_pending_for_the_lock() {
        let fake = Fake::default();
        let (shared, due) = copied(&fake, 10);
        fake.failures.store(u32::MAX, Ordering::SeqCst);
        let timer = tokio::spawn(shared.clone().clear_when_due(due));
        tokio::time::advance(Duration::from_secs(10)).await;
        settle().await;
        // One step per retry: each wait starts when the try before it ends.
        for _ in 0..=CLEAR_RETRIES {
            tokio::time::advance(CLEAR_RETRY_EVERY).await;
            settle().await;
        }
        assert!(timer.is_finished());
        assert_eq!(fake.reads.load(Ordering::SeqCst), CLEAR_RETRIES + 1);
        fake.failures.store(0, Ordering::SeqCst);
        shared.clear_if_ours();
        assert_eq!(fake.text(), None, "the lock's clear still finds it ours");
    }

    #[tokio::test(start_paused = true)]
    async fn a_copy_something_else_replaced_is_left_alone() {
        let fake = Fake::default();
        let (shared, due) = copied(&fake, 20);
        *fake.text.lock().unwrap() = Some("a shipping address".into());
        tokio::spawn(shared.clear_when_due(due));
        tokio::time::advance(Duration::from_secs(21)).await;
        settle().await;
        assert_eq!(fake.text().as_deref(), Some("a shipping address"));
    }

    #[test]
    fn a_refused_check_writes_nothing() {
        let fake = Fake::default();
        let shared = SharedClipboard::new(Box::new(fake.clone()));
        let locked = UiError::new(ErrorCode::Locked, "Locked", "Locked.", UiAction::Dismiss);
        let refused = shared.copy(&SecretString::from(NUMBER), None, || Err(locked.clone())).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Locked);
        assert_eq!(fake.text(), None);
    }

    #[test]
    fn a_poisoned_clipboard_refuses_copies_but_still_clears() {
        let fake = Fake::default();
        let shared = SharedClipboard::new(Box::new(fake.clone()));
        shared.copy(&SecretString::from(NUMBER), None, || Ok(())).unwrap();
        let poisoner = shared.clone();
        let _ = std::thread::spawn(move || {
            let _held = poisoner.held.lock();
            panic!("a panic while the clipboard is held");
        })
        .join();
        let error = shared.copy(&SecretString::from("123"), None, || Ok(())).unwrap_err();
        assert_eq!((error.code, error.title.as_str()), (ErrorCode::Internal, "Clipboard unavailable"));
        assert!(shared.copy_plain("0xabc").is_err());
        assert_eq!(fake.text().as_deref(), Some(NUMBER), "nothing was written");
        shared.clear_if_ours();
        assert_eq!(fake.text(), None, "the clear went ahead");
    }
}
