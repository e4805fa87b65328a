//! Session scopes and the sets the client mints sessions for.
//!
//! Each set is what one part of the journey needs (spec §2.2). Sessions are cached per set, so the card
//! screens never hold the KYC token and vice versa, and a token only carries what its calls need.

use std::sync::atomic::{AtomicBool, Ordering};

/// A named set of scopes a session is minted with. Sorted and duplicate-free, so it can key a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeSet {
    pub name: &'static str,
    pub scopes: &'static [&'static str],
}

/// Identity verification and agreements: what a user who is not yet approved may hold.
pub const KYC: ScopeSet = ScopeSet { name: "kyc", scopes: &["kyc.read", "kyc.write"] };

/// Cards, their labels and their secrets (the product's card session).
pub const CARDS: ScopeSet = ScopeSet {
    name: "cards",
    scopes: &["cards.read", "cards.secrets.read", "cards.write", "encryption.read", "encryption.write"],
};

/// The card session in the guide's spelling: `crypto.*` where the reference says `encryption.*`.
pub const CARDS_GUIDE: ScopeSet = ScopeSet {
    name: "cards-guide",
    scopes: &["cards.read", "cards.secrets.read", "cards.write", "crypto.read", "crypto.write"],
};

/// How the label-encryption scopes are spelled when minting a card session. The guide mints with
/// `crypto.read`/`crypto.write`, the reference documents `encryption.*`; a server may honour only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spelling {
    /// `encryption.read` / `encryption.write`, the documented enum.
    #[default]
    Reference,
    /// `crypto.read` / `crypto.write`, as the guide's card session.
    Guide,
}

impl Spelling {
    pub fn other(self) -> Self {
        match self {
            Self::Reference => Self::Guide,
            Self::Guide => Self::Reference,
        }
    }

    /// `set` spelled this way: only the card session has two spellings.
    pub fn apply(self, set: ScopeSet) -> ScopeSet {
        match self {
            Self::Guide if set == CARDS => CARDS_GUIDE,
            Self::Reference if set == CARDS_GUIDE => CARDS,
            _ => set,
        }
    }
}

/// The spelling a server was found to accept, shared by every user's session broker of one [`Client`], so
/// it is learned once per server.
///
/// [`Client`]: crate::Client
#[derive(Debug)]
pub(crate) struct LearnedSpelling(AtomicBool);

impl LearnedSpelling {
    pub fn new(start: Spelling) -> Self {
        Self(AtomicBool::new(start == Spelling::Guide))
    }

    pub fn get(&self) -> Spelling {
        if self.0.load(Ordering::SeqCst) {
            Spelling::Guide
        } else {
            Spelling::Reference
        }
    }

    pub fn set(&self, spelling: Spelling) {
        self.0.store(spelling == Spelling::Guide, Ordering::SeqCst);
    }
}

/// Deposits and balances. The docs say they need no extra scope; the enum has `deposits.*`, and asking
/// for them is harmless where they are not needed.
pub const FUNDING: ScopeSet = ScopeSet { name: "funding", scopes: &["deposits.read", "deposits.write"] };

/// Transaction history. `transactions.read` is required by the guide though missing from the enum.
pub const TRANSACTIONS: ScopeSet = ScopeSet { name: "transactions", scopes: &["transactions.read"] };

/// Withdrawals: the read routes use `deposits.read`, create needs `withdrawals.write`.
pub const WITHDRAWALS: ScopeSet = ScopeSet { name: "withdrawals", scopes: &["deposits.read", "withdrawals.write"] };

/// The twelve scopes of the documented enum.
pub const DOCUMENTED: [&str; 12] = [
    "users.read",
    "users.write",
    "kyc.read",
    "kyc.write",
    "cards.read",
    "cards.write",
    "cards.secrets.read",
    "encryption.read",
    "encryption.write",
    "deposits.read",
    "deposits.write",
    "withdrawals.write",
];

impl ScopeSet {
    pub fn to_vec(&self) -> Vec<String> {
        self.scopes.iter().map(|s| (*s).to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_use_known_scopes() {
        for set in [KYC, CARDS, CARDS_GUIDE, FUNDING, TRANSACTIONS, WITHDRAWALS] {
            let mut sorted = set.scopes.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, set.scopes, "{}", set.name);
            for scope in set.scopes {
                let guide = ["transactions.read", "crypto.read", "crypto.write"];
                assert!(DOCUMENTED.contains(scope) || guide.contains(scope), "{scope}");
            }
        }
    }

    #[test]
    fn only_the_card_session_changes_spelling() {
        assert_eq!(Spelling::Guide.apply(CARDS), CARDS_GUIDE);
        assert_eq!(Spelling::Reference.apply(CARDS_GUIDE), CARDS);
        assert_eq!(Spelling::Reference.apply(CARDS), CARDS);
        assert_eq!(Spelling::Guide.apply(KYC), KYC);
        assert_eq!(Spelling::Guide.other(), Spelling::Reference);
    }
}
