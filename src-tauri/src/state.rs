//! What the running app holds: settings, the connection to the API (and in Demo mode the embedded
//! simulator), the signed-in user's client, the clipboard, the lock and the unfinished creates. Secrets
//! live here only as `machines-api` secret types; nothing here is ever serialized to the webview.
//!
//! The fields are private; commands reach them through the methods here and in the children, one per
//! job: `connection` (making and dropping the connection), `activity` (transactions, export, card edits), `cards`, `fill` (typing a card into another window), `funding`, `kyc`, `onboarding`,
//! `settings`, `passphrase`, `panic`, `signin` (the partner's sign-in) and `view` (what the header shows). The rules they apply and the views
//! they return are `wallet-core`'s; what is here is state and the OS.

mod activity;
mod cards;
mod connection;
mod fill;
mod funding;
mod kyc;
mod onboarding;
mod panic;
mod passphrase;
mod settings;
mod signin;
mod view;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::config::Overrides;
use machines_api::session::Identity;
use machines_api::{ApiError, Client, GatewayClient, UserClient, ViaGateway};
use machines_sim::SimHandle;
use tokio::sync::Mutex;
use wallet_core::clipboard::{Clipboard, SharedClipboard};
use wallet_core::environment::Environment;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::intents::{Journal, Scope};
use wallet_core::kyc_form::FormDefinition;
use wallet_core::links::LinkPolicy;
use wallet_core::pending_writes::PendingWrites;
use wallet_core::settings::Settings;

pub use activity::{ExportReceipt, Notify, SaveDialog, Silent};
pub use connection::custom_base_url;
pub use fill::{FillTimings, Fills};
pub use signin::PartnerSignIn;

use crate::clipboard::SystemClipboard;
use crate::vault;

/// How the connection gets its sessions.
pub enum ApiClient {
    /// With the partner key (Demo, Sandbox, Production, a custom server).
    PartnerKey(Client),
    /// From the partner's gateway, for the signed-in person (Partner sign-in): no partner key here.
    /// `gateway` is the same gateway, for the calls that are not sessions (`link`, `me`).
    Gateway { client: Client<ViaGateway>, gateway: Arc<GatewayClient> },
}

impl ApiClient {
    /// A client for one user, minting that user's sessions as calls need them.
    pub fn user(&self, identity: Identity) -> Result<UserClient, ApiError> {
        match self {
            Self::PartnerKey(client) => client.user(identity),
            Self::Gateway { client, .. } => client.user(identity),
        }
    }

    /// The partner-key client, for the partner-level calls (`/users/resolve`); `None` through a gateway.
    pub fn partner_key(&self) -> Option<&Client> {
        match self {
            Self::PartnerKey(client) => Some(client),
            Self::Gateway { .. } => None,
        }
    }

    /// The partner's gateway; `None` with a partner key.
    pub fn gateway(&self) -> Option<Arc<GatewayClient>> {
        match self {
            Self::PartnerKey(_) => None,
            Self::Gateway { gateway, .. } => Some(gateway.clone()),
        }
    }
}

