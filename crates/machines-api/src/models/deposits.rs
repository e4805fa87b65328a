//! Deposits: assets → range → estimate → create → track. Amounts here are asset units (`f64`), not cents.

use serde::{Deserialize, Deserializer, Serialize};
use serde_with::{DeserializeAs, Same};

use super::common::null_as_default;
use super::common::{open_enum, Lenient};

/// Asset and network ids can come back upper-case (`"RUSD"`); requests use trimmed lower-case (spec Q23).
pub(super) fn asset_id(raw: impl AsRef<str>) -> String {
    raw.as_ref().trim().to_lowercase()
}

/// A string that may be missing, `null`, blank or a wrong type: only real text is `Some`.
fn non_blank<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text: Option<String> = Lenient::<Same>::deserialize_as(deserializer)?;
    Ok(text.filter(|text| !text.trim().is_empty()))
}

/// One network an asset can move on.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetNetwork {
    pub id: String,
    pub label: Option<String>,
    pub chain_id: Option<u64>,
    pub token_contract: Option<String>,
    /// The network needs a memo / destination tag.
    pub supports_extra_id: Option<bool>,
}

#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    pub ticker: String,
    pub name: Option<String>,
    pub icon: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub networks: Vec<AssetNetwork>,
}

/// `data` of `GET /deposits/assets` and `GET /withdrawals/assets`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub assets: Vec<Asset>,
}

/// Query of the assets endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetQuery {
    pub q: Option<String>,
    pub limit: Option<u32>,
}

impl AssetQuery {
    /// Query parameters, only those that are set.
    pub fn to_query_pairs(&self) -> Vec<(&'static str, String)> {
        let q = self.q.as_ref().map(|q| ("q", q.clone()));
        let limit = self.limit.map(|limit| ("limit", limit.to_string()));
        q.into_iter().chain(limit).collect()
    }
}

/// Body of `POST /deposits/range`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositRoute {
    pub currency: String,
    pub network: String,
}

impl DepositRoute {
    pub fn new(currency: impl AsRef<str>, network: impl AsRef<str>) -> Self {
        Self { currency: asset_id(currency), network: asset_id(network) }
    }
}

/// The route and its limits, in asset units.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositRange {
    pub from_currency: Option<String>,
    pub from_network: Option<String>,
    pub to_currency: Option<String>,
    pub to_network: Option<String>,
    pub contract_id: Option<String>,
    pub payout_address: Option<String>,
    pub payout_chain_id: Option<u64>,
    pub min_amount: Option<f64>,
    pub max_amount: Option<f64>,
}

/// `data` of `POST /deposits/range`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeData {
    pub range: DepositRange,
}

open_enum! {
    /// The unit of an estimate's `amount`.
    pub enum AmountCurrency { Crypto => "crypto", Usd => "usd" }
}

/// Body of `POST /deposits/estimate`. `amount_currency` unset means `crypto` on the server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositEstimateRequest {
    pub currency: String,
    pub network: String,
    pub amount: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_currency: Option<AmountCurrency>,
}

impl DepositEstimateRequest {
    pub fn new(currency: impl AsRef<str>, network: impl AsRef<str>, amount: f64) -> Self {
        Self { currency: asset_id(currency), network: asset_id(network), amount, amount_currency: None }
    }
}

/// The range fields plus the quote.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositEstimate {
    /// The same route and limits `POST /deposits/range` returns, at the top level of the estimate.
    #[serde(flatten)]
    pub range: DepositRange,
    pub quoted_amount: Option<f64>,
    pub quoted_amount_currency: Option<AmountCurrency>,
    pub estimated_to_amount: Option<f64>,
    pub rate_id: Option<String>,
}

/// `data` of `POST /deposits/estimate`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimateData {
    pub estimate: DepositEstimate,
}

/// Body of `POST /deposits`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDepositRequest {
    pub currency: String,
    pub network: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
}

impl CreateDepositRequest {
    pub fn new(currency: impl AsRef<str>, network: impl AsRef<str>, amount: Option<f64>) -> Self {
        Self { currency: asset_id(currency), network: asset_id(network), amount }
    }
}

