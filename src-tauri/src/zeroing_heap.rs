//! Every heap block this process frees is zeroed first.
//!
//! A reveal's digits pass through buffers we do not own: Tauri serializes the command's answer into a
//! `String` (`IpcResponse for T: Serialize`), moves it into the `ipc://` response, and wry drops it once
//! it has handed WebKit a copy; `serde_json` grows its output by reallocating, leaving the shorter
//! buffers behind; arboard and the X11 client keep the copied text until the clipboard is cleared. None of
//! those can be wiped by `zeroize` from our side, because we never hold them, and each, freed unwiped,
//! would keep the number in the heap until something else happened to reuse the block. So the wiping is
//! done where every Rust buffer ends: the global allocator.
//!
//! We use 1Password's `zeroizing-alloc` (a thin wrapper over the system allocator that zeroes on
//! `dealloc`, and whose `realloc` always moves, so the old block is zeroed too) rather than our own: a
//! global allocator needs `unsafe`, which this workspace forbids in its own code.
//!
//! What it cannot reach: memory allocated by C libraries with `malloc` (glib's copy of the `ipc://` body,
//! WebKitGTK's network and JavaScript heaps, which live in WebKit's own processes, and Xlib's buffers)
//! and the other processes that receive a copied value (the X server and whoever pastes it). The README's
//! "What the webview can and cannot promise" says so.
//!
//! The cost is a `memset` per free, small beside a desktop app's work (see the README's performance
//! section for the measured start-up).

#[global_allocator]
static ZEROING: zeroizing_alloc::ZeroAlloc<std::alloc::System> = zeroizing_alloc::ZeroAlloc(std::alloc::System);
