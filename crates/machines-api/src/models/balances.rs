//! `GET /balances`: the user's credit position, all in integer cents.

use serde::{Deserialize, Serialize};

use super::common::lenient;

/// `data` of `GET /balances`. Parses both `data.balances.{…}` (example client, guide) and the five
/// fields directly under `data` (spec Q13); a missing or malformed amount reads as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", from = "BalancesWire")]
pub struct Balances {
    pub credit_limit: i64,
    pub pending_charges: i64,
    pub posted_charges: i64,
    pub balance_due: i64,
    pub spending_power: i64,
}

/// The two nestings seen on the wire. `Nested` is tried first; anything else is read as flat.
#[derive(Deserialize)]
#[serde(untagged)]
enum BalancesWire {
    Nested { balances: BalanceFields },
    Flat(BalanceFields),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BalanceFields {
    #[serde(default, deserialize_with = "lenient")]
    credit_limit: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pending_charges: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    posted_charges: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    balance_due: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    spending_power: Option<i64>,
}

impl From<BalancesWire> for Balances {
    fn from(wire: BalancesWire) -> Self {
        let (BalancesWire::Nested { balances: f } | BalancesWire::Flat(f)) = wire;
        Self {
            credit_limit: f.credit_limit.unwrap_or_default(),
            pending_charges: f.pending_charges.unwrap_or_default(),
            posted_charges: f.posted_charges.unwrap_or_default(),
            balance_due: f.balance_due.unwrap_or_default(),
            spending_power: f.spending_power.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIDE: Balances =
        Balances { credit_limit: 3000, pending_charges: 0, posted_charges: 0, balance_due: 0, spending_power: 3000 };

    #[test]
    fn parses_nested_guide_example() {
        let parsed: Balances = serde_json::from_str(
            r#"{"balances":{"creditLimit":3000,"pendingCharges":0,"postedCharges":0,"balanceDue":0,"spendingPower":3000}}"#,
        )
        .unwrap();
        assert_eq!(parsed, GUIDE);
    }

    #[test]
    fn parses_flat_shape() {
        let parsed: Balances = serde_json::from_str(
            r#"{"creditLimit":3000,"pendingCharges":0,"postedCharges":0,"balanceDue":0,"spendingPower":3000}"#,
        )
        .unwrap();
        assert_eq!(parsed, GUIDE);
    }

    #[test]
    fn missing_or_odd_amounts_read_as_zero() {
        let parsed: Balances =
            serde_json::from_str(r#"{"balances":{"creditLimit":12500,"pendingCharges":null,"balanceDue":"7"}}"#)
                .unwrap();
        assert_eq!(parsed, Balances { credit_limit: 12500, ..Balances::default() });
        assert_eq!(serde_json::from_str::<Balances>("{}").unwrap(), Balances::default());
    }

    #[test]
    fn serializes_flat() {
        assert_eq!(
            serde_json::to_value(GUIDE).unwrap(),
            serde_json::json!({"creditLimit":3000,"pendingCharges":0,"postedCharges":0,"balanceDue":0,"spendingPower":3000})
        );
    }
}
