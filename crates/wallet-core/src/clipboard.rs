//! The clipboard guard: copy a card secret, then clear the clipboard after a while *only if it still holds
//! what we put there*, so a person who copied something else in between does not lose it.
//!
//! The guard never keeps the secret to compare with: it keeps a salted SHA-256 fingerprint of it. What it
//! reads back from the clipboard to compare is wiped as soon as it has been hashed. The OS clipboard itself
//! (with its exclude-from-history hints) is behind the [`Clipboard`] trait, implemented by the shell.
//! [`SharedClipboard`] puts both behind one lock and runs the clear timer.

use std::time::{Duration, Instant};

use machines_api::SecretString;
use rand::Rng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

mod shared;
pub use shared::{nothing_copied, SharedClipboard, CLEAR_RETRIES, CLEAR_RETRY_EVERY};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("The clipboard is not available: {0}")]
    Unavailable(String),
}

/// The system clipboard, as the guard needs it.
pub trait Clipboard {
    /// Writes `text`, marked as a secret (excluded from history, cloud sync and clipboard monitors where
    /// the OS supports it).
    fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// The current text, if any. The caller wipes it.
    fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError>;
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

/// The shell holds its clipboard as a trait object so tests can give it one they can read.
impl<C: Clipboard + ?Sized> Clipboard for Box<C> {
    fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
        (**self).write_secret(text)
    }
    fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
        (**self).read_text()
    }
    fn clear(&mut self) -> Result<(), ClipboardError> {
        (**self).clear()
    }
}

/// What became of a scheduled clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleared {
    /// The clipboard still held our value and is now empty.
    Cleared,
    /// Something else had been copied since; it was left alone.
    LeftAlone,
    /// Nothing of ours was pending.
    Nothing,
}

/// Remembers the last secret copied (as a fingerprint) and when to clear it.
pub struct ClipboardGuard {
    salt: [u8; 16],
    pending: Option<([u8; 32], Option<Instant>)>,
}

impl Default for ClipboardGuard {
    fn default() -> Self {
        Self { salt: rand::rng().random(), pending: None }
    }
}

/// Hashes in frames of its own, below its caller's, so that [`wipe_stack_below`], called next from the
/// same caller, overwrites every one of them.
#[inline(never)]
fn salted_sha256(salt: &[u8], text: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(text);
    hasher.finalize().into()
}

/// Zeroes the 32 KiB of stack below the caller's frame, where the call just before it ran (SHA-256's
/// frames take a few hundred bytes, a few KiB in a debug build). Written by hand: the one crate that does
/// this (`clear_on_drop`'s `clear_stack_on_return`) is unmaintained and compiles C. `zeroize` writes with
/// volatile stores, so the compiler cannot drop the writes to an array that is never read.
#[inline(never)]
fn wipe_stack_below() {
    let mut scratch = [0u8; 32 * 1024];
    zeroize::Zeroize::zeroize(&mut scratch[..]);
    std::hint::black_box(&scratch);
}

impl ClipboardGuard {
    /// The salted SHA-256 of `text`, with the stack the hashing used wiped afterwards. `sha2` copies its
    /// input into a block buffer inside the hasher, and `finalize` moves the hasher (buffer and all) into
    /// its own frame: two copies of a card number on the stack that nothing wipes (`block-buffer` has no
    /// `zeroize` support), found by `src-tauri/tests/reveal_memory.rs` in about one run in ten, when no
    /// later call happened to overwrite that part of the stack.
    fn fingerprint(&self, text: &str) -> [u8; 32] {
        let digest = salted_sha256(&self.salt, text.as_bytes());
        wipe_stack_below();
        digest
    }

    /// Copies `value` and arranges for it to be cleared at `now + clear_after` (`None`: never).
    /// Returns when it will be cleared.
    pub fn copy(
        &mut self,
        clipboard: &mut impl Clipboard,
        value: &SecretString,
        now: Instant,
        clear_after: Option<Duration>,
    ) -> Result<Option<Instant>, ClipboardError> {
        clipboard.write_secret(value.expose())?;
        let due = clear_after.map(|d| now + d);
        self.pending = Some((self.fingerprint(value.expose()), due));
        Ok(due)
    }

    /// When the pending clear is due, if one is.
    pub fn due_at(&self) -> Option<Instant> {
        self.pending.and_then(|(_, due)| due)
    }

    /// Clears the clipboard if it still holds what we copied, then forgets the copy. Used when the timer
    /// fires, and at once on lock, panic and quit.
    ///
    /// When the clipboard cannot be read or cleared (another app holding it, a display server hiccup), the
    /// copy is *not* forgotten: the error is returned and the clear stays pending, so the next timer, lock
    /// or quit tries again. Forgetting it would leave the number on the clipboard for good.
    pub fn clear_if_ours(&mut self, clipboard: &mut impl Clipboard) -> Result<Cleared, ClipboardError> {
        let Some((ours, _)) = self.pending else { return Ok(Cleared::Nothing) };
        let current = clipboard.read_text()?;
        let still_ours = current.as_ref().is_some_and(|text| self.fingerprint(text) == ours);
        drop(current);
        if still_ours {
            clipboard.clear()?;
        }
        self.pending = None;
        Ok(if still_ours { Cleared::Cleared } else { Cleared::LeftAlone })
    }