open_enum! {
    /// Deposit status. The documented list is not exhaustive (spec Q14).
    pub enum DepositStatus {
        Pending => "pending",
        AwaitingDeposit => "awaitingDeposit",
        Processing => "processing",
        Completed => "completed",
        Failed => "failed",
        Canceled => "canceled",
    }
}

impl DepositStatus {
    /// Unknown values compared case- and punctuation-insensitively (`FINISHED`, `timed_out`...).
    fn other_key(&self) -> Option<String> {
        match self {
            Self::Other(raw) => {
                Some(raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect())
            }
            _ => None,
        }
    }

    /// Polling can stop. Unknown values count as in progress unless they look final (spec Q14).
    pub fn is_terminal(&self) -> bool {
        match self.other_key() {
            None => matches!(self, Self::Completed | Self::Failed | Self::Canceled),
            Some(key) => matches!(
                key.as_str(),
                "completed"
                    | "finished"
                    | "failed"
                    | "error"
                    | "canceled"
                    | "cancelled"
                    | "expired"
                    | "refunded"
                    | "rejected"
            ),
        }
    }

    /// The funds arrived (`completed`, or ChangeNow's `finished`).
    pub fn is_success(&self) -> bool {
        match self.other_key() {
            None => *self == Self::Completed,
            Some(key) => matches!(key.as_str(), "completed" | "finished"),
        }
    }
}

/// The deposit object (spec §5.19).
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deposit {
    pub id: String,
    pub contract_id: Option<String>,
    pub change_now_id: Option<String>,
    pub from_currency: Option<String>,
    pub from_network: Option<String>,
    /// `None` until the address is assigned (it can be `null` or `""` right after create): keep polling.
    #[serde(default, deserialize_with = "non_blank")]
    #[serde_with(skip_apply)]
    pub deposit_address: Option<String>,
    /// Memo / destination tag the source network needs, when present.
    #[serde(default, deserialize_with = "non_blank")]
    #[serde_with(skip_apply)]
    pub payin_extra_id: Option<String>,
    pub chain_id: Option<u64>,
    pub min_amount: Option<f64>,
    pub max_amount: Option<f64>,
    pub status: DepositStatus,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// `data` of `POST /deposits` and `GET /deposits/{id}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositData {
    pub deposit: Deposit,
}

/// `data` of `GET /deposits`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub deposits: Vec<Deposit>,
}

