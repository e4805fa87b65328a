//! The app's side of the gateway: a `machines-api` client with no partner key, whose every session the
//! gateway mints for the signed-in person. Runs against the full in-process stack (simulator, test issuer,
//! gateway on SQLite), with recording relays in front of the gateway and the simulator so the bytes the
//! app sends and receives can be scanned for the partner key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/issuer.rs"]
mod issuer;

#[path = "common/stack.rs"]
#[allow(dead_code)]
mod stack;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use machines_api::models::cards::CreateCardRequest;
use machines_api::retry::RetryPolicy;
use machines_api::session::{Access, Identity};
use machines_api::{
    AccessTokens, ApiError, BaseUrl, Client, ClientConfig, Credential, GatewayClient, IdempotencyKey, SecretString,
    StateGate, TokenFuture, ViaGateway,
};
use serde_json::Value;
use stack::{wallet, Stack, AUDIENCE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What `refresh` hands back.
#[derive(Clone, Copy)]
enum Renewal {
    /// A valid token for the subject.
    Valid,
    /// A token the gateway refuses too (signed for another audience): the sign-in cannot be renewed.
    Refused,
}

/// The person's sign-in, as the app's sign-in module will hold it: a current token and a renewal.
struct SignIn {
    key: issuer::SigningKey,
    issuer: String,
    subject: String,
    current: Mutex<String>,
    renewal: Renewal,
    refreshes: AtomicUsize,
}

impl SignIn {
    fn new(stack: &Stack, subject: &str, current: String, renewal: Renewal) -> Arc<Self> {
        Arc::new(SignIn {
            key: stack.key.clone(),
            issuer: stack.issuer.url.clone(),
            subject: subject.to_owned(),
            current: Mutex::new(current),
            renewal,
            refreshes: AtomicUsize::new(0),
        })
    }

    fn valid(stack: &Stack, subject: &str) -> Arc<Self> {
        Self::new(stack, subject, stack.token(subject), Renewal::Valid)
    }
}

impl AccessTokens for SignIn {
    fn access_token(&self) -> TokenFuture<'_> {
        let token = SecretString::new(self.current.lock().unwrap().clone());
        Box::pin(async move { Ok(token) })
    }

    fn refresh(&self) -> TokenFuture<'_> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let audience = match self.renewal {
            Renewal::Valid => AUDIENCE,
            Renewal::Refused => "another-audience",
        };
        let token = issuer::sign(&self.key, &issuer::claims(&self.issuer, audience, &self.subject));
        *self.current.lock().unwrap() = token.clone();
        Box::pin(async move { Ok(SecretString::new(token)) })
    }
}

/// An access token that expired ten minutes ago (well past the verifier's leeway).
fn expired_token(stack: &Stack, subject: &str) -> String {
    let mut claims = issuer::claims(&stack.issuer.url, AUDIENCE, subject);
    let now = issuer::now();
    claims["iat"] = Value::from(now - 1200);
    claims["nbf"] = Value::from(now - 1200);
    claims["exp"] = Value::from(now - 600);
    issuer::sign(&stack.key, &claims)
}

