//! Making the connection from the settings (and the environment overrides), reading the partner key from
//! the keychain without ever holding the connection lock meanwhile, starting Demo's simulator, and
//! dropping it all on an environment switch or sign-out.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::session::Identity;
use machines_api::{ApiError, BaseUrl, Client, GatewayClient, PartnerKey};
use machines_sim::{Restored, SimConfig, SimHandle, Simulator};
use wallet_core::environment::Environment;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::links::LinkPolicy;
use wallet_core::settings::{EnvironmentSetting, Settings};

use super::{ApiClient, AppState, Connection};
use crate::vault;

impl AppState {
    /// Drops the connection and every token (environment switch, sign-out), the watches that were
    /// asking for that user, and a fill under way: the card it would fetch is that user's.
    pub async fn disconnect(&self) {
        self.fill.cancel(wallet_core::fill::FillStop::Cancelled);
        self.watches.stop_all();
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
            self.ensure_signed_in(&settings).await?;
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
        // Partner sign-in has no key at all: the partner's gateway mints the sessions.
        settings.environment != EnvironmentSetting::Partner
            && overrides.partner_key.is_none()
            && (overrides.base_url.is_some() || settings.environment != EnvironmentSetting::Demo)
    }

    /// Whether `MACHINES_API_URL` is set without `MACHINES_PARTNER_KEY`, so that server's key is kept in
    /// the keychain under its origin (whatever environment the settings name).
    pub async fn key_for_override_in_keychain(&self) -> bool {
        let overrides = self.overrides.lock().await;
        overrides.base_url.is_some() && overrides.partner_key.is_none()
    }

    /// Whether the app runs Demo (its own simulator, demo money, no passphrase): Demo in the settings and
    /// no `MACHINES_API_URL` given.
    pub async fn is_demo(&self) -> bool {
        self.overrides.lock().await.base_url.is_none()
            && self.settings.lock().await.environment == EnvironmentSetting::Demo
    }

    /// Forgets a partner key given at launch (`MACHINES_PARTNER_KEY`), for the rest of this run.
    pub(super) async fn forget_launch_key(&self) {
        self.overrides.lock().await.partner_key = None;
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
        if settings.environment == EnvironmentSetting::Partner {
            return self.open_partner(settings);
        }
        let overrides = self.overrides.lock().await;
        let (base_url, key, environment, simulator) = match (&overrides.base_url, &settings.environment) {
            (Some(url), _) => {
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                (url.clone(), key, Environment::Custom { host: url.host() }, None)
            }
            (None, EnvironmentSetting::Demo) => {
                let sim = start_demo(self.demo_state_file.clone()).await?;
                self.add_notes(restore_note(sim.restored())).await;
                let base = BaseUrl::parse(&sim.base_url()).map_err(|e| UiError::from(&e))?;
                let key = PartnerKey::parse(sim.partner_key()).map_err(|_| missing_key())?;
                (base, key, Environment::Demo, Some(sim))
            }
            (None, EnvironmentSetting::Sandbox) => {
                let base = BaseUrl::parse(machines_api::config::SANDBOX_URL).map_err(|e| UiError::from(&e))?;
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                (base, key, Environment::Sandbox, None)
            }
            (None, EnvironmentSetting::Production) => {
                let base = BaseUrl::parse(machines_api::config::PRODUCTION_URL).map_err(|e| UiError::from(&e))?;
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                (base, key, Environment::Production, None)
            }
            (None, EnvironmentSetting::Partner) => return self.open_partner(settings),
            (None, EnvironmentSetting::Custom { url }) => {
                let base = custom_base_url(url)?;
                let key = overrides.partner_key.clone().or(keychain_key).ok_or_else(missing_key)?;
                let host = base.host();
                (base, key, Environment::Custom { host }, None)
            }
        };
        let mut config = ClientConfig::new(base_url.clone());
        config.session_ttl = Duration::from_secs(u64::from(settings.session_ttl_seconds));
        let client = ApiClient::PartnerKey(Client::new(config, key).map_err(|e| UiError::from(&e))?);
        let links = match &simulator {
            Some(sim) => LinkPolicy::default().with_demo_origin(&sim.origin()),
            None => LinkPolicy::default(),
        };
        let user = user_of(&client, settings)?;
        Ok(Connection { client, api_host: base_url.host(), environment, links, simulator, user, kyc_form: None })
    }

    /// Partner sign-in's connection: the Machines API the partner's file names, with sessions from the
    /// partner's gateway for the signed-in person. The settings' partner key, overrides and keychain key
    /// play no part: the partner's file says where everything is.
    fn open_partner(&self, settings: &Settings) -> Result<Connection, UiError> {
        let partner = self.partner()?;
        let config = partner.config();
        let mut http = ClientConfig::new(config.machines_api.clone());
        http.session_ttl = Duration::from_secs(u64::from(settings.session_ttl_seconds));
        // Named for the partner, so a failure of the gateway met anywhere (a session minted for a card call
        // too) reads as the partner's service.
        let gateway_client = || {
            GatewayClient::new(&config.gateway_url, &http)
                .map(|gateway| gateway.named(&config.name))
                .map_err(|e: ApiError| UiError::from_gateway(&e, &config.name))
        };
        let gateway = Arc::new(gateway_client()?);
        let for_client = gateway_client()?;
        let client = Client::with_gateway(http, for_client, partner.tokens()).map_err(|e| UiError::from(&e))?;
        let client = ApiClient::Gateway { client, gateway };
        let production = config.machines_api.as_url().as_str() == machines_api::config::PRODUCTION_URL;
        let environment = Environment::Partner { gateway_host: config.gateway_host(), production };
        let user = user_of(&client, settings)?;
        Ok(Connection {
            client,
            api_host: config.machines_api.host(),
            environment,
            links: LinkPolicy::default(),
            simulator: None,
            user,
            kyc_form: None,
        })
    }
}

/// The saved user's client, if one is set up.
fn user_of(client: &ApiClient, settings: &Settings) -> Result<Option<Arc<machines_api::UserClient>>, UiError> {
    let Some(user_id) = &settings.user_id else { return Ok(None) };
    let identity = Identity { user_id: user_id.clone(), wallet_address: settings.wallet_address.clone() };
    Ok(Some(Arc::new(client.user(identity).map_err(|e| UiError::from(&e))?)))
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
pub(super) const KEYCHAIN_WAIT: Duration = Duration::from_secs(60);

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