/// The API the app is connected to.
pub struct Connection {
    pub client: ApiClient,
    pub environment: Environment,
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

impl Connection {
    /// Whether this is Demo's own simulator.
    pub fn is_demo(&self) -> bool {
        self.simulator.is_some()
    }
}

pub struct AppState {
    settings: Mutex<Settings>,
    /// Things to tell the person once (settings that could not be read, a create finished after a crash).
    notes: wallet_core::updates::Notes,
    connection: Mutex<Option<Connection>>,
    /// Held while the partner key is read from the keychain, which may wait on a prompt: one read at a
    /// time, and never under `connection`, so a prompt left open blocks no other command.
    key_read: Mutex<()>,
    /// How long a keychain read may take before the command that needed it gives up with a message.
    keychain_wait: Duration,
    clipboard: SharedClipboard,
    /// Shared with a fill's typing thread, which asks it before every key.
    locked: Arc<AtomicBool>,
    last_activity: LastActivity,
    /// Environment-variable overrides, read once at start.
    overrides: Mutex<Overrides>,
    /// The Idempotency-Keys of creates that have not succeeded yet (`wallet_core::pending_writes`).
    pending_writes: PendingWrites,
    /// The journal of card creates sent and not yet answered, in the app's data folder, so a crash
    /// cannot make a second card (`wallet_core::intents`); `None` keeps them in memory only.
    intents: Option<Journal>,
    /// Held while the journal's creates are being finished, so a card list and a Create pressed at the
    /// same moment do not both resend one (a server may refuse a key still in use with a 409).
    finishing: Mutex<()>,
    /// Where Demo mode keeps its simulator's state between runs (in the app's data folder); `None` keeps
    /// Demo in memory only, as the command tests that start many apps at once want.
    demo_state_file: Option<PathBuf>,
    /// The unlock credential, wrong attempts, the reveal and copy rate limit and the activity log (shared
    /// with a fill, which writes its line when the typing ends).
    gate: Arc<crate::unlock::Gate>,
    /// The status watches (KYC, a deposit), the lock's listener, and the switches that pause the watches
    /// while locked or hidden (`wallet_core::updates`).
    watches: wallet_core::updates::Watches,
    /// The partner's sign-in, when the app was shipped with a usable `partner.json` (`state::signin`).
    partner: Option<Arc<PartnerSignIn>>,
    /// Desktop notifications of new transactions (`tauri-plugin-notification` in the app).
    notifier: Arc<dyn activity::Notify>,
    /// Where an export is saved (`tauri-plugin-dialog` in the app); `None` refuses exports.
    save_dialog: Option<Arc<dyn activity::SaveDialog>>,
    /// Typing a card into another window (`state::fill`): the desktop, the fill under way, its listener.
    fill: Fills,
}

/// When the person last did something, for the idle lock, in atomics rather than behind a lock, so
/// that no panic elsewhere can leave it unreadable: milliseconds since the state was made, and how far
/// a test has moved it into the past.
struct LastActivity {
    since: Instant,
    millis: AtomicU64,
    backdated_millis: AtomicU64,
}

impl LastActivity {
    fn new() -> Self {
        Self { since: Instant::now(), millis: AtomicU64::new(0), backdated_millis: AtomicU64::new(0) }
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.backdated_millis.store(0, Ordering::SeqCst);
        self.millis.store(self.now_millis(), Ordering::SeqCst);
    }

    fn idle_for(&self) -> Duration {
        let idle = self.now_millis().saturating_sub(self.millis.load(Ordering::SeqCst));
        Duration::from_millis(idle.saturating_add(self.backdated_millis.load(Ordering::SeqCst)))
    }

    /// As if the last activity was `idle` ago.
    fn set_idle_for(&self, idle: Duration) {
        self.millis.store(self.now_millis(), Ordering::SeqCst);
        self.backdated_millis.store(u64::try_from(idle.as_millis()).unwrap_or(u64::MAX), Ordering::SeqCst);
    }
}

impl AppState {
    pub fn new(settings: Settings, notes: Vec<String>, overrides: Overrides) -> Self {
        Self {
            settings: Mutex::new(settings),
            notes: wallet_core::updates::Notes::new(notes),
            connection: Mutex::new(None),
            key_read: Mutex::new(()),
            keychain_wait: connection::KEYCHAIN_WAIT,
            clipboard: SharedClipboard::new(Box::new(SystemClipboard::new())),
            locked: Arc::new(AtomicBool::new(false)),
            last_activity: LastActivity::new(),
            overrides: Mutex::new(overrides),
            pending_writes: PendingWrites::default(),
            intents: None,
            finishing: Mutex::new(()),
            demo_state_file: None,
            gate: Arc::new(crate::unlock::Gate::new(Arc::new(vault::KeychainCredential), None)),
            watches: wallet_core::updates::Watches::new(false),
            partner: None,
            notifier: Arc::new(activity::Silent),
            save_dialog: None,
            fill: Fills::default(),
        }
    }

    /// The same state with `gate` in front of the secrets; `locked` opens it locked (outside Demo, where
    /// the person gives their passphrase, or sets one, first).
    pub fn with_gate(self, gate: crate::unlock::Gate, locked: bool) -> Self {
        self.watches.pauses().set_locked(locked);
        self.locked.store(locked, Ordering::SeqCst);
        Self { gate: Arc::new(gate), ..self }
    }

    /// The same state filling on `desktop` (the app's X11 desktop; tests use a fake), its clock as
    /// `timings` says.
    pub fn with_fill(self, desktop: Arc<dyn crate::fill::Desktop>, timings: FillTimings) -> Self {
        Self { fill: Fills::new(desktop, timings), ..self }
    }

    /// Fill's desktop.
    pub fn fill_desktop(&self) -> &Arc<dyn crate::fill::Desktop> {
        self.fill.desktop()
    }

    /// The same state, waiting as `policy` says between status checks (tests use short waits).
    pub fn with_poll_policy(self, policy: machines_api::poll::PollPolicy) -> Self {
        let watches = wallet_core::updates::Watches::new(self.is_locked()).with_policy(policy);
        Self { watches, ..self }
    }

