//! The contract's rough edges, client (`machines-api`) against the simulator over loopback: a 429 on a
//! delete, a delete whose answer is lost, sessions shorter than a minute, and a server that honours only
//! one spelling of the label-encryption scopes. The statuses the client meets are counted from its own
//! `response` log events.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use machines_api::config::ClientConfig;
use machines_api::models::cards::{CardStatus, CreateCardRequest};
use machines_api::scopes::Spelling;
use machines_api::{BaseUrl, Client, IdempotencyKey, PartnerKey, UserClient};
use machines_sim::config::{EncryptionScopes, SecondDelete};
use machines_sim::{FaultKind, FaultRule, SimConfig, Simulator};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// Counts the HTTP answers with one status that the client logged (`machines_api`'s `response` events).
#[derive(Clone)]
struct StatusCounter {
    status: u64,
    seen: Arc<AtomicUsize>,
}

impl<S: Subscriber> Layer<S> for StatusCounter {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        struct Status(Option<u64>);
        impl Visit for Status {
            fn record_u64(&mut self, field: &Field, value: u64) {
                if field.name() == "status" {
                    self.0 = Some(value);
                }
            }
            fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
        }
        if !event.metadata().target().starts_with("machines_api") {
            return;
        }
        let mut status = Status(None);
        event.record(&mut status);
        if status.0 == Some(self.status) {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Starts counting answers with `status` on this thread (the tests run on a current-thread runtime, so
/// the client and the simulator both log here). Keep the guard alive for as long as counting should go on.
fn count_status(status: u64) -> (Arc<AtomicUsize>, tracing::subscriber::DefaultGuard) {
    let seen = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(StatusCounter { status, seen: seen.clone() });
    (seen, tracing::subscriber::set_default(subscriber))
}

async fn new_card(user: &UserClient) -> String {
    let card = user.create_card(&CreateCardRequest::default(), &IdempotencyKey::generate()).await.unwrap();
    card.data.card_id
}

#[tokio::test]
async fn a_delete_refused_with_429_is_sent_again_after_retry_after_and_succeeds() {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = common::client_for(&sim, Duration::from_secs(5));
    let user = common::ready_user(&sim, &client, "delete-429@example.com").await;
    let card = new_card(&user).await;
    sim.inject(FaultRule::new(Some("DELETE"), "/cards/*", FaultKind::RateLimit { retry_after: 1 }).times(1));

    let started = Instant::now();
    let deleted = user.delete_card(&card).await.unwrap_or_else(|e| panic!("the person sees: {e}"));
    assert_eq!(deleted.data.status, Some(CardStatus::Canceled));
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured: {:?}", started.elapsed());
    assert_eq!(user.get_card(&card).await.unwrap().data.status, CardStatus::Canceled);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_delete_whose_answer_is_lost_is_sent_again_and_any_second_answer_counts_as_done() {
    for second in [SecondDelete::Same, SecondDelete::AlreadyCanceled, SecondDelete::Gone] {
        let sim = Simulator::start(SimConfig { second_delete: second, ..SimConfig::instant() }).await.unwrap();
        let client = common::client_for(&sim, Duration::from_secs(5));
        let user = common::ready_user(&sim, &client, "delete-lost@example.com").await;

        // The card is canceled, then the connection drops before the answer arrives.
        let lost = new_card(&user).await;
        sim.inject(FaultRule::new(Some("DELETE"), "/cards/*", FaultKind::DropAfterCommit).times(1));
        let deleted = user.delete_card(&lost).await.unwrap_or_else(|e| panic!("{second:?}: the person sees: {e}"));
        assert_eq!(deleted.data.status, Some(CardStatus::Canceled), "{second:?}");
        assert_eq!(deleted.data.card_id.as_deref(), Some(lost.as_str()), "{second:?}");

        // A 5xx refuses before anything is done: the resend does the delete.
        let failed = new_card(&user).await;
        sim.inject(FaultRule::new(Some("DELETE"), "/cards/*", FaultKind::Error { status: 503 }).times(1));
        user.delete_card(&failed).await.unwrap_or_else(|e| panic!("{second:?}: the person sees: {e}"));
        assert_eq!(user.get_card(&failed).await.unwrap().data.status, CardStatus::Canceled, "{second:?}");

        // Without a lost first answer, a card that is not there is still an error.
        let error = user.delete_card("00000000-0000-4000-8000-000000000000").await.unwrap_err();
        assert_eq!(error.code(), "not_found", "{second:?}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn sessions_shorter_than_a_minute_are_renewed_before_they_expire() {
    let config = SimConfig { max_session_ttl: Some(Duration::from_secs(3)), ..SimConfig::instant() };
    let sim = Simulator::start(config).await.unwrap();
    let client = common::client_for(&sim, Duration::from_secs(5));
    let user = common::ready_user(&sim, &client, "short-sessions@example.com").await;
    let (unauthorized, _guard) = count_status(401);

    // Seven seconds of card reads, one every quarter second: more than two lifetimes of a 3 s session.
    let started = Instant::now();
    let mut reads = 0;
    while started.elapsed() < Duration::from_secs(7) {
        user.list_cards(None, None).await.unwrap();
        reads += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(reads >= 20, "{reads}");
    assert_eq!(unauthorized.load(Ordering::SeqCst), 0, "calls that met a 401 the expiry had announced");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_server_that_honours_one_scope_spelling_is_learned_once_in_either_direction() {
    for (server, client_starts_with) in
        [(EncryptionScopes::Guide, Spelling::Reference), (EncryptionScopes::Reference, Spelling::Guide)]
    {
        let sim = Simulator::start(SimConfig { encryption_scopes: server, ..SimConfig::instant() }).await.unwrap();
        let mut config = ClientConfig::new(BaseUrl::parse(&sim.base_url()).unwrap());
        config.card_scope_spelling = client_starts_with;
        let client = Client::new(config, PartnerKey::parse(sim.partner_key()).unwrap()).unwrap();
        let user = common::ready_user(&sim, &client, "spelling@example.com").await;
        let (forbidden, _guard) = count_status(403);

        for label in ["Groceries", "Travel", "Rent"] {
            let sealed = user.encrypt(label).await.unwrap_or_else(|e| panic!("{server:?}: the person sees: {e}"));
            let opened = user.decrypt(&sealed.data).await.unwrap_or_else(|e| panic!("{server:?}: {e}"));
            assert_eq!(opened.data, label, "{server:?}");
        }
        // The cards themselves keep working with the session minted in the spelling the server accepts.
        user.list_cards(None, None).await.unwrap();
        assert_eq!(forbidden.load(Ordering::SeqCst), 1, "{server:?}: one 403, then the spelling is remembered");
        sim.shutdown().await;
    }
}
