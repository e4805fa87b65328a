//! What a session is for, and the scopes each purpose gets. The client names a purpose, never raw scopes,
//! so a compromised app can hold no more than the journey step it is on.

use machines_api::scopes::{self, ScopeSet};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Identity verification and agreements: all a user who is not yet approved may hold.
    Onboarding,
    /// Cards, their labels and secrets. Short-lived by default, as it can reveal a card number.
    Cards,
    /// Deposits and withdrawals.
    Funding,
    /// Transaction history, read only.
    Activity,
}

/// Deposits and withdrawals together: the funding screen shows both.
const FUNDING_AND_WITHDRAWALS: ScopeSet =
    ScopeSet { name: "funding-and-withdrawals", scopes: &["deposits.read", "deposits.write", "withdrawals.write"] };

impl Purpose {
    pub fn name(self) -> &'static str {
        match self {
            Self::Onboarding => "onboarding",
            Self::Cards => "cards",
            Self::Funding => "funding",
            Self::Activity => "activity",
        }
    }

    pub fn scopes(self) -> ScopeSet {
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