    /// The status watches and the lock's listener.
    pub fn watches(&self) -> &wallet_core::updates::Watches {
        &self.watches
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

    /// The same state over another clipboard: tests use one they can read back after the app has quit
    /// (on bare X11 the selection dies with its owner, so only a fake can show that quitting cleared it).
    pub fn with_clipboard(self, board: Box<dyn Clipboard + Send>) -> Self {
        Self { clipboard: SharedClipboard::new(board), ..self }
    }

    /// The settings in use now.
    pub async fn settings(&self) -> Settings {
        self.settings.lock().await.clone()
    }

    /// Adds things to tell the person once.
    /// Sent to the page at once when it listens (`watch_notes`), else kept for the next `app_state`.
    pub async fn add_notes(&self, notes: impl IntoIterator<Item = String>) {
        self.notes.add(notes);
    }

    /// The things to tell the person, each handed out once.
    pub async fn take_notes(&self) -> Vec<String> {
        self.notes.take()
    }

    /// The page listens for notes from now on (see `wallet_core::updates::Notes`).
    pub fn listen_for_notes(&self, sink: impl FnMut(wallet_core::updates::NotesUpdate) -> bool + Send + 'static) {
        self.notes.listen(sink);
    }

    /// The unlock credential, the reveal and copy limit, and the activity log.
    pub fn gate(&self) -> &crate::unlock::Gate {
        &self.gate
    }

    /// The app's clipboard, shared with its clear timer.
    pub fn clipboard(&self) -> &SharedClipboard {
        &self.clipboard
    }

    /// The creates of this run that have not succeeded yet.
    pub fn pending_writes(&self) -> &PendingWrites {
        &self.pending_writes
    }

    /// The keys of this run's unfinished creates.
    pub fn pending_keys(&self) -> Result<Vec<String>, UiError> {
        self.pending_writes.keys()
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
        let Some(connection) = connection else {
            tracing::warn!("the demo state was not saved: a command held the connection for a second");
            return;
        };
        if let Some(sim) = connection.as_ref().and_then(|c| c.simulator.as_ref()) {
            match sim.save_now() {
                Ok(()) => tracing::info!("the demo state is saved"),
                Err(err) => tracing::warn!(%err, "the demo state could not be saved"),
            }
        }
    }

    /// Where a create would go now: the connected environment (a custom server by its host, Demo by name
    /// since its port changes every run) and the signed-in account.
    pub async fn write_scope(&self) -> Result<Scope, UiError> {
        let account = self.settings.lock().await.user_id.clone().ok_or_else(set_up_first)?;
        let environment = self.connect().await?.environment.scope_name();
        Ok(Scope { environment, account })
    }

    /// Forgets every unfinished create of this run: the environment, the account or the partner key
    /// changed, so no key or encrypted label of before may be sent again.
    pub fn forget_pending_writes(&self) {
        self.pending_writes.forget_all();
    }

    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    pub fn touch(&self) {
        self.last_activity.touch();
    }

    pub fn idle_for(&self) -> Duration {
        self.last_activity.idle_for()
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
        self.last_activity.set_idle_for(idle);
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

    /// Marks the app locked, before anything else a lock does: a copy about to write checks the lock
    /// while holding the clipboard, so once this is set no copy writes after the clear that follows.
    fn mark_locked(&self) {
        self.locked.store(true, Ordering::SeqCst);
        // The watches pause (a check would mint the session about to be dropped) and the UI hears it.
        self.watches.pauses().set_locked(true);
        // A fill types nothing more (its typist also reads the lock before every key).
        self.fill.cancel(wallet_core::fill::FillStop::Locked);
    }

    /// Locks: clears the clipboard if it still holds our value and signs the user's sessions out.
    pub async fn lock(&self) {
        self.mark_locked();
        self.clear_clipboard();
        if let Some(connection) = self.connection.lock().await.as_ref() {
            if let Some(user) = &connection.user {
                user.broker().clear();
            }
        }
    }

    /// Clears the clipboard now if it still holds what we copied.
    pub fn clear_clipboard(&self) {
        self.clipboard.clear_if_ours();
    }

    /// Unlocks (the passphrase was checked): commands work again, the paused watches check at once, and
    /// the idle timer starts again.
    pub fn unlock(&self) {
        self.locked.store(false, Ordering::SeqCst);
        self.watches.pauses().set_locked(false);
        self.touch();
    }

    /// The signed-in user's client, or an error that leads to set-up.
    pub async fn user(&self) -> Result<Arc<UserClient>, UiError> {
        self.ensure_unlocked()?;
        let connection = self.connect().await?;
        connection.user.clone().ok_or_else(set_up_first)
    }
}

fn set_up_first() -> UiError {
    UiError::new(ErrorCode::Setup, "Set up first", "Enter your user id and wallet address to begin.", UiAction::Dismiss)
}

/// Maps a client error to what the UI shows.
fn ui(error: machines_api::ApiError) -> UiError {
    UiError::from(&error)
}
