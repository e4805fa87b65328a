//! Scale-out as a partner runs it: the real `machines-gateway` binary started twice, two processes that
//! share nothing but a real PostgreSQL (a throwaway cluster from `scripts/pg-throwaway`), configured only
//! by their environment as the README says (secrets in files), with the real OpenID Connect provider (npm
//! `oidc-provider`) as the issuer and the simulator as the Machines API. A person links through one process
//! and mints through the other; another links through the second and the first knows it; one person linking
//! at both at once ends with one link row. `real_gateway.rs` shows the same with two servers inside the
//! test process; here no memory is shared, so only the database can make them agree.
//!
//! Ignored by a plain `cargo test` (it needs Node.js, `npm ci` and Debian's postgresql); `scripts/test`
//! runs it with `--ignored`, and there a missing part fails the test with the reason instead of skipping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/oidc_provider.rs"]
mod oidc_provider;
#[path = "support/postgres.rs"]
mod postgres;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use machines_gateway::config::SETTINGS;
use machines_sim::{KycStatus, SimConfig, Simulator};
use oidc_provider::OidcProvider;
use postgres::Postgres;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row as _;

const AUDIENCE: &str = "http://127.0.0.1/machines-gateway";
const PARTNER_KEY: &str = "pk_real_processes_0123456789abcdef";
const USER_ID_SECRET: &str = "real-processes-user-id-secret-0123456789abcdef";
const BINARY: &str = env!("CARGO_BIN_EXE_machines-gateway");

/// One running `machines-gateway` process. Dropping it kills that pid, so a failing assertion leaves no
/// gateway behind; [`GatewayProcess::stop`] is the polite end (SIGTERM, as a service manager sends).
struct GatewayProcess {
    name: &'static str,
    url: String,
    child: Child,
    log: PathBuf,
}