    /// Clears if due at `now`.
    pub fn tick(&mut self, clipboard: &mut impl Clipboard, now: Instant) -> Result<Cleared, ClipboardError> {
        match self.due_at() {
            Some(due) if now >= due => self.clear_if_ours(clipboard),
            _ => Ok(Cleared::Nothing),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct FakeClipboard {
        text: Option<String>,
        secret_writes: u32,
    }

    impl Clipboard for FakeClipboard {
        fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
            self.text = Some(text.to_owned());
            self.secret_writes += 1;
            Ok(())
        }
        fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
            Ok(self.text.clone().map(Zeroizing::new))
        }
        fn clear(&mut self) -> Result<(), ClipboardError> {
            self.text = None;
            Ok(())
        }
    }

    #[test]
    fn clears_after_the_delay_when_the_value_is_still_ours() {
        let (mut guard, mut clipboard, start) = (ClipboardGuard::default(), FakeClipboard::default(), Instant::now());
        let due = guard
            .copy(&mut clipboard, &SecretString::from("4242424242424242"), start, Some(Duration::from_secs(20)))
            .unwrap();
        assert_eq!(clipboard.text.as_deref(), Some("4242424242424242"));
        assert_eq!(clipboard.secret_writes, 1);
        assert_eq!(due, Some(start + Duration::from_secs(20)));
        assert_eq!(guard.tick(&mut clipboard, start + Duration::from_secs(19)).unwrap(), Cleared::Nothing);
        assert!(clipboard.text.is_some());
        assert_eq!(guard.tick(&mut clipboard, start + Duration::from_secs(20)).unwrap(), Cleared::Cleared);
        assert_eq!(clipboard.text, None);
    }

    #[test]
    fn leaves_what_the_person_copied_since() {
        let (mut guard, mut clipboard, start) = (ClipboardGuard::default(), FakeClipboard::default(), Instant::now());
        guard.copy(&mut clipboard, &SecretString::from("123"), start, Some(Duration::from_secs(20))).unwrap();
        clipboard.text = Some("a shipping address".into());
        assert_eq!(guard.tick(&mut clipboard, start + Duration::from_secs(30)).unwrap(), Cleared::LeftAlone);
        assert_eq!(clipboard.text.as_deref(), Some("a shipping address"));
        assert_eq!(guard.clear_if_ours(&mut clipboard).unwrap(), Cleared::Nothing, "the copy is forgotten");
    }

    #[test]
    fn never_means_no_timer_but_lock_still_clears() {
        let (mut guard, mut clipboard, start) = (ClipboardGuard::default(), FakeClipboard::default(), Instant::now());
        guard.copy(&mut clipboard, &SecretString::from("12/29"), start, None).unwrap();
        assert_eq!(guard.tick(&mut clipboard, start + Duration::from_secs(86_400)).unwrap(), Cleared::Nothing);
        assert_eq!(guard.clear_if_ours(&mut clipboard).unwrap(), Cleared::Cleared);
    }

    /// A clipboard that refuses the next `failures` reads, as X11 does while another client holds the
    /// selection or the display is briefly away.
    struct Flaky {
        inner: FakeClipboard,
        failures: u32,
    }

    impl Clipboard for Flaky {
        fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
            self.inner.write_secret(text)
        }
        fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
            if self.failures > 0 {
                self.failures -= 1;
                return Err(ClipboardError::Unavailable("the clipboard did not answer".into()));
            }
            self.inner.read_text()
        }
        fn clear(&mut self) -> Result<(), ClipboardError> {
            self.inner.clear()
        }
    }

    #[test]
    fn a_failed_read_keeps_the_clear_pending_and_the_next_try_clears() {
        let (mut guard, start) = (ClipboardGuard::default(), Instant::now());
        let mut clipboard = Flaky { inner: FakeClipboard::default(), failures: 0 };
        guard
            .copy(&mut clipboard, &SecretString::from("4000056655665556"), start, Some(Duration::from_secs(20)))
            .unwrap();
        clipboard.failures = 1;
        assert!(guard.tick(&mut clipboard, start + Duration::from_secs(20)).is_err());
        assert_eq!(clipboard.inner.text.as_deref(), Some("4000056655665556"), "still on the clipboard");
        assert_eq!(guard.due_at(), Some(start + Duration::from_secs(20)), "the clear is still pending");
        assert_eq!(guard.tick(&mut clipboard, start + Duration::from_secs(21)).unwrap(), Cleared::Cleared);
        assert_eq!(clipboard.inner.text, None);
        assert_eq!(guard.clear_if_ours(&mut clipboard).unwrap(), Cleared::Nothing, "and now it is forgotten");
    }

    #[test]
    fn the_guard_keeps_no_copy_of_the_secret() {
        let mut guard = ClipboardGuard::default();
        let mut clipboard = FakeClipboard::default();
        guard.copy(&mut clipboard, &SecretString::from("4000056655665556"), Instant::now(), None).unwrap();
        // The guard's memory is a salt and a digest; neither contains the digits.
        let (digest, _) = guard.pending.unwrap();
        assert!(!digest.windows(4).any(|w| w == b"4000"));
        assert_ne!(
            guard.fingerprint("4000056655665556"),
            ClipboardGuard::default().fingerprint("4000056655665556"),
            "salted"
        );
    }
}
