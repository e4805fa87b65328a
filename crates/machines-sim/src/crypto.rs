//! Real cryptography for the simulator: card secrets sealed with AES-128-GCM exactly as the guide's
//! decrypt recipe expects (hex key, base64 IV, base64 ciphertext with the tag appended, no AAD), and card
//! labels sealed per user with AES-256-GCM as `{v: 1, iv, ct}` in unpadded base64url.

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes128;
use aes_gcm::{Aes256Gcm, AesGcm};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::Rng;
use serde_json::{json, Value};

use crate::config::SecretIv;

/// Seals one card secret: `{iv, data}` with standard base64.
pub fn seal_card_secret(key: &[u8; 16], plaintext: &str, iv_len: SecretIv, rng: &mut impl Rng) -> Value {
    let (iv, data) = match iv_len {
        SecretIv::Bytes16 => {
            let iv: [u8; 16] = rng.random();
            let cipher = AesGcm::<Aes128, U16>::new(GenericArray::from_slice(key));
            (iv.to_vec(), cipher.encrypt(GenericArray::from_slice(&iv), plaintext.as_bytes()))
        }
        SecretIv::Bytes12 => {
            let iv: [u8; 12] = rng.random();
            let cipher = AesGcm::<Aes128, U12>::new(GenericArray::from_slice(key));
            (iv.to_vec(), cipher.encrypt(GenericArray::from_slice(&iv), plaintext.as_bytes()))
        }
    };
    // Encryption with a valid key and nonce cannot fail; an empty value would fail decryption loudly.
    json!({"iv": STANDARD.encode(iv), "data": STANDARD.encode(data.unwrap_or_default())})
}

/// Seals a label with the user's data key.
pub fn seal_label(key: &[u8; 32], plaintext: &str, rng: &mut impl Rng) -> Value {
    let iv: [u8; 12] = rng.random();
    let cipher = Aes256Gcm::new(GenericArray::from_slice(key));
    let ct = cipher.encrypt(GenericArray::from_slice(&iv), plaintext.as_bytes()).unwrap_or_default();
    json!({"v": 1, "iv": URL_SAFE_NO_PAD.encode(iv), "ct": URL_SAFE_NO_PAD.encode(ct)})
}

/// Why a label could not be opened.
#[derive(Debug, PartialEq, Eq)]
pub enum LabelError {
    /// Not `{v: 1, iv, ct}` with base64url strings and a 12-byte IV.
    Malformed(&'static str),
    /// Wrong user's key, or tampered.
    Authentication,
}

/// Opens a label sealed by [`seal_label`] with the same user's key.
pub fn open_label(key: &[u8; 32], blob: &Value) -> Result<String, LabelError> {
    if blob.get("v").and_then(Value::as_i64) != Some(1) {
        return Err(LabelError::Malformed("v"));
    }
    let decode = |name: &'static str| {
        let text = blob.get(name).and_then(Value::as_str).ok_or(LabelError::Malformed(name))?;
        URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| LabelError::Malformed(name))
    };
    let iv = decode("iv")?;
    let ct = decode("ct")?;
    if iv.len() != 12 {
        return Err(LabelError::Malformed("iv"));
    }
    let cipher = Aes256Gcm::new(GenericArray::from_slice(key));
    let plain = cipher.decrypt(GenericArray::from_slice(&iv), ct.as_slice()).map_err(|_| LabelError::Authentication)?;
    String::from_utf8(plain).map_err(|_| LabelError::Authentication)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn labels_round_trip_and_refuse_other_keys_and_tampering() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let key: [u8; 32] = rng.random();
        let other: [u8; 32] = rng.random();
        let blob = seal_label(&key, "Marketing Spend", &mut rng);
        assert_eq!(blob["iv"].as_str().unwrap().len(), 16, "12 bytes as unpadded base64url, like the docs' example");
        assert_eq!(open_label(&key, &blob).unwrap(), "Marketing Spend");
        assert_eq!(open_label(&other, &blob), Err(LabelError::Authentication));
        let mut tampered = blob.clone();
        let ct = tampered["ct"].as_str().unwrap().to_owned();
        let flipped = if ct.starts_with('A') { ct.replacen('A', "B", 1) } else { format!("A{}", &ct[1..]) };
        tampered["ct"] = json!(flipped);
        assert_eq!(open_label(&key, &tampered), Err(LabelError::Authentication));
        assert_eq!(open_label(&key, &json!({"v": 2, "iv": "", "ct": ""})), Err(LabelError::Malformed("v")));
    }
}
