//! What the running app holds: settings, the connection to the API (and in Demo mode the embedded
//! simulator), the signed-in user's client, the clipboard guard and the lock. Secrets live here only as
//! `machines-api` secret types; nothing here is ever serialized to the webview.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::config::{ClientConfig, Overrides};
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, PartnerKey, UserClient};
use machines_sim::{Restored, SimConfig, SimHandle, Simulator};
use tokio::sync::Mutex;
use wallet_core::clipboard::{Clipboard, ClipboardGuard};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::intents::{Journal, Scope};
use wallet_core::kyc_form::FormDefinition;
use wallet_core::links::LinkPolicy;
use wallet_core::settings::{EnvironmentSetting, Settings};

use crate::clipboard::SystemClipboard;
use crate::vault;

/// The API the app is connected to.
pub struct Connection {
    pub client: Client,
    pub environment: String,
    pub demo: bool,
    pub api_host: String,
    pub links: LinkPolicy,
    /// The embedded simulator in Demo mode; dropping it stops the server.
    pub simulator: Option<SimHandle>,
    pub user: Option<Arc<UserClient>>,
    /// The KYC form built from `/kyc/values`, asked once and kept for the user it was asked for: the
    /// form is drawn, checked on every blur and submitted with the same definition, and it goes with the
    /// connection (environment change, sign-out) or when another user signs in.
    kyc_form: Option<(Arc<UserClient>, Arc<FormDefinition>)>,
}

pub struct AppState {
    pub settings: Mutex<Settings>,
    /// Problems found reading the settings at start-up, shown once.
    pub notes: Mutex<Vec<String>>,
    pub connection: Mutex<Option<Connection>>,
    /// Held while the partner key is read from the keychain, which may wait on a prompt: one read at a
    /// time, and never under `connection`, so a prompt left open blocks no other command.
    key_read: Mutex<()>,
    /// How long a keychain read may take before the command that needed it gives up with a message.
    keychain_wait: Duration,
    pub clipboard: std::sync::Mutex<(ClipboardGuard, Box<dyn Clipboard + Send>)>,
    pub locked: std::sync::atomic::AtomicBool,
    pub last_activity: std::sync::Mutex<Instant>,
    /// Environment-variable overrides, read once at start.
    pub overrides: Mutex<Overrides>,
    /// The Idempotency-Key of a create that has not succeeded yet, by where it goes (environment and
    /// account) and what it asked for. A person who presses "Create" again after an error (a timeout
    /// after the server acted, say) sends the same key, so the retry can never make a second card or
    /// deposit; and since the account is part of the key, a stale one is never sent to another account
    /// (whose data key could not even read the label encrypted for the first).
    pub pending_writes: std::sync::Mutex<std::collections::HashMap<(Scope, String), PendingWrite>>,
    /// The journal of card creates sent and not yet answered, in the app's data folder, so a crash
    /// cannot make a second card (`wallet_core::intents`); `None` keeps them in memory only.
    pub intents: Option<Journal>,
    /// Held while the journal's creates are being finished, so a card list and a Create pressed at the
    /// same moment do not both resend one (a server may refuse a key still in use with a 409).
    pub finishing: Mutex<()>,
    /// Where Demo mode keeps its simulator's state between runs (in the app's data folder); `None` keeps
    /// Demo in memory only, as the command tests that start many apps at once want.
    pub demo_state_file: Option<PathBuf>,
    /// The unlock credential, wrong attempts, the reveal and copy rate limit and the activity log.
    pub gate: crate::unlock::Gate,
}

/// A create that has not succeeded yet: its key, and the encrypted label it sent (encryption uses a fresh
/// IV each time, so a retry must resend the same ciphertext or it would be a different request).
#[derive(Clone)]
pub struct PendingWrite {
    pub key: machines_api::IdempotencyKey,
    pub label: Option<machines_api::models::common::EncryptedField>,
}

impl AppState {
    pub fn new(settings: Settings, notes: Vec<String>, overrides: Overrides) -> Self {
        Self {
            settings: Mutex::new(settings),
            notes: Mutex::new(notes),
            connection: Mutex::new(None),
            key_read: Mutex::new(()),
            keychain_wait: KEYCHAIN_WAIT,
            clipboard: std::sync::Mutex::new((ClipboardGuard::default(), Box::new(SystemClipboard::new()))),
            locked: std::sync::atomic::AtomicBool::new(false),
            last_activity: std::sync::Mutex::new(Instant::now()),
            overrides: Mutex::new(overrides),
            pending_writes: std::sync::Mutex::new(std::collections::HashMap::new()),
            intents: None,
            finishing: Mutex::new(()),
            demo_state_file: None,
            gate: crate::unlock::Gate::new(Arc::new(vault::KeychainCredential), None),
        }
    }