impl GatewayProcess {
    /// Starts the binary with `env` on a free loopback port and waits until `/readyz` answers 200 (its
    /// database and the Machines API reachable). The port is found by binding port 0 and letting it go, so
    /// another program may take it before the gateway binds it: then the gateway exits naming `listen`,
    /// and a fresh port is tried. Any other early exit fails the test with the gateway's own words.
    async fn start(name: &'static str, env: &[(String, String)], logs: &Path) -> GatewayProcess {
        for attempt in 1..=3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let log = logs.join(format!("gateway-{name}-{attempt}.log"));
            let out = File::create(&log).unwrap();
            let mut command = Command::new(BINARY);
            // Only the settings given here: a GATEWAY_* or DATABASE_URL in the test's own environment must
            // not reach the children.
            for (setting, _) in SETTINGS {
                command.env_remove(format!("GATEWAY_{}", setting.to_ascii_uppercase()));
            }
            let child = command
                .env_remove("DATABASE_URL")
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out)
                .spawn()
                .unwrap_or_else(|e| panic!("could not run {BINARY}: {e}"));
            let mut process = GatewayProcess { name, url: format!("http://127.0.0.1:{port}"), child, log };
            match process.wait_ready().await {
                Ok(()) => return process,
                Err(exit) if process.log_text().contains("listen:") && attempt < 3 => {
                    println!("gateway {name}: port {port} was taken ({exit}); trying another");
                }
                Err(exit) => panic!("gateway {name} did not become ready ({exit}); its log:\n{}", process.log_text()),
            }
        }
        unreachable!("the third attempt returns or panics")
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
        let started = Instant::now();
        // Generous: a cold start discovers the issuer, migrates the database (the two processes race for
        // sqlx's migration lock) and asks the Machines API, on a machine that may be busy building.
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(format!("exited with {status}"));
            }
            if let Ok(response) = http.get(format!("{}/readyz", self.url)).send().await {
                if response.status() == StatusCode::OK {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("no 200 from /readyz in 60 s".to_owned())
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM to this child's pid and waits for it to exit (it finishes what it is serving first).
    fn stop(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed for gateway {}", self.name);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "gateway {} still running 10 s after SIGTERM; its log:\n{}",
                self.name,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        // Child::kill signals this child's own pid; after stop() it has exited and this does nothing.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A person's requests, to whichever process the test names.
struct Person {
    token: String,
    http: reqwest::Client,
}

impl Person {
    async fn call(
        &self,
        gateway: &GatewayProcess,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", gateway.url)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("gateway {} answers {path}: {e}", gateway.name));
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(!text.contains(PARTNER_KEY), "the partner key in gateway {}'s answer to {path}: {text}", gateway.name);
        (status, serde_json::from_str(&text).unwrap_or_else(|_| json!({ "text": text })))
    }

    async fn link(&self, gateway: &GatewayProcess, wallet: &str) -> (StatusCode, Value) {
        self.call(gateway, Method::POST, "/v1/link", Some(json!({ "walletAddress": wallet }))).await
    }

    async fn session(&self, gateway: &GatewayProcess, purpose: &str) -> (StatusCode, Value) {
        self.call(gateway, Method::POST, "/v1/session", Some(json!({ "purpose": purpose }))).await
    }

    async fn me(&self, gateway: &GatewayProcess) -> Value {
        let (status, me) = self.call(gateway, Method::GET, "/v1/me", None).await;
        assert_eq!(status, StatusCode::OK, "gateway {}: {me}", gateway.name);
        me
    }
}

async fn sign_in(provider: &OidcProvider, user: &str) -> Person {
    let token = provider.sign_in(user, &format!("{user}-password")).await.expect("sign-in through the forms");
    Person { token, http: reqwest::Client::new() }
}

fn wallet(n: u8) -> String {
    alloy_primitives::Address::repeat_byte(n).to_checksum(None)
}

#[tokio::test]
#[ignore = "needs Node.js, oidc-provider and postgresql: run by scripts/test"]
async fn two_gateway_processes_on_one_postgres_serve_the_same_users() {
    let pg = Postgres::start();
    let provider = OidcProvider::start(AUDIENCE, Duration::from_secs(300));
    let sim = Simulator::start(SimConfig { partner_keys: vec![PARTNER_KEY.to_owned()], ..SimConfig::instant() })
        .await
        .expect("simulator");

    // The secrets in files (mode 600 in production), as the README asks a partner to run it; the same
    // user-id secret for both, or the two would derive different Machines user ids for one person.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("partner_key");
    std::fs::write(&key_file, PARTNER_KEY).unwrap();
    let secret_file = dir.path().join("user_id_secret");
    std::fs::write(&secret_file, USER_ID_SECRET).unwrap();
    let env: Vec<(String, String)> = [
        ("GATEWAY_PARTNER_KEY_FILE", key_file.display().to_string()),
        ("GATEWAY_USER_ID_SECRET_FILE", secret_file.display().to_string()),
        ("GATEWAY_MACHINES_API_URL", sim.base_url()),
        ("GATEWAY_OIDC_ISSUER", provider.issuer.clone()),
        ("GATEWAY_OIDC_AUDIENCE", AUDIENCE.to_owned()),
        ("DATABASE_URL", pg.url.clone()),
        // Debug, so the log scan at the end reads more than the usual lines.
        ("RUST_LOG", "debug".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();

    // Both start at once on a fresh database: they race to migrate it, as two replicas rolled out together do.
    let (mut a, mut b) =
        tokio::join!(GatewayProcess::start("A", &env, dir.path()), GatewayProcess::start("B", &env, dir.path()));
    assert_ne!(a.child.id(), b.child.id());
    let mut secrets = vec![PARTNER_KEY.to_owned(), USER_ID_SECRET.to_owned()];

    // Alice links through A and mints through B: B finds A's link and answers the same Machines user.
    let alice = sign_in(&provider, "alice").await;
    let (status, linked) = alice.link(&a, &wallet(0xa1)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    let alice_id = linked["data"]["userId"].as_str().unwrap().to_owned();
    let (status, minted) = alice.session(&b, "cards").await;
    assert_eq!(status, StatusCode::OK, "{minted}");
    assert_eq!(minted["data"]["userId"], alice_id.as_str(), "{minted}");
    assert_eq!(minted["data"]["kycRequired"], true, "before approval B falls back to onboarding: {minted}");
    secrets.push(minted["data"]["sessionToken"].as_str().unwrap().to_owned());
    sim.set_kyc(&alice_id, KycStatus::Approved).unwrap();
    for gateway in [&b, &a] {
        let (status, minted) = alice.session(gateway, "cards").await;
        assert_eq!(status, StatusCode::OK, "gateway {}: {minted}", gateway.name);
        assert_eq!(
            (minted["data"]["userId"].as_str(), minted["data"]["purpose"].as_str()),
            (Some(alice_id.as_str()), Some("cards")),
            "gateway {}: {minted}",
            gateway.name
        );
        secrets.push(minted["data"]["sessionToken"].as_str().unwrap().to_owned());
    }

    // Bob links through B; A's /v1/me shows that link, and A mints for the same user.
    let bob = sign_in(&provider, "bob").await;
    assert_eq!(bob.me(&a).await["data"]["linked"], false);
    let (status, linked) = bob.link(&b, &wallet(0xb2)).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    let bob_id = linked["data"]["userId"].as_str().unwrap().to_owned();
    assert_ne!(bob_id, alice_id);
    let me = bob.me(&a).await;
    assert_eq!(me["data"]["linked"], true, "{me}");
    assert_eq!(
        (me["data"]["link"]["userId"].as_str(), me["data"]["link"]["walletAddress"].as_str()),
        (Some(bob_id.as_str()), Some(wallet(0xb2).as_str())),
        "{me}"
    );
    let (status, minted) = bob.session(&a, "onboarding").await;
    assert_eq!((status, minted["data"]["userId"].as_str()), (StatusCode::OK, Some(bob_id.as_str())), "{minted}");

    // Carol links at both processes at once, a different wallet at each: one wins, the other is told
    // which wallet she already has, and both then report the winner.
    let carol = sign_in(&provider, "carol").await;
    let (wallet_a, wallet_b) = (wallet(0xc3), wallet(0xc4));
    let (to_a, to_b) = tokio::join!(carol.link(&a, &wallet_a), carol.link(&b, &wallet_b));
    let mut statuses = [to_a.0, to_b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "A: {} / B: {}", to_a.1, to_b.1);
    let (winner, loser) = if to_a.0 == StatusCode::CREATED { (&to_a.1, &to_b.1) } else { (&to_b.1, &to_a.1) };
    assert_eq!(loser["errors"][0]["code"], "already_linked", "{loser}");
    let carol_wallet = winner["data"]["walletAddress"].as_str().unwrap().to_owned();
    let carol_id = winner["data"]["userId"].as_str().unwrap().to_owned();
    // The Machines API agrees: both processes called users/resolve, and the loser's may have come last.
    let upstream: Value = reqwest::Client::new()
        .post(format!("{}/users/resolve", sim.base_url()))
        .header("x-partner-key", PARTNER_KEY)
        .json(&json!({ "userId": carol_id }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        upstream["data"]["walletAddress"].as_str().map(str::to_ascii_lowercase),
        Some(carol_wallet.to_ascii_lowercase()),
        "the Machines API holds the wallet the gateways stored: {upstream}"
    );
    for gateway in [&a, &b] {
        let me = carol.me(gateway).await;
        assert_eq!(me["data"]["link"]["walletAddress"], carol_wallet.as_str(), "gateway {}: {me}", gateway.name);
    }

    // The database itself: one row per person, Carol's the winner's, and every mint from both processes in
    // the one audit table.
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&pg.url).await.expect("the test reads the gateways' database");
    let links: Vec<(String, String, String)> =
        sqlx::query("SELECT subject, user_id, wallet_address FROM links ORDER BY subject")
            .fetch_all(&db)
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect();
    let expected = [
        ("alice", alice_id.as_str(), wallet(0xa1)),
        ("bob", bob_id.as_str(), wallet(0xb2)),
        ("carol", carol_id.as_str(), carol_wallet.clone()),
    ]
    .map(|(subject, id, wallet)| (subject.to_owned(), id.to_owned(), wallet));
    assert_eq!(links, expected);
    // Sorted, not by time: a fallback's two rows may share a millisecond.
    let mut mints: Vec<String> = sqlx::query("SELECT subject, purpose, outcome FROM mint_audit")
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|row| format!("{} {} {}", row.get::<String, _>(0), row.get::<String, _>(1), row.get::<String, _>(2)))
        .collect();
    mints.sort();
    assert_eq!(
        mints,
        [
            "alice cards kyc_required",
            "alice cards minted",
            "alice cards minted",
            "alice onboarding minted",
            "bob onboarding minted"
        ],
        "A's and B's mints in one table"
    );
    db.close().await;

    // Each stops cleanly on SIGTERM, and neither logged a secret or a token.
    secrets.extend([alice.token, bob.token, carol.token]);
    let mut both_logs = String::new();
    for gateway in [&mut a, &mut b] {
        let status = gateway.stop();
        let log = gateway.log_text();
        assert!(status.success(), "gateway {} exited with {status}; its log:\n{log}", gateway.name);
        assert!(log.contains("machines-gateway serving"), "gateway {}'s log:\n{log}", gateway.name);
        for secret in &secrets {
            assert!(!log.contains(secret.as_str()), "gateway {} logged a secret or token:\n{log}", gateway.name);
        }
        both_logs.push_str(&log);
    }
    // The control: the same scan over the same files finds what the gateways did write about these requests
    // (each link's user id, logged as "wallet linked"), so an empty or unread log cannot pass the check above.
    for id in [&alice_id, &bob_id, &carol_id] {
        assert!(
            both_logs.contains(id.as_str()),
            "the scan did not find user id {id} in the gateways' logs:\n{both_logs}"
        );
    }
}
