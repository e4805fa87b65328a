//! Session scopes and the sets the client mints sessions for.
//!
//! Each set is what one part of the journey needs (spec §2.2). Sessions are cached per set, so the card
//! screens never hold the KYC token and vice versa, and a token only carries what its calls need.

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
        for set in [KYC, CARDS, FUNDING, TRANSACTIONS, WITHDRAWALS] {
            let mut sorted = set.scopes.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, set.scopes, "{}", set.name);
            for scope in set.scopes {
                assert!(DOCUMENTED.contains(scope) || *scope == "transactions.read", "{scope}");
            }
        }
    }
}
