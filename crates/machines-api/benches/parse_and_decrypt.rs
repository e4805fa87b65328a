//! What the client spends on its own work per call: parsing each of the seed pages' example responses
//! through the envelope, and decrypting a card (PAN and CVC) with 16- and 12-byte IVs from the shared
//! vectors. `cargo bench -p machines-api --bench parse_and_decrypt`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly by design

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use machines_api::crypto::decrypt_card;
use machines_api::envelope::parse_response;
use machines_api::models::card_secrets::EncryptedSecret;
use machines_api::CardSecretKey;
use serde_json::Value;

fn parse_examples(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelope");
    for (n, body) in common::all_example_responses().into_iter().enumerate() {
        let summary = serde_json::from_str::<Value>(&body).unwrap()["summary"].as_str().unwrap_or("").to_owned();
        let name = format!("{n:02} {}", summary.chars().take(40).collect::<String>());
        group.bench_function(name, |b| {
            b.iter(|| parse_response::<Value>(200, black_box(body.as_bytes())).unwrap());
        });
    }
    group.finish();
}

fn decrypt(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/vectors/card-secrets.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let secret = |w: &Value| EncryptedSecret {
        iv: w["iv"].as_str().unwrap().to_owned(),
        data: w["data"].as_str().unwrap().to_owned(),
    };
    let mut group = c.benchmark_group("decrypt_card");
    for name in ["valid-16-byte-iv-0", "valid-12-byte-iv-1"] {
        let case = vectors["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap();
        let (pan, cvc) = (secret(&case["encryptedPan"]), secret(&case["encryptedCvc"]));
        let key = CardSecretKey::new(case["secretKey"].as_str().unwrap());
        group.bench_function(name, |b| b.iter(|| decrypt_card(black_box(&pan), black_box(&cvc), &key).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, parse_examples, decrypt);
criterion_main!(benches);
