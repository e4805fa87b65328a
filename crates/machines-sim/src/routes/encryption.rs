//! Card-label encryption with the user's data key: `{v: 1, iv, ct}` in unpadded base64url (§7). A blob
//! sealed for one user does not open for another, and a tampered one does not open at all.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use crate::auth;
use crate::crypto::{open_label, seal_label, LabelError};
use crate::reply::{Answer, Reply};
use crate::sim::{self, Req, Sim};
use crate::state::State;
use crate::validate::Check;

const MAX_PLAINTEXT_CHARS: usize = 1024;

/// `POST /encryption/encrypt {value}`: the value sealed with the user's data key.
pub fn encrypt(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("encryption.write"))?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let value = check.string("value", true, 1, MAX_PLAINTEXT_CHARS);
    check.finish()?;
    let value = value.ok_or_else(|| Reply::invalid("value", "is required"))?;
    let key = sim::user(st, &ctx.owner)?.data_key;
    let sealed = seal_label(&key, value, &mut st.rng);
    Ok(Reply::ok("encrypted", json!({"value": sealed})))
}

/// `POST /encryption/decrypt {value: EncryptedField}`: the plaintext, if the blob is this user's.
pub fn decrypt(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("encryption.read"))?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    if let Some(blob) = check.object("value", true) {
        let mut nested = check.nested("value", blob);
        if nested.integer("v", true, i64::MIN, i64::MAX).is_some_and(|v| v != 1) {
            nested.fail("v", "must be 1");
        }
        nested.string("iv", true, 1, 256);
        nested.string("ct", true, 1, 16_384);
        check.absorb(nested);
    }
    check.finish()?;
    let blob = body.get("value").ok_or_else(|| Reply::invalid("value", "is required"))?;
    let key = sim::user(st, &ctx.owner)?.data_key;
    match open_label(&key, blob) {
        Ok(plain) => Ok(Reply::ok("decrypted", json!({"value": plain}))),
        Err(LabelError::Malformed(part)) => {
            let message = match part {
                "v" => "must be 1",
                "iv" => "must be a 12-byte IV in unpadded base64url",
                _ => "must be unpadded base64url",
            };
            Err(Reply::invalid(&format!("value.{part}"), message))
        }
        Err(LabelError::Authentication) => Err(Reply::invalid("value", "could not be decrypted")),
    }
}

