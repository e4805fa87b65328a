//! Partner sign-in: the person signs in with the partner's OpenID provider (`wallet_core::signin`), and the
//! partner's gateway mints every Machines session for them, so no partner key is on this computer. Here:
//! the sign-in and its cancel, what follows it (`me`: linked or not), the Partner set-up (`link`), and
//! sign-out, which forgets every trace of the person (tokens, sessions, clipboard, user id, wallet).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use machines_api::session::Identity;
use machines_api::{ApiError, Credential, GatewayClient, SecretString};
use tokio_util::sync::CancellationToken;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::partner_config::PartnerConfig;
use wallet_core::settings::{EnvironmentSetting, Settings};
use wallet_core::signin::{OpenBrowser, RefreshTokenStore, SignIn, SignInConfig, SignInError};
use wallet_core::signin_view::{SignInView, SignedIn};
use wallet_core::stage::Stage;

use super::AppState;

/// The partner's sign-in as the app holds it: made once at start from `partner.json`.
pub struct PartnerSignIn {
    config: PartnerConfig,
    sign_in: Arc<SignIn>,
    store: Arc<dyn RefreshTokenStore>,
    browser: Arc<dyn OpenBrowser>,
    /// The sign-in waiting for the browser now, if any, with the number that tells it from a later one:
    /// a `cancel_sign_in` ends the one waiting when it lands, never one started after it.
    waiting: Mutex<Option<(u64, CancellationToken)>>,
    started: AtomicU64,
}

impl PartnerSignIn {
    /// The sign-in for `config`, keeping its refresh token in `store` (the keychain in the app) and
    /// showing the provider's page through `browser` (the system browser in the app).
    pub fn new(
        config: PartnerConfig,
        store: Arc<dyn RefreshTokenStore>,
        browser: Arc<dyn OpenBrowser>,
    ) -> Result<Self, UiError> {
        Self::with_sign_in_config(config.clone(), sign_in_config(&config), store, browser)
    }

    /// [`PartnerSignIn::new`] with the sign-in's own settings given (tests use a short time limit).
    pub fn with_sign_in_config(
        config: PartnerConfig,
        sign_in_config: SignInConfig,
        store: Arc<dyn RefreshTokenStore>,
        browser: Arc<dyn OpenBrowser>,
    ) -> Result<Self, UiError> {
        let sign_in = SignIn::new(sign_in_config, store.clone()).map_err(|e| UiError::from(&e))?;
        Ok(Self {
            config,
            sign_in: Arc::new(sign_in),
            store,
            browser,
            waiting: Mutex::new(None),
            started: AtomicU64::new(0),
        })
    }

    pub fn config(&self) -> &PartnerConfig {
        &self.config
    }

    /// The access tokens, for the gateway client of the connection.
    pub fn tokens(&self) -> Arc<SignIn> {
        self.sign_in.clone()
    }

    fn waiting(&self) -> MutexGuard<'_, Option<(u64, CancellationToken)>> {
        // A panic elsewhere while the lock was held leaves the slot itself whole.
        self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Ends the sign-in waiting now, if any.
    fn cancel_waiting(&self) {
        if let Some((_, token)) = self.waiting().take() {
            token.cancel();
        }
    }

    /// Signed in as far as this computer can tell without the network: an access token in memory or a
    /// refresh token in the keychain.
    fn signed_in(&self) -> Result<bool, UiError> {
        if self.sign_in.has_access_token() {
            return Ok(true);
        }
        self.store.load().map(|token| token.is_some()).map_err(|e| UiError::from(&SignInError::Keychain(e)))
    }
}

/// The sign-in's settings from the partner's file.
fn sign_in_config(config: &PartnerConfig) -> SignInConfig {
    SignInConfig::new(config.issuer.clone(), config.client_id.clone(), config.scopes.clone())
}

/// What a command that needs the person signed in says when they are not.
pub(super) fn sign_in_needed(partner: &str) -> UiError {
    UiError::new(
        ErrorCode::SignInAgain,
        "Sign in to continue",
        format!("Sign in with {partner} to continue."),
        UiAction::Retry,
    )
}

fn no_partner() -> UiError {
    UiError::new(
        ErrorCode::Config,
        "No partner sign-in",
        "This copy of Machines Wallet was not set up for a partner's sign-in.",
        UiAction::Dismiss,
    )
}

fn not_selected() -> UiError {
    UiError::new(
        ErrorCode::Config,
        "Partner sign-in not chosen",
        "Choose Partner sign-in as the connection in Settings first.",
        UiAction::OpenSettings,
    )
}

impl AppState {
    /// The same state with the partner's sign-in (when a usable `partner.json` was found at start).
    pub fn with_partner(self, partner: Option<PartnerSignIn>) -> Self {
        Self { partner: partner.map(Arc::new), ..self }
    }

    /// The partner's sign-in, or the error that says this copy has none.
    pub(super) fn partner(&self) -> Result<Arc<PartnerSignIn>, UiError> {
        self.partner.clone().ok_or_else(no_partner)
    }