/// Quick retries, so the failure tests stay short.
fn http_config(api: &str) -> ClientConfig {
    let mut config = ClientConfig::new(BaseUrl::parse(api).unwrap());
    config.timeout = Duration::from_secs(10);
    config.retry = RetryPolicy { max_attempts: 2, base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    config
}

fn app_client(api: &str, gateway: &str, tokens: Arc<dyn AccessTokens>) -> Client<ViaGateway> {
    let config = http_config(api);
    let gateway = GatewayClient::new(gateway, &config).unwrap();
    Client::with_gateway(config, gateway, tokens).unwrap()
}

/// Links `subject` to wallet `n` through the app's gateway client and answers the Machines user.
async fn link(client: &Client<ViaGateway>, tokens: &SignIn, n: u8) -> Identity {
    let access = tokens.access_token().await.unwrap();
    let linked = client.gateway().link(&access, &wallet(n), Some("Main")).await.unwrap().data;
    assert!(linked.user_id.starts_with("gw_"), "{linked:?}");
    Identity { user_id: linked.user_id, wallet_address: Some(linked.wallet_address) }
}

/// A TCP relay to `upstream` that keeps every byte in both directions.
struct Relay {
    url: String,
    sent: Arc<Mutex<Vec<u8>>>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    /// A relay on `port` (0: any free one); `path` ends its URL.
    async fn start(port: u16, upstream: SocketAddr, path: &str) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let url = format!("http://{}{path}", listener.local_addr().unwrap());
        let (sent, received) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
        let (sent_log, received_log) = (sent.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let outbound = TcpStream::connect(upstream).await.unwrap();
                let (in_read, in_write) = inbound.into_split();
                let (out_read, out_write) = outbound.into_split();
                tokio::spawn(copy(in_read, out_write, sent_log.clone()));
                tokio::spawn(copy(out_read, in_write, received_log.clone()));
            }
        });
        Relay { url, sent, received }
    }

    fn all(&self) -> String {
        let mut bytes = self.sent.lock().unwrap().clone();
        bytes.extend_from_slice(&self.received.lock().unwrap());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

async fn copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    log: Arc<Mutex<Vec<u8>>>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer).await {
        if n == 0 || to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        log.lock().unwrap().extend_from_slice(&buffer[..n]);
    }
}

#[tokio::test]
async fn a_signed_in_person_lists_creates_and_reveals_a_card_with_sessions_the_gateway_minted() {
    let stack = Stack::start(&[]).await;
    let sim = stack.sim.as_ref().unwrap();
    let gateway_relay = Relay::start(0, stack.url.trim_start_matches("http://").parse().unwrap(), "").await;
    let tokens = SignIn::valid(&stack, "alice");
    let client = app_client(&sim.base_url(), &gateway_relay.url, tokens.clone());
    let identity = link(&client, &tokens, 1).await;
    let me = client.gateway().me(&tokens.access_token().await.unwrap()).await.unwrap().data;
    assert!(me.linked && me.link.as_ref().map(|l| &l.user_id) == Some(&identity.user_id), "{me:?}");

    let user = client.user(identity.clone()).unwrap();
    // Before approval the gateway answers an onboarding session and says so: the app is in KYC.
    assert_eq!(user.broker().begin().await.unwrap(), Access::KycOnly);
    user.kyc_status().await.unwrap();
    stack.set_kyc(&identity.user_id, "approved").await;
    assert_eq!(user.broker().begin().await.unwrap(), Access::Full);
    user.accept_agreements().await.unwrap();

    let created = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;
    let listed = user.all_cards().await.unwrap();
    assert!(listed.iter().any(|card| card.card_id == created.card_id), "{listed:?}");
    let revealed = user.reveal_card(&created.card_id).await.unwrap();
    let last4 = created.last4.clone().unwrap_or_default();
    assert!(revealed.last4 == created.last4 && revealed.numbers.pan.expose().ends_with(&last4));

    // Every session came from the gateway: its audit holds the mints, the card one included.
    let mints = stack.state.db.mints_of(&stack.issuer.url, "alice").await.unwrap();
    let summary: Vec<(&str, &str)> = mints.iter().map(|m| (m.purpose.as_str(), m.outcome.as_str())).collect();
    assert_eq!(summary[..2], [("cards", "kyc_required"), ("onboarding", "minted")], "{summary:?}");
    assert!(summary.contains(&("cards", "minted")), "{summary:?}");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 0);

    // The partner key is in nothing the app holds, nothing it sent the gateway and nothing it got back.
    let held = format!("{client:?} {user:?}");
    assert!(held.contains("ViaGateway") && held.contains(&identity.user_id), "{held}");
    let exchanged = gateway_relay.all();
    assert!(exchanged.contains("POST /v1/session") && exchanged.contains("sessionToken"), "relay saw the mints");
    for seen in [&held, &exchanged] {
        assert_eq!(seen.matches(stack.partner_key.as_str()).count(), 0);
    }
    // The scan can fail: the same text with the key planted in it is caught.
    let planted = format!("{exchanged}{}", stack.partner_key);
    assert_eq!(planted.matches(stack.partner_key.as_str()).count(), 1);
}

