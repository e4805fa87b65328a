//! Finishing the card creates a crash left in the journal, against the simulator: a card already made
//! is recognised and nothing is sent; a refusal drops the record with a note; a down server keeps it for
//! the next try; this run's own creates are left to the person.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use machines_api::{IdempotencyKey, UserClient};
use machines_sim::{FaultKind, FaultRule, SimConfig, SimHandle, Simulator};
use wallet_core::card_create::{resume, send};
use wallet_core::intents::{CardIntent, Journal, Scope};

struct World {
    sim: SimHandle,
    user: UserClient,
    journal: Journal,
    scope: Scope,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.journal.dir());
    }
}

async fn world(name: &str) -> World {
    let sim = Simulator::start(SimConfig::instant()).await.unwrap();
    let client = common::client(&sim);
    let account = format!("{name}@example.com");
    let user = common::ready_user(&sim, &client, &account).await;
    let dir = std::env::temp_dir().join(format!("wallet-card-create-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    World { sim, user, journal: Journal::new(dir), scope: Scope { environment: "demo".into(), account } }
}

fn cards_on(sim: &SimHandle) -> u64 {
    sim.summary()["cards"].as_u64().unwrap()
}

#[tokio::test]
async fn a_card_already_made_is_recognised_by_its_label_and_nothing_is_sent() {
    let w = world("made").await;
    let label = w.user.encrypt("Travel").await.unwrap().data;
    let first = CardIntent::new(w.scope.clone(), &IdempotencyKey::generate(), Some(label.clone()), None);
    let card = send(Some(&w.journal), &w.user, &first).await.unwrap();
    assert!(w.journal.load(&w.scope).intents.is_empty(), "the answer removed the record");
    // The same create recorded under a key the server does not know (Demo's simulator forgets its keys
    // when the app is killed with it): only this create can have put this ciphertext on a card.
    let forgotten = CardIntent::new(w.scope.clone(), &IdempotencyKey::generate(), Some(label), None);
    w.journal.write(&forgotten).unwrap();
    let resumed = resume(&w.journal, &w.scope, &w.user, &[]).await;
    assert_eq!(resumed.cards.len(), 1);
    assert_eq!(resumed.cards[0].card_id, card.card_id);
    assert!(resumed.notes[0].contains("has been finished"), "{:?}", resumed.notes);
    assert_eq!(cards_on(&w.sim), 1, "not sent again");
    assert!(w.journal.load(&w.scope).intents.is_empty());
}

#[tokio::test]
async fn a_refused_create_is_dropped_with_a_note() {
    // The server refuses the resent create (its key already made a different card: 409), so this
    // request made nothing and is not kept.
    let w = world("refused").await;
    let key = IdempotencyKey::generate();
    send(None, &w.user, &CardIntent::new(w.scope.clone(), &key, None, None)).await.unwrap();
    let limit = machines_api::models::cards::CardLimit {
        amount_cents: 2500,
        frequency: machines_api::models::cards::LimitFrequency::from_wire("perAuthorization"),
    };
    w.journal.write(&CardIntent::new(w.scope.clone(), &key, None, Some(limit))).unwrap();
    let resumed = resume(&w.journal, &w.scope, &w.user, &[]).await;
    assert!(resumed.cards.is_empty());
    assert_eq!(resumed.notes.len(), 1, "{:?}", resumed.notes);
    assert!(resumed.notes[0].contains("refused by the server, so no card was made"), "{:?}", resumed.notes);
    assert!(w.journal.load(&w.scope).intents.is_empty());
    assert_eq!(cards_on(&w.sim), 1, "only the first request's card");
}

#[tokio::test]
async fn a_create_meeting_a_down_server_is_kept_for_the_next_try() {
    let w = world("down").await;
    let intent = CardIntent::new(w.scope.clone(), &IdempotencyKey::generate(), None, None);
    w.journal.write(&intent).unwrap();
    w.sim.inject(FaultRule::new(Some("POST"), "/cards", FaultKind::Error { status: 503 }));
    let resumed = resume(&w.journal, &w.scope, &w.user, &[]).await;
    assert!(resumed.cards.is_empty() && resumed.notes.is_empty(), "{:?}", resumed.notes);
    assert_eq!(w.journal.load(&w.scope).intents, vec![intent.clone()]);
    w.sim.clear_faults();
    let resumed = resume(&w.journal, &w.scope, &w.user, &[]).await;
    assert_eq!(resumed.cards.len(), 1);
    assert_eq!(cards_on(&w.sim), 1);
}

#[tokio::test]
async fn this_runs_own_creates_and_other_accounts_are_left_alone() {
    let w = world("own").await;
    let mine = CardIntent::new(w.scope.clone(), &IdempotencyKey::generate(), None, None);
    w.journal.write(&mine).unwrap();
    let elsewhere = Scope { environment: "sandbox".into(), account: w.scope.account.clone() };
    w.journal.write(&CardIntent::new(elsewhere.clone(), &IdempotencyKey::generate(), None, None)).unwrap();
    let resumed = resume(&w.journal, &w.scope, &w.user, std::slice::from_ref(&mine.key)).await;
    assert!(resumed.cards.is_empty() && resumed.notes.is_empty());
    assert_eq!(cards_on(&w.sim), 0);
    assert_eq!(w.journal.load(&elsewhere).intents.len(), 1, "another environment's record stays for it");
}
