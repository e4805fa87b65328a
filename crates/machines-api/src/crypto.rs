//! Card-secret (PAN and CVC) decryption, exactly as the partner API's recipe describes:
//! `key = hex(secretKey)` (16 bytes, AES-128), `iv = base64(iv)`, `data = base64(ciphertext || 16-byte tag)`,
//! GCM with no AAD, plaintext UTF-8.
//!
//! The IV length is not documented: the guide shows 16-byte IVs, the vendor's own test mock uses 12. GCM
//! is defined for any IV length (IVs other than 96 bits go through GHASH to form the counter block), and
//! `aes-gcm` implements that per nonce size, so we dispatch on the decoded length instead of assuming one.
//!
//! The plaintext is written in place into a zeroizing buffer and handed back as a [`SecretString`]; no
//! unwiped copy of the digits is made here.

use aes_gcm::aead::consts::{
    U10, U11, U12, U13, U14, U15, U16, U17, U18, U19, U20, U21, U22, U23, U24, U25, U26, U27, U28, U29, U30, U31, U32,
    U8, U9,
};
use aes_gcm::aead::generic_array::{ArrayLength, GenericArray};
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::aes::Aes128;
use aes_gcm::AesGcm;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use zeroize::{Zeroize, Zeroizing};

use crate::models::card_secrets::EncryptedSecret;
use crate::secret::{CardSecretKey, SecretString};

/// GCM tag length the API appends to the ciphertext.
const TAG_LEN: usize = 16;
/// AES-128 key length.
const KEY_LEN: usize = 16;
/// IV lengths we accept. GCM allows any length ≥ 1, but anything under 64 bits is unsafe to use and
/// anything over 256 bits has never been seen; such input is refused as malformed.
pub const IV_LENGTHS: std::ops::RangeInclusive<usize> = 8..=32;

/// Why a card secret could not be decrypted. Each reason has a stable code; none carries key or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the secret key is not hexadecimal")]
    KeyNotHex,
    #[error("the secret key is {got} bytes; AES-128 needs 16")]
    KeyLength { got: usize },
    #[error("the IV is not valid base64")]
    IvEncoding,
    #[error("the IV is {got} bytes; expected 8 to 32")]
    IvLength { got: usize },
    #[error("the encrypted data is not valid base64")]
    DataEncoding,
    #[error("the encrypted data is {got} bytes, shorter than the 16-byte authentication tag")]
    DataTooShort { got: usize },
    #[error("authentication failed: wrong key, or the data was altered")]
    Authentication,
    #[error("the decrypted value is not text")]
    NotUtf8,
    #[error("the decrypted {what} is not in the expected format")]
    UnexpectedPlaintext { what: &'static str },
}

impl CryptoError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::KeyNotHex => "key_not_hex",
            Self::KeyLength { .. } => "key_length",
            Self::IvEncoding => "iv_encoding",
            Self::IvLength { .. } => "iv_length",
            Self::DataEncoding => "data_encoding",
            Self::DataTooShort { .. } => "data_too_short",
            Self::Authentication => "authentication",
            Self::NotUtf8 => "not_utf8",
            Self::UnexpectedPlaintext { .. } => "unexpected_plaintext",
        }
    }
}

/// A parsed AES-128 key, wiped on drop.
pub struct SecretKey(Zeroizing<[u8; KEY_LEN]>);

impl SecretKey {
    /// Parses the 32-hex-character `secretKey` of a secrets session (either case).
    pub fn from_hex(key: &CardSecretKey) -> Result<Self, CryptoError> {
        let hex_text = key.expose().trim();
        if !hex_text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CryptoError::KeyNotHex);
        }
        if hex_text.len() != KEY_LEN * 2 {
            return Err(CryptoError::KeyLength { got: hex_text.len() / 2 });
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        hex::decode_to_slice(hex_text, bytes.as_mut_slice()).map_err(|_| CryptoError::KeyNotHex)?;
        Ok(Self(bytes))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Decodes base64 in any of the alphabets a server might use. The spec says standard alphabet with
/// padding; tolerating url-safe and unpadded costs nothing and rejects nothing valid.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD].into_iter().find_map(|engine| engine.decode(text).ok())
}