#[tokio::test]
async fn the_apps_card_calls_carry_session_tokens_and_never_the_partner_key() {
    // One relay in front of the simulator for the gateway and the app alike (the session's apiBaseUrl must
    // be the app's API), so the app's requests can be told apart by their credential.
    let relay_port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let relayed_api = format!("http://127.0.0.1:{relay_port}/partner/v1");
    let stack = Stack::start(&[("GATEWAY_MACHINES_API_URL", &relayed_api)]).await;
    let relay = Relay::start(relay_port, stack.sim.as_ref().unwrap().addr(), "/partner/v1").await;
    let tokens = SignIn::valid(&stack, "bob");
    let client = app_client(&relay.url, &stack.url, tokens.clone());
    let identity = link(&client, &tokens, 2).await;
    stack.set_kyc(&identity.user_id, "approved").await;
    let user = client.user(identity).unwrap();
    user.accept_agreements().await.unwrap();
    let card = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap().data;
    user.reveal_card(&card.card_id).await.unwrap();

    let sent = String::from_utf8_lossy(&relay.sent.lock().unwrap()).into_owned();
    let requests: Vec<&str> = sent.split("HTTP/1.1\r\n").collect();
    let key = stack.partner_key.to_ascii_lowercase();
    let mut app_calls = 0;
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        if lower.contains("authorization: bearer") {
            app_calls += 1;
            assert!(!lower.contains(&key), "a Bearer call carried the partner key");
        }
    }
    assert!(app_calls >= 4, "agreements, create, secrets session, secrets: {app_calls}");
    // The control: the gateway's own mints did carry it, through the same relay.
    assert!(sent.contains(&stack.partner_key), "the relay saw the gateway's mints");
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_once_and_the_session_follows() {
    let stack = Stack::start(&[]).await;
    let tokens = SignIn::valid(&stack, "carol");
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &stack.url, tokens.clone());
    let identity = link(&client, &tokens, 3).await;
    *tokens.current.lock().unwrap() = expired_token(&stack, "carol");

    let user = client.user(identity).unwrap();
    assert_eq!(user.broker().begin().await.unwrap(), Access::KycOnly);
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1, "one renewal for the expired token");
    user.kyc_status().await.unwrap();
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1, "the renewed token is used from then on");
}

#[tokio::test]
async fn a_sign_in_that_cannot_be_renewed_is_a_typed_error_after_one_try() {
    let stack = Stack::start(&[]).await;
    let tokens = SignIn::valid(&stack, "dave");
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &stack.url, tokens.clone());
    let identity = link(&client, &tokens, 4).await;
    let refused = SignIn::new(&stack, "dave", expired_token(&stack, "dave"), Renewal::Refused);
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &stack.url, refused.clone());
    let user = client.user(identity).unwrap();

    let error = user.kyc_status().await.unwrap_err();
    match &error {
        ApiError::Unauthorized { credential: Credential::SignIn, problem } => {
            assert_eq!(problem.status, 401);
            assert!(problem.api_code().unwrap_or_default().starts_with("token_"), "{problem:?}");
        }
        other => panic!("expected a refused sign-in, got {other:?}"),
    }
    assert_eq!(refused.refreshes.load(Ordering::SeqCst), 1, "renewed once, not in a loop");
}

#[tokio::test]
async fn a_person_with_no_linked_wallet_is_told_so() {
    let stack = Stack::start(&[]).await;
    let tokens = SignIn::valid(&stack, "erin");
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &stack.url, tokens);
    let user = client.user(Identity { user_id: "gw_not_linked_yet".into(), wallet_address: None }).unwrap();
    let error = user.kyc_status().await.unwrap_err();
    assert_eq!(error.gate(), Some(StateGate::NotLinked), "{error:?}");
}

#[tokio::test]
async fn the_gateway_down_is_a_network_error() {
    let stack = Stack::start(&[]).await;
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let tokens = SignIn::valid(&stack, "frank");
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &format!("http://{closed}"), tokens);
    let user = client.user(Identity { user_id: "gw_anyone".into(), wallet_address: None }).unwrap();
    let error = user.broker().begin().await.unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
}

