//! `machines-sim seed`: turns a Demo state file the app wrote into a big account, for measuring the app at
//! scale (`bench/scale`). The file is read and written back through the simulator's own snapshot code
//! (`snapshot::restore`, `snapshot::capture`, the atomic `store::write_atomic`), so the result is the same
//! format version and opens in the app's Demo mode as if the person had made every card and spent every
//! cent themselves.
//!
//! Cards are added up to a total (`cards`), sealed with the user's own data key exactly as
//! `POST /encryption/encrypt` seals what the app sends, so the app decrypts real names. Transactions are a
//! history over the last two years (`history`). Everything drawn comes from one generator seeded with
//! `Plan::seed`, so the same file, seed and `now` give the same bytes.

mod cards;
mod history;

use std::io;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::OffsetDateTime;

use crate::snapshot::{self, Unusable};
use crate::state::{State, User};
use crate::store::write_atomic;

/// More cards than this is not an account anyone holds; the bound keeps a typo from filling the disk.
pub const MAX_CARDS: usize = 100_000;
/// The same for transactions (a million is ~400 MB of state file).
pub const MAX_TRANSACTIONS: usize = 1_000_000;

/// The partner the restored users are put under while seeding. The saved file names no partner (see
/// `snapshot`), so any name does, as long as capture uses the same one.
const PARTNER: &str = "seed";

/// What to make of the state file.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Cards the user has in the end, active ones counted (canceled cards are not in the app's list).
    pub cards: usize,
    /// Transactions to add.
    pub transactions: usize,
    /// Whose account; `None` when the file holds exactly one user (the app's Demo user).
    pub user: Option<String>,
    /// Seeds every choice: the same seed, file and `now` give the same result.
    pub seed: u64,
    /// The history ends here (pending spends post after it).
    pub now: OffsetDateTime,
}

/// What seeding did, for the command to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub user_id: String,
    pub cards_added: usize,
    /// Active cards in the end.
    pub cards: usize,
    pub transactions_added: usize,
    /// Of the added transactions, the collateral deposits that kept the spending power above zero.
    pub deposits_added: usize,
}

/// Why a state file could not be seeded. Each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{} cannot be seeded: {source}", path.display())]
    Unusable { path: PathBuf, source: Unusable },
    #[error("the state file has no user yet: set up Demo in the app first")]
    NoUsers,
    #[error("the state file has {count} users ({names}): choose one with --user")]
    WhichUser { count: usize, names: String },
    #[error("the state file has no user {wanted:?} (it has: {names})")]
    NoSuchUser { wanted: String, names: String },
    #[error("--cards {asked} is fewer than the {has} active cards the user already has")]
    FewerCards { asked: usize, has: usize },
    #[error("--cards {0} is more than {MAX_CARDS}")]
    TooManyCards(usize),
    #[error("--transactions {0} is more than {MAX_TRANSACTIONS}")]
    TooManyTransactions(usize),
    #[error("transactions need a card to be made on: --cards must be at least 1")]
    NoCards,
    #[error("the seeded state could not be encoded: {0}")]
    Encode(serde_json::Error),
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// Seeds the state file at `path` in place (an atomic replace: a failure leaves the old file).
pub fn seed_file(path: &Path, plan: &Plan) -> Result<Seeded, SeedError> {
    let bytes = std::fs::read(path).map_err(|source| SeedError::Read { path: path.to_path_buf(), source })?;
    let (seeded_bytes, seeded) = seed_bytes(&bytes, plan).map_err(|err| match err {
        SeedError::Unusable { source, .. } => SeedError::Unusable { path: path.to_path_buf(), source },
        other => other,
    })?;
    write_atomic(path, &seeded_bytes).map_err(|source| SeedError::Write { path: path.to_path_buf(), source })?;
    Ok(seeded)
}

/// Seeds the bytes of a state file and answers the new bytes.
pub fn seed_bytes(bytes: &[u8], plan: &Plan) -> Result<(Vec<u8>, Seeded), SeedError> {
    check_numbers(plan)?;
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let mut state = snapshot::restore(bytes, &[PARTNER.to_owned()], rng.random())
        .map_err(|source| SeedError::Unusable { path: PathBuf::new(), source })?;
    let user_id = choose_user(&state, plan.user.as_deref())?;
    let State { partners, card_seed, next_tx, .. } = &mut state;
    let user = partners
        .get_mut(PARTNER)
        .and_then(|partner| partner.users.get_mut(&user_id))
        .ok_or_else(|| SeedError::NoSuchUser { wanted: user_id.clone(), names: String::new() })?;

    let has = active_cards(user);
    if plan.cards < has {
        return Err(SeedError::FewerCards { asked: plan.cards, has });
    }
    let cards_added = plan.cards - has;
    cards::add(user, cards_added, card_seed, plan.now, &mut rng);
    let deposits_added = history::add(user, plan.transactions, next_tx, plan.now, &mut rng);

    let seeded = Seeded {
        user_id,
        cards_added,
        cards: active_cards(user),
        transactions_added: plan.transactions,
        deposits_added,
    };
    let bytes = snapshot::capture(&state, PARTNER).map_err(SeedError::Encode)?;
    Ok((bytes, seeded))
}

fn check_numbers(plan: &Plan) -> Result<(), SeedError> {
    if plan.cards > MAX_CARDS {
        return Err(SeedError::TooManyCards(plan.cards));
    }
    if plan.transactions > MAX_TRANSACTIONS {
        return Err(SeedError::TooManyTransactions(plan.transactions));
    }
    if plan.transactions > 0 && plan.cards == 0 {
        return Err(SeedError::NoCards);
    }
    Ok(())
}

/// The user to seed: the one named, or the only one there is.
fn choose_user(state: &State, wanted: Option<&str>) -> Result<String, SeedError> {
    let mut ids: Vec<&String> = state.partners.get(PARTNER).map(|p| p.users.keys().collect()).unwrap_or_default();
    ids.sort();
    let names = ids.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(", ");
    match (wanted, ids.as_slice()) {
        (Some(wanted), _) if ids.iter().any(|id| id.as_str() == wanted) => Ok(wanted.to_owned()),
        (Some(wanted), _) => Err(SeedError::NoSuchUser { wanted: wanted.to_owned(), names }),
        (None, []) => Err(SeedError::NoUsers),
        (None, [only]) => Ok((*only).clone()),
        (None, many) => Err(SeedError::WhichUser { count: many.len(), names }),
    }
}

/// The cards the app lists: all but the canceled ones.
fn active_cards(user: &User) -> usize {
    user.cards.iter().filter(|card| card.status != "canceled").count()
}
