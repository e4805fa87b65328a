//! The length limits of what a person types, as the UI's counters show them: written once here (from the
//! rules that enforce them) and exported into the bindings as `TEXT_LIMITS`, so no number is typed again
//! in TypeScript. Each is in characters as a person counts them (see [`crate::text`]).

use serde::Serialize;

use crate::account::{USER_ID_MAX, WALLET_LABEL_MAX};
use crate::card_view::LABEL_MAX_CHARS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TextLimits {
    /// The account name (`userId`), checked by `account::user_id_problem`.
    pub user_id: u32,
    /// The wallet's name, checked by `account::wallet_label_problem`.
    pub wallet_label: u32,
    /// A card's label, checked by `card_view::label_problem`.
    pub card_label: u32,
}

fn count(max: usize) -> u32 {
    u32::try_from(max).unwrap_or(u32::MAX)
}

/// The limits the checks use.
pub fn text_limits() -> TextLimits {
    TextLimits {
        user_id: count(USER_ID_MAX),
        wallet_label: count(WALLET_LABEL_MAX),
        card_label: count(LABEL_MAX_CHARS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exported_limits_are_the_ones_the_checks_use() {
        let limits = text_limits();
        let at = |n: u32, c: &str| c.repeat(n as usize);
        assert_eq!(crate::account::user_id_problem(&at(limits.user_id, "a")), None);
        assert!(crate::account::user_id_problem(&at(limits.user_id + 1, "a")).is_some());
        assert_eq!(crate::account::wallet_label_problem(&at(limits.wallet_label, "b")), None);
        assert!(crate::account::wallet_label_problem(&at(limits.wallet_label + 1, "b")).is_some());
        assert_eq!(crate::card_view::label_problem(&at(limits.card_label, "c")), None);
        assert!(crate::card_view::label_problem(&at(limits.card_label + 1, "c")).is_some());
        let json = serde_json::to_value(limits).unwrap();
        assert_eq!((json["userId"].as_u64(), json["cardLabel"].as_u64()), (Some(120), Some(60)));
    }
}
