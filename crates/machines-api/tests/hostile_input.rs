//! Bad input from a server never panics the client: a million mutated and generated response bodies
//! through the envelope parser into every response model, random ciphertexts and keys through the card
//! decryptor, and the shapes a hostile server would try (deep nesting, huge numbers, wrong types). Every
//! failure comes back as a typed error with a stable code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use machines_api::crypto::decrypt_card;
use machines_api::envelope::parse_response;
use machines_api::models::{
    agreements::Agreements, balances::Balances, card_secrets::CardSecrets, card_secrets::EncryptedSecret,
    card_secrets::SecretsSession, cards::Card, cards::CardList, cards::DeletedCard, deposits::AssetList,
    deposits::DepositData, deposits::DepositEstimate, deposits::DepositList, deposits::DepositRange,
    encryption::Decrypted, encryption::Encrypted, kyc::KycState, kyc::KycValues, sessions::SessionInfo,
    transactions::TransactionPage, users::ResolvedUser, withdrawals::Withdrawal, withdrawals::WithdrawalEstimate,
    withdrawals::WithdrawalRange,
};
use machines_api::{ApiError, CardSecretKey};
use proptest::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

/// Every code an `ApiError` may carry; a failure outside this list would be an untyped failure.
const CODES: &[&str] = &[
    "network",
    "timeout",
    "unauthorized",
    "forbidden",
    "invalid_state",
    "validation",
    "not_found",
    "conflict",
    "rate_limited",
    "server",
    "decode",
    "not_the_api",
    "crypto",
    "config",
    "cancelled",
];

/// How many response models `parse_as` goes round.
const MODELS: usize = 22;

const STATUSES: &[u16] = &[200, 200, 200, 201, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 302];

/// Parses `body` with `status` into the `n`th model (round-robin over every response model). Returns
/// the error code on failure, or `None` on success. Panics are caught and reported with the input.
fn parse_as(n: usize, status: u16, body: &[u8]) -> Option<&'static str> {
    fn code<T>(result: Result<T, ApiError>) -> Option<&'static str> {
        result.err().map(|e| e.code())
    }
    let run = || match n % MODELS {
        0 => code(parse_response::<Card>(status, body)),
        1 => code(parse_response::<CardList>(status, body)),
        2 => code(parse_response::<DeletedCard>(status, body)),
        3 => code(parse_response::<KycState>(status, body)),
        4 => code(parse_response::<KycValues>(status, body)),
        5 => code(parse_response::<Agreements>(status, body)),
        6 => code(parse_response::<Balances>(status, body)),
        7 => code(parse_response::<CardSecrets>(status, body)),
        8 => code(parse_response::<SecretsSession>(status, body)),
        9 => code(parse_response::<DepositData>(status, body)),
        10 => code(parse_response::<DepositList>(status, body)),
        11 => code(parse_response::<AssetList>(status, body)),
        12 => code(parse_response::<DepositRange>(status, body)),
        13 => code(parse_response::<DepositEstimate>(status, body)),
        14 => code(parse_response::<Encrypted>(status, body)),
        15 => code(parse_response::<Decrypted>(status, body)),
        16 => code(parse_response::<SessionInfo>(status, body)),
        17 => code(parse_response::<ResolvedUser>(status, body)),
        18 => code(parse_response::<TransactionPage>(status, body)),
        19 => code(parse_response::<Withdrawal>(status, body)),
        20 => code(parse_response::<WithdrawalRange>(status, body)),
        _ => code(parse_response::<WithdrawalEstimate>(status, body)),
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => {
            if let Some(code) = result {
                assert!(CODES.contains(&code), "an unknown error code {code:?}");
            }
            result
        }
        Err(_) => panic!("model {n} panicked on status {status}, body {:?}", String::from_utf8_lossy(body)),
    }
}

