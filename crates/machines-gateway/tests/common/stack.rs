//! A gateway on loopback with everything it talks to: the simulator as the Machines API, a token issuer
//! the test controls (with the real `oidc::Verifier` checking its tokens), SQLite in a temp dir. Every
//! response is kept so a test can scan them all for the partner key.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use machines_gateway::app::{self, Gateway};
use machines_gateway::config::Config;
use machines_gateway::oidc::Verifier;
use machines_gateway::state::AppState;
use machines_sim::{SimConfig, SimHandle, Simulator, ADMIN_HEADER};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::issuer::{self, SigningKey, TestIssuer};

pub const AUDIENCE: &str = "machines-gateway-tests";

/// One answer of the gateway.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("")
    }
}

pub struct Stack {
    pub sim: Option<SimHandle>,
    pub sim_port: u16,
    pub partner_key: String,
    pub issuer: TestIssuer,
    pub key: SigningKey,
    pub url: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub seen: Arc<Mutex<Vec<Answer>>>,
    /// The settings the gateway was started with, to start a second one on the same database.
    pub env: BTreeMap<String, String>,
    servers: Vec<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

pub fn sim_config(partner_key: &str) -> SimConfig {
    SimConfig { partner_keys: vec![partner_key.to_owned()], ..SimConfig::instant() }
}

impl Stack {
    /// A stack with the default settings plus `settings` (environment names, e.g. `GATEWAY_…`).
    pub async fn start(settings: &[(&str, &str)]) -> Stack {
        let partner_key = format!("pk_gateway_test_{}", uuid_like());
        let sim = Simulator::start(sim_config(&partner_key)).await.expect("simulator");
        let sim_port = sim.addr().port();
        let key = issuer::es256_key("gw-test-key");
        let issuer = TestIssuer::start(&[&key]).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let db = format!("sqlite://{}", dir.path().join("gateway.db").display());
        let mut env: BTreeMap<String, String> = [
            ("GATEWAY_PARTNER_KEY", partner_key.as_str()),
            ("GATEWAY_MACHINES_API_URL", &sim.base_url()),
            ("GATEWAY_OIDC_ISSUER", &issuer.url),
            ("GATEWAY_OIDC_AUDIENCE", AUDIENCE),
            ("GATEWAY_USER_ID_SECRET", "route-tests-user-id-secret-0123456789"),
            ("DATABASE_URL", &db),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in settings {
            env.insert((*k).to_owned(), (*v).to_owned());
        }
        let (url, state, server) = serve(&env).await;
        Stack {
            sim: Some(sim),
            sim_port,
            partner_key,
            issuer,
            key,
            url,
            state,
            http: reqwest::Client::new(),
            seen: Arc::new(Mutex::new(Vec::new())),
            env,
            servers: vec![server],
            _dir: dir,
        }
    }

    /// A valid access token for `subject`.
    pub fn token(&self, subject: &str) -> String {
        issuer::sign(&self.key, &issuer::claims(&self.issuer.url, AUDIENCE, subject))
    }

    /// Starts another gateway process-alike (its own router, pool, limits) on the same database,
    /// simulator and issuer, and returns its URL.
    pub async fn start_another(&mut self) -> String {
        let (url, _, server) = serve(&self.env).await;
        self.servers.push(server);
        url
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        self.send_to(&self.url, method, path, token, body).await
    }

    pub async fn send_to(
        &self,
        base: &str,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().await.expect("gateway answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        let answer = Answer { status, headers, body, text };
        self.seen.lock().expect("seen").push(answer.clone());
        answer
    }

    pub async fn post(&self, path: &str, subject: &str, body: Value) -> Answer {
        let token = self.token(subject);
        self.send(reqwest::Method::POST, path, Some(&token), Some(body.to_string().into_bytes())).await
    }

    pub async fn get(&self, path: &str, subject: Option<&str>) -> Answer {
        let token = subject.map(|s| self.token(s));
        self.send(reqwest::Method::GET, path, token.as_deref(), None).await
    }

    pub async fn link(&self, subject: &str, wallet: &str) -> Answer {
        self.post("/v1/link", subject, json!({ "walletAddress": wallet, "walletLabel": "Main" })).await
    }

    pub async fn session(&self, subject: &str, purpose: &str) -> Answer {
        self.post("/v1/session", subject, json!({ "purpose": purpose })).await
    }

    /// Sets a user's KYC status on the simulator, as its admin routes allow.
    pub async fn set_kyc(&self, user_id: &str, status: &str) {
        let sim = self.sim.as_ref().expect("simulator running");
        let response = self
            .http
            .post(format!("{}/_sim/users/{user_id}/kyc", sim.origin()))
            .header(ADMIN_HEADER, sim.admin_secret())
            .json(&json!({ "status": status }))
            .send()
            .await
            .expect("simulator answers");
        assert!(response.status().is_success(), "set kyc: {}", response.status());
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        for server in &self.servers {
            server.abort();
        }
    }
}

/// Builds and serves a gateway with these settings on a free loopback port.
async fn serve(env: &BTreeMap<String, String>) -> (String, AppState, tokio::task::JoinHandle<()>) {
    let config = Config::read(|name| env.get(name).cloned()).expect("config");
    let verifier = Verifier::discover(&config.oidc_issuer, AUDIENCE, reqwest::Client::new()).await.expect("discover");
    let Gateway { router, state } = app::build(&config, Arc::new(verifier)).await.expect("build");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let gateway = Gateway { router, state: state.clone() };
    let server = tokio::spawn(async move {
        app::serve(gateway, listener, std::future::pending()).await.expect("serve");
    });
    (format!("http://{addr}"), state, server)
}

/// A wallet address from a small number (EIP-55 form).
pub fn wallet(n: u8) -> String {
    let address = alloy_primitives::Address::repeat_byte(n);
    address.to_checksum(None)
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos:x}")
}
