//! The unlock passphrase (or PIN) as the app uses it: unlocking, setting it on first use, giving it again,
//! resetting it (which forgets the partner keys), and the checks before a reveal, a copy or a weaker
//! setting. The rules are `wallet_core::unlock`; the credential's state is `crate::unlock::Gate`.

use std::time::Duration;

use wallet_core::activity::ActivityEvent;
use wallet_core::error::UiError;
use wallet_core::settings::Settings;
use wallet_core::unlock::weakened;

use super::AppState;
use crate::unlock::{SecretUse, WEAKEN_WINDOW};
use crate::vault;

impl AppState {
    /// Unlocks. Outside Demo only with the passphrase (or PIN), and after a wrong one only once its delay
    /// has passed; Demo has no credential and unlocks with the button alone, as its lock screen says.
    pub async fn unlock_with(&self, passphrase: Option<String>) -> Result<(), UiError> {
        if !self.is_demo().await {
            self.gate.verify(passphrase.unwrap_or_default()).await?;
        }
        self.unlock();
        Ok(())
    }

    /// First use outside Demo: sets the passphrase (only its argon2id hash goes to the keychain) and
    /// unlocks. Refused once one is set.
    pub async fn set_passphrase(&self, passphrase: String, confirmation: String) -> Result<(), UiError> {
        self.gate.set(passphrase, confirmation).await?;
        self.unlock();
        Ok(())
    }

    /// The passphrase again, before a reveal or a weaker setting. Wrong attempts wait as they do on unlock.
    pub async fn reauthenticate(&self, passphrase: String) -> Result<(), UiError> {
        self.ensure_unlocked()?;
        self.gate.reauthenticate(passphrase).await?;
        self.touch();
        Ok(())
    }

    /// A forgotten passphrase: the only way back is to forget every partner key with it, so whoever
    /// resets it gains nothing (the key must be entered again). The app stays locked until a new one is
    /// set. A key given at launch (`MACHINES_PARTNER_KEY`) is forgotten too, for this run.
    pub async fn reset_passphrase(&self) -> Result<(), UiError> {
        self.lock().await;
        vault::forget_all().await?;
        // A reset must not get anyone past the person's own sign-in either: in Partner mode the refresh
        // token is what the partner key is elsewhere, so it goes too.
        self.end_partner_sign_in()?;
        self.gate.forget().await?;
        self.forget_launch_key().await;
        self.disconnect().await;
        Ok(())
    }

    /// Whether the header's lock screen asks to set a passphrase: outside Demo, with none set yet. Demo
    /// has none, and asking the keychain there would only risk a prompt. A keychain that cannot answer
    /// counts as one set: the lock screen's passphrase field then says why unlocking fails.
    pub(super) async fn needs_passphrase(&self, demo: bool) -> bool {
        !demo && matches!(self.gate.has_credential().await, Ok(false))
    }

    /// The gate before a reveal or a copy, once the app is unlocked (`user()` checked that): outside Demo
    /// a passphrase must be set, a reveal needs it given within the re-auth window, and both share the
    /// rate limit.
    pub(super) async fn authorize_secret(&self, use_: SecretUse) -> Result<(), UiError> {
        let window = Duration::from_secs(u64::from(self.settings.lock().await.reauth_minutes) * 60);
        self.gate.authorize(self.is_demo().await, use_, window).await
    }

    /// Before saving `next`: a change that weakens protection needs the passphrase given within the last
    /// minute, outside Demo and in Demo once a passphrase is set (and goes in the activity log).
    pub(super) async fn authorize_settings(&self, next: &Settings) -> Result<(), UiError> {
        let weaker = weakened(&*self.settings.lock().await, next);
        if weaker.is_empty() {
            return Ok(());
        }
        let why = format!("to save this: {}", weaker.join(", "));
        // Demo has no passphrase of its own. But once the person has set one (for a real environment), a
        // weaker setting saved in Demo would carry over to it, so Demo asks then too. A keychain that
        // cannot answer in Demo counts as no passphrase.
        let exempt = self.is_demo().await && !matches!(self.gate.has_credential().await, Ok(true));
        self.gate.require_recent(exempt, WEAKEN_WINDOW, &why).await?;
        self.gate.record(&ActivityEvent::SettingsWeakened);
        Ok(())
    }
}
