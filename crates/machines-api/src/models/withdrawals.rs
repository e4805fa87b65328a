//! Withdrawals: range → estimate → create (a signature payload the partner executes on-chain).
//!
//! The create response has drifted across doc generations (spec §5.20, Q8), so it parses tolerantly:
//! `signature` is a string or an object, `expiresAt` is ISO text or a unix number, and `parameters`
//! mixes strings and numbers.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::common::{open_enum, Lenient};
use super::deposits::asset_id;

/// Where the money comes from. Every field is optional; sent as `{}` when none is set (sandbox fixes the
/// source to rUSD on Base Sepolia).
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
}

/// Where the money goes. `address` and `extra_id` (memo) are kept byte-exact: addresses can be
/// case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalDestination {
    pub currency: String,
    pub network: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_id: Option<String>,
}

impl WithdrawalDestination {
    /// Lower-cases the currency and network ids (spec Q23).
    pub fn new(currency: impl AsRef<str>, network: impl AsRef<str>) -> Self {
        Self { currency: asset_id(currency), network: asset_id(network), address: None, extra_id: None }
    }
}

/// Body of `POST /withdrawals/range`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalRangeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<WithdrawalSource>,
    pub destination: WithdrawalDestination,
}

/// Route limits, in both asset units and cents; clamp the amount to the cents pair.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalRange {
    pub from_currency: Option<String>,
    pub from_network: Option<String>,
    pub to_currency: Option<String>,
    pub to_network: Option<String>,
    pub min_amount: Option<f64>,
    pub max_amount: Option<f64>,
    pub min_amount_cents: Option<i64>,
    pub max_amount_cents: Option<i64>,
    pub destination_supports_extra_id: Option<bool>,
}

/// `data` of `POST /withdrawals/range`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalRangeData {
    pub range: WithdrawalRange,
}

/// Body of `POST /withdrawals/estimate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalEstimateRequest {
    pub destination: WithdrawalDestination,
    pub amount_cents: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<WithdrawalSource>,
}

/// The range fields plus the quote for one amount.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalEstimate {
    pub from_currency: Option<String>,
    pub from_network: Option<String>,
    pub to_currency: Option<String>,
    pub to_network: Option<String>,
    pub min_amount: Option<f64>,
    pub max_amount: Option<f64>,
    pub min_amount_cents: Option<i64>,
    pub max_amount_cents: Option<i64>,
    pub destination_supports_extra_id: Option<bool>,
    pub from_amount: Option<f64>,
    pub from_amount_cents: Option<i64>,
    pub estimated_to_amount: Option<f64>,
    pub rate_id: Option<String>,
    pub destination_extra_id: Option<String>,
}

/// `data` of `POST /withdrawals/estimate`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalEstimateData {
    pub estimate: WithdrawalEstimate,
}

/// Body of `POST /withdrawals` (the newer `source`/`destination` shape). Re-POST the same body, with
/// the same idempotency key, while the status is `pending`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWithdrawalRequest {
    pub amount_cents: i64,
    /// Always sent, as `{}` when unused.
    pub source: WithdrawalSource,
    pub destination: WithdrawalDestination,
    /// The wallet that will execute on-chain. Left out for Solana, where the server resolves the admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_address: Option<String>,
}

open_enum! {
    /// `pending`: wait `retryAfterSeconds` and POST again. `ready`: the payload can be executed.
    pub enum WithdrawalStatus { Pending => "pending", Ready => "ready" }
}

open_enum! {
    /// Which on-chain entry point `execution.callTarget` is.
    pub enum CallPath {
        ControllerV1 => "controller_v1",
        CoordinatorV2 => "coordinator_v2",
        SolanaV202 => "solana_v2_02",
        Unknown => "unknown",
    }
}

/// An expiry as the docs (ISO-8601 text) or the example test (unix seconds) send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Timestamp {
    Iso(String),
    Unix(i64),
}

