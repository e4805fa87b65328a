//! The panic button: clear the clipboard and lock at once, then lock every card, then drop the sessions.

use wallet_core::panic::{lock_every_card, PanicReport};

use super::AppState;

impl AppState {
    /// Clears the clipboard and locks the app before any network call (the UI drops any revealed digits
    /// with the screen), then locks every active card through the API, then drops every session. The app
    /// is locked even when the cards cannot be reached; the report says what was done.
    pub async fn panic(&self) -> PanicReport {
        // Locked before the clear, as `lock` does: a copy that is about to write checks the lock while
        // holding the clipboard, so it either wrote before this clear or sees the lock and refuses.
        self.mark_locked();
        self.clear_clipboard();
        // Never waits on the keychain: with no connection yet and the key still to be read, the cards
        // cannot be reached, and the report says so.
        let user = match self.connect_without_keychain().await {
            Ok(connection) => connection.user.clone(),
            Err(err) => return PanicReport::unreachable(err.message),
        };
        let report = match &user {
            Some(user) => lock_every_card(user).await,
            None => PanicReport::default(),
        };
        // Sessions go last: locking the cards needed them.
        self.lock().await;
        report
    }
}
