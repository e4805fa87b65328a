//! The end-to-end harness: the built Machines Wallet in a real WebKitGTK window on its own Xvfb display,
//! driven over WebDriver (`tauri-driver` in front of Debian's `WebKitWebDriver`) the way a person uses it:
//! clicks on what they see, text typed into labelled inputs, the system clipboard read back with `xclip`.
//!
//! Every launch gets a fresh home and data directory, its own display and driver ports, a stand-in for the
//! system browser that records the links the app hands it, and a marker in its environment so that every
//! process it started (driver, app, WebKit's helpers) can be found and stopped at the end.

pub mod answers;
pub mod axe;
pub mod browser;
pub mod checkout_pages;
pub mod chromium;
pub mod display;
pub mod failure;
pub mod files;
pub mod ipc_recorder;
pub mod keyboard;
pub mod launch;
pub mod leaks;
pub mod local_stack;
pub mod memory;
pub mod notifications;
pub mod package;
pub mod processes;
pub mod provider_login;
pub mod save_dialog;
pub mod sim_admin;
pub mod steps;
pub mod theme;
pub mod verification;
pub mod window;
pub mod window_manager;

/// The real OpenID Connect provider (npm `oidc-provider`) as a child process, and the filling of its sign-in
/// and consent forms: one file shared with the gateway's and wallet-core's tests.
#[path = "../../crates/machines-gateway/tests/support/oidc_provider.rs"]
#[allow(clippy::expect_used, clippy::panic)] // it fails loudly when node or `npm ci` is missing, as it should
pub mod oidc_provider;

pub use failure::{Failure, Result};
pub use launch::{Launch, Wallet};
