//! The shared AES-128-GCM vectors, made with Node's crypto module: every valid case decrypts to the
//! expected PAN and CVC, and every negative case fails with the specific typed error, never a panic and
//! never partial plaintext.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

use machines_api::crypto::{decrypt, decrypt_card, CryptoError, SecretKey};
use machines_api::models::card_secrets::EncryptedSecret;
use machines_api::CardSecretKey;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    secret_key: String,
    encrypted_pan: Wire,
    encrypted_cvc: Option<Wire>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Wire {
    iv: String,
    data: String,
}

#[derive(Deserialize)]
struct Expect {
    pan: Option<String>,
    cvc: Option<String>,
    #[serde(default)]
    error: bool,
}

fn secret(w: &Wire) -> EncryptedSecret {
    EncryptedSecret { iv: w.iv.clone(), data: w.data.clone() }
}

fn vectors() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/vectors/card-secrets.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str::<Vectors>(&text).unwrap().cases
}

#[test]
fn valid_vectors_decrypt_to_the_expected_card() {
    let valid: Vec<Case> = vectors().into_iter().filter(|c| !c.expect.error).collect();
    assert_eq!(valid.len(), 3, "the vector file changed shape");
    for case in valid {
        let key = CardSecretKey::new(case.secret_key.clone());
        let cvc = case.encrypted_cvc.as_ref().unwrap();
        let card = decrypt_card(&secret(&case.encrypted_pan), &secret(cvc), &key)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(card.pan.expose(), case.expect.pan.as_deref().unwrap(), "{}", case.name);
        assert_eq!(card.cvc.expose(), case.expect.cvc.as_deref().unwrap(), "{}", case.name);
    }
}

#[test]
fn negative_vectors_fail_with_their_own_typed_error() {
    let expected = [
        ("tampered-tag", "authentication"),
        ("wrong-key", "authentication"),
        ("key-not-hex", "key_not_hex"),
        ("key-wrong-length", "key_length"),
        ("data-shorter-than-tag", "data_too_short"),
        ("data-not-base64", "data_encoding"),
        ("empty-iv", "iv_length"),
    ];
    let cases = vectors();
    let negative: Vec<&Case> = cases.iter().filter(|c| c.expect.error).collect();
    assert_eq!(negative.len(), expected.len(), "a negative vector has no expectation here");
    for case in negative {
        let want = expected.iter().find(|(name, _)| *name == case.name).map(|(_, code)| *code);
        let want = want.unwrap_or_else(|| panic!("unexpected vector {}", case.name));
        let outcome = SecretKey::from_hex(&CardSecretKey::new(case.secret_key.clone()))
            .and_then(|key| decrypt(&secret(&case.encrypted_pan), &key));
        let err: CryptoError = match outcome {
            Ok(_) => panic!("{} decrypted but must fail", case.name),
            Err(err) => err,
        };
        assert_eq!(err.code(), want, "{}: {err}", case.name);
        let shown = err.to_string();
        assert!(!shown.is_empty() && !shown.contains(&case.secret_key), "{}: {shown}", case.name);
    }
}

#[test]
fn the_guides_own_iv_lengths_are_12_and_16() {
    // The guide's IVs decode to 16 bytes; the vendor's test mock uses 12. Both appear in the vectors.
    use base64::Engine;
    let lengths: Vec<usize> = vectors()
        .iter()
        .filter(|c| !c.expect.error)
        .map(|c| base64::engine::general_purpose::STANDARD.decode(&c.encrypted_pan.iv).unwrap().len())
        .collect();
    assert!(lengths.contains(&12) && lengths.contains(&16), "{lengths:?}");
}