    /// The same state with `gate` in front of the secrets; `locked` opens it locked (outside Demo, where
    /// the person gives their passphrase, or sets one, first).
    pub fn with_gate(self, gate: crate::unlock::Gate, locked: bool) -> Self {
        Self { gate, locked: std::sync::atomic::AtomicBool::new(locked), ..self }
    }

    /// The same state with unanswered card creates journaled in `dir`.
    pub fn with_intents(self, dir: Option<PathBuf>) -> Self {
        Self { intents: dir.map(Journal::new), ..self }
    }

    /// The same state, giving up on a keychain read after `wait` (tests use a short one).
    pub fn with_keychain_wait(self, wait: Duration) -> Self {
        Self { keychain_wait: wait, ..self }
    }

    /// The same state with Demo mode saved to `file` between runs.
    pub fn with_demo_state_file(self, file: Option<PathBuf>) -> Self {
        Self { demo_state_file: file, ..self }
    }

    /// Saves the Demo simulator's state now (as the app quits). Waits at most a second for a command that
    /// holds the connection (polling: this runs on the event loop, outside the async runtime); the
    /// simulator also saves shortly after every request, so little can be lost if it gives up.
    pub fn save_demo(&self) {
        let deadline = Instant::now() + Duration::from_secs(1);
        let connection = loop {
            match self.connection.try_lock() {
                Ok(connection) => break Some(connection),
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                Err(_) => break None,
            }
        };
        if let Some(sim) = connection.as_ref().and_then(|c| c.as_ref()).and_then(|c| c.simulator.as_ref()) {
            if let Err(err) = sim.save_now() {
                tracing::warn!(%err, "the demo state could not be saved");
            }
        }
    }

    /// The same state over another clipboard: tests use one they can read back after the app has quit
    /// (on bare X11 the selection dies with its owner, so only a fake can show that quitting cleared it).
    pub fn with_clipboard(self, board: Box<dyn Clipboard + Send>) -> Self {
        Self { clipboard: std::sync::Mutex::new((ClipboardGuard::default(), board)), ..self }
    }

    /// Where a create would go now: the connected environment (a custom server by its host, Demo by name
    /// since its port changes every run) and the signed-in account.
    pub async fn write_scope(&self) -> Result<Scope, UiError> {
        let account = self.settings.lock().await.user_id.clone().ok_or_else(|| {
            UiError::new(
                ErrorCode::Setup,
                "Set up first",
                "Enter your user id and wallet address to begin.",
                UiAction::Dismiss,
            )
        })?;
        let connection = self.connect().await?;
        let environment = match connection.environment.as_str() {
            "custom" => format!("custom {}", connection.api_host),
            other => other.to_owned(),
        };
        Ok(Scope { environment, account })
    }

    /// The pending create described by `request` in `scope`, if this same create failed before.
    pub fn pending_write(&self, scope: &Scope, request: &str) -> Option<PendingWrite> {
        let slot = (scope.clone(), request.to_owned());
        self.pending_writes.lock().ok().and_then(|pending| pending.get(&slot).cloned())
    }

    /// Remembers a create until it succeeds.
    pub fn begin_write(&self, scope: &Scope, request: &str, write: PendingWrite) {
        if let Ok(mut pending) = self.pending_writes.lock() {
            pending.insert((scope.clone(), request.to_owned()), write);
        }
    }

    /// The key for the create described by `request`: the pending one if this same create failed before.
    pub fn write_key(&self, scope: &Scope, request: &str) -> machines_api::IdempotencyKey {
        if let Some(write) = self.pending_write(scope, request) {
            return write.key;
        }
        let key = machines_api::IdempotencyKey::generate();
        self.begin_write(scope, request, PendingWrite { key: key.clone(), label: None });
        key
    }

    /// The create described by `request` succeeded: its key is done.
    pub fn write_done(&self, scope: &Scope, request: &str) {
        if let Ok(mut pending) = self.pending_writes.lock() {
            pending.remove(&(scope.clone(), request.to_owned()));
        }
    }

    /// The keys of this run's unfinished creates: a person retries those themselves, so the journal's
    /// resume leaves them alone.
    pub fn pending_keys(&self) -> Vec<String> {
        self.pending_writes
            .lock()
            .map(|pending| pending.values().map(|w| w.key.as_str().to_owned()).collect())
            .unwrap_or_default()
    }

