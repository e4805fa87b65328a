//! `Idempotency-Key` values for writes. A key names one logical action: the client's own retries reuse
//! it, and a caller that retries an action after an error passes the same key again, so a retry can never
//! create a second card, deposit or withdrawal.

use std::fmt;

/// A key of 8–128 visible ASCII characters (the reference's bounds).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why a string is not a usable key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an Idempotency-Key must be 8 to 128 visible ASCII characters")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 128;

    /// A fresh random key (a v4 UUID, as the vendor's clients send).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// Accepts a key the caller kept from an earlier attempt.
    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidIdempotencyKey> {
        let value = value.into();
        let fits = (Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len());
        if fits && value.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(value))
        } else {
            Err(InvalidIdempotencyKey)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key for try `n` (from 2) of one logical action that the server refused without acting, e.g.
    /// `missing_contract`. A new key per try keeps a server that stores error answers from replaying the
    /// refusal; deriving it keeps a caller's retry of the whole action on the same sequence of keys.
    pub fn attempt(&self, n: u32) -> Self {
        if n <= 1 {
            return self.clone();
        }
        let suffix = format!(".{n}");
        let keep = Self::MAX_LEN - suffix.len();
        let base: String = self.0.chars().take(keep).collect();
        Self(format!("{base}{suffix}"))
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_valid_and_unique() {
        let a = IdempotencyKey::generate();
        let b = IdempotencyKey::generate();
        assert_ne!(a, b);
        assert_eq!(IdempotencyKey::parse(a.as_str()).unwrap(), a);
    }

    #[test]
    fn attempts_derive_stable_valid_keys() {
        let key = IdempotencyKey::parse("k".repeat(128)).unwrap();
        assert_eq!(key.attempt(1), key);
        let second = key.attempt(2);
        assert_eq!(second, key.attempt(2));
        assert_ne!(second, key);
        assert!(second.as_str().ends_with(".2") && second.as_str().len() == 128);
        assert!(IdempotencyKey::parse(second.as_str()).is_ok());
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(IdempotencyKey::parse("1234567").is_err());
        assert!(IdempotencyKey::parse("12345678").is_ok());
        assert!(IdempotencyKey::parse("k".repeat(128)).is_ok());
        assert!(IdempotencyKey::parse("k".repeat(129)).is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("ключ-ключ-ключ").is_err());
    }
}