/// `GET /encryption/data-key`: the user's label key for client-side encryption.
pub fn data_key(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("encryption.read"))?;
    let key = sim::user(st, &ctx.owner)?.data_key;
    Ok(Reply::ok("data key", json!({"key": STANDARD.encode(key), "v": 1})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::cards::testkit::{error_code, field_errors, login, sim, with_user, Call};
    use aes_gcm::aead::generic_array::GenericArray;
    use aes_gcm::aead::{Aead, KeyInit};
    use aes_gcm::Aes256Gcm;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::Value;

    const SCOPES: [&str; 2] = ["encryption.read", "encryption.write"];

    fn seal(sim: &Sim, token: &str, value: &str) -> Value {
        let reply = Call::post("/encryption/encrypt").bearer(token).json(json!({"value": value})).run(sim, encrypt);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["summary"], "encrypted");
        reply.body["data"]["value"].clone()
    }

    fn open(sim: &Sim, token: &str, blob: Value) -> Reply {
        Call::post("/encryption/decrypt").bearer(token).json(json!({"value": blob})).run(sim, decrypt)
    }

    #[test]
    fn labels_round_trip_for_their_owner_only() {
        let sim = sim();
        let alice = login(&sim, "alice", &SCOPES, true);
        let bob = login(&sim, "bob", &SCOPES, true);
        let blob = seal(&sim, &alice, "Marketing Spend 🚀");
        assert_eq!(blob["v"], 1);
        assert_eq!(blob["iv"].as_str().unwrap().len(), 16, "12 bytes of unpadded base64url, like the docs");
        assert_ne!(seal(&sim, &alice, "Marketing Spend 🚀"), blob, "a fresh IV each time");
        let opened = open(&sim, &alice, blob.clone());
        assert_eq!(opened.status, 200);
        assert_eq!(opened.body["summary"], "decrypted");
        assert_eq!(opened.body["data"]["value"], "Marketing Spend 🚀");

        let foreign = open(&sim, &bob, blob.clone());
        assert_eq!(foreign.status, 400);
        assert_eq!(error_code(&foreign), "invalid_request");
        assert_eq!(field_errors(&foreign), ["value"]);
        assert_eq!(foreign.body["errors"][0]["message"], "could not be decrypted");

        let mut tampered = blob.clone();
        let ct = URL_SAFE_NO_PAD.decode(blob["ct"].as_str().unwrap()).unwrap();
        let mut flipped = ct.clone();
        flipped[0] ^= 1;
        tampered["ct"] = json!(URL_SAFE_NO_PAD.encode(flipped));
        assert_eq!(open(&sim, &alice, tampered).body["errors"][0]["message"], "could not be decrypted");
    }

    #[test]
    fn the_guide_scopes_crypto_read_and_write_count_as_encryption() {
        let sim = sim();
        let token = login(&sim, "alice", &["crypto.read", "crypto.write"], true);
        let blob = seal(&sim, &token, "Ops Card");
        assert_eq!(open(&sim, &token, blob).body["data"]["value"], "Ops Card");
        let read_only = login(&sim, "alice", &["encryption.read"], true);
        let reply = Call::post("/encryption/encrypt").bearer(&read_only).json(json!({"value": "x"})).run(&sim, encrypt);
        assert_eq!(reply.status, 403);
        let write_only = login(&sim, "alice", &["encryption.write"], true);
        assert_eq!(open(&sim, &write_only, json!({"v": 1, "iv": "a", "ct": "b"})).status, 403);
        assert_eq!(Call::get("/encryption/data-key").bearer(&write_only).run(&sim, data_key).status, 403);
        assert_eq!(Call::post("/encryption/encrypt").json(json!({"value": "x"})).run(&sim, encrypt).status, 401);
    }

    #[test]
    fn encrypt_and_decrypt_validate_their_input() {
        let sim = sim();
        let token = login(&sim, "alice", &SCOPES, true);
        let enc = |body: Value| Call::post("/encryption/encrypt").bearer(&token).json(body).run(&sim, encrypt);
        assert_eq!(field_errors(&enc(json!({}))), ["value"]);
        assert_eq!(field_errors(&enc(json!({"value": ""}))), ["value"]);
        assert_eq!(field_errors(&enc(json!({"value": 5}))), ["value"]);
        assert_eq!(field_errors(&enc(json!({"value": "x".repeat(1025)}))), ["value"]);
        assert_eq!(enc(json!({"value": "é".repeat(1024)})).status, 200, "characters, not bytes");

        let dec = |body: Value| Call::post("/encryption/decrypt").bearer(&token).json(body).run(&sim, decrypt);
        assert_eq!(field_errors(&dec(json!({}))), ["value"]);
        assert_eq!(field_errors(&dec(json!({"value": "ciphertext"}))), ["value"]);
        assert_eq!(field_errors(&dec(json!({"value": {"v": 1, "iv": 5}}))), ["value.iv", "value.ct"]);
        assert_eq!(field_errors(&dec(json!({"value": {"v": 2, "iv": "a", "ct": "b"}}))), ["value.v"]);
        assert_eq!(
            field_errors(&dec(json!({"value": {"v": 1, "iv": "AAAA", "ct": "AAAAAAAAAAAAAAAAAAAAAA"}}))),
            ["value.iv"]
        );
        assert_eq!(field_errors(&dec(json!({"value": {"v": 1, "iv": "AAAAAAAAAAAAAAAA", "ct": "***"}}))), ["value.ct"]);
    }

    #[test]
    fn data_key_is_the_users_label_key() {
        let sim = sim();
        let token = login(&sim, "alice", &SCOPES, true);
        let reply = Call::get("/encryption/data-key").bearer(&token).run(&sim, data_key);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["summary"], "data key");
        assert_eq!(reply.body["data"]["v"], 1);
        let key = STANDARD.decode(reply.body["data"]["key"].as_str().unwrap()).unwrap();
        assert_eq!(key, with_user(&sim, "alice", |u| u.data_key.to_vec()));

        // A label sealed client-side with that key opens through the API, and the reverse.
        let blob = seal(&sim, &token, "Travel");
        let iv = URL_SAFE_NO_PAD.decode(blob["iv"].as_str().unwrap()).unwrap();
        let ct = URL_SAFE_NO_PAD.decode(blob["ct"].as_str().unwrap()).unwrap();
        let cipher = Aes256Gcm::new(GenericArray::from_slice(&key));
        assert_eq!(cipher.decrypt(GenericArray::from_slice(&iv), ct.as_slice()).unwrap(), b"Travel");
        let local = cipher.encrypt(GenericArray::from_slice(&[7u8; 12]), b"Groceries".as_slice()).unwrap();
        let blob = json!({"v": 1, "iv": URL_SAFE_NO_PAD.encode([7u8; 12]), "ct": URL_SAFE_NO_PAD.encode(local)});
        assert_eq!(open(&sim, &token, blob).body["data"]["value"], "Groceries");
    }
}
