//! Saving the settings (a switch of environment or account signs out and drops every unfinished create),
//! the partner key in the keychain, and starting Demo over. Writing the settings file is the shell's
//! (`commands::settings::persist`); these take it as `persist`.

use wallet_core::environment::EnvironmentKind;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::settings::{EnvironmentSetting, Settings};

use super::AppState;
use crate::vault;

fn validation(problems: Vec<wallet_core::kyc_form::FieldProblem>) -> UiError {
    let mut error = UiError::new(
        ErrorCode::Validation,
        "Check the highlighted fields",
        "Some settings are out of range.",
        UiAction::FixFields,
    );
    error.fields = problems;
    error
}

impl AppState {
    /// Checks and saves `next`. A weaker setting needs the passphrase given just now; switching
    /// environment or account forgets this run's unfinished creates and signs out; a new session lifetime
    /// signs out too, so the next session gets it.
    pub async fn save_settings(
        &self,
        next: Settings,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<Settings, UiError> {
        self.ensure_unlocked()?;
        let problems = next.validate();
        if !problems.is_empty() {
            return Err(validation(problems));
        }
        if next.environment == EnvironmentSetting::Partner && !self.offers_partner() {
            return Err(UiError::on_field(
                "Partner sign-in not available",
                "environment",
                "This copy of Machines Wallet was not set up for a partner's sign-in.",
            ));
        }
        self.authorize_settings(&next).await?;
        let previous = self.settings().await;
        // A changed Fill shortcut is registered before saving, so one the desktop refuses is not saved. An
        // unchanged one is left as it is, even if it could not be registered at start: another app holding
        // it is no reason to refuse the other settings (the start said so in a note).
        let shortcut_changed = previous.fill.shortcut != next.fill.shortcut;
        let registered = self.fill_desktop().shortcut();
        if shortcut_changed {
            self.set_fill_shortcut(next.fill.shortcut.as_deref()).await?;
        }
        if let Err(err) = persist(&next) {
            if shortcut_changed {
                // Not saved: the shortcut registered is the one before again.
                if let Err(why) = self.set_fill_shortcut(registered.as_deref()).await {
                    tracing::warn!(message = %why.message, "the previous Fill shortcut could not be registered again");
                }
            }
            return Err(err);
        }
        let switched = previous.environment != next.environment;
        let user_changed = previous.user_id != next.user_id || previous.wallet_address != next.wallet_address;
        *self.settings.lock().await = next.clone();
        if switched || user_changed {
            self.forget_pending_writes();
        }
        if switched || user_changed || previous.session_ttl_seconds != next.session_ttl_seconds {
            self.clear_clipboard();
            self.disconnect().await;
        }
        Ok(next)
    }

    /// Registers `accelerator` as the Fill shortcut (`None`: none). One the global-hotkey crate cannot
    /// read, or the desktop refuses (another app holds it), is an error on `fill.shortcut`, and the
    /// shortcut before stays.
    pub async fn set_fill_shortcut(&self, accelerator: Option<&str>) -> Result<(), UiError> {
        let refused = |why: String| UiError::on_field("Choose another shortcut", "fill.shortcut", why);
        if let Some(accelerator) = accelerator {
            crate::fill::shortcut::parse(accelerator).map_err(refused)?;
        }
        let desktop = self.fill_desktop().clone();
        let accelerator = accelerator.map(str::to_owned);
        tokio::task::spawn_blocking(move || desktop.set_shortcut(accelerator.as_deref()))
            .await
            .unwrap_or_else(|_| Err("The shortcut could not be registered.".to_owned()))
            .map_err(refused)
    }

    /// The kind of environment whose partner key is set or forgotten now: with `MACHINES_API_URL` set
    /// (and no key given with it) the key is that server's, whatever the settings name; Demo has none.
    async fn key_environment(&self, settings: &Settings) -> Result<EnvironmentKind, UiError> {
        if self.key_for_override_in_keychain().await {
            return Ok(EnvironmentKind::Custom);
        }
        match settings.environment {
            EnvironmentSetting::Demo => Err(UiError::new(
                ErrorCode::Validation,
                "Demo needs no key",
                "Demo mode runs without a partner key. Choose Sandbox, Production or a custom URL first.",
                UiAction::Dismiss,
            )),
            ref other => Ok(EnvironmentKind::of_setting(other)),
        }
    }

    /// Stores the partner key for the current environment in the OS keychain. It is never sent back.
    pub async fn set_partner_key(&self, key: String) -> Result<(), UiError> {
        self.ensure_unlocked()?;
        let key = machines_api::PartnerKey::parse(key)
            .map_err(|e| UiError::on_field("Check the partner key", "partnerKey", e.to_string()))?;
        let settings = self.settings().await;
        let environment = self.key_environment(&settings).await?;
        vault::store(self.key_account(&settings).await?, key).await?;
        self.key_changed(environment).await;
        self.disconnect().await;
        Ok(())
    }

    pub async fn forget_partner_key(&self) -> Result<(), UiError> {
        self.ensure_unlocked()?;
        let settings = self.settings().await;
        let environment = self.key_environment(&settings).await?;
        vault::forget(self.key_account(&settings).await?).await?;
        self.key_changed(environment).await;
        self.disconnect().await;
        Ok(())
    }

    /// Another partner key may be another partner, whose user of the same id is someone else: no
    /// unfinished create of this environment may be sent with it. This run's are forgotten; the journal's
    /// (left by a crash) are set aside with a note, since whether they made a card is for the old key's
    /// account to show.
    async fn key_changed(&self, environment: EnvironmentKind) {
        self.forget_pending_writes();
        if let Some(journal) = &self.intents {
            let notes = journal.set_aside_where(|scope| environment.holds(scope), "the partner key changed since");
            self.add_notes(notes).await;
        }
    }

    /// Demo only: forgets everything Demo holds (the simulator's saved state, with every card, deposit and
    /// approval) and the demo user's set-up (user id, wallet address and label). The timers and other
    /// preferences stay.
    pub async fn start_demo_over(
        &self,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<Settings, UiError> {
        self.ensure_unlocked()?;
        if !self.is_demo().await {
            return Err(UiError::new(
                ErrorCode::NotDemo,
                "Demo only",
                "Starting over is for Demo mode. Other environments keep their data on Machines Cash's servers.",
                UiAction::Dismiss,
            ));
        }
        self.clear_clipboard();
        // The connection stays locked until the settings are reset too, so no command can start Demo again
        // from the old file or for the old user in between.
        let mut slot = self.connection.lock().await;
        self.erase_demo_state(slot.take().and_then(|c| c.simulator)).await.map_err(|e| {
            UiError::new(
                ErrorCode::Internal,
                "Demo not cleared",
                format!("Demo's saved data could not be removed: {e}. Try again."),
                UiAction::Retry,
            )
        })?;
        self.forget_pending_writes();
        if let Some(journal) = &self.intents {
            journal.forget_where(|scope| EnvironmentKind::Demo.holds(scope));
        }
        let mut settings = self.settings().await;
        settings.user_id = None;
        settings.wallet_address = None;
        settings.wallet_label = None;
        persist(&settings)?;
        *self.settings.lock().await = settings.clone();
        drop(slot);
        Ok(settings)
    }

    /// Removes Demo's saved state: through its running simulator, or the file itself when none runs.
    async fn erase_demo_state(&self, running: Option<machines_sim::SimHandle>) -> std::io::Result<()> {
        match (running, &self.demo_state_file) {
            (Some(sim), _) => sim.erase_saved_state().await,
            (None, Some(file)) => match std::fs::remove_file(file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
            (None, None) => Ok(()),
        }
    }
}
