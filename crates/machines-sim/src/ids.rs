//! Realistic, reproducible identifiers: VISA card numbers that pass Luhn, CVCs, expiry dates and
//! EIP-55 checksummed deposit addresses.

use alloy_primitives::Address;
use rand::Rng;
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

/// A 16-digit VISA number (starts with 4) with a valid Luhn digit.
pub fn visa_pan(rng: &mut impl Rng) -> String {
    let mut payload = String::from("4");
    for _ in 0..14 {
        payload.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let check = luhn_check_digit(&payload);
    payload.push(char::from(b'0' + check));
    payload
}

pub fn cvc(rng: &mut impl Rng) -> String {
    format!("{:03}", rng.random_range(0..1000u32))
}

/// A deposit address derived from the seed material, in EIP-55 checksum form.
pub fn deposit_address(material: &str) -> String {
    let digest = Sha256::digest(material.as_bytes());
    Address::from_slice(&digest[..20]).to_checksum(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn pans_are_visa_and_pass_luhn() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        for _ in 0..500 {
            let pan = visa_pan(&mut rng);
            assert_eq!(pan.len(), 16);
            assert!(pan.starts_with('4'));
            assert!(luhn_valid(&pan), "{pan}");
        }
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
