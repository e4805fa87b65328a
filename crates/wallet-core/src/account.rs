//! The account a person sets up with: their account name (the API's `userId`) and the optional wallet
//! label. One place for their rules, so the set-up command and its tests agree with the counter the person
//! sees (lengths in characters as a person counts them, see [`crate::text`]).

use crate::error::UiError;
use crate::text;

/// The API's bounds for `userId` and `walletLabel` (contract: `userId` 1–120, `walletLabel` max 120).
pub const USER_ID_MAX: usize = 120;
pub const WALLET_LABEL_MAX: usize = 120;

/// A sentence when `user_id` (already trimmed) cannot be sent, or `None`.
pub fn user_id_problem(user_id: &str) -> Option<String> {
    if user_id.is_empty() {
        return Some("Enter an account name.".to_owned());
    }
    if user_id.chars().any(char::is_control) {
        return Some("Use letters, digits and punctuation only; no tabs or line breaks.".to_owned());
    }
    text::length_problem(user_id, None, Some(USER_ID_MAX), "characters")
        .or_else(|| text::api_length_problem(user_id, Some(USER_ID_MAX)))
}

/// A sentence when `label` (already trimmed, not empty) cannot be sent, or `None`.
pub fn wallet_label_problem(label: &str) -> Option<String> {
    text::length_problem(label, None, Some(WALLET_LABEL_MAX), "characters")
        .or_else(|| text::api_length_problem(label, Some(WALLET_LABEL_MAX)))
}

/// What set-up asks for, checked: the account name and the label trimmed, the wallet address in its
/// EIP-55 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetUp {
    pub user_id: String,
    pub wallet_address: String,
    /// `None` when left empty.
    pub wallet_label: Option<String>,
}

impl SetUp {
    /// Checks what was typed, in the order of the form; the first problem comes back on its field.
    pub fn check(user_id: &str, wallet_address: &str, wallet_label: Option<&str>) -> Result<Self, UiError> {
        let invalid = |field: &str, message: String| UiError::on_field("Check the highlighted fields", field, message);
        let user_id = user_id.trim().to_owned();
        if let Some(problem) = user_id_problem(&user_id) {
            return Err(invalid("userId", problem));
        }
        let wallet_address =
            crate::address::parse_wallet(wallet_address).map_err(|e| invalid("walletAddress", e.to_string()))?;
        let wallet_label = wallet_label.map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
        if let Some(problem) = wallet_label.as_deref().and_then(wallet_label_problem) {
            return Err(invalid("walletLabel", problem));
        }
        Ok(Self { user_id, wallet_address, wallet_label })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_need_a_visible_name_within_the_limit() {
        assert_eq!(user_id_problem("crossmint-demo:alice@example.com"), None);
        assert_eq!(user_id_problem("").as_deref(), Some("Enter an account name."));
        assert!(user_id_problem("alice\tbob").is_some_and(|m| m.contains("no tabs")));
        assert_eq!(user_id_problem(&"a".repeat(120)), None);
        assert_eq!(user_id_problem(&"a".repeat(121)).as_deref(), Some("Use at most 120 characters; this has 121."));
    }

    #[test]
    fn labels_count_as_a_person_sees_and_as_the_server_counts() {
        // 110 flags: 110 characters on screen (under 120), but 440 UTF-16 units for the server.
        let flags = "\u{1F1EB}\u{1F1F7}".repeat(110);
        let problem = wallet_label_problem(&flags).unwrap_or_default();
        assert!(problem.contains("too long for Machines Cash"), "{problem}");
        assert_eq!(wallet_label_problem("Main wallet \u{1F4B3}"), None);
        assert_eq!(wallet_label_problem(&"é".repeat(120)), None);
        assert!(wallet_label_problem(&"b".repeat(121)).is_some());
    }

    #[test]
    fn set_up_trims_and_names_the_field_to_fix() {
        let wallet = "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e";
        let set_up = SetUp::check("  alice@example.com ", wallet, Some("  ")).unwrap();
        assert_eq!(set_up.user_id, "alice@example.com");
        assert_eq!(set_up.wallet_address, "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "EIP-55");
        assert_eq!(set_up.wallet_label, None, "an empty label is no label");
        let field = |result: Result<SetUp, UiError>| result.unwrap_err().fields[0].field.clone();
        assert_eq!(field(SetUp::check(" ", wallet, None)), "userId");
        assert_eq!(field(SetUp::check("alice", "0x123", None)), "walletAddress");
        assert_eq!(field(SetUp::check("alice", wallet, Some(&"b".repeat(121)))), "walletLabel");
        assert_eq!(field(SetUp::check("", "0x123", None)), "userId", "the first field first");
    }
}
