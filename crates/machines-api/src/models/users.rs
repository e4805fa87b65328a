//! `POST /users/resolve`: link the partner's own user id (and wallet) to a Machines user.

use serde::{Deserialize, Serialize};

use super::common::{open_enum, Lenient};
use super::kyc::KycStatus;

/// Body of `POST /users/resolve`. The documented `userId` + `walletAddress` shape (spec §5.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolveUserRequest {
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_label: Option<String>,
}

impl ResolveUserRequest {
    pub fn new(user_id: impl Into<String>) -> Self {
        Self { user_id: user_id.into(), wallet_address: None, wallet_label: None }
    }
}

open_enum! {
    /// The chain family of a linked wallet.
    pub enum WalletChain { Evm => "evm", Solana => "solana" }
}

/// A wallet as the example client's shape returns it (`wallet: {chain, address}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Wallet {
    pub chain: WalletChain,
    pub address: String,
}

/// `data` of `POST /users/resolve`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedUser {
    pub user_id: String,
    /// Comes back lower-cased; compare addresses case-insensitively (spec Q24).
    pub wallet_address: Option<String>,
    pub kyc_status: Option<KycStatus>,
    pub created_at: Option<String>,
    pub wallet: Option<Wallet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_skips_unset_fields() {
        let bare = ResolveUserRequest::new("crossmint-demo:alice@example.com");
        assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"userId":"crossmint-demo:alice@example.com"}"#);
        let full = ResolveUserRequest {
            wallet_address: Some("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E".into()),
            wallet_label: Some("Main Wallet".into()),
            ..ResolveUserRequest::new("eeetest")
        };
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            serde_json::json!({
                "userId": "eeetest",
                "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E",
                "walletLabel": "Main Wallet"
            })
        );
    }

    #[test]
    fn parses_guide_example() {
        let user: ResolvedUser = serde_json::from_str(
            r#"{"userId":"eeetest","walletAddress":"0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e",
                "kycStatus":"not_submitted","createdAt":"2026-01-16T14:17:51.298Z"}"#,
        )
        .unwrap();
        assert_eq!(user.user_id, "eeetest");
        assert_eq!(user.wallet_address.as_deref(), Some("0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e"));
        assert_eq!(user.kyc_status, Some(KycStatus::NotSubmitted));
        assert_eq!(user.wallet, None);
    }

    #[test]
    fn parses_example_wallet_shape_and_drift() {
        let user: ResolvedUser = serde_json::from_str(
            r#"{"userId":"u1","walletAddress":null,"kycStatus":"manualReview","createdAt":null,
                "wallet":{"chain":"solana","address":"CcuoBwMZJgupcdx81m3vYqBongw2PhhZ4yiYA2jo3K5"},"extra":1}"#,
        )
        .unwrap();
        assert_eq!(user.kyc_status, Some(KycStatus::ManualReview));
        let wallet = user.wallet.unwrap();
        assert_eq!(wallet.chain, WalletChain::Solana);
        assert_eq!(wallet.address, "CcuoBwMZJgupcdx81m3vYqBongw2PhhZ4yiYA2jo3K5");

        let odd: ResolvedUser =
            serde_json::from_str(r#"{"userId":"u2","wallet":{"chain":"bitcoin","address":"bc1q"},"kycStatus":7}"#)
                .unwrap();
        assert_eq!(odd.wallet.unwrap().chain, WalletChain::Other("bitcoin".into()));
        assert_eq!(odd.kyc_status, None);
    }
}
