//! Wallet addresses as a person types and reads them: `0x` and 40 hex digits, shown in EIP-55 checksum
//! form. An all-lower or all-upper address carries no checksum and is accepted; a mixed-case one must
//! match its checksum, so a one-character typo is caught before anything is linked.

use std::str::FromStr;

use alloy_primitives::Address;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("Enter a wallet address.")]
    Empty,
    #[error("A wallet address is 0x followed by 40 hexadecimal characters (0–9, a–f).")]
    Format,
    #[error("This address has a typo: its capital letters do not match its EIP-55 checksum.")]
    Checksum,
}

/// Parses what a person typed or pasted and returns the EIP-55 form.
pub fn parse_wallet(input: &str) -> Result<String, AddressError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).ok_or(AddressError::Format)?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::Format);
    }
    let address = Address::from_str(hex).map_err(|_| AddressError::Format)?;
    let checksummed = address.to_checksum(None);
    let has_letters = hex.bytes().any(|b| b.is_ascii_alphabetic());
    let mixed = hex.bytes().any(|b| b.is_ascii_lowercase()) && hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_letters && mixed && checksummed[2..] != *hex {
        return Err(AddressError::Checksum);
    }
    Ok(checksummed)
}

/// The EIP-55 form of an address in any case (for addresses the API sends, which come back lower-cased).
pub fn checksum(address: &str) -> Result<String, AddressError> {
    let text = address.trim();
    let hex = text.strip_prefix("0x").ok_or(AddressError::Format)?;
    if hex.len() != 40 {
        return Err(AddressError::Format);
    }
    Address::from_str(hex).map(|a| a.to_checksum(None)).map_err(|_| AddressError::Format)
}

/// `0x` then groups of four, for reading an address aloud or comparing it with another screen.
pub fn group_for_reading(address: &str) -> String {
    let Some(hex) = address.strip_prefix("0x") else { return address.to_owned() };
    let groups: Vec<String> = hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    format!("0x{}", groups.join(" "))
}

/// Whether two addresses are the same account (the API lower-cases what it returns).
pub fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIDE: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

    #[test]
    fn checksummed_lower_and_upper_addresses_are_accepted() {
        assert_eq!(parse_wallet(GUIDE).unwrap(), GUIDE);
        assert_eq!(parse_wallet(&GUIDE.to_lowercase()).unwrap(), GUIDE);
        assert_eq!(parse_wallet(&format!("0x{}", GUIDE[2..].to_uppercase())).unwrap(), GUIDE);
        assert_eq!(parse_wallet(&format!("  {GUIDE}\n")).unwrap(), GUIDE);
    }

    #[test]
    fn a_checksum_typo_is_rejected() {
        // One letter's case flipped: still valid hex, wrong checksum.
        let typo = GUIDE.replacen('B', "b", 1);
        assert_eq!(parse_wallet(&typo), Err(AddressError::Checksum));
        assert_eq!(parse_wallet("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226"), Err(AddressError::Format));
        assert_eq!(parse_wallet("462B1eD1B62F4c282c0EA342BCefcF8f9919226E"), Err(AddressError::Format));
        assert_eq!(parse_wallet("0xZZ2B1eD1B62F4c282c0EA342BCefcF8f9919226E"), Err(AddressError::Format));
        assert_eq!(parse_wallet(" "), Err(AddressError::Empty));
        assert_eq!(parse_wallet("0x462B1eD1B62F4c282c0EA342BCefcF8f9919226É"), Err(AddressError::Format));
    }

    #[test]
    fn grouping_and_comparison() {
        assert_eq!(
            group_for_reading("0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"),
            "0x969A 9c0f De4a D175 A653 9Ac7 Bb6a B0bC 3d7e 66d3"
        );
        assert!(same_address(GUIDE, &GUIDE.to_lowercase()));
        assert_eq!(
            checksum("0x969a9c0fde4ad175a6539ac7bb6ab0bc3d7e66d3").unwrap(),
            "0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"
        );
    }
}
