//! A copy leaves no card number on the stack. The clipboard guard keeps a salted SHA-256 fingerprint of
//! what it copied, and `sha2` copies its input into buffers on the stack that nothing wipes. The guard
//! wipes the stack its hashing used; this test copies a number on a thread of its own, keeps that thread
//! alive (so its stack stays mapped and nothing runs on it after the copy), and reads this process's
//! memory for the number.
//!
//! The control hashes the same way without the wipe, on another thread held the same way: the same scan
//! finds the number there, so it is a scan that would see the guard's copies if they were left.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../machines-sim/tests/support/memory_scan.rs"]
mod memory_scan;

use std::sync::mpsc;
use std::time::Instant;

use machines_api::SecretString;
use memory_scan::{masked, Scanner, MASK};
use sha2::{Digest, Sha256};
use wallet_core::clipboard::{Clipboard, ClipboardError, ClipboardGuard};
use zeroize::Zeroizing;

/// A clipboard that keeps nothing, so any copy the scan finds is one the guard's hashing left.
struct Nowhere;

impl Clipboard for Nowhere {
    fn write_secret(&mut self, _text: &str) -> Result<(), ClipboardError> {
        Ok(())
    }
    fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
        Ok(None)
    }
    fn clear(&mut self) -> Result<(), ClipboardError> {
        Ok(())
    }
}

/// The number, unmasked into a buffer that never grows (a reallocation would leave a freed copy).
fn unmask(needle: &[u8]) -> SecretString {
    let mut text = String::with_capacity(needle.len());
    for byte in needle {
        text.push(char::from(byte ^ MASK));
    }
    SecretString::new(text)
}

/// Runs `work` with the number on a new thread, then keeps that thread alive, doing nothing, until the
/// returned sender is dropped.
fn on_a_held_thread(needle: Vec<u8>, work: fn(SecretString)) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (done_tx, done_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        work(unmask(&needle));
        done_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    done_rx.recv().unwrap();
    (release_tx, thread)
}

fn copy_through_the_guard(number: SecretString) {
    let mut guard = ClipboardGuard::default();
    guard.copy(&mut Nowhere, &number, Instant::now(), None).unwrap();
}

/// The hashing the guard did before it wiped the stack.
fn hash_without_a_wipe(number: SecretString) {
    let mut hasher = Sha256::new();
    hasher.update([7u8; 16]);
    hasher.update(number.expose().as_bytes());
    std::hint::black_box(hasher.finalize());
}

#[test]
fn copying_a_number_leaves_no_copy_of_it_on_the_stack() {
    // Two numbers no one else in this process holds: the test keeps them only masked.
    let copied = masked(b"4929718236450917");
    let control = masked(b"4556081937264411");
    let mut scanner = Scanner::new();
    assert_eq!(scanner.hits(&copied), 0);
    assert_eq!(scanner.hits(&control), 0);

    let (release_copy, copy_thread) = on_a_held_thread(copied.clone(), copy_through_the_guard);
    let (release_control, control_thread) = on_a_held_thread(control.clone(), hash_without_a_wipe);
    let after_copy = scanner.hits(&copied);
    let in_control = scanner.hits(&control);
    drop((release_copy, release_control));
    copy_thread.join().unwrap();
    control_thread.join().unwrap();

    assert!(in_control >= 1, "the scan finds what unwiped hashing leaves on a stack: {in_control}");
    assert_eq!(after_copy, 0, "copies of the number left on the stack by the guard's fingerprint");
}
