//! When the watches may ask the server: not while the app is locked (a request would mint a session the
//! lock just dropped), and not while the window is hidden (nobody is reading the answer). The shell flips
//! the two switches; every watch waits on them before each check and goes on at once when they open.

use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Conditions {
    locked: bool,
    hidden: bool,
}

impl Conditions {
    fn may_poll(self) -> bool {
        !self.locked && !self.hidden
    }
}

/// The switches, held by the shell.
#[derive(Debug)]
pub struct Pauses {
    conditions: watch::Sender<Conditions>,
}

impl Pauses {
    /// `locked`: whether the app starts locked (outside Demo it does).
    pub fn new(locked: bool) -> Self {
        Self { conditions: watch::Sender::new(Conditions { locked, hidden: false }) }
    }

    pub fn set_locked(&self, locked: bool) {
        self.conditions.send_if_modified(|c| std::mem::replace(&mut c.locked, locked) != locked);
    }

    /// The window was hidden (minimised, on another workspace, covered) or shown again.
    pub fn set_hidden(&self, hidden: bool) {
        self.conditions.send_if_modified(|c| std::mem::replace(&mut c.hidden, hidden) != hidden);
    }

    pub fn is_locked(&self) -> bool {
        self.conditions.borrow().locked
    }

    /// What a watch waits on.
    pub fn gate(&self) -> Gate {
        Gate { conditions: self.conditions.subscribe() }
    }

    /// The lock's changes from now on, for the UI.
    pub fn lock_changes(&self) -> LockChanges {
        let mut conditions = self.conditions.subscribe();
        conditions.mark_unchanged();
        let last = conditions.borrow().locked;
        LockChanges { conditions, last }
    }
}

/// A watch's view of the switches. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Gate {
    conditions: watch::Receiver<Conditions>,
}

impl Gate {
    /// Returns at once when checks may go on; otherwise when they may again. If the shell is gone, it
    /// returns too: there is nothing left to pause for.
    pub async fn opened(&mut self) {
        let _ = self.conditions.wait_for(|c| c.may_poll()).await;
    }

    pub fn is_open(&self) -> bool {
        self.conditions.borrow().may_poll()
    }

    /// Returns at once when the app is unlocked; otherwise when it is again. A hidden window does not
    /// hold this one back: the activity watch's news is a desktop notification, most useful when the
    /// window is out of sight.
    pub async fn unlocked(&mut self) {
        let _ = self.conditions.wait_for(|c| !c.locked).await;
    }
}

/// The lock's changes, one at a time.
#[derive(Debug)]
pub struct LockChanges {
    conditions: watch::Receiver<Conditions>,
    last: bool,
}

impl LockChanges {
    /// Waits for the app to lock or unlock, and says which (`true`: locked). A window shown or hidden
    /// is not a change here. `None` once the shell is gone.
    pub async fn next(&mut self) -> Option<bool> {
        loop {
            self.conditions.changed().await.ok()?;
            let locked = self.conditions.borrow_and_update().locked;
            if locked != self.last {
                self.last = locked;
                return Some(locked);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn the_gate_waits_while_locked_or_hidden_and_opens_when_both_end() {
        let pauses = Pauses::new(true);
        let mut gate = pauses.gate();
        assert!(!gate.is_open());
        let waiting = tokio::spawn(async move {
            gate.opened().await;
            tokio::time::Instant::now()
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        pauses.set_hidden(true);
        pauses.set_locked(false);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiting.is_finished(), "opened while the window was hidden");
        let shown = tokio::time::Instant::now();
        pauses.set_hidden(false);
        assert_eq!(waiting.await.unwrap(), shown);
    }

    #[tokio::test]
    async fn lock_changes_report_locks_and_unlocks_only() {
        let pauses = Pauses::new(false);
        let mut changes = pauses.lock_changes();
        pauses.set_hidden(true);
        pauses.set_locked(true);
        assert_eq!(changes.next().await, Some(true));
        pauses.set_locked(true);
        pauses.set_hidden(false);
        pauses.set_locked(false);
        assert_eq!(changes.next().await, Some(false));
        drop(pauses);
        assert_eq!(changes.next().await, None);
    }
}
