//! Card secrets: the short-lived AES key session and the encrypted PAN/CVC (decrypted by `crypto`).

use serde::{Deserialize, Serialize};

use super::common::Lenient;

use crate::secret::CardSecretKey;

/// Body of `POST /cards/secrets/session`: always `{}`, for clients that always send a JSON content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SecretsSessionRequest {}

/// `data` of `POST /cards/secrets/session`. Holds the key, so no `Serialize` and a redacted `Debug`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretsSession {
    pub session_id: String,
    // Not lenient (`Lenient`): that would copy the key into an unzeroized `serde_json::Value` first.
    pub secret_key: CardSecretKey,
}

/// Body of `POST /cards/{cardId}/secrets`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardSecretsRequest {
    pub session_id: String,
}

/// One AES-GCM ciphertext: base64 IV (length not fixed) and base64 ciphertext with the tag appended.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptedSecret {
    pub iv: String,
    pub data: String,
}

/// `data` of `POST /cards/{cardId}/secrets`. Ciphertext only; useless without the session key.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardSecrets {
    pub encrypted_pan: EncryptedSecret,
    pub encrypted_cvc: EncryptedSecret,
    pub expiration_month: Option<u8>,
    pub expiration_year: Option<u16>,
    pub last4: Option<String>,
    pub brand: Option<String>,
    pub key_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies() {
        assert_eq!(serde_json::to_string(&SecretsSessionRequest {}).unwrap(), "{}");
        let body = CardSecretsRequest { session_id: "ss_123".into() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"sessionId":"ss_123"}"#);
    }

    #[test]
    fn session_key_is_redacted() {
        let session: SecretsSession =
            serde_json::from_str(r#"{"sessionId":"ss_1","secretKey":"00112233445566778899aabbccddeeff"}"#).unwrap();
        assert_eq!(session.secret_key.expose(), "00112233445566778899aabbccddeeff");
        let printed = format!("{session:?}");
        assert!(printed.contains("ss_1") && !printed.contains("0011"), "{printed}");
        assert!(serde_json::from_str::<SecretsSession>(r#"{"sessionId":"ss_1"}"#).is_err());
    }

    #[test]
    fn parses_guide_example() {
        let secrets: CardSecrets = serde_json::from_str(
            r#"{"encryptedPan":{"iv":"TTPaDqoFqscIQriDfJ/Efg==","data":"Mo3n8fEUM0yZpaopmfQvaIPmSy8YgEZpyGLbU7vqqvM="},
                "encryptedCvc":{"iv":"QG5uolhSt7b9MseCnH7ljA==","data":"ruOb8ZRovieujsg34n0EhGWb5w=="}}"#,
        )
        .unwrap();
        assert_eq!(secrets.encrypted_pan.iv, "TTPaDqoFqscIQriDfJ/Efg==");
        assert_eq!(secrets.encrypted_cvc.data, "ruOb8ZRovieujsg34n0EhGWb5w==");
        assert_eq!(secrets.last4, None);
    }

    #[test]
    fn parses_reference_example_with_clear_fields() {
        let secrets: CardSecrets = serde_json::from_str(
            r#"{"encryptedPan":{"data":"AAAA","iv":"BBBB"},"encryptedCvc":{"data":"CCCC","iv":"DDDD"},
                "expirationMonth":12,"expirationYear":2030,"last4":"4242","brand":"VISA","keyId":null}"#,
        )
        .unwrap();
        assert_eq!((secrets.expiration_month, secrets.expiration_year), (Some(12), Some(2030)));
        assert_eq!(secrets.brand.as_deref(), Some("VISA"));
        assert_eq!(secrets.key_id, None);
    }

    static_assertions::assert_not_impl_any!(SecretsSession: Serialize);
}
