//! The environment variables the app reads at start, and the one it must not pass on.
//!
//! `MACHINES_PARTNER_KEY` would otherwise be inherited by every process the app starts: WebKit's web and
//! network processes, and the browser it opens for links. [`StartEnvironment::take`] reads it and
//! removes it from the process environment, first thing in `main`, while the process has one thread.
//!
//! `std::env::remove_var` is a safe function in edition 2021 (this workspace's edition; the workspace
//! forbids `unsafe`). It became `unsafe` in edition 2024 because another thread reading the environment at
//! the same time is undefined behaviour on glibc; calling it before any thread exists is exactly the
//! condition that edition asks callers to promise.
//!
//! What removal cannot do: `/proc/<pid>/environ` shows the environment block the process was started
//! with, which `unsetenv` does not rewrite, so a process of the same user can still read the key there (as
//! it could read our memory). Children, which get the current environment at `exec`, do not.

use machines_api::config::ENV_PARTNER_KEY;
use zeroize::Zeroizing;

/// What was taken out of the environment at start.
#[derive(Default)]
pub struct StartEnvironment {
    partner_key: Option<Zeroizing<String>>,
}

impl StartEnvironment {
    /// Reads `MACHINES_PARTNER_KEY` and removes it from the environment. Call it before any thread starts.
    pub fn take() -> Self {
        let partner_key = std::env::var(ENV_PARTNER_KEY).ok().map(Zeroizing::new);
        std::env::remove_var(ENV_PARTNER_KEY);
        Self { partner_key }
    }

    /// A variable as the app reads it: the partner key as taken at start, anything else from the
    /// environment.
    pub fn var(&self, name: &str) -> Option<String> {
        if name == ENV_PARTNER_KEY {
            self.partner_key.as_ref().map(|key| key.as_str().to_owned())
        } else {
            std::env::var(name).ok()
        }
    }
}
