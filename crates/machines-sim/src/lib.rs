//! `machines-sim`: a faithful local simulator of the Machines Cash partner API (`/partner/v1`).
//!
//! Built from the API contract (`shared/spec/partner-api.md`), not from what our client sends: every
//! endpoint of the index with the documented envelope, validation with dotted field paths, scope and
//! state gates, real expiry, KYC/deposit/card state machines, real AES-GCM, idempotent replay, fault
//! injection and Open Responses mode. It is the app's Demo mode and the ground every test stands on.
//!
//! ```no_run
//! # async fn demo() -> Result<(), std::io::Error> {
//! let sim = machines_sim::Simulator::start(machines_sim::SimConfig::default()).await?;
//! println!("{} with key {}", sim.base_url(), sim.partner_key());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod assets;
mod auth;
mod clock;
pub mod config;
mod crypto;
pub mod faults;
mod idempotency;
mod ids;
mod reply;
mod router;
mod routes;
pub mod seed;
mod server;
mod sim;
mod snapshot;
mod state;
mod store;
mod transitions;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{random_secret, SecretIv, SimConfig, ADMIN_HEADER, DEMO_PARTNER_KEY};
pub use faults::{FaultKind, FaultRule};
pub use state::KycStatus;
pub use store::Restored;

/// The fault a request counter is made of: it delays by nothing, so only its `fired` count shows.
const COUNTER: FaultKind = FaultKind::Latency { ms: 0 };

/// Starts simulators.
pub struct Simulator;

impl Simulator {
    /// Starts a simulator on a random loopback port.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        Self::start_on(config, 0).await
    }

    /// Starts a simulator on `port` of 127.0.0.1 (0 picks a free one). With `config.state_file` it starts
    /// from the state saved there and keeps saving it; [`SimHandle::restored`] says how that went.
    pub async fn start_on(config: SimConfig, port: u16) -> std::io::Result<SimHandle> {
        let (listener, addr) = server::bind(port).await?;
        let (state, restored, saved) = store::open(&config);
        let sim = Arc::new(sim::Sim::from_parts(config, format!("http://{addr}"), state, saved));
        let (stop, stopped) = watch::channel(false);
        let saver = tokio::spawn(store::keep_saved(sim.clone(), stop.subscribe()));
        let server = Arc::new(server::Server::new(sim.clone()));
        let task = tokio::spawn(server.run(listener, stopped));
        Ok(SimHandle { addr, sim, stop, task: Some(task), saver: Some(saver), restored })
    }
}