#[tokio::test]
async fn a_gateway_that_names_another_api_is_refused_before_any_card_call() {
    let stack = Stack::start(&[]).await;
    let sim = stack.sim.as_ref().unwrap();
    let tokens = SignIn::valid(&stack, "grace");
    // The same simulator under another name: the gateway's apiBaseUrl (127.0.0.1) is not the app's API.
    let elsewhere = format!("http://localhost:{}/partner/v1", sim.addr().port());
    let client = app_client(&elsewhere, &stack.url, tokens.clone());
    let identity = link(&client, &tokens, 7).await;
    stack.set_kyc(&identity.user_id, "approved").await;
    sim.count_requests(None, "/cards");
    let user = client.user(identity).unwrap();
    let error = user.all_cards().await.unwrap_err();
    assert_eq!(error.code(), "config", "{error:?}");
    assert!(error.to_string().contains("another Machines API"), "{error}");
    assert_eq!(sim.counted("/cards"), 0, "no card call left the app");
}

/// A sign-in whose `access_token` waits until the test lets it go, to hold a mint in flight.
struct Held {
    inner: Arc<SignIn>,
    go: Arc<tokio::sync::Semaphore>,
}

impl AccessTokens for Held {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            self.go.acquire().await.unwrap().forget();
            self.inner.access_token().await
        })
    }

    fn refresh(&self) -> TokenFuture<'_> {
        self.inner.refresh()
    }
}

#[tokio::test]
async fn the_onboarding_session_given_instead_of_cards_serves_the_kyc_calls_unless_signed_out_meanwhile() {
    let stack = Stack::start(&[]).await;
    let api = stack.sim.as_ref().unwrap().base_url();
    let tokens = SignIn::valid(&stack, "heidi");
    let identity = link(&app_client(&api, &stack.url, tokens.clone()), &tokens, 8).await;
    let onboarding_mints = || async {
        let mints = stack.state.db.mints_of(&stack.issuer.url, "heidi").await.unwrap();
        mints.iter().filter(|m| m.purpose == "onboarding" && m.outcome == "minted").count()
    };

    // Kept: the KYC call after a card session refused for KYC uses the onboarding token that came instead.
    let go = Arc::new(tokio::sync::Semaphore::new(100));
    let held = Arc::new(Held { inner: tokens.clone(), go: go.clone() });
    let user = Arc::new(app_client(&api, &stack.url, held.clone()).user(identity.clone()).unwrap());
    let refused = user.broker().session(machines_api::scopes::CARDS).await.unwrap_err();
    assert_eq!(refused.gate(), Some(StateGate::KycRequired), "{refused:?}");
    user.kyc_status().await.unwrap();
    assert_eq!(onboarding_mints().await, 1);

    // Not kept: a sign-out (`clear`) while that mint was in flight.
    let go = Arc::new(tokio::sync::Semaphore::new(0));
    let held = Arc::new(Held { inner: tokens, go: go.clone() });
    let user = Arc::new(app_client(&api, &stack.url, held).user(identity).unwrap());
    let minting = tokio::spawn({
        let user = user.clone();
        async move { user.broker().session(machines_api::scopes::CARDS).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    user.broker().clear();
    go.add_permits(100);
    assert_eq!(minting.await.unwrap().unwrap_err().gate(), Some(StateGate::KycRequired));
    user.kyc_status().await.unwrap();
    assert_eq!(onboarding_mints().await, 3, "the KYC call minted its own session after the sign-out");
}

#[tokio::test]
async fn a_busy_gateway_is_rate_limited_with_its_wait() {
    // One request a minute per person: the link takes it, so the first mint is refused with a minute's wait,
    // longer than the client waits out, so it reaches the caller with the wait.
    let stack = Stack::start(&[("GATEWAY_RATE_PER_SUBJECT_PER_MINUTE", "1")]).await;
    let tokens = SignIn::valid(&stack, "ivan");
    let client = app_client(&stack.sim.as_ref().unwrap().base_url(), &stack.url, tokens.clone());
    let user = client.user(link(&client, &tokens, 9).await).unwrap();
    match user.kyc_status().await.unwrap_err() {
        ApiError::RateLimited { retry_after: Some(wait), problem } => {
            assert!(wait > Duration::from_secs(30) && wait <= Duration::from_secs(60), "{wait:?}");
            assert_eq!(problem.api_code(), Some("rate_limited"));
        }
        other => panic!("expected the gateway's 429, got {other:?}"),
    }
}
