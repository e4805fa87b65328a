//! The saved form of a simulator's state: what Demo mode writes to disk so that a restart keeps every
//! user, card, deposit and transaction.
//!
//! Only the demo partner's users are saved, and under no key: a restart puts them under whatever partner
//! key the new run accepts first, so a key that changes per launch still finds its users. Nothing secret
//! is in it. Card numbers and CVCs are derived again from `card_seed` and each card's id; sessions, card
//! secrets sessions and idempotency records are dropped (the app mints new sessions, and its own retry
//! keys die with it); the KYC application is kept only as "one was sent", because it holds the national
//! id. In-flight withdrawals are dropped too: their signatures live minutes.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::ids;
use crate::state::{Owner, Partner, State, User};

/// The format this build writes and reads. A file with another version is set aside, not guessed at.
pub const VERSION: u32 = 1;

/// What is written: borrowed from the live state, so saving copies nothing but the bytes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotOut<'a> {
    version: u32,
    card_seed: String,
    next_tx: u64,
    users: Vec<&'a User>,
}

/// What is read back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SnapshotIn {
    version: u32,
    card_seed: String,
    next_tx: u64,
    users: Vec<User>,
}

/// Why a saved state could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("it is not a saved simulator state ({0})")]
    Damaged(String),
    #[error("it was written in format {found}, and this version reads format {VERSION}")]
    UnknownVersion { found: u64 },
}

/// The bytes to save for `partner`'s users (sorted by id, so an unchanged state gives the same bytes).
pub fn capture(state: &State, partner: &str) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = Vec::new();
    write_to(state, partner, &mut bytes)?;
    Ok(bytes)
}

/// [`capture`]'s bytes, written to `out` as they are made: Demo's saver hashes them, then writes them to
/// the file, without ever holding a big account's megabytes in one buffer.
pub fn write_to(state: &State, partner: &str, out: impl std::io::Write) -> Result<(), serde_json::Error> {
    let mut users: Vec<&User> = state.partners.get(partner).map(|p| p.users.values().collect()).unwrap_or_default();
    users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let snapshot =
        SnapshotOut { version: VERSION, card_seed: hex::encode(state.card_seed), next_tx: state.next_tx, users };
    serde_json::to_writer_pretty(out, &snapshot)
}

/// Only the format version, read first so a file of another version is named as such rather than as
/// damaged (its fields may differ); the other fields are skipped, not built.
#[derive(Deserialize)]
struct VersionOnly {
    version: Option<u64>,
}

/// A state for `partner_keys` holding the saved users under the first key. `rng_seed` must be fresh for
/// each run (new ids must not repeat the ones already handed out).
pub fn restore(bytes: &[u8], partner_keys: &[String], rng_seed: [u8; 32]) -> Result<State, Unusable> {
    // Two passes over the bytes rather than one into a `serde_json::Value`: a big account's tree of
    // values was tens of thousands of small blocks, freed at once and kept by the allocator afterwards.
    let probe: VersionOnly = serde_json::from_slice(bytes).map_err(|e| Unusable::Damaged(e.to_string()))?;
    match probe.version {
        Some(found) if found == u64::from(VERSION) => {}
        Some(found) => return Err(Unusable::UnknownVersion { found }),
        None => return Err(Unusable::Damaged("no format version".to_owned())),
    }
    let saved: SnapshotIn = serde_json::from_slice(bytes).map_err(|e| Unusable::Damaged(e.to_string()))?;
    if saved.version != VERSION {
        return Err(Unusable::UnknownVersion { found: u64::from(saved.version) });
    }
    let card_seed: [u8; 32] = hex::decode(&saved.card_seed)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| Unusable::Damaged("the card seed is not 32 bytes of hex".to_owned()))?;

    let mut state = State::new(partner_keys, 0);
    state.rng = StdRng::from_seed(rng_seed);
    state.card_seed = card_seed;
    state.next_tx = saved.next_tx.max(1);
    let Some(partner) = partner_keys.first() else { return Ok(state) };
    let mut users = HashMap::new();
    for mut user in saved.users {
        let owner = Owner { partner: partner.clone(), user_id: user.user_id.clone() };
        if users.contains_key(&user.user_id) {
            return Err(Unusable::Damaged(format!("user {} is there twice", user.user_id)));
        }
        state.internal_ids.insert(user.internal_id.clone(), owner.clone());
        for card in &mut user.cards {
            (card.pan, card.cvc) = ids::card_numbers(&card_seed, &card.card_id);
            state.card_owners.insert(card.card_id.clone(), owner.clone());
        }
        for deposit in &user.deposits {
            state.deposit_owners.insert(deposit.id.clone(), owner.clone());
        }
        users.insert(user.user_id.clone(), user);
    }
    state.partners.insert(partner.clone(), Partner { users, ..Partner::default() });
    Ok(state)
}

/// Times as the API prints them (ISO-8601, milliseconds, `Z`), so a saved file reads plainly.
pub mod at {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::clock::iso(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339).map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
    }
}

/// [`at`] for an optional time (`null` when absent).
pub mod at_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::at::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        #[derive(Deserialize)]
        struct At(#[serde(with = "super::at")] OffsetDateTime);
        Ok(Option::<At>::deserialize(d)?.map(|At(t)| t))
    }
}

/// A KYC application saved as `true`/`false` only: the body holds the national id. Read back, `true`
/// becomes an empty application, which is all the simulator asks of it afterwards (that one was sent).
pub mod application_flag {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(application: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(application.is_some())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Ok(bool::deserialize(d)?.then(|| Value::Object(serde_json::Map::new())))
    }
}
