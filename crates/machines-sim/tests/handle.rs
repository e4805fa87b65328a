//! What a test in the same process can do through the `SimHandle` instead of the `/_sim` routes: count
//! requests, set a user's KYC status, and expire every session, each seen by a real client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::time::Duration;

use machines_api::models::kyc::KycStatus as ClientKycStatus;
use machines_api::models::users::ResolveUserRequest;
use machines_api::session::Identity;
use machines_sim::{FaultKind, FaultRule, KycStatus, SimConfig, Simulator};

const USER: &str = "handle@example.com";

#[tokio::test]
async fn the_handle_counts_requests_sets_kyc_and_expires_sessions() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = common::client_for(&sim, Duration::from_secs(5));
    let request = ResolveUserRequest { user_id: USER.into(), wallet_address: None, wallet_label: None };
    client.resolve_user(&request).await.unwrap();
    let user = client.user(Identity { user_id: USER.into(), wallet_address: None }).unwrap();

    // A counter sees only its own path, and another rule on that path is not counted as a request.
    sim.count_requests(Some("GET"), "/kyc/status");
    sim.count_requests(None, "/**");
    sim.inject(FaultRule::new(Some("GET"), "/kyc/status", FaultKind::Latency { ms: 1 }));
    assert_eq!(sim.counted("/kyc/status"), 0);
    assert_eq!(user.kyc_status().await.unwrap().data.status, ClientKycStatus::NotSubmitted);

    sim.set_kyc(USER, KycStatus::Denied).unwrap();
    assert_eq!(user.kyc_status().await.unwrap().data.status, ClientKycStatus::Denied);
    assert_eq!(sim.counted("/kyc/status"), 2);
    assert!(sim.counted("/**") >= 3, "the session mint is counted too");
    assert_eq!(sim.counted("/cards"), 0, "nothing counts a path no counter was set on");
    let listed = sim.faults();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(listed[2].fired, 2, "the 1 ms rule fired on both checks, apart from the count");

    let refused = sim.set_kyc("nobody@example.com", KycStatus::Approved).unwrap_err();
    assert!(refused.contains("nobody@example.com"), "{refused}");

    // Every session ends; the client's next call is refused once and renews its token.
    let sessions = sim.summary()["sessions"].as_u64().unwrap();
    assert!(sessions >= 1);
    assert_eq!(sim.expire_sessions() as u64, sessions);
    assert_eq!(user.kyc_status().await.unwrap().data.status, ClientKycStatus::Denied);
    assert!(sim.summary()["sessions"].as_u64().unwrap() > sessions, "a fresh session was minted");
}