/// One mutation of a valid body: what a broken proxy, a truncated read or a hostile server sends.
fn mutate(rng: &mut StdRng, body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        if out.is_empty() {
            out.push(b'{');
        }
        let at = rng.random_range(0..out.len());
        match rng.random_range(0..9) {
            0 => out[at] = rng.random(),
            1 => out.truncate(at),
            2 => {
                out.remove(at);
            }
            3 => {
                let chunk: Vec<u8> = out[at..].iter().take(rng.random_range(1..40)).copied().collect();
                let to = rng.random_range(0..out.len());
                out.splice(to..to, chunk);
            }
            4 => {
                let token: &[u8] = [
                    &b"null"[..],
                    b"true",
                    b"-1",
                    b"1e999",
                    b"18446744073709551616",
                    b"\"\"",
                    b"[]",
                    b"{}",
                    b"\"\\ud800\"",
                    b"\"\xff\xfe\"",
                    b"[[[[[[[[[[[[[[[[",
                    b"\"javascript:alert(1)\"",
                    b"\"file:///etc/passwd\"",
                ][rng.random_range(0..13)];
                out.splice(at..at, token.iter().copied());
            }
            5 => out.insert(at, [b'"', b',', b':', b'{', b'}', b'[', b']', b'\\'][rng.random_range(0..8)]),
            6 => {
                let other = rng.random_range(0..out.len());
                out.swap(at, other);
            }
            7 => {
                // Replace a value after a colon with another kind of value.
                if let Some(colon) = out[at..].iter().position(|b| *b == b':').map(|p| p + at + 1) {
                    let end = out[colon..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']'))
                        .map_or(out.len(), |p| p + colon);
                    let value: &[u8] =
                        [&b"null"[..], b"0", b"\"x\"", b"[]", b"{}", b"-0.5", b"true"][rng.random_range(0..7)];
                    out.splice(colon..end, value.iter().copied());
                }
            }
            _ => out.extend_from_slice(&body[..rng.random_range(0..body.len().max(1))]),
        }
    }
    out
}

/// A random JSON value, for bodies that are valid JSON but not what the model expects.
fn random_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..if depth > 3 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<f64>() * 1e12),
        4 => {
            let len = rng.random_range(0..12);
            Value::String((0..len).map(|_| rng.random_range(' '..='\u{2013}')).collect())
        }
        5 => Value::Array((0..rng.random_range(0..4)).map(|_| random_value(rng, depth + 1)).collect()),
        _ => {
            let keys = [
                "ok",
                "data",
                "summary",
                "errors",
                "cardId",
                "status",
                "cards",
                "kyc",
                "iv",
                "data",
                "nextCursor",
                "fields",
                "message",
                "field",
                "amountCents",
                "address",
                "url",
                "params",
            ];
            Value::Object(
                (0..rng.random_range(0..6))
                    .map(|_| (keys[rng.random_range(0..keys.len())].to_owned(), random_value(rng, depth + 1)))
                    .collect(),
            )
        }
    }
}

#[test]
fn a_million_hostile_bodies_parse_to_a_model_or_a_typed_error_never_a_panic() {
    let corpus: Vec<Vec<u8>> = common::all_example_responses().into_iter().map(String::into_bytes).collect();
    assert!(corpus.len() >= 15, "the seed pages' examples are the corpus: {}", corpus.len());
    let mut rng = StdRng::seed_from_u64(0x6d61_6368_696e_6573);
    let (mut ok, mut failed, mut total) = (0u64, 0u64, 0u64);
    for n in 0..1_000_000usize {
        let status = STATUSES[rng.random_range(0..STATUSES.len())];
        let body = match n % 4 {
            // Mostly near-valid bodies: they reach deepest into the models.
            0 | 1 => mutate(&mut rng, &corpus[n % corpus.len()]),
            2 => {
                let data = random_value(&mut rng, 0);
                serde_json::to_vec(&json!({"ok": rng.random::<bool>(), "summary": "s", "data": data})).unwrap()
            }
            _ => (0..rng.random_range(0..64)).map(|_| rng.random::<u8>()).collect(),
        };
        match parse_as(n, status, &body) {
            None => ok += 1,
            Some(_) => failed += 1,
        }
        total += 1;
    }
    assert_eq!(total, 1_000_000);
    println!("{total} bodies: {ok} parsed into their model, {failed} refused with a typed error");
    // Both outcomes are exercised: the mutations leave some bodies valid, and most break something.
    assert!(ok > 1_000 && failed > 100_000, "ok {ok}, failed {failed}");
}

