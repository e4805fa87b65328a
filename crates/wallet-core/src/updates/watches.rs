//! The running watches: at most one activity watch, one KYC watch, one deposit watch (a screen shows one
//! of each) and one
//! listener of the lock (the page's, again after a reload), each with an id the UI uses to ask for a
//! check now or to stop it. Starting one replaces the one of its kind, so a page reloaded without
//! stopping its watches leaves none behind asking the server.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use machines_api::poll::{PollControl, PollPolicy};
use machines_api::UserClient;

use super::{
    watch_activity, watch_deposit, watch_kyc, ActivityUpdate, DepositUpdate, Gate, KycUpdate, LockUpdate, Pauses,
};

/// Names a running watch for the UI.
pub type WatchId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Activity,
    Kyc,
    Deposit,
    Lock,
}

type Running = HashMap<WatchId, (Kind, PollControl)>;

/// The watches and the switches that pause them. The shell keeps one for the app's life.
#[derive(Debug)]
pub struct Watches {
    pauses: Pauses,
    policy: PollPolicy,
    next: AtomicU32,
    running: Arc<Mutex<Running>>,
}

impl Watches {
    /// `locked`: whether the app starts locked.
    pub fn new(locked: bool) -> Self {
        Self {
            pauses: Pauses::new(locked),
            policy: PollPolicy::default(),
            next: AtomicU32::new(1),
            running: Arc::default(),
        }
    }

    /// The same, waiting as `policy` says between checks (tests use short waits).
    pub fn with_policy(self, policy: PollPolicy) -> Self {
        Self { policy, ..self }
    }

    pub fn pauses(&self) -> &Pauses {
        &self.pauses
    }

    /// Watches `user`'s KYC status, in place of any KYC watch already running. Must be called inside a
    /// tokio runtime.
    pub fn kyc(&self, user: Arc<UserClient>, sink: impl FnMut(KycUpdate) -> bool + Send + 'static) -> WatchId {
        self.spawn(Kind::Kyc, move |policy, control, gate| async move {
            watch_kyc(&user, &policy, &control, &gate, sink).await;
        })
    }

    /// Watches `user`'s deposit `deposit_id`, in place of any deposit watch already running. Must be
    /// called inside a tokio runtime.
    pub fn deposit(
        &self,
        user: Arc<UserClient>,
        deposit_id: String,
        sink: impl FnMut(DepositUpdate) -> bool + Send + 'static,
    ) -> WatchId {
        self.spawn(Kind::Deposit, move |policy, control, gate| async move {
            watch_deposit(&user, &deposit_id, &policy, &control, &gate, sink).await;
        })
    }

    /// Watches `user`'s transactions (times shown in `offset`), in place of any activity watch already
    /// running. Must be called inside a tokio runtime.
    pub fn activity(
        &self,
        user: Arc<UserClient>,
        offset: time::UtcOffset,
        sink: impl FnMut(ActivityUpdate) -> bool + Send + 'static,
    ) -> WatchId {
        self.spawn(Kind::Activity, move |policy, control, gate| async move {
            watch_activity(&user, offset, &policy, &control, &gate, sink).await;
        })
    }

    /// Tells `sink` each time the app locks or unlocks, in place of any listener already there.
    pub fn lock(&self, mut sink: impl FnMut(LockUpdate) -> bool + Send + 'static) -> WatchId {
        let mut changes = self.pauses.lock_changes();
        self.spawn(Kind::Lock, move |_, control, _| async move {
            loop {
                let changed = tokio::select! {
                    () = control.cancelled() => return,
                    changed = changes.next() => changed,
                };
                match changed {
                    Some(locked) if sink(LockUpdate { locked }) => {}
                    _ => return,
                }
            }
        })
    }

    /// Makes watch `id` check at once (the person pressed "check now"); `false` if it is not running
    /// (it settled, or was stopped).
    pub fn check_now(&self, id: WatchId) -> bool {
        let running = lock(&self.running);
        running.get(&id).map(|(_, control)| control.check_now()).is_some()
    }

    /// Stops watch `id` (its screen went away). Stopping one that already ended does nothing.
    pub fn stop(&self, id: WatchId) {
        if let Some((_, control)) = lock(&self.running).remove(&id) {
            control.cancel();
        }
    }

    /// Stops every status watch: the user or the connection they were started for is gone. The lock's
    /// listener stays.
    pub fn stop_all(&self) {
        lock(&self.running).retain(|_, (kind, control)| {
            let status = *kind != Kind::Lock;
            if status {
                control.cancel();
            }
            !status
        });
    }

    /// How many watches (and lock listeners) are running.
    pub fn running(&self) -> usize {
        lock(&self.running).len()
    }

    fn spawn<F, Fut>(&self, kind: Kind, run: F) -> WatchId
    where
        F: FnOnce(PollPolicy, PollControl, Gate) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let control = PollControl::new();
        {
            let mut running = lock(&self.running);
            running.retain(|_, (other, control)| {
                let same = *other == kind;
                if same {
                    control.cancel();
                }
                !same
            });
            running.insert(id, (kind, control.clone()));
        }
        let watch = run(self.policy.clone(), control, self.pauses.gate());
        let running = Arc::clone(&self.running);
        tokio::spawn(async move {
            watch.await;
            lock(&running).remove(&id);
        });
        id
    }
}

/// The map holds only cancel handles, which a panic elsewhere cannot leave half-changed, so a poisoned
/// lock is taken as it is: refusing would leave watches running that nobody could stop.
fn lock(running: &Mutex<Running>) -> MutexGuard<'_, Running> {
    running.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn the_lock_listener_hears_locks_is_replaced_by_a_new_page_and_outlives_a_sign_out() {
        let watches = Watches::new(false);
        let (tx, mut first) = mpsc::unbounded_channel();
        watches.lock(move |update| tx.send(update).is_ok());
        watches.stop_all();
        watches.pauses().set_hidden(true);
        watches.pauses().set_locked(true);
        assert_eq!(first.recv().await, Some(LockUpdate { locked: true }));

        // The page reloads and listens again: the old listener ends, and only the new one hears.
        let (tx, mut second) = mpsc::unbounded_channel();
        watches.lock(move |update| tx.send(update).is_ok());
        assert_eq!(first.recv().await, None);
        watches.pauses().set_locked(false);
        assert_eq!(second.recv().await, Some(LockUpdate { locked: false }));
        assert_eq!(watches.running(), 1);
    }
}
