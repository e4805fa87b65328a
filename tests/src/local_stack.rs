//! The partner's side of a Partner sign-in journey, on 127.0.0.1 for one test: the simulator as the
//! Machines API, the real OpenID Connect provider (npm `oidc-provider`, a child process stopped by its pid)
//! and the partner's gateway (the `machines-gateway` library, served in this process on SQLite in a temp
//! dir). The partner key lives only here: in the simulator and the gateway. The app gets a `partner.json`
//! naming the gateway and the provider, and nothing else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use machines_gateway::app;
use machines_gateway::config::Config;
use machines_gateway::oidc::{Options, Verifier};
use machines_sim::{SimConfig, SimHandle, Simulator};
use tokio::sync::oneshot;

use crate::oidc_provider::{OidcProvider, CLIENT_ID};
use crate::{Failure, Launch, Result};

/// The partner's name as the app shows it ("Sign in with Acme Pay").
pub const PARTNER_NAME: &str = "Acme Pay";

/// The resource the provider issues access tokens for and the gateway accepts.
const AUDIENCE: &str = "http://127.0.0.1/machines-gateway-e2e";
/// How long the provider's access tokens live, unless a test asks for less.
const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(300);

pub struct LocalStack {
    pub sim: SimHandle,
    /// The provider's issuer URL (the same across [`LocalStack::restart_provider`]).
    pub issuer: String,
    provider: Option<OidcProvider>,
    access_token_ttl: Duration,
    pub gateway_url: String,
    partner_key: String,
    config: PathBuf,
    stop_gateway: Option<oneshot::Sender<()>>,
    gateway: tokio::task::JoinHandle<()>,
    /// The gateway's database and `partner.json`, removed with the stack.
    _dir: tempfile::TempDir,
}

impl LocalStack {
    /// Starts the three parts and writes `partner.json` for them. The simulator funds a deposit by itself
    /// (there is no "Simulate deposit" outside Demo) and keeps its waits short, so the journey runs in
    /// seconds.
    pub async fn start() -> Result<LocalStack> {
        Self::start_with_token_ttl(ACCESS_TOKEN_TTL).await
    }

    /// As [`LocalStack::start`], with the provider's access tokens living `ttl`: a test that needs the
    /// app to go back to the provider (a refresh) shortens it.
    pub async fn start_with_token_ttl(access_token_ttl: Duration) -> Result<LocalStack> {
        let partner_key = machines_sim::random_secret("pk_e2e_");
        let sim = Simulator::start(SimConfig {
            partner_keys: vec![partner_key.clone()],
            kyc_pending_for: Duration::from_secs(2),
            kyc_poll_after: Duration::from_secs(1),
            deposit_auto_fund_after: Some(Duration::from_secs(3)),
            auto_fund_amount: 60.0,
            deposit_processing_for: Duration::from_secs(2),
            ..SimConfig::default()
        })
        .await?;
        let provider = start_provider(0, access_token_ttl).await?;
        let issuer = provider.issuer.clone();
        let dir = tempfile::Builder::new().prefix("machines-e2e-stack-").tempdir()?;
        let env: BTreeMap<&str, String> = [
            ("GATEWAY_PARTNER_KEY", partner_key.clone()),
            ("GATEWAY_MACHINES_API_URL", sim.base_url()),
            ("GATEWAY_OIDC_ISSUER", issuer.clone()),
            ("GATEWAY_OIDC_AUDIENCE", AUDIENCE.to_owned()),
            ("GATEWAY_USER_ID_SECRET", machines_sim::random_secret("e2e-user-id-secret-")),
            ("DATABASE_URL", format!("sqlite://{}", dir.path().join("gateway.db").display())),
        ]
        .into_iter()
        .collect();
        let config = Config::read(|name| env.get(name).cloned()).map_err(|e| Failure::new(e.to_string()))?;
        // Keys fetched again for an unknown key id after a second, not the default minute, so that tokens of
        // a provider restarted with new keys are accepted at once.
        let options = Options { refetch_interval: Duration::from_secs(1), ..Options::default() };
        let verifier =
            Verifier::discover_with(&config.oidc_issuer, &config.oidc_audience, reqwest::Client::new(), options)
                .await
                .map_err(|e| Failure::new(format!("the gateway could not discover the provider: {e}")))?;
        let gateway = app::build(&config, Arc::new(verifier)).await.map_err(|e| Failure::new(e.to_string()))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let gateway_url = format!("http://{}", listener.local_addr()?);
        let (stop_gateway, stopped) = oneshot::channel::<()>();
        let gateway = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = app::serve(gateway, listener, shutdown).await {
                eprintln!("the gateway stopped: {e}");
            }
        });

        let config = dir.path().join("partner.json");
        let file = serde_json::json!({
            "version": 1,
            "name": PARTNER_NAME,
            "gatewayUrl": gateway_url,
            "issuer": issuer,
            "clientId": CLIENT_ID,
            // The scope provider.mjs grants on the gateway's audience, as wallet-core's sign-in tests ask.
            "scopes": ["wallet"],
            "machinesApiUrl": sim.base_url(),
        });
        std::fs::write(&config, serde_json::to_vec_pretty(&file).map_err(|e| Failure::new(e.to_string()))?)?;
        Ok(LocalStack {
            sim,
            issuer,
            provider: Some(provider),
            access_token_ttl,
            gateway_url,
            partner_key,
            config,
            stop_gateway: Some(stop_gateway),
            gateway,
            _dir: dir,
        })
    }

    /// The key the simulator and the gateway hold: what must never be found on the app's side.
    pub fn partner_key(&self) -> &str {
        &self.partner_key
    }

    /// Stops the provider and starts it again on the same port: the same issuer, with new signing keys and
    /// none of the old one's grants, so every refresh token it gave out is refused from now on, as when a
    /// person's sign-in is withdrawn.
    pub async fn restart_provider(&mut self) -> Result<()> {
        let port = url::Url::parse(&self.issuer).ok().and_then(|u| u.port()).unwrap_or(0);
        // Dropping it kills the process and waits for it, which frees the port.
        self.provider = None;
        let provider = start_provider(port, self.access_token_ttl).await?;
        if provider.issuer != self.issuer {
            return Err(Failure::new(format!("the provider came back as {}, not {}", provider.issuer, self.issuer)));
        }
        self.provider = Some(provider);
        Ok(())
    }

    /// The `partner.json` written for this stack.
    pub fn config_path(&self) -> &Path {
        &self.config
    }

    /// A launch of the app configured for this partner (`MACHINES_PARTNER_CONFIG`).
    pub fn launch(&self, journey: &str) -> Launch {
        Launch::new(journey).env("MACHINES_PARTNER_CONFIG", &self.config.display().to_string())
    }

    /// Stops the gateway (letting it close its database) and the provider; the simulator stops as it is
    /// dropped.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop_gateway.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.gateway).await;
    }
}

/// Starts the provider on `port` (0: a free one). A blocking wait (up to 30 s) for node's first line: on
/// the runtime's blocking pool, so the simulator and the gateway keep answering meanwhile.
async fn start_provider(port: u16, access_token_ttl: Duration) -> Result<OidcProvider> {
    tokio::task::spawn_blocking(move || OidcProvider::start_on(AUDIENCE, access_token_ttl, port))
        .await
        .map_err(|e| Failure::new(format!("the OpenID provider did not start: {e}")))
}

impl Drop for LocalStack {
    /// A test that failed half-way still stops the gateway; the provider's own `Drop` kills its process.
    fn drop(&mut self) {
        self.gateway.abort();
    }
}
