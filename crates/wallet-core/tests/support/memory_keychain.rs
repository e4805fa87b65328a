//! The OS keychain as the sign-in tests stand it in: one slot for the refresh token, which a test can read
//! and plant, and a count of the writes. Shared by `wallet-core/tests/signin.rs` and the shell's
//! `src-tauri/tests/partner_signin.rs` (by `#[path]`).

use std::sync::Mutex;

use machines_api::SecretString;
use wallet_core::signin::{RefreshTokenStore, StoreError};

#[derive(Default)]
pub struct MemoryKeychain {
    slot: Mutex<Option<String>>,
    pub saves: Mutex<usize>,
}

impl MemoryKeychain {
    pub fn held(&self) -> Option<String> {
        self.slot.lock().unwrap().clone()
    }

    pub fn put(&self, token: &str) {
        *self.slot.lock().unwrap() = Some(token.to_owned());
    }
}

impl RefreshTokenStore for MemoryKeychain {
    fn load(&self) -> Result<Option<SecretString>, StoreError> {
        Ok(self.held().map(SecretString::new))
    }
    fn save(&self, token: &SecretString) -> Result<(), StoreError> {
        *self.saves.lock().unwrap() += 1;
        self.put(token.expose());
        Ok(())
    }
    fn forget(&self) -> Result<(), StoreError> {
        *self.slot.lock().unwrap() = None;
        Ok(())
    }
}