/// A running simulator. Dropping it stops the server.
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<sim::Sim>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
    restored: Restored,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/partner/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, router::API_PREFIX)
    }

    /// `http://127.0.0.1:PORT`: the origin of the simulator's own pages and `/_sim` routes.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first partner key the simulator accepts.
    pub fn partner_key(&self) -> &str {
        self.sim.config.partner_keys.first().map(String::as_str).unwrap_or(DEMO_PARTNER_KEY)
    }

    /// The secret `/_sim` requests must carry in [`ADMIN_HEADER`] (tests send it; the binary prints it).
    pub fn admin_secret(&self) -> &str {
        &self.sim.config.admin_secret
    }

    /// Adds a fault rule from now on.
    pub fn inject(&self, rule: FaultRule) {
        self.sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).add(rule);
    }

    pub fn clear_faults(&self) {
        self.sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// The fault rules still in force (a rule whose `times` ran out is gone), each with how many
    /// requests it has hit: what `GET /_sim/faults` lists.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).rules().to_vec()
    }

    /// Starts counting the requests that match `method` (`None`: any) and `path` (a fault-rule pattern,
    /// `/**` for all) from now on. The simulator keeps no request log, so the counter is a fault rule
    /// that delays by nothing and whose `fired` is the count; read it with [`SimHandle::counted`].
    pub fn count_requests(&self, method: Option<&str>, path: &str) {
        self.inject(FaultRule::new(method, path, COUNTER));
    }

    /// How many requests the counters on exactly this `path` pattern have seen (see
    /// [`SimHandle::count_requests`]); 0 when none counts it.
    pub fn counted(&self, path: &str) -> u64 {
        self.faults().iter().filter(|rule| rule.path == path && rule.kind == COUNTER).map(|rule| rule.fired).sum()
    }

    /// Sets a user's KYC status as `POST /_sim/users/{userId}/kyc {status}` does (no reason, the
    /// simulator's own completion link). An error when the simulator has no such user.
    pub fn set_kyc(&self, user_id: &str, status: KycStatus) -> Result<(), String> {
        let kyc = routes::admin::KycOverride { status, reason: None, completion_link: None };
        if routes::admin::override_kyc(&self.sim, &mut router::lock(&self.sim), user_id, kyc) {
            Ok(())
        } else {
            Err(format!("the simulator has no user {user_id}"))
        }
    }

    /// Expires every session token now, as `POST /_sim/sessions/expire` does: the next Bearer call
    /// answers 401. How many sessions there were.
    pub fn expire_sessions(&self) -> usize {
        routes::admin::expire_sessions(&self.sim, &mut router::lock(&self.sim))
    }

    /// Moves the simulator's clock forward (session expiry, KYC and deposit timers, limit windows).
    pub fn advance_clock(&self, by: Duration) {
        self.sim.clock.advance(by);
    }

    /// Counts of what the simulator holds, for tests: `{"users": n, "cards": n, ...}`.
    pub fn summary(&self) -> serde_json::Value {
        routes::admin::counts(&router::lock(&self.sim))
    }

    /// Funds a deposit as `POST /_sim/deposits/{id}/fund` does (Demo mode's "simulate a deposit").
    pub fn fund_deposit(&self, deposit_id: &str, amount: f64) -> Result<(), String> {
        let params = std::collections::HashMap::from([("deposit_id".to_owned(), deposit_id.to_owned())]);
        let query = std::collections::HashMap::new();
        let headers = axum::http::HeaderMap::new();
        let body = serde_json::json!({"amount": amount}).to_string();
        let method = axum::http::Method::POST;
        let path = format!("/deposits/{deposit_id}/fund");
        let req = sim::Req {
            method: &method,
            path: &path,
            params: &params,
            query: &query,
            headers: &headers,
            body: body.as_bytes(),
        };
        let reply =
            routes::deposits::fund(&self.sim, &mut router::lock(&self.sim), &req).unwrap_or_else(|refusal| refusal);
        if reply.is_success() {
            Ok(())
        } else {
            let message = reply.body["errors"][0]["message"].as_str().unwrap_or("the deposit could not be funded");
            Err(message.to_owned())
        }
    }

    /// What became of the saved state at start (always [`Restored::Fresh`] without a state file).
    pub fn restored(&self) -> &Restored {
        &self.restored
    }

    /// Writes the state to its file now, if it is saved and changed since the last write (the app calls
    /// this as it quits; shutting down and dropping the handle do it too).
    pub fn save_now(&self) -> std::io::Result<()> {
        self.sim.save_now().map(|_| ())
    }

    /// Stops the simulator and removes its state file, for a fresh start on purpose. Nothing is saved
    /// after this, not even by the shutdown.
    pub async fn erase_saved_state(self) -> std::io::Result<()> {
        let erased = match &self.sim.saved {
            Some(saved) => saved.erase(),
            None => Ok(()),
        };
        self.shutdown().await;
        erased
    }

    /// Stops accepting connections, waits for the server task to end and saves the state a last time.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Some(saver) = self.saver.take() {
            let _ = saver.await;
        }
        self.final_save();
    }

    fn final_save(&self) {
        if let Err(err) = self.sim.save_now() {
            tracing::warn!(%err, "the simulator state could not be saved");
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
        self.final_save();
    }
}