impl Timestamp {
    /// Seconds since the epoch, when the text parses (RFC 3339 or a bare integer).
    pub fn unix_seconds(&self) -> Option<i64> {
        match self {
            Self::Unix(seconds) => Some(*seconds),
            Self::Iso(text) => OffsetDateTime::parse(text.trim(), &Rfc3339)
                .map(OffsetDateTime::unix_timestamp)
                .ok()
                .or_else(|| text.trim().parse().ok()),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self::Iso(text)),
            // A fractional or huge number is truncated (saturating) rather than refused.
            Value::Number(number) => number
                .as_i64()
                .or_else(|| number.as_f64().map(|seconds| seconds as i64))
                .map(Self::Unix)
                .ok_or_else(|| D::Error::custom("timestamp is not a finite number")),
            other => Err(D::Error::custom(format_args!("expected a timestamp, got {other}"))),
        }
    }
}

/// The executor signature: a bare string (old reference) or an object (guide / new reference / example).
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum WithdrawalSignature {
    Text(String),
    Object {
        data: Option<String>,
        salt: Option<String>,
        parameters: Option<Vec<Value>>,
        #[serde(rename = "expiresAt")]
        expires_at: Option<Timestamp>,
    },
}

/// How to execute the withdrawal on-chain: send to `call_target`, not the collateral proxy.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalExecution {
    pub contract_id: Option<String>,
    /// A number or a string depending on the server; kept as sent.
    #[serde(default)]
    #[serde_with(skip_apply)]
    pub contract_version: Option<Value>,
    pub chain_id: Option<u64>,
    pub collateral_proxy_address: Option<String>,
    pub controller_address: Option<String>,
    pub coordinator_address: Option<String>,
    pub call_target: Option<String>,
    pub call_path: Option<CallPath>,
}

/// The cross-chain relay: funds go to `payin_address` and ChangeNow pays out to the destination.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalRelay {
    pub change_now_id: Option<String>,
    pub payin_address: Option<String>,
    pub payin_extra_id: Option<String>,
    pub payout_address: Option<String>,
    pub payout_extra_id: Option<String>,
    pub from_currency: Option<String>,
    pub from_network: Option<String>,
    pub to_currency: Option<String>,
    pub to_network: Option<String>,
}

/// `data` of `POST /withdrawals`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawal {
    pub status: WithdrawalStatus,
    pub retry_after_seconds: Option<f64>,
    /// Ordered call arguments; declared `string[]` but numbers occur.
    pub parameters: Option<Vec<Value>>,
    pub signature: Option<WithdrawalSignature>,
    pub expires_at: Option<Timestamp>,
    pub execution: Option<WithdrawalExecution>,
    pub relay: Option<WithdrawalRelay>,
}