    /// Forgets every unfinished create: the environment, the account or the partner key changed, so no
    /// key or encrypted label of before may be sent again.
    pub fn forget_pending_writes(&self) {
        if let Ok(mut pending) = self.pending_writes.lock() {
            pending.clear();
        }
    }

    pub fn is_locked(&self) -> bool {
        self.locked.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn touch(&self) {
        if let Ok(mut at) = self.last_activity.lock() {
            *at = Instant::now();
        }
    }

    pub fn idle_for(&self) -> Duration {
        self.last_activity.lock().map(|at| at.elapsed()).unwrap_or_default()
    }

    /// Locks if nothing happened for the configured idle time; says whether it locked.
    pub async fn lock_if_idle(&self) -> bool {
        let limit = Duration::from_secs(u64::from(self.settings.lock().await.idle_lock_minutes) * 60);
        if self.is_locked() || self.idle_for() < limit {
            return false;
        }
        tracing::info!("idle: locking");
        self.lock().await;
        true
    }

    /// Moves the last activity into the past, as if the person had been away (for tests of the idle lock).
    #[doc(hidden)]
    pub fn set_idle_for(&self, idle: Duration) {
        if let (Ok(mut at), Some(then)) = (self.last_activity.lock(), Instant::now().checked_sub(idle)) {
            *at = then;
        }
    }

    /// Refuses work while locked.
    pub fn ensure_unlocked(&self) -> Result<(), UiError> {
        if self.is_locked() {
            Err(UiError::new(
                ErrorCode::Locked,
                "Locked",
                "Machines Wallet is locked. Unlock it to continue.",
                UiAction::Dismiss,
            ))
        } else {
            Ok(())
        }
    }

    /// Locks: clears the clipboard if it still holds our value and signs the user's sessions out.
    pub async fn lock(&self) {
        self.locked.store(true, std::sync::atomic::Ordering::SeqCst);
        self.clear_clipboard();
        if let Some(connection) = self.connection.lock().await.as_ref() {
            if let Some(user) = &connection.user {
                user.broker().clear();
            }
        }
    }

    pub fn clear_clipboard(&self) {
        if let Ok(mut guard) = self.clipboard.lock() {
            let (guard, board) = &mut *guard;
            if let Err(err) = guard.clear_if_ours(board) {
                tracing::warn!(%err, "could not clear the clipboard");
            }
        }
    }

    /// Drops the connection and every token (environment switch, sign-out).
    pub async fn disconnect(&self) {
        *self.connection.lock().await = None;
    }

    /// The connection, made from the settings (and overrides) if there is none yet. The partner key is
    /// read from the keychain before the connection lock is taken, with a time limit: a keychain prompt
    /// nobody answers holds up only the commands that need the key, never the lock, the panic button or
    /// the settings.
    pub async fn connect(&self) -> Result<tokio::sync::MappedMutexGuard<'_, Connection>, UiError> {
        // The settings may change while the key is read (another environment saved): then the key read is
        // for the old ones, and the connection is made again from the new ones.
        for _ in 0..3 {
            if let Some(connection) = self.connected().await {
                return Ok(connection);
            }
            let _one_read = self.key_read.lock().await;
            if let Some(connection) = self.connected().await {
                return Ok(connection);
            }
            let settings = self.settings.lock().await.clone();
            let key = self.keychain_key(&settings).await?;
            let mut slot = self.connection.lock().await;
            if slot.is_none() && *self.settings.lock().await == settings {
                *slot = Some(self.open(&settings, key).await?);
            }
            if let Ok(connection) = tokio::sync::MutexGuard::try_map(slot, Option::as_mut) {
                return Ok(connection);
            }
        }
        Err(UiError::new(
            ErrorCode::Config,
            "Not connected",
            "The settings changed while connecting. Try again.",
            UiAction::Retry,
        ))
    }

