//! The gate in front of the secrets: the unlock credential (its hash in a `CredentialStore`, the OS
//! keychain in the app), wrong attempts and their growing delay (kept in the data folder, so a relaunch
//! does not reset it), when the person last gave the credential, the rate limit on reveals and copies,
//! and the activity log. The rules are `wallet_core::unlock` and `wallet_core::activity`; this holds
//! their state and does the blocking work (keychain, argon2, files) off the async threads.
//!
//! OS authentication (polkit, as 1Password offers on Linux) is not added: polkit proves that *a* local
//! administrator-capable user is present, not the wallet's own secret, and on the single-user desktops
//! this app targets it would ask for the login password that the screen lock already asks for. The app's
//! own passphrase, hashed with argon2id and throttled here, is what stands behind every unlock and reveal.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use wallet_core::activity::{self, ActivityEntry, ActivityEvent};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::unlock::{self as rules, RateLimit, Throttle};

/// Where the credential's PHC string lives. Calls may block (a keychain prompt); the gate runs them on
/// the blocking pool.
pub trait CredentialStore: Send + Sync {
    fn load(&self) -> Result<Option<String>, UiError>;
    fn store(&self, phc: &str) -> Result<(), UiError>;
    fn forget(&self) -> Result<(), UiError>;
}

/// The activity log's file and the wrong-attempt record's, in the app's data folder.
pub const ACTIVITY_FILE: &str = "activity.jsonl";
pub const THROTTLE_FILE: &str = "unlock-attempts.json";
/// Entries the app shows (the file keeps more, up to its cap).
const SHOWN_ENTRIES: usize = 200;
/// Weakening a setting needs the credential given within this long: "just now", not the reveal window.
pub const WEAKEN_WINDOW: Duration = Duration::from_secs(60);

struct Inner {
    /// The stored hash once read (`None` before the first read).
    phc: Option<Option<String>>,
    throttle: Throttle,
    last_verified: Option<Instant>,
    uses: RateLimit,
    /// The log when there is no data folder (command tests that start many apps at once).
    memory_log: Vec<ActivityEntry>,
}

pub struct Gate {
    store: Arc<dyn CredentialStore>,
    data_dir: Option<PathBuf>,
    inner: Mutex<Inner>,
    /// One verification at a time: parallel guesses would otherwise all start before the first failure
    /// sets the delay.
    attempt: tokio::sync::Mutex<()>,
}

fn gate_error() -> UiError {
    UiError::new(ErrorCode::Internal, "Try again", "The unlock state was busy. Try again.", UiAction::Retry)
}

fn waiting(code: ErrorCode, title: &str, message: String, wait: Duration) -> UiError {
    let mut error = UiError::new(code, title, message, UiAction::Retry);
    error.retry_after_seconds = Some(u32::try_from(wait.as_secs().max(1)).unwrap_or(u32::MAX));
    error
}

pub fn passphrase_needed() -> UiError {
    UiError::new(
        ErrorCode::PassphraseNeeded,
        "Set a passphrase first",
        "This environment holds real cards: set an unlock passphrase (or a PIN of 6 digits or more) first.",
        UiAction::Dismiss,
    )
}

/// What a secret is being used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretUse {
    Reveal,
    Copy,
    /// Typed into another window (`state::fill`): like a copy, the digits are never shown.
    Fill,
}

