//! The opaque Machines user id of a signed-in subject.
//!
//! HMAC-SHA256 keyed with the gateway's `user_id_secret` over issuer and subject. Keyed rather than a plain
//! hash because subjects are often guessable (an e-mail, a counter): with a plain hash anyone could compute
//! a person's Machines user id, and the vendor could learn who the partner's users are. The id is stored at
//! link time, so the secret matters only for new links (and to re-derive the same id if a row is lost).

use hmac::{Hmac, Mac};
use machines_api::SecretString;
use sha2::Sha256;

/// `gw_` and 64 hex digits: 67 characters, inside the API's 1–120.
pub fn derive(secret: &SecretString, issuer: &str, subject: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length; this arm is unreachable and kept total rather than unwrapped.
        Err(_) => return String::from("gw_invalid"),
    };
    // Lengths first, so ("ab", "c") and ("a", "bc") cannot collide.
    mac.update(&(issuer.len() as u64).to_be_bytes());
    mac.update(issuer.as_bytes());
    mac.update(&(subject.len() as u64).to_be_bytes());
    mac.update(subject.as_bytes());
    format!("gw_{}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_subject_and_distinct_across_subjects_issuers_and_secrets() {
        let secret = SecretString::from("0123456789abcdef0123456789abcdef");
        let a = derive(&secret, "https://id.example.com", "alice");
        assert_eq!(a, derive(&secret, "https://id.example.com", "alice"));
        assert_eq!(a.len(), 67);
        assert_ne!(a, derive(&secret, "https://id.example.com", "bob"));
        assert_ne!(a, derive(&secret, "https://other.example.com", "alice"));
        assert_ne!(derive(&secret, "ab", "c"), derive(&secret, "a", "bc"));
        assert_ne!(
            a,
            derive(&SecretString::from("another secret of enough length!!"), "https://id.example.com", "alice")
        );
    }
}