    /// The connection if one is open, or one made now if that needs no keychain (Demo, or a key given in
    /// the environment); never waits on the keychain. For the panic button.
    pub async fn connect_without_keychain(&self) -> Result<tokio::sync::MappedMutexGuard<'_, Connection>, UiError> {
        let settings = self.settings.lock().await.clone();
        let mut slot = self.connection.lock().await;
        if slot.is_none() && !self.needs_keychain(&settings).await {
            *slot = Some(self.open(&settings, None).await?);
        }
        tokio::sync::MutexGuard::try_map(slot, Option::as_mut).map_err(|_| {
            UiError::new(
                ErrorCode::PartnerKey,
                "Not connected",
                "The app was not connected to Machines Cash yet (the partner key had not been read from the keychain).",
                UiAction::Dismiss,
            )
        })
    }

    async fn connected(&self) -> Option<tokio::sync::MappedMutexGuard<'_, Connection>> {
        tokio::sync::MutexGuard::try_map(self.connection.lock().await, Option::as_mut).ok()
    }

    async fn needs_keychain(&self, settings: &Settings) -> bool {
        let overrides = self.overrides.lock().await;
        overrides.partner_key.is_none()
            && (overrides.base_url.is_some() || settings.environment != EnvironmentSetting::Demo)
    }

    /// Whether `MACHINES_API_URL` is set without `MACHINES_PARTNER_KEY`, so that server's key is kept in
    /// the keychain under its origin (whatever environment the settings name).
    pub async fn key_for_override_in_keychain(&self) -> bool {
        let overrides = self.overrides.lock().await;
        overrides.base_url.is_some() && overrides.partner_key.is_none()
    }

    /// The keychain account of the partner key these settings use: the `MACHINES_API_URL` override's
    /// origin when it is set (tests point the app at their own simulator there, over plain http on
    /// loopback), else the environment's (see `vault::account`).
    pub async fn key_account(&self, settings: &Settings) -> Result<String, UiError> {
        if let Some(url) = &self.overrides.lock().await.base_url {
            return Ok(format!("custom:{}", url.as_url().origin().ascii_serialization()));
        }
        vault::account(&settings.environment)
    }

    /// The partner key from the keychain, if these settings need it (`None` if they do not), waiting at
    /// most `keychain_wait`. The read runs on the blocking pool; one that is given up on finishes there.
    async fn keychain_key(&self, settings: &Settings) -> Result<Option<PartnerKey>, UiError> {
        if !self.needs_keychain(settings).await {
            return Ok(None);
        }
        let account = self.key_account(settings).await?;
        match tokio::time::timeout(self.keychain_wait, vault::load(account)).await {
            Ok(loaded) => loaded?.map(Some).ok_or_else(missing_key),
            Err(_) => Err(UiError::new(
                ErrorCode::Keychain,
                "Keychain not answering",
                format!(
                    "The system keychain did not give the partner key within {} seconds. If it is asking for your \
                     password, answer it, then try again.",
                    self.keychain_wait.as_secs()
                ),
                UiAction::Retry,
            )),
        }
    }

    /// Opens a connection; `keychain_key` is the key read beforehand if the settings needed one.
    async fn open(&self, settings: &Settings, keychain_key: Option<PartnerKey>) -> Result<Connection, UiError> {
        let overrides = self.overrides.lock().await;
        let (base_url, key, environment, simulator) = match (&overrides.base_url, &settings.environment) {
            (Some(url), _) => {
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                (url.clone(), key, "custom".to_owned(), None)
            }
            (None, EnvironmentSetting::Demo) => {
                let sim = start_demo(self.demo_state_file.clone()).await?;
                if let Some(note) = restore_note(sim.restored()) {
                    self.notes.lock().await.push(note);
                }
                let base = BaseUrl::parse(&sim.base_url()).map_err(|e| UiError::from(&e))?;
                let key = PartnerKey::parse(sim.partner_key()).map_err(|_| missing_key())?;
                (base, key, "demo".to_owned(), Some(sim))
            }
            (None, other) => {
                let (name, url) = match other {
                    EnvironmentSetting::Sandbox => ("sandbox", machines_api::config::SANDBOX_URL.to_owned()),
                    EnvironmentSetting::Production => ("production", machines_api::config::PRODUCTION_URL.to_owned()),
                    EnvironmentSetting::Custom { url } => ("custom", url.clone()),
                    EnvironmentSetting::Demo => ("demo", String::new()),
                };
                let base = match other {
                    EnvironmentSetting::Custom { url } => custom_base_url(url)?,
                    _ => BaseUrl::parse(&url).map_err(|e| UiError::from(&e))?,
                };
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                (base, key, name.to_owned(), None)
            }
        };
        let mut config = ClientConfig::new(base_url.clone());
        config.session_ttl = Duration::from_secs(u64::from(settings.session_ttl_seconds));
        let client = Client::new(config, key).map_err(|e| UiError::from(&e))?;
        let links = match &simulator {
            Some(sim) => LinkPolicy::default().with_demo_origin(&sim.origin()),
            None => LinkPolicy::default(),
        };
        let user = match (&settings.user_id, &settings.wallet_address) {
            (Some(user_id), wallet) => Some(Arc::new(
                client
                    .user(Identity { user_id: user_id.clone(), wallet_address: wallet.clone() })
                    .map_err(|e| UiError::from(&e))?,
            )),
            _ => None,
        };
        Ok(Connection {
            client,
            demo: simulator.is_some(),
            api_host: base_url.host(),
            environment,
            links,
            simulator,
            user,
            kyc_form: None,
        })
    }

    /// The signed-in user's KYC form: from `/kyc/values` the first time, then the one kept on the
    /// connection. The request is made without holding the connection lock, so no other command waits on it.
    pub async fn kyc_form(&self) -> Result<(Arc<UserClient>, Arc<FormDefinition>), UiError> {
        let user = self.user().await?;
        let kept =
            self.connect().await?.kyc_form.as_ref().filter(|(asked_by, _)| Arc::ptr_eq(asked_by, &user)).cloned();
        if let Some(kept) = kept {
            return Ok(kept);
        }
        let values = user.kyc_values().await.map_err(|e| UiError::from(&e))?.data;
        let form = Arc::new(FormDefinition::from_values(&values));
        let mut connection = self.connect().await?;
        // Kept only if that user is still the one signed in (another may have signed in meanwhile).
        if connection.user.as_ref().is_some_and(|current| Arc::ptr_eq(current, &user)) {
            connection.kyc_form = Some((user.clone(), form.clone()));
        }
        Ok((user, form))
    }

    /// The signed-in user's client, or an error that leads to set-up.
    pub async fn user(&self) -> Result<Arc<UserClient>, UiError> {
        self.ensure_unlocked()?;
        let connection = self.connect().await?;
        connection.user.clone().ok_or_else(|| {
            UiError::new(
                ErrorCode::Setup,
                "Set up first",
                "Enter your user id and wallet address to begin.",
                UiAction::Dismiss,
            )
        })
    }
}