    /// Whether a partner sign-in is configured (so Settings may choose it).
    pub fn offers_partner(&self) -> bool {
        self.partner.is_some()
    }

    /// Before a connection is made in Partner mode: the person must be signed in (no network call).
    pub(super) async fn ensure_signed_in(&self, settings: &Settings) -> Result<(), UiError> {
        if settings.environment != EnvironmentSetting::Partner {
            return Ok(());
        }
        let partner = self.partner()?;
        let check = partner.clone();
        // A keychain that fails or does not answer holds no refresh token this app can use: the person
        // signs in again, and a keychain still failing then says so in its own words.
        let signed_in = match tokio::time::timeout(
            self.keychain_wait,
            tokio::task::spawn_blocking(move || check.signed_in()),
        )
        .await
        {
            Ok(Ok(Ok(answer))) => answer,
            Ok(Ok(Err(err))) => {
                tracing::warn!(title = %err.title, "the keychain could not say whether a sign-in is kept");
                false
            }
            Ok(Err(_)) | Err(_) => false,
        };
        if signed_in {
            Ok(())
        } else {
            Err(sign_in_needed(&partner.config.name))
        }
    }

    /// The partner sign-in as the view shows it (`None` without a partner file).
    pub(super) async fn sign_in_view(&self) -> Option<SignInView> {
        let partner = self.partner.clone()?;
        let selected = self.settings.lock().await.environment == EnvironmentSetting::Partner;
        let check = partner.clone();
        let signed_in = tokio::task::spawn_blocking(move || check.signed_in().unwrap_or(false)).await.unwrap_or(false);
        Some(SignInView::of(&partner.config, signed_in, selected))
    }

    /// Signs the person in (the provider's page in the browser, until they come back, cancel, or the time
    /// limit), then asks the gateway who they are: a linked person's user id and wallet are saved through
    /// `persist` and the journey goes on at the stage the API says; an unlinked one goes to set-up.
    pub async fn sign_in(&self, persist: impl FnOnce(&Settings) -> Result<(), UiError>) -> Result<SignedIn, UiError> {
        self.ensure_unlocked()?;
        let partner = self.partner()?;
        if self.settings().await.environment != EnvironmentSetting::Partner {
            return Err(not_selected());
        }
        let cancel = CancellationToken::new();
        let number = partner.started.fetch_add(1, Ordering::SeqCst);
        if let Some((_, older)) = partner.waiting().replace((number, cancel.clone())) {
            // One sign-in at a time: a second Sign in ends the first (its loopback port closes).
            older.cancel();
        }
        let result = partner.sign_in.sign_in(partner.browser.as_ref(), &cancel).await;
        {
            let mut waiting = partner.waiting();
            if waiting.as_ref().is_some_and(|(n, _)| *n == number) {
                *waiting = None;
            }
        }
        result.map_err(|e| UiError::from(&e))?;
        self.after_sign_in(&partner, persist).await
    }

    /// Forgets the partner sign-in on this computer (the refresh token in the keychain, the access token
    /// in memory, a sign-in waiting for the browser), as a passphrase reset must. Without a partner file
    /// there is nothing to forget.
    pub(super) fn end_partner_sign_in(&self) -> Result<(), UiError> {
        let Some(partner) = &self.partner else { return Ok(()) };
        partner.cancel_waiting();
        partner.sign_in.sign_out().map_err(|e| UiError::from(&e))
    }

    /// Ends a sign-in that is waiting for the browser; its `sign_in` answers `cancelled`.
    pub fn cancel_sign_in(&self) {
        if let Some(partner) = &self.partner {
            partner.cancel_waiting();
        }
    }

