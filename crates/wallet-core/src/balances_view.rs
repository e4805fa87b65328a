//! Balances as the wallet shows them: dollars written out, from the API's cents.

use machines_api::models::balances::Balances;
use serde::Serialize;

use crate::money::format_cents;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BalancesView {
    pub spending_power: String,
    pub credit_limit: String,
    pub pending_charges: String,
    pub posted_charges: String,
    pub balance_due: String,
}

/// The view of `balances`, every amount as dollars (`$1,234.56`).
pub fn balances_view(balances: &Balances) -> BalancesView {
    BalancesView {
        spending_power: format_cents(balances.spending_power),
        credit_limit: format_cents(balances.credit_limit),
        pending_charges: format_cents(balances.pending_charges),
        posted_charges: format_cents(balances.posted_charges),
        balance_due: format_cents(balances.balance_due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_figure_is_dollars_in_its_own_place() {
        let balances = Balances {
            credit_limit: 500_000,
            pending_charges: 1_250,
            posted_charges: 99,
            balance_due: -1_000,
            spending_power: 498_651,
        };
        let view = balances_view(&balances);
        assert_eq!(view.credit_limit, format_cents(500_000));
        assert_eq!(view.spending_power, format_cents(498_651));
        assert_eq!(view.pending_charges, format_cents(1_250));
        assert_eq!(view.posted_charges, format_cents(99));
        assert_eq!(view.balance_due, format_cents(-1_000));
        assert_ne!(view.credit_limit, view.spending_power);
    }
}