/// A custom server's URL: `https://` only. Plain `http://` reaches only this computer's simulator, which
/// Demo embeds; the `MACHINES_API_URL` override still takes it, for tests that run their own simulator.
pub fn custom_base_url(url: &str) -> Result<BaseUrl, UiError> {
    let base = BaseUrl::parse(url).map_err(|e| UiError::from(&e))?;
    if base.as_url().scheme() != "https" {
        return Err(UiError::on_field(
            "Check the custom URL",
            "environment.url",
            "A custom server needs an https:// address (plain http:// is for Demo only).",
        ));
    }
    Ok(base)
}

/// How long a command waits for the keychain to give the partner key: long enough for a person to type
/// their keyring password at a prompt, short enough that a forgotten prompt ends in a message.
const KEYCHAIN_WAIT: Duration = Duration::from_secs(60);

fn missing_key() -> UiError {
    UiError::new(
        ErrorCode::PartnerKey,
        "Partner key needed",
        "This environment needs your Machines partner key. Add it in Settings, or switch to Demo.",
        UiAction::OpenSettings,
    )
}

/// What to tell the person, once, when Demo's saved state could not be used.
fn restore_note(restored: &Restored) -> Option<String> {
    match restored {
        Restored::Fresh | Restored::Restored { .. } => None,
        Restored::SetAside { to, .. } => Some(format!(
            "Demo's saved data could not be read, so Demo started over. The old file was kept as {}.",
            to.display()
        )),
        Restored::NotSaving { .. } => Some(
            "Demo's saved data could not be read, so Demo started over. Its file could not be moved aside either, \
             so this time Demo will not be kept after you quit."
                .to_owned(),
        ),
    }
}

/// Demo mode's simulator: the whole journey offline. Verification completes on its own page (opened in
/// the browser) and a deposit funds itself shortly after its address is shown, so a person can see the
/// money arrive without sending any. With `state_file` it starts where the last run left off and keeps
/// saving (see `machines_sim`'s `store`); its timers run on the wall clock, so a deposit or an approval
/// that came due while the app was closed is done when it opens.
async fn start_demo(state_file: Option<PathBuf>) -> Result<SimHandle, UiError> {
    let config = SimConfig {
        // A new key each launch (the admin secret is new each launch too): another local process cannot
        // use Demo's API or its `/_sim` routes. The saved state keys its users to the demo partner, not to
        // this string, so they are found again under the next launch's key.
        partner_keys: vec![machines_sim::random_secret("mk_demo_")],
        state_file,
        kyc_pending_for: Duration::from_secs(3),
        deposit_auto_fund_after: Some(Duration::from_secs(20)),
        auto_fund_amount: 50.0,
        deposit_processing_for: Duration::from_secs(5),
        spend_posts_after: Duration::from_secs(60),
        ..SimConfig::default()
    };
    Simulator::start(config).await.map_err(|e| {
        UiError::new(
            ErrorCode::Internal,
            "Demo unavailable",
            format!("The demo server could not start: {e}."),
            UiAction::Retry,
        )
    })
}