fn open_with<N: ArrayLength<u8>>(
    key: &SecretKey,
    iv: &[u8],
    buffer: &mut Zeroizing<Vec<u8>>,
    tag: &[u8],
) -> Result<(), CryptoError> {
    let cipher = AesGcm::<Aes128, N>::new(GenericArray::from_slice(key.0.as_slice()));
    cipher
        .decrypt_in_place_detached(
            GenericArray::from_slice(iv),
            &[],
            buffer.as_mut_slice(),
            GenericArray::from_slice(tag),
        )
        .map_err(|_| CryptoError::Authentication)
}

/// Decrypts one `{iv, data}` with `key`. Returns the UTF-8 plaintext in a zeroizing string.
pub fn decrypt(secret: &EncryptedSecret, key: &SecretKey) -> Result<SecretString, CryptoError> {
    let iv = decode_base64(&secret.iv).ok_or(CryptoError::IvEncoding)?;
    if !IV_LENGTHS.contains(&iv.len()) {
        return Err(CryptoError::IvLength { got: iv.len() });
    }
    let mut payload = Zeroizing::new(decode_base64(&secret.data).ok_or(CryptoError::DataEncoding)?);
    if payload.len() < TAG_LEN {
        return Err(CryptoError::DataTooShort { got: payload.len() });
    }
    let split = payload.len() - TAG_LEN;
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&payload[split..]);
    payload.truncate(split);

    // One monomorphisation per nonce size; `aes-gcm` handles the 96-bit fast path and GHASH for others.
    let opened = match iv.len() {
        8 => open_with::<U8>(key, &iv, &mut payload, &tag),
        9 => open_with::<U9>(key, &iv, &mut payload, &tag),
        10 => open_with::<U10>(key, &iv, &mut payload, &tag),
        11 => open_with::<U11>(key, &iv, &mut payload, &tag),
        12 => open_with::<U12>(key, &iv, &mut payload, &tag),
        13 => open_with::<U13>(key, &iv, &mut payload, &tag),
        14 => open_with::<U14>(key, &iv, &mut payload, &tag),
        15 => open_with::<U15>(key, &iv, &mut payload, &tag),
        16 => open_with::<U16>(key, &iv, &mut payload, &tag),
        17 => open_with::<U17>(key, &iv, &mut payload, &tag),
        18 => open_with::<U18>(key, &iv, &mut payload, &tag),
        19 => open_with::<U19>(key, &iv, &mut payload, &tag),
        20 => open_with::<U20>(key, &iv, &mut payload, &tag),
        21 => open_with::<U21>(key, &iv, &mut payload, &tag),
        22 => open_with::<U22>(key, &iv, &mut payload, &tag),
        23 => open_with::<U23>(key, &iv, &mut payload, &tag),
        24 => open_with::<U24>(key, &iv, &mut payload, &tag),
        25 => open_with::<U25>(key, &iv, &mut payload, &tag),
        26 => open_with::<U26>(key, &iv, &mut payload, &tag),
        27 => open_with::<U27>(key, &iv, &mut payload, &tag),
        28 => open_with::<U28>(key, &iv, &mut payload, &tag),
        29 => open_with::<U29>(key, &iv, &mut payload, &tag),
        30 => open_with::<U30>(key, &iv, &mut payload, &tag),
        31 => open_with::<U31>(key, &iv, &mut payload, &tag),
        32 => open_with::<U32>(key, &iv, &mut payload, &tag),
        got => Err(CryptoError::IvLength { got }),
    };
    tag.zeroize();
    // On failure `aes-gcm` leaves the ciphertext untouched (it checks the tag before decrypting), and the
    // buffer is wiped on drop either way: no partial plaintext can escape.
    opened?;

    if std::str::from_utf8(&payload).is_err() {
        return Err(CryptoError::NotUtf8);
    }
    let bytes = std::mem::take(&mut *payload);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SecretString::new(text)),
        Err(err) => {
            // Unreachable after the check above; wipe anyway rather than trust that.
            err.into_bytes().zeroize();
            Err(CryptoError::NotUtf8)
        }
    }
}

/// A card's number and security code, decrypted and checked for shape.
#[derive(Debug)]
pub struct CardNumbers {
    pub pan: SecretString,
    pub cvc: SecretString,
}

