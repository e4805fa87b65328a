//! `GET /balances`: the user's credit position, all in integer cents.

use serde::{Deserialize, Serialize};

use super::common::cents;

/// `data` of `GET /balances`. Parses both `data.balances.{…}` (example client, guide) and the five
/// fields directly under `data` (spec Q13). A missing amount reads as 0; a malformed one, or a response
/// with none of the five, is an error rather than a wrong $0.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", try_from = "BalancesWire")]
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
    #[serde(default, deserialize_with = "cents")]
    credit_limit: Option<i64>,
    #[serde(default, deserialize_with = "cents")]
    pending_charges: Option<i64>,
    #[serde(default, deserialize_with = "cents")]
    posted_charges: Option<i64>,
    #[serde(default, deserialize_with = "cents")]
    balance_due: Option<i64>,
    #[serde(default, deserialize_with = "cents")]
    spending_power: Option<i64>,
}

impl TryFrom<BalancesWire> for Balances {
    type Error = &'static str;

    fn try_from(wire: BalancesWire) -> Result<Self, Self::Error> {
        let (BalancesWire::Nested { balances: f } | BalancesWire::Flat(f)) = wire;
        let fields = [f.credit_limit, f.pending_charges, f.posted_charges, f.balance_due, f.spending_power];
        if fields.iter().all(Option::is_none) {
            return Err("the balances response has no balance values");
        }
        Ok(Self {
            credit_limit: f.credit_limit.unwrap_or_default(),
            pending_charges: f.pending_charges.unwrap_or_default(),
            posted_charges: f.posted_charges.unwrap_or_default(),
            balance_due: f.balance_due.unwrap_or_default(),
            spending_power: f.spending_power.unwrap_or_default(),
        })
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
    fn missing_amounts_read_as_zero_and_strings_or_decimals_are_read() {
        let parsed: Balances = serde_json::from_str(
            r#"{"balances":{"creditLimit":12500,"pendingCharges":null,"balanceDue":"7","spendingPower":12492.6}}"#,
        )
        .unwrap();
        assert_eq!(
            parsed,
            Balances { credit_limit: 12500, balance_due: 7, spending_power: 12493, ..Balances::default() }
        );
    }

    #[test]
    fn malformed_or_empty_balances_are_errors_not_zero() {
        for body in ["{}", r#"{"balances":null}"#, r#"{"balances":{"creditLimit":"lots"}}"#, r#"{"spendingPower":[1]}"#]
        {
            assert!(serde_json::from_str::<Balances>(body).is_err(), "{body}");
        }
    }

    #[test]
    fn serializes_flat() {
        assert_eq!(
            serde_json::to_value(GUIDE).unwrap(),
            serde_json::json!({"creditLimit":3000,"pendingCharges":0,"postedCharges":0,"balanceDue":0,"spendingPower":3000})
        );
    }
}
