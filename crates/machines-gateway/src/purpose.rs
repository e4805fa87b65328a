//! What a session is for, and the scopes each purpose gets. The client names a purpose, never raw scopes,
//! so a compromised app can hold no more than the journey step it is on.

pub use machines_api::gateway::Purpose;
use machines_api::scopes::{self, ScopeSet};

/// Deposits and withdrawals together: the funding screen shows both.
const FUNDING_AND_WITHDRAWALS: ScopeSet =
    ScopeSet { name: "funding-and-withdrawals", scopes: &["deposits.read", "deposits.write", "withdrawals.write"] };

/// The scopes the gateway grants for each purpose (the wire type is `machines-api`'s, shared with the app).
pub trait Grants {
    fn scopes(self) -> ScopeSet;
}

impl Grants for Purpose {
    fn scopes(self) -> ScopeSet {
        match self {
            Self::Onboarding => scopes::KYC,
            Self::Cards => scopes::CARDS,
            Self::Funding => FUNDING_AND_WITHDRAWALS,
            Self::Activity => scopes::TRANSACTIONS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_onboarding_works_before_kyc_approval() {
        // The fallback on "kyc required" mints onboarding scopes; they must be exactly the pre-KYC set.
        assert_eq!(Purpose::Onboarding.scopes().scopes, &["kyc.read", "kyc.write"]);
        for purpose in [Purpose::Cards, Purpose::Funding, Purpose::Activity] {
            assert!(purpose.scopes().scopes.iter().all(|s| !s.starts_with("kyc.")), "{}", purpose.name());
        }
    }
}
