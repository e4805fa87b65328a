//! Realistic, reproducible identifiers: VISA card numbers that pass Luhn, CVCs, expiry dates and
//! EIP-55 checksummed deposit addresses.

use alloy_primitives::Address;
use sha2::{Digest, Sha256};

/// The Luhn check digit for `digits` (the payload without its check digit).
pub fn luhn_check_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
pub fn luhn_valid(number: &str) -> bool {
    number.len() >= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && luhn_check_digit(&number[..number.len() - 1]) == number.as_bytes()[number.len() - 1] - b'0'
}

/// A card's 16-digit VISA number (starts with 4, valid Luhn digit) and its 3-digit CVC, derived from a
/// secret seed and the card's id. Derived rather than drawn so that a saved simulator never writes them:
/// the same seed and id give the same numbers after a restart. The digits come straight from SHA-256
/// (not from a seeded `Rng`, whose stream `rand` may change between versions), so an upgrade cannot
/// change a card's number. SHA-256 over a fixed-length secret prefix is enough here: the output is only
/// ever shown, never used to authenticate anything.
pub fn card_numbers(seed: &[u8; 32], card_id: &str) -> (String, String) {
    let mut hasher = Sha256::new();
    hasher.update(b"machines-sim card numbers v1\0");
    hasher.update(seed);
    hasher.update(card_id.as_bytes());
    let digest = hasher.finalize();
    let word = |range: std::ops::Range<usize>| digest[range].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut pan = format!("4{:014}", word(0..8) % 100_000_000_000_000);
    let check = luhn_check_digit(&pan);
    pan.push(char::from(b'0' + check));
    let cvc = format!("{:03}", word(8..10) % 1000);
    (pan, cvc)
}

/// A deposit address derived from the seed material, in EIP-55 checksum form.
pub fn deposit_address(material: &str) -> String {
    let digest = Sha256::digest(material.as_bytes());
    Address::from_slice(&digest[..20]).to_checksum(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pans_are_visa_and_pass_luhn() {
        let seed = [3u8; 32];
        let mut seen = std::collections::HashSet::new();
        for i in 0..500 {
            let (pan, cvc) = card_numbers(&seed, &format!("card-{i}"));
            assert_eq!(pan.len(), 16);
            assert!(pan.starts_with('4'));
            assert!(luhn_valid(&pan), "{pan}");
            assert!(cvc.len() == 3 && cvc.bytes().all(|b| b.is_ascii_digit()), "{cvc}");
            seen.insert(pan);
        }
        assert_eq!(seen.len(), 500, "each card its own number");
        assert_eq!(
            card_numbers(&seed, "card-1"),
            card_numbers(&seed, "card-1"),
            "the same seed and id, the same numbers"
        );
        assert_ne!(card_numbers(&seed, "card-1"), card_numbers(&[4u8; 32], "card-1"), "another install, other numbers");
        assert!(luhn_valid("4242424242424242") && luhn_valid("4000056655665556") && !luhn_valid("4242424242424241"));
    }

    #[test]
    fn addresses_are_checksummed_and_stable() {
        let a = deposit_address("seed/user/1");
        assert_eq!(a, deposit_address("seed/user/1"));
        assert_eq!(a.len(), 42);
        assert_eq!(Address::parse_checksummed(&a, None).unwrap().to_checksum(None), a);
        assert_ne!(a, a.to_lowercase(), "mixed case carries the checksum");
    }
}
