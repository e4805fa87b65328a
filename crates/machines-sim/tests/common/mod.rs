//! Helpers shared by the simulator's client-driven tests (and wallet-core's, which include this file).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // each test file uses the parts it needs

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use machines_api::config::ClientConfig;
use machines_api::models::kyc::KycApplication;
use machines_api::models::users::ResolveUserRequest;
use machines_api::retry::RetryPolicy;
use machines_api::session::Identity;
use machines_api::{BaseUrl, Client, PartnerKey, SecretString, UserClient};
use machines_sim::{KycStatus, SimHandle};

/// The guide's example application, with the given last name.
pub fn application(last_name: &str) -> KycApplication {
    let mut app = KycApplication::new();
    for (name, value) in [
        ("firstName", "John"),
        ("lastName", last_name),
        ("birthDate", "1990-01-01"),
        ("nationalId", "123456789"),
        ("countryOfIssue", "US"),
        ("email", "john@example.com"),
        ("occupation", "49-3023"),
        ("annualSalary", "50k\u{2013}99k"),
        ("accountPurpose", "everyday spend"),
        ("expectedMonthlyVolume", "$1k\u{2013}$5k"),
        ("phoneCountryCode", "1"),
        ("phoneNumber", "4155551234"),
    ] {
        app.set_text(name, SecretString::from(value));
    }
    let address: BTreeMap<String, SecretString> = [
        ("line1", "123 Main St"),
        ("line2", "Unit 4"),
        ("city", "New York"),
        ("region", "NY"),
        ("postalCode", "10001"),
        ("countryCode", "US"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
    .collect();
    app.set_group("address", address);
    app
}

/// A client for `sim` with this timeout and quick retries (6 attempts, 20 ms doubling to 200 ms).
pub fn client_for(sim: &SimHandle, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
    config.timeout = timeout;
    config.retry = RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap()
}

/// A linked user the simulator has approved and who has accepted the agreements.
pub async fn ready_user(sim: &SimHandle, client: &Client, user_id: &str) -> UserClient {
    let request = ResolveUserRequest { user_id: user_id.into(), wallet_address: None, wallet_label: None };
    client.resolve_user(&request).await.unwrap();
    sim.set_kyc(user_id, KycStatus::Approved).unwrap();
    let user = client.user(Identity { user_id: user_id.into(), wallet_address: None }).unwrap();
    user.accept_agreements().await.unwrap();
    user
}

/// A folder of its own under the system's temporary folder for a Demo state file, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("machines-sim-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where Demo keeps its state, in this folder.
    pub fn file(&self) -> PathBuf {
        self.0.join("demo-state.json")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