    /// Who the gateway says the person is. Linked: the user id and wallet from the link are saved (another
    /// person may have used this computer before) and the stage read. Not linked: any saved identity goes.
    async fn after_sign_in(
        &self,
        partner: &PartnerSignIn,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<SignedIn, UiError> {
        let gateway = self.gateway().await?;
        let me = with_access(
            partner,
            |token| {
                let gateway = gateway.clone();
                async move { gateway.me(&token).await }
            },
            |error: &ApiError| UiError::from(error),
        )
        .await?
        .data;
        let link = me.link.filter(|_| me.linked);
        let identity = link.as_ref().map(|link| (link.user_id.clone(), link.wallet_address.clone()));
        let label = link.as_ref().and_then(|link| link.wallet_label.clone());
        self.keep_identity(identity.clone(), label, persist).await?;
        match identity {
            Some(_) => Ok(SignedIn { linked: true, stage: Some(self.stage().await?) }),
            None => Ok(SignedIn { linked: false, stage: None }),
        }
    }

    /// Partner mode's set-up: links the signed-in person to `wallet_address` at the gateway (the gateway
    /// answers the Machines user id), saves the identity, and says which screen comes next.
    pub async fn link_wallet(
        &self,
        wallet_address: &str,
        wallet_label: Option<&str>,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<Stage, UiError> {
        self.ensure_unlocked()?;
        let partner = self.partner()?;
        if self.settings().await.environment != EnvironmentSetting::Partner {
            return Err(not_selected());
        }
        let invalid = |field: &str, message: String| UiError::on_field("Check the highlighted fields", field, message);
        let wallet_address =
            wallet_core::address::parse_wallet(wallet_address).map_err(|e| invalid("walletAddress", e.to_string()))?;
        let wallet_label = wallet_label.map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
        if let Some(problem) = wallet_label.as_deref().and_then(wallet_core::account::wallet_label_problem) {
            return Err(invalid("walletLabel", problem));
        }
        let gateway = self.gateway().await?;
        let link = with_access(
            &partner,
            |token| {
                let (gateway, address, label) = (gateway.clone(), wallet_address.clone(), wallet_label.clone());
                async move { gateway.link(&token, &address, label.as_deref()).await }
            },
            |error| link_refusal(error, &partner.config.name),
        )
        .await?
        .data;
        self.keep_identity(Some((link.user_id, link.wallet_address)), link.wallet_label, persist).await?;
        self.stage().await
    }

    /// Saves (or clears) the person's identity and points the connection's user at it. Another user than
    /// before: nothing the last one left unfinished may be sent again.
    async fn keep_identity(
        &self,
        identity: Option<(String, String)>,
        label: Option<String>,
        persist: impl FnOnce(&Settings) -> Result<(), UiError>,
    ) -> Result<(), UiError> {
        let mut settings = self.settings().await;
        let (user_id, wallet_address) = identity.clone().unzip();
        if settings.user_id != user_id {
            self.forget_pending_writes();
        }
        settings.user_id = user_id;
        settings.wallet_address = wallet_address;
        settings.wallet_label = label;
        persist(&settings)?;
        *self.settings.lock().await = settings;
        let mut connection = self.connect().await?;
        connection.user = match identity {
            Some((user_id, wallet_address)) => Some(Arc::new(
                connection
                    .client
                    .user(Identity { user_id, wallet_address: Some(wallet_address) })
                    .map_err(|e| UiError::from(&e))?,
            )),
            None => None,
        };
        Ok(())
    }

    /// The connection's gateway client (Partner mode only).
    async fn gateway(&self) -> Result<Arc<GatewayClient>, UiError> {
        self.connect().await?.client.gateway().ok_or_else(not_selected)
    }

    /// Signs the person out: forgets the refresh token (keychain) and the access token (memory), drops
    /// every session and the connection, clears the clipboard if it holds our value, forgets what was
    /// waiting to be sent and the saved user id and wallet (the next person to sign in may be another).
    /// Allowed while locked: it only takes things away.
    pub async fn sign_out(&self, persist: impl FnOnce(&Settings) -> Result<(), UiError>) -> Result<(), UiError> {
        let partner = self.partner()?;
        partner.cancel_waiting();
        self.clear_clipboard();
        if let Some(connection) = self.connection.lock().await.as_ref() {
            if let Some(user) = &connection.user {
                user.broker().clear();
            }
        }
        self.disconnect().await;
        self.forget_pending_writes();
        let signed_out = partner.sign_in.sign_out().map_err(|e| UiError::from(&e));
        let mut settings = self.settings().await;
        settings.user_id = None;
        settings.wallet_address = None;
        settings.wallet_label = None;
        persist(&settings)?;
        *self.settings.lock().await = settings;
        signed_out
    }
}

/// Runs a gateway call with the person's access token; a 401 for the sign-in renews it once and tries
/// again (the gateway may have seen the token expire first). The gateway's failures are put in `words` (its
/// client is named for the partner, so `UiError::from` says "<partner>'s service"); a sign-in that cannot
/// be renewed reads as `sign_in_again`.
async fn with_access<T, F, Fut>(
    partner: &PartnerSignIn,
    call: F,
    words: impl Fn(&ApiError) -> UiError,
) -> Result<T, UiError>
where
    F: Fn(SecretString) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let token = partner.sign_in.access_token().await.map_err(|e| signed_out_words(&e, partner))?;
    match call(token).await {
        Err(ApiError::Unauthorized { credential: Credential::SignIn, .. }) => {
            let token = partner.sign_in.refresh().await.map_err(|e| signed_out_words(&e, partner))?;
            call(token).await.map_err(|e| words(&e))
        }
        other => other.map_err(|e| words(&e)),
    }
}

/// The gateway's answer to a link, in words. A wallet another account linked (its 409 `address_taken`) is
/// about the address typed: a field error on it, since trying again cannot help and another wallet can.
fn link_refusal(error: &ApiError, partner: &str) -> UiError {
    match error.api_code() {
        Some("address_taken") => UiError::on_field(
            "Wallet linked to another account",
            "walletAddress",
            format!(
                "This wallet is linked to another {partner} account. Use another wallet, or sign in with the account \
                 it is linked to."
            ),
        ),
        _ => UiError::from(error),
    }
}

/// A sign-in failure; a sign-in that has ended names the partner to sign in with again.
fn signed_out_words(error: &SignInError, partner: &PartnerSignIn) -> UiError {
    match error {
        SignInError::SignInAgain => sign_in_needed(&partner.config.name),
        other => UiError::from(other),
    }
}
