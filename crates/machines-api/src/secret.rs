//! Types that hold a secret: the partner key, session tokens, card-secret keys, decrypted PAN and CVC,
//! and KYC values such as the national id.
//!
//! Every one of them zeroizes its heap buffer on drop, prints as `[redacted]` through both `Debug` and
//! `Display`, and has no `Serialize` implementation, so a secret cannot reach a log line, an IPC response
//! or a file by accident. Reading the value takes an explicit `expose()` call, which is easy to grep for.

use std::fmt;

use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

const REDACTED: &str = "[redacted]";

/// A UTF-8 secret whose buffer is wiped when it is dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `value` without copying it, so no second, unwiped copy is left behind.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself. Keep the borrow short and never log it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Deserialize straight into the owned String that we then wrap, so the only copy is ours.
        String::deserialize(deserializer).map(Self::new)
    }
}

/// Declares a named secret around [`SecretString`], so a session token can't be passed where a partner
/// key is expected.
macro_rules! named_secret {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(SecretString);

        impl $name {
            pub fn expose(&self) -> &str {
                self.0.expose()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                SecretString::deserialize(deserializer).map(Self)
            }
        }
    };
}

named_secret!(
    /// The partner's server-side API key, sent as `X-Partner-Key`. Lives in memory and the OS keychain only.
    PartnerKey
);

named_secret!(
    /// A short-lived session JWT, sent as `Authorization: Bearer`.
    SessionToken
);

named_secret!(
    /// The hex AES-128 key of a card-secrets session.
    CardSecretKey
);

/// Why a string was refused as a partner key. Never carries the key itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerKeyError {
    #[error("the partner key is empty")]
    Empty,
    #[error("the partner key is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the partner key contains spaces or control characters; paste it again without them")]
    BadCharacters,
}

impl PartnerKey {
    /// Longest key we accept: far above any real key, small enough to refuse a pasted document.
    pub const MAX_LEN: usize = 512;

    /// Checks that `value` can travel in an HTTP header. Surrounding whitespace from a paste is trimmed.
    pub fn parse(value: impl Into<String>) -> Result<Self, PartnerKeyError> {
        let raw = SecretString::new(value.into());
        let trimmed = raw.expose().trim();
        if trimmed.is_empty() {
            return Err(PartnerKeyError::Empty);
        }
        if trimmed.len() > Self::MAX_LEN {
            return Err(PartnerKeyError::TooLong { max: Self::MAX_LEN });
        }
        if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(PartnerKeyError::BadCharacters);
        }
        if trimmed.len() == raw.len() {
            return Ok(Self(raw));
        }
        Ok(Self(SecretString::from(trimmed)))
    }
}

impl SessionToken {
    #[cfg(test)]
    pub(crate) fn new(value: SecretString) -> Self {
        Self(value)
    }
}

impl CardSecretKey {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::new(value.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_prints_redacted() {
        let key = PartnerKey::parse("pk_live_abcdef").unwrap();
        let token = SessionToken::new(SecretString::from("eyJhbGciOi.secret.sig"));
        let card_key = CardSecretKey::new("00112233445566778899aabbccddeeff");
        let plain = SecretString::from("4242424242424242");
        let printed = format!("{key:?} {key} {token:?} {token} {card_key:?} {plain:?} {plain}");
        assert_eq!(printed.matches(REDACTED).count(), 7);
        for secret in ["pk_live", "eyJhb", "0011", "4242"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn partner_key_paste_is_trimmed_and_checked() {
        let key = PartnerKey::parse("  pk_test_123\n").unwrap();
        assert_eq!(key.expose(), "pk_test_123");
        assert_eq!(PartnerKey::parse("   ").err(), Some(PartnerKeyError::Empty));
        assert_eq!(PartnerKey::parse("pk test").err(), Some(PartnerKeyError::BadCharacters));
        assert_eq!(PartnerKey::parse("pk\u{e9}").err(), Some(PartnerKeyError::BadCharacters));
        assert_eq!(PartnerKey::parse("k".repeat(513)).err(), Some(PartnerKeyError::TooLong { max: 512 }));
    }

    #[test]
    fn secret_deserializes_from_json_string() {
        let token: SessionToken = serde_json::from_str("\"abc.def\"").unwrap();
        assert_eq!(token.expose(), "abc.def");
    }

    // Compile-time proof: if anyone derives or implements Serialize on a secret type, this test module
    // stops compiling.
    static_assertions::assert_not_impl_any!(SecretString: serde::Serialize);
    static_assertions::assert_not_impl_any!(PartnerKey: serde::Serialize);
    static_assertions::assert_not_impl_any!(SessionToken: serde::Serialize);
    static_assertions::assert_not_impl_any!(CardSecretKey: serde::Serialize);
}