impl Withdrawal {
    /// The call arguments as text, numbers without quotes. Falls back to `signature.parameters`, where
    /// the newer reference puts them.
    pub fn parameters_as_strings(&self) -> Vec<String> {
        let parameters = self.parameters.as_deref().or(match &self.signature {
            Some(WithdrawalSignature::Object { parameters, .. }) => parameters.as_deref(),
            _ => None,
        });
        parameters
            .unwrap_or_default()
            .iter()
            .map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SALT: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

    fn evm_parameters() -> Value {
        json!([
            "0xProxy",
            "0x10b5Be494C2962A7B318aFB63f0Ee30b959D000b",
            "1000000",
            "0xRecipient",
            1716400000,
            SALT,
            "0xsig"
        ])
    }

    #[test]
    fn request_bodies() {
        let destination = WithdrawalDestination {
            address: Some("0.0.12345".into()),
            extra_id: Some("memo-1".into()),
            ..WithdrawalDestination::new("HBAR", " hbar ")
        };
        let create = CreateWithdrawalRequest {
            amount_cents: 1000,
            source: WithdrawalSource::default(),
            destination: destination.clone(),
            admin_address: Some("0xAdmin".into()),
        };
        assert_eq!(
            serde_json::to_value(&create).unwrap(),
            json!({"amountCents": 1000, "source": {},
                   "destination": {"currency": "hbar", "network": "hbar", "address": "0.0.12345", "extraId": "memo-1"},
                   "adminAddress": "0xAdmin"})
        );
        let range = WithdrawalRangeRequest { source: None, destination: WithdrawalDestination::new("BTC", "btc") };
        assert_eq!(serde_json::to_string(&range).unwrap(), r#"{"destination":{"currency":"btc","network":"btc"}}"#);
        let estimate = WithdrawalEstimateRequest {
            destination,
            amount_cents: 2500,
            source: Some(WithdrawalSource { chain_id: Some(901), ..Default::default() }),
        };
        let value = serde_json::to_value(&estimate).unwrap();
        assert_eq!((&value["amountCents"], &value["source"]), (&json!(2500), &json!({"chainId": 901})));
    }

    #[test]
    fn parses_range_and_estimate() {
        let range: WithdrawalRangeData = serde_json::from_value(json!({"range": {
            "fromCurrency": "usdc", "fromNetwork": "base", "toCurrency": "hbar", "toNetwork": "hbar",
            "minAmount": null, "maxAmount": 5000.5, "minAmountCents": 1500, "maxAmountCents": null,
            "destinationSupportsExtraId": true
        }}))
        .unwrap();
        assert_eq!((range.range.min_amount_cents, range.range.max_amount), (Some(1500), Some(5000.5)));
        assert_eq!(range.range.destination_supports_extra_id, Some(true));

        let estimate: WithdrawalEstimateData = serde_json::from_value(json!({"estimate": {
            "fromCurrency": "usdc", "fromNetwork": "base", "toCurrency": "hbar", "toNetwork": "hbar",
            "minAmount": 15, "maxAmount": 5000, "minAmountCents": 1500, "maxAmountCents": 500000,
            "destinationSupportsExtraId": true, "fromAmount": 25, "fromAmountCents": 2500,
            "estimatedToAmount": 180.25, "rateId": null, "destinationExtraId": "memo-1"
        }}))
        .unwrap();
        let estimate = estimate.estimate;
        assert_eq!((estimate.from_amount_cents, estimate.estimated_to_amount), (Some(2500), Some(180.25)));
        assert_eq!(estimate.destination_extra_id.as_deref(), Some("memo-1"));
    }

    #[test]
    fn signature_as_plain_string_with_iso_expiry() {
        let w: Withdrawal = serde_json::from_value(json!({
            "status": "ready", "retryAfterSeconds": null, "parameters": evm_parameters(),
            "signature": "0xdeadbeef", "expiresAt": "2026-01-16T18:40:00.000Z"
        }))
        .unwrap();
        assert_eq!(w.signature, Some(WithdrawalSignature::Text("0xdeadbeef".into())));
        assert_eq!(w.expires_at, Some(Timestamp::Iso("2026-01-16T18:40:00.000Z".into())));
        assert_eq!(w.expires_at.as_ref().unwrap().unix_seconds(), Some(1_768_588_800));
        let strings = w.parameters_as_strings();
        assert_eq!(strings.len(), 7);
        assert_eq!((strings[2].as_str(), strings[4].as_str()), ("1000000", "1716400000"));
    }

    #[test]
    fn signature_as_data_and_salt_with_unix_expiry() {
        let w: Withdrawal = serde_json::from_value(json!({
            "status": "ready", "retryAfterSeconds": 0, "parameters": evm_parameters(),
            "signature": {"data": "0xsig", "salt": SALT}, "expiresAt": 1700000000,
            "execution": {"contractId": "2729a818", "contractVersion": 2, "chainId": 84532,
                          "collateralProxyAddress": "0xProxy", "controllerAddress": null,
                          "coordinatorAddress": "0xCoord", "callTarget": "0xCoord", "callPath": "coordinator_v2"},
            "relay": {"changeNowId": "ff65698c", "payinAddress": "0xPayin", "payinExtraId": null,
                      "payoutAddress": "0.0.12345", "payoutExtraId": "memo-1", "fromCurrency": "usdc",
                      "fromNetwork": "base", "toCurrency": "hbar", "toNetwork": "hbar"}
        }))
        .unwrap();
        let Some(WithdrawalSignature::Object { data, salt, parameters, expires_at }) = &w.signature else {
            panic!("object signature")
        };
        assert_eq!(
            (data.as_deref(), salt.as_deref(), parameters, expires_at),
            (Some("0xsig"), Some(SALT), &None, &None)
        );
        assert_eq!(w.expires_at, Some(Timestamp::Unix(1_700_000_000)));
        let execution = w.execution.unwrap();
        assert_eq!(execution.call_path, Some(CallPath::CoordinatorV2));
        assert_eq!(execution.contract_version, Some(json!(2)));
        assert_eq!(execution.controller_address, None);
        assert_eq!(w.relay.unwrap().payin_address.as_deref(), Some("0xPayin"));
    }

    #[test]
    fn signature_object_with_parameters_and_solana_path() {
        let w: Withdrawal = serde_json::from_value(json!({
            "status": "ready",
            "signature": {"data": "0xsig", "salt": SALT, "parameters": evm_parameters(), "expiresAt": 1700000000.9},
            "execution": {"contractVersion": "v2.02", "chainId": 901, "callTarget": "Prog1111", "callPath": "solana_v2_02"}
        }))
        .unwrap();
        assert_eq!(w.parameters, None);
        assert_eq!(w.parameters_as_strings()[4], "1716400000");
        let Some(WithdrawalSignature::Object { expires_at, .. }) = &w.signature else { panic!("object signature") };
        assert_eq!(expires_at, &Some(Timestamp::Unix(1_700_000_000)));
        let execution = w.execution.unwrap();
        assert_eq!(
            (execution.call_path, execution.contract_version),
            (Some(CallPath::SolanaV202), Some(json!("v2.02")))
        );
    }

    #[test]
    fn pending_and_drift() {
        let w: Withdrawal = serde_json::from_value(json!({
            "status": "pending", "retryAfterSeconds": 5, "parameters": null, "signature": null,
            "expiresAt": null, "execution": null, "relay": null
        }))
        .unwrap();
        assert_eq!(w.status, WithdrawalStatus::Pending);
        assert_eq!(w.retry_after_seconds, Some(5.0));
        assert!(w.parameters_as_strings().is_empty());

        let odd: Withdrawal = serde_json::from_value(json!({
            "status": "queued", "retryAfterSeconds": "soon", "signature": 42, "expiresAt": true,
            "execution": {"callPath": "evm_v3", "chainId": "8453"}
        }))
        .unwrap();
        assert_eq!(odd.status, WithdrawalStatus::Other("queued".into()));
        assert_eq!((odd.retry_after_seconds, odd.signature, odd.expires_at), (None, None, None));
        let execution = odd.execution.unwrap();
        assert_eq!((execution.call_path, execution.chain_id), (Some(CallPath::Other("evm_v3".into())), None));
        assert_eq!(Timestamp::Iso("1700000000".into()).unix_seconds(), Some(1_700_000_000));
        assert_eq!(Timestamp::Iso("soon".into()).unix_seconds(), None);
    }

    #[test]
    fn source_parses_and_serializes_empty() {
        assert_eq!(serde_json::to_string(&WithdrawalSource::default()).unwrap(), "{}");
        let source: WithdrawalSource =
            serde_json::from_str(r#"{"chainId":84532,"tokenAddress":"0x10b5","contractId":null}"#).unwrap();
        assert_eq!((source.chain_id, source.contract_id), (Some(84532), None));
    }
}