impl Gate {
    /// A gate over `store`, keeping its files in `data_dir` (or its log in memory without one).
    pub fn new(store: Arc<dyn CredentialStore>, data_dir: Option<PathBuf>) -> Self {
        let throttle = data_dir
            .as_ref()
            .and_then(|dir| std::fs::read_to_string(dir.join(THROTTLE_FILE)).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        Self {
            store,
            data_dir,
            inner: Mutex::new(Inner {
                phc: None,
                throttle,
                last_verified: None,
                uses: RateLimit::default(),
                memory_log: Vec::new(),
            }),
            attempt: tokio::sync::Mutex::new(()),
        }
    }

    async fn blocking<T: Send + 'static>(
        work: impl FnOnce() -> Result<T, UiError> + Send + 'static,
    ) -> Result<T, UiError> {
        tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| Err(gate_error()))
    }

    /// The stored hash, read once from the store.
    async fn phc(&self) -> Result<Option<String>, UiError> {
        if let Some(known) = self.inner.lock().map_err(|_| gate_error())?.phc.clone() {
            return Ok(known);
        }
        let store = self.store.clone();
        let phc = Self::blocking(move || store.load()).await?;
        self.inner.lock().map_err(|_| gate_error())?.phc = Some(phc.clone());
        Ok(phc)
    }

    /// Whether a credential has been set.
    pub async fn has_credential(&self) -> Result<bool, UiError> {
        Ok(self.phc().await?.is_some())
    }

    /// First use: hashes and stores a new credential, which also counts as giving it. Refused once one is
    /// set (changing it means giving the old one, or resetting).
    pub async fn set(&self, credential: String, confirmation: String) -> Result<(), UiError> {
        let _one = self.attempt.lock().await;
        if self.has_credential().await? {
            return Err(UiError::new(
                ErrorCode::PassphraseExists,
                "A passphrase is already set",
                "Unlock with your passphrase. If you forgot it, reset it from the lock screen.",
                UiAction::Dismiss,
            ));
        }
        let credential = zeroize::Zeroizing::new(credential);
        let confirmation = zeroize::Zeroizing::new(confirmation);
        let phc = Self::blocking(move || {
            rules::hash_new_credential(&credential, &confirmation)
                .map_err(|e| UiError::on_field("Check the passphrase", "passphrase", e.to_string()))
        })
        .await?;
        let store = self.store.clone();
        let stored = phc.clone();
        Self::blocking(move || store.store(&stored)).await?;
        {
            let mut inner = self.inner.lock().map_err(|_| gate_error())?;
            inner.phc = Some(Some(phc));
            inner.last_verified = Some(Instant::now());
            inner.throttle.succeeded();
        }
        self.save_throttle();
        self.record(&ActivityEvent::PassphraseSet);
        Ok(())
    }

    /// Checks the credential to unlock, honouring and growing the delay after wrong attempts.
    pub async fn verify(&self, credential: String) -> Result<(), UiError> {
        self.check(credential, ActivityEvent::Unlocked).await
    }

    /// Checks the credential given again before a reveal or a weaker setting, as `verify` does.
    pub async fn reauthenticate(&self, credential: String) -> Result<(), UiError> {
        self.check(credential, ActivityEvent::Reauthenticated).await
    }

    async fn check(&self, credential: String, done: ActivityEvent) -> Result<(), UiError> {
        let credential = zeroize::Zeroizing::new(credential);
        let phc = self.phc().await?.ok_or_else(passphrase_needed)?;
        if credential.is_empty() {
            // Not a guess (nothing was typed), so it neither counts nor waits.
            return Err(UiError::on_field("Enter your passphrase", "passphrase", "Type your passphrase or PIN."));
        }
        let _one = self.attempt.lock().await;
        let wait = self.inner.lock().map_err(|_| gate_error())?.throttle.wait(SystemTime::now());
        if let Some(wait) = wait {
            return Err(waiting(
                ErrorCode::UnlockWait,
                "Wait a moment",
                format!("Too many wrong attempts. Try again in {}.", rules::wait_words(wait)),
                wait,
            ));
        }
        let right = Self::blocking(move || {
            rules::verify_credential(&credential, &phc)
                .map_err(|e| UiError::new(ErrorCode::Internal, "Passphrase unusable", e.to_string(), UiAction::Dismiss))
        })
        .await?;
        let delay = {
            let mut inner = self.inner.lock().map_err(|_| gate_error())?;
            if right {
                inner.throttle.succeeded();
                inner.last_verified = Some(Instant::now());
                None
            } else {
                Some(inner.throttle.failed(SystemTime::now()))
            }
        };
        self.save_throttle();
        match delay {
            None => {
                self.record(&done);
                Ok(())
            }
            Some(delay) => {
                self.record(&ActivityEvent::UnlockRefused);
                let mut error = waiting(
                    ErrorCode::WrongPassphrase,
                    "Wrong passphrase",
                    format!("That is not the passphrase. Try again in {}.", rules::wait_words(delay)),
                    delay,
                );
                error.fields = vec![wallet_core::kyc_form::FieldProblem {
                    field: "passphrase".into(),
                    message: error.message.clone(),
                }];
                Err(error)
            }
        }
    }

    /// Whether the person gave the credential within `window`.
    pub fn verified_within(&self, window: Duration) -> Result<bool, UiError> {
        let last = self.inner.lock().map_err(|_| gate_error())?.last_verified;
        Ok(!rules::needs_reauth(last, Instant::now(), window))
    }

    /// The state for work that must happen even after a panic elsewhere poisoned the lock (writing down
    /// a wrong attempt's wait, an activity line): what it holds is plain data a panic cannot leave half
    /// made, and skipping the work would lose a wait or a log line.
    fn inner_even_if_poisoned(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| {
            tracing::error!("the unlock state's lock was poisoned by an earlier panic; going on with it");
            poisoned.into_inner()
        })
    }

    /// Moves the last time the credential was given into the past, as if the person had been away (for
    /// tests of the re-auth window, which is minutes long).
    #[doc(hidden)]
    pub fn age_verification(&self, by: Duration) {
        let mut inner = self.inner_even_if_poisoned();
        inner.last_verified = inner.last_verified.and_then(|at| at.checked_sub(by));
    }

    /// Refuses unless the credential was given within `window` (outside Demo, which has none).
    pub async fn require_recent(&self, demo: bool, window: Duration, why: &str) -> Result<(), UiError> {
        if demo {
            return Ok(());
        }
        if !self.has_credential().await? {
            return Err(passphrase_needed());
        }
        if self.verified_within(window)? {
            return Ok(());
        }
        Err(UiError::new(
            ErrorCode::ReauthNeeded,
            "Enter your passphrase",
            format!("Enter your passphrase again {why}."),
            UiAction::Dismiss,
        ))
    }

    /// The checks before a reveal, copy or fill, once the app is unlocked: a credential exists (outside
    /// Demo), a reveal's re-auth window, then the rate limit they share.
    pub async fn authorize(&self, demo: bool, use_: SecretUse, reauth_window: Duration) -> Result<(), UiError> {
        match use_ {
            SecretUse::Reveal => self.require_recent(demo, reauth_window, "to show the card's details").await?,
            SecretUse::Copy | SecretUse::Fill if !demo && !self.has_credential().await? => {
                return Err(passphrase_needed())
            }
            SecretUse::Copy | SecretUse::Fill => {}
        }
        let taken = self.inner.lock().map_err(|_| gate_error())?.uses.take(Instant::now());
        taken.map_err(|wait| {
            waiting(
                ErrorCode::TooMany,
                "Slow down",
                format!(
                    "Card details were shown, copied or typed {} times in a minute. Try again in {}.",
                    rules::SECRET_USES_PER_MINUTE,
                    rules::wait_words(wait)
                ),
                wait,
            )
        })
    }

    /// Forgets the credential (the reset, after the partner keys are gone).
    pub async fn forget(&self) -> Result<(), UiError> {
        let _one = self.attempt.lock().await;
        let store = self.store.clone();
        Self::blocking(move || store.forget()).await?;
        {
            let mut inner = self.inner.lock().map_err(|_| gate_error())?;
            inner.phc = Some(None);
            inner.last_verified = None;
            inner.throttle.succeeded();
        }
        self.save_throttle();
        self.record(&ActivityEvent::PassphraseReset);
        Ok(())
    }

    fn save_throttle(&self) {
        let Some(dir) = &self.data_dir else { return };
        let text = serde_json::to_string(&self.inner_even_if_poisoned().throttle).unwrap_or_default();
        let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(THROTTLE_FILE), text));
        if let Err(err) = written {
            tracing::warn!(%err, "the unlock attempts could not be saved");
        }
    }

    /// Writes one line to the activity log. A log that cannot be written is reported in the app's own
    /// output but does not stop the action: the person asked for it, and it already passed every check.
    pub fn record(&self, event: &ActivityEvent) {
        let entry = ActivityEntry::new(event, time::OffsetDateTime::now_utc());
        match &self.data_dir {
            Some(dir) => {
                if let Err(err) = activity::append(&dir.join(ACTIVITY_FILE), &entry, activity::LOG_CAP_BYTES) {
                    tracing::warn!(%err, "the activity log could not be written");
                }
            }
            None => {
                let mut inner = self.inner_even_if_poisoned();
                inner.memory_log.push(entry);
                let excess = inner.memory_log.len().saturating_sub(SHOWN_ENTRIES);
                inner.memory_log.drain(..excess);
            }
        }
    }

    /// The log, newest first.
    pub fn entries(&self) -> Result<Vec<ActivityEntry>, UiError> {
        match &self.data_dir {
            Some(dir) => Ok(activity::read(&dir.join(ACTIVITY_FILE), SHOWN_ENTRIES)),
            None => Ok(self.inner.lock().map_err(|_| gate_error())?.memory_log.iter().rev().cloned().collect()),
        }
    }
}