#[test]
fn deeply_nested_and_oversized_values_are_refused_without_harm() {
    let deep = format!("{{\"ok\":true,\"summary\":\"s\",\"data\":{}{}}}", "[".repeat(200_000), "]".repeat(200_000));
    for n in 0..MODELS {
        assert_eq!(parse_as(n, 200, deep.as_bytes()), Some("decode"), "model {n}");
    }
    // Numbers far out of range in optional fields are dropped, not fatal; what is required still decides.
    let huge_numbers = br#"{"ok":true,"summary":"s","data":{"cardId":"c","status":"active","expirationMonth":1e300,"expirationYear":-99999999999999999999,"limit":{"amountCents":184467440737095516160,"frequency":"perAuthorization"}}}"#;
    assert_eq!(parse_as(0, 200, huge_numbers), None);
    // A number JSON itself cannot hold is not JSON: a decode error.
    let beyond_json = br#"{"ok":true,"summary":"s","data":{"cardId":"c","status":"active","expirationMonth":1e999}}"#;
    assert_eq!(parse_as(0, 200, beyond_json), Some("decode"));
    let wrong_required = br#"{"ok":true,"summary":"s","data":{"cardId":7,"status":["active"]}}"#;
    assert_eq!(parse_as(0, 200, wrong_required), Some("decode"));
}

/// A random string shaped like base64 or hex of about the right length, or not.
fn random_text(rng: &mut StdRng, alphabet: &[u8], max: usize) -> String {
    (0..rng.random_range(0..=max)).map(|_| alphabet[rng.random_range(0..alphabet.len())] as char).collect()
}

#[test]
fn random_ciphertexts_and_keys_decrypt_or_fail_typed() {
    use base64::Engine;
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n";
    let hex = b"0123456789abcdefABCDEFxyz";
    let mut rng = StdRng::seed_from_u64(7);
    for n in 0..200_000u32 {
        let secret = |rng: &mut StdRng| match n % 3 {
            0 => EncryptedSecret { iv: random_text(rng, b64, 48), data: random_text(rng, b64, 80) },
            _ => {
                // Valid base64 of random bytes, IV lengths around the accepted 8..=32.
                let iv: Vec<u8> = (0..rng.random_range(0..40)).map(|_| rng.random()).collect();
                let data: Vec<u8> = (0..rng.random_range(0..64)).map(|_| rng.random()).collect();
                let engine = base64::engine::general_purpose::STANDARD;
                EncryptedSecret { iv: engine.encode(iv), data: engine.encode(data) }
            }
        };
        let pan = secret(&mut rng);
        let cvc = secret(&mut rng);
        let key = if n % 2 == 0 {
            CardSecretKey::new(random_text(&mut rng, hex, 40))
        } else {
            CardSecretKey::new(hex::encode((0..16).map(|_| rng.random::<u8>()).collect::<Vec<u8>>()))
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| decrypt_card(&pan, &cvc, &key).map(|_| ())));
        match outcome {
            // A random tag verifying is a 2^-128 event; a typed refusal is the only expected outcome.
            Ok(result) => assert!(result.is_err(), "random bytes decrypted at {n}"),
            Err(_) => panic!("decrypt_card panicked on iv {:?} data {:?}", pan.iv, pan.data),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Arbitrary JSON in the `data` of an otherwise valid envelope, for every model, at every status.
    #[test]
    fn any_json_in_an_envelope_is_a_model_or_a_typed_error(
        model in 0usize..MODELS,
        status in proptest::sample::select(STATUSES),
        data in arbitrary_json(),
        ok in any::<bool>(),
    ) {
        let body = serde_json::to_vec(&json!({"ok": ok, "summary": "s", "data": data})).unwrap();
        parse_as(model, status, &body);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON has no NaN", |f| f.is_finite()).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("cardId".to_owned()),
                    Just("status".to_owned()),
                    Just("cards".to_owned()),
                    Just("errors".to_owned()),
                    Just("iv".to_owned()),
                    ".{0,6}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