/// Decrypts a PAN and a CVC with one secrets-session key and checks that they look like a card number
/// (12–19 digits) and a security code (3–4 digits), so garbage is never shown or pasted as a card.
pub fn decrypt_card(
    pan: &EncryptedSecret,
    cvc: &EncryptedSecret,
    key: &CardSecretKey,
) -> Result<CardNumbers, CryptoError> {
    let key = SecretKey::from_hex(key)?;
    let pan = decrypt(pan, &key)?;
    if !(12..=19).contains(&pan.len()) || !pan.expose().bytes().all(|b| b.is_ascii_digit()) {
        return Err(CryptoError::UnexpectedPlaintext { what: "card number" });
    }
    let cvc = decrypt(cvc, &key)?;
    if !(3..=4).contains(&cvc.len()) || !cvc.expose().bytes().all(|b| b.is_ascii_digit()) {
        return Err(CryptoError::UnexpectedPlaintext { what: "security code" });
    }
    Ok(CardNumbers { pan, cvc })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::Aead;

    fn seal<N: ArrayLength<u8>>(key: &[u8; 16], iv: &[u8], plaintext: &[u8]) -> EncryptedSecret {
        let cipher = AesGcm::<Aes128, N>::new(GenericArray::from_slice(key));
        let data = cipher.encrypt(GenericArray::from_slice(iv), plaintext).unwrap();
        EncryptedSecret { iv: STANDARD.encode(iv), data: STANDARD.encode(data) }
    }

    const KEY: [u8; 16] = *b"0123456789abcdef";

    fn key() -> SecretKey {
        SecretKey::from_hex(&CardSecretKey::new(hex::encode(KEY))).unwrap()
    }

    #[test]
    fn decrypts_with_12_16_and_unusual_iv_lengths() {
        let cases = [
            seal::<U12>(&KEY, &[1; 12], b"4242424242424242"),
            seal::<U16>(&KEY, &[2; 16], b"4242424242424242"),
            seal::<U8>(&KEY, &[3; 8], b"4242424242424242"),
            seal::<U32>(&KEY, &[4; 32], b"4242424242424242"),
        ];
        for case in &cases {
            assert_eq!(decrypt(case, &key()).unwrap().expose(), "4242424242424242");
        }
    }

    #[test]
    fn iv_length_out_of_range_is_a_typed_error() {
        let mut case = seal::<U12>(&KEY, &[1; 12], b"123");
        case.iv = STANDARD.encode([0u8; 4]);
        assert_eq!(decrypt(&case, &key()).unwrap_err(), CryptoError::IvLength { got: 4 });
        case.iv = STANDARD.encode([0u8; 64]);
        assert_eq!(decrypt(&case, &key()).unwrap_err(), CryptoError::IvLength { got: 64 });
        case.iv = "***".into();
        assert_eq!(decrypt(&case, &key()).unwrap_err(), CryptoError::IvEncoding);
    }

    #[test]
    fn url_safe_base64_is_accepted() {
        let mut case = seal::<U16>(&KEY, &[0xfb; 16], b"987");
        case.iv = URL_SAFE_NO_PAD.encode([0xfb; 16]);
        assert_eq!(decrypt(&case, &key()).unwrap().expose(), "987");
    }

    #[test]
    fn card_shape_is_checked_after_decryption() {
        let pan = seal::<U12>(&KEY, &[1; 12], b"hello world!");
        let cvc = seal::<U12>(&KEY, &[2; 12], b"123");
        let err = decrypt_card(&pan, &cvc, &CardSecretKey::new(hex::encode(KEY))).unwrap_err();
        assert_eq!(err, CryptoError::UnexpectedPlaintext { what: "card number" });
        let not_utf8 = seal::<U12>(&KEY, &[1; 12], &[0xff, 0xfe, 0x00]);
        assert_eq!(decrypt(&not_utf8, &key()).unwrap_err(), CryptoError::NotUtf8);
    }

    #[test]
    fn key_is_parsed_in_either_case_and_checked() {
        assert!(SecretKey::from_hex(&CardSecretKey::new("E00ECCAE8AAE88C004366B876FC1C402")).is_ok());
        assert_eq!(SecretKey::from_hex(&CardSecretKey::new("abcd")).unwrap_err(), CryptoError::KeyLength { got: 2 });
        assert_eq!(SecretKey::from_hex(&CardSecretKey::new("zz")).unwrap_err(), CryptoError::KeyNotHex);
        assert_eq!(format!("{:?}", key()), "[redacted]");
    }
}
