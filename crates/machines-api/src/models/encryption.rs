//! `/encryption/*`: round-trip card labels through the per-user data key; the client never sees the algorithm.

use serde::{Deserialize, Serialize};

use super::common::EncryptedField;
use crate::secret::SecretString;

/// Body of `POST /encryption/encrypt`: a card label, not a secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptRequest {
    pub value: String,
}

/// `data` of `POST /encryption/encrypt`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encrypted {
    pub value: EncryptedField,
}

/// Body of `POST /encryption/decrypt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecryptRequest {
    pub value: EncryptedField,
}

/// `data` of `POST /encryption/decrypt`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decrypted {
    pub value: String,
}

/// `data` of `GET /encryption/data-key`. The shape is undocumented (spec Q17); the key is a secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataKey {
    // Plain `Option`, not lenient (`Lenient`): that would copy the key into an unzeroized `serde_json::Value`.
    #[serde(default)]
    pub key: Option<SecretString>,
    #[serde(default)]
    pub v: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_bodies_match_guide() {
        let request = EncryptRequest { value: "Marketing Spend".into() };
        assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"value":"Marketing Spend"}"#);

        let blob = json!({"v": 1, "iv": "Qz4f2m7Hk1P9x0ab", "ct": "Hdbb2yT2F4xWZL5m5bJX3eJb4n8wVhjPzqLw2h7i"});
        let encrypted: Encrypted = serde_json::from_value(json!({ "value": blob })).unwrap();
        assert_eq!(encrypted.value.ct, "Hdbb2yT2F4xWZL5m5bJX3eJb4n8wVhjPzqLw2h7i");

        let decrypt = DecryptRequest { value: encrypted.value };
        assert_eq!(serde_json::to_value(&decrypt).unwrap(), json!({ "value": blob }));

        let plain: Decrypted = serde_json::from_str(r#"{"value":"Ops Card"}"#).unwrap();
        assert_eq!(plain.value, "Ops Card");
    }

    #[test]
    fn data_key_is_redacted_and_optional() {
        let key: DataKey = serde_json::from_str(r#"{"key":"c2VjcmV0LWtleS1ieXRlcw","v":1}"#).unwrap();
        assert_eq!(key.key.as_ref().unwrap().expose(), "c2VjcmV0LWtleS1ieXRlcw");
        assert_eq!(key.v, Some(json!(1)));
        assert!(!format!("{key:?}").contains("c2Vj"));
        let empty: DataKey = serde_json::from_str(r#"{"key":null}"#).unwrap();
        assert!(empty.key.is_none() && empty.v.is_none());
    }

    static_assertions::assert_not_impl_any!(DataKey: Serialize);
}