open_enum! {
    /// `scope` of `GET /deposits`: in-flight only (the server's default), or the full history.
    #[derive(Default)]
    pub enum DepositScope {
        #[default]
        Active => "active",
        All => "all",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_guide_deposit() {
        let data: DepositData = serde_json::from_value(json!({"deposit": {
            "id": "cmkh7ocks0001s601xm7v8ljp", "contractId": "2729a818-64ef-422f-a8e6-6f2785703cd3",
            "changeNowId": "ff65698c01121a", "fromCurrency": "usdc", "fromNetwork": "base",
            "depositAddress": "0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3", "chainId": 8453,
            "minAmount": 1, "maxAmount": null, "status": "awaitingDeposit",
            "createdAt": "2026-01-16T18:27:55.180Z", "updatedAt": "2026-01-16T18:27:55.180Z"
        }}))
        .unwrap();
        let deposit = data.deposit;
        assert_eq!(deposit.status, DepositStatus::AwaitingDeposit);
        assert!(!deposit.status.is_terminal());
        assert_eq!(deposit.deposit_address.as_deref(), Some("0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"));
        assert_eq!((deposit.chain_id, deposit.min_amount, deposit.max_amount), (Some(8453), Some(1.0), None));
        assert_eq!(deposit.payin_extra_id, None);
    }

    #[test]
    fn fresh_deposit_without_address_and_list() {
        let list: DepositList = serde_json::from_value(json!({"deposits": [
            {"id": "dep_00000001", "status": "pending", "depositAddress": null, "chainId": null},
            {"id": "dep_00000002", "status": "pending", "depositAddress": "", "payinExtraId": " "},
            {"id": "dep_00000003", "status": "finished", "depositAddress": "0.0.123", "payinExtraId": "4711",
             "minAmount": "25", "fromCurrency": "hbar"}
        ]}))
        .unwrap();
        assert_eq!(list.deposits[0].deposit_address, None);
        assert_eq!((list.deposits[1].deposit_address.as_ref(), list.deposits[1].payin_extra_id.as_ref()), (None, None));
        let hbar = &list.deposits[2];
        assert_eq!(hbar.payin_extra_id.as_deref(), Some("4711"));
        assert_eq!(hbar.min_amount, None);
        assert!(hbar.status.is_terminal() && hbar.status.is_success());
        assert!(serde_json::from_str::<DepositList>(r#"{"deposits":[{"id":"x"}]}"#).is_err());
    }

    #[test]
    fn status_terminality() {
        for (raw, terminal, success) in [
            ("pending", false, false),
            ("processing", false, false),
            ("completed", true, true),
            ("failed", true, false),
            ("canceled", true, false),
            ("cancelled", true, false),
            ("EXPIRED", true, false),
            ("refunded", true, false),
            ("Rejected", true, false),
            ("error", true, false),
            ("FINISHED", true, true),
            ("confirming", false, false),
            ("sending", false, false),
        ] {
            let status = DepositStatus::from_wire(raw);
            assert_eq!((status.is_terminal(), status.is_success()), (terminal, success), "{raw}");
        }
    }

    #[test]
    fn parses_assets_range_and_estimate() {
        let assets: AssetList = serde_json::from_value(json!({"assets": [
            {"ticker": "RUSD", "name": "rUSD", "icon": null, "networks": [
                {"id": "base", "label": "Base", "chainId": 84532,
                 "tokenContract": "0x10b5Be494C2962A7B318aFB63f0Ee30b959D000b"}]},
            {"ticker": "hbar", "networks": [{"id": "hbar", "chainId": null, "tokenContract": null, "supportsExtraId": true}]}
        ]}))
        .unwrap();
        assert_eq!(assets.assets[0].networks[0].chain_id, Some(84532));
        assert_eq!(assets.assets[1].networks[0].supports_extra_id, Some(true));

        let range: RangeData = serde_json::from_value(json!({"range": {
            "fromCurrency": "hbar", "fromNetwork": "hbar", "toCurrency": "usdc", "toNetwork": "base",
            "contractId": "2729a818", "payoutAddress": "0xabc", "payoutChainId": null, "minAmount": 25.5, "maxAmount": null
        }}))
        .unwrap();
        assert_eq!((range.range.min_amount, range.range.payout_chain_id), (Some(25.5), None));

        let estimate: EstimateData = serde_json::from_value(json!({"estimate": {
            "fromCurrency": "hbar", "fromNetwork": "hbar", "toCurrency": "usdc", "toNetwork": "base",
            "quotedAmount": 100, "quotedAmountCurrency": "crypto", "estimatedToAmount": null,
            "minAmount": 25, "maxAmount": 100000, "rateId": null
        }}))
        .unwrap();
        let estimate = estimate.estimate;
        assert_eq!(estimate.quoted_amount_currency, Some(AmountCurrency::Crypto));
        assert_eq!((estimate.quoted_amount, estimate.estimated_to_amount), (Some(100.0), None));
    }

    #[test]
    fn requests_lower_case_ids() {
        assert_eq!(
            serde_json::to_value(DepositRoute::new(" RUSD ", "Base")).unwrap(),
            json!({"currency": "rusd", "network": "base"})
        );
        let estimate = DepositEstimateRequest {
            amount_currency: Some(AmountCurrency::Usd),
            ..DepositEstimateRequest::new("HBAR", "hbar", 25.5)
        };
        assert_eq!(
            serde_json::to_value(&estimate).unwrap(),
            json!({"currency": "hbar", "network": "hbar", "amount": 25.5, "amountCurrency": "usd"})
        );
        assert_eq!(
            serde_json::to_string(&CreateDepositRequest::new("USDC", "base", None)).unwrap(),
            r#"{"currency":"usdc","network":"base"}"#
        );
        assert_eq!(
            AssetQuery { q: Some("usd".into()), limit: Some(20) }.to_query_pairs(),
            [("q", "usd".to_owned()), ("limit", "20".to_owned())]
        );
        assert!(AssetQuery::default().to_query_pairs().is_empty());
        assert_eq!(DepositScope::default().as_str(), "active");
    }
}
