//! `POST /sessions`: mint a short-lived, scoped session token for one user.

use serde::{Deserialize, Serialize};

use super::common::{null_as_default, Lenient};
use super::users::Wallet;
use crate::secret::SessionToken;

/// Body of `POST /sessions` (spec §5.1). `ttl_seconds` must be 60..=86400; the server defaults to 900.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSessionRequest {
    pub user_id: String,
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_label: Option<String>,
}

impl CreateSessionRequest {
    pub fn new(user_id: impl Into<String>, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            user_id: user_id.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            wallet_address: None,
            ttl_seconds: None,
            session_label: None,
        }
    }
}

/// `data` of `POST /sessions`. Holds the token, so it has no `Serialize` and prints it redacted.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    // Not lenient (`Lenient`): that would copy the token into an unzeroized `serde_json::Value` first.
    pub session_token: SessionToken,
    pub session_id: String,
    pub user_id: Option<String>,
    pub expires_at: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<String>,
    pub wallet: Option<Wallet>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::users::WalletChain;

    #[test]
    fn request_matches_guide_body() {
        let request = CreateSessionRequest {
            wallet_address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
            ttl_seconds: Some(9001),
            ..CreateSessionRequest::new("eeetest", ["kyc.read", "kyc.write"])
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "userId": "eeetest",
                "scopes": ["kyc.read", "kyc.write"],
                "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E",
                "ttlSeconds": 9001
            })
        );
    }

    #[test]
    fn parses_guide_example_and_redacts_token() {
        let info: SessionInfo = serde_json::from_str(
            r#"{"sessionToken":"eyJhbGciOiJIUzI1NiJ9.payload.sig","sessionId":"<SESSION_ID>","userId":"eeetest",
                "expiresAt":"2026-01-16T16:47:52.000Z","scopes":["kyc.read","kyc.write"]}"#,
        )
        .unwrap();
        assert_eq!(info.session_token.expose(), "eyJhbGciOiJIUzI1NiJ9.payload.sig");
        assert_eq!(info.scopes, ["kyc.read", "kyc.write"]);
        assert_eq!(info.expires_at.as_deref(), Some("2026-01-16T16:47:52.000Z"));
        assert!(info.wallet.is_none());
        let printed = format!("{info:?}");
        assert!(!printed.contains("eyJhb"), "{printed}");
    }

    #[test]
    fn parses_example_shape_with_wallet() {
        let info: SessionInfo = serde_json::from_str(
            r#"{"sessionToken":"t","sessionId":"s","wallet":{"chain":"evm","address":"0xabc"},"expiresAt":null}"#,
        )
        .unwrap();
        assert_eq!(info.wallet.unwrap().chain, WalletChain::Evm);
        assert!(info.scopes.is_empty());
        assert!(serde_json::from_str::<SessionInfo>(r#"{"sessionId":"s"}"#).is_err());
    }
}
