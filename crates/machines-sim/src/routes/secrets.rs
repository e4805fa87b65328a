//! Card secrets: a short-lived secrets session carries a fresh AES-128 key (given to the caller in hex);
//! revealing a card seals its PAN and CVC under that key, each with a fresh IV, as §8's recipe expects.

use rand::Rng;
use serde_json::json;

use crate::auth;
use crate::clock::to_time;
use crate::crypto::seal_card_secret;
use crate::reply::{Answer, Reply};
use crate::routes::cards::{card_id_param, last4};
use crate::sim::{self, Req, Sim};
use crate::state::{SecretsSessionRec, State};
use crate::validate::Check;

const SCOPE: &str = "cards.secrets.read";

/// `POST /cards/secrets/session`: `{sessionId, secretKey}`; the body is optional (empty or `{}`).
pub fn session(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some(SCOPE))?;
    auth::gate_kyc(sim::user(st, &ctx.owner)?)?;
    req.json()?;
    let now = sim.clock.now();
    let session_id = st.uuid();
    let key: [u8; 16] = st.rng.random();
    let expires_at = now + to_time(sim.config.secrets_session_ttl);
    let partner =
        st.partners.get_mut(&ctx.owner.partner).ok_or_else(|| Reply::unauthorized("invalid session token"))?;
    partner.secrets_sessions.retain(|_, s| s.expires_at > now);
    partner
        .secrets_sessions
        .insert(session_id.clone(), SecretsSessionRec { user_id: ctx.owner.user_id.clone(), key, expires_at });
    Ok(Reply::ok("card secrets session", json!({"sessionId": session_id, "secretKey": hex::encode(key)})))
}

/// `POST /cards/{card_id}/secrets {sessionId}`: the PAN and CVC sealed with the session's key.
pub fn reveal(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some(SCOPE))?;
    auth::gate_kyc(sim::user(st, &ctx.owner)?)?;
    let card_id = card_id_param(req)?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let session_id = check.string("sessionId", true, 1, 256);
    check.finish()?;
    let session_id = session_id.ok_or_else(|| Reply::invalid("sessionId", "is required"))?;

    let now = sim.clock.now();
    let key = st
        .partners
        .get(&ctx.owner.partner)
        .and_then(|p| p.secrets_sessions.get(session_id))
        .filter(|s| s.user_id == ctx.owner.user_id && s.expires_at > now)
        .map(|s| s.key)
        .ok_or_else(|| Reply::invalid("sessionId", "unknown or expired secrets session"))?;
    let user = sim::user(st, &ctx.owner)?;
    let card = user.card(card_id).ok_or_else(|| Reply::not_found("card"))?;
    if card.status == "canceled" {
        return Err(Reply::invalid_state("card is canceled", "card is canceled; its secrets cannot be revealed"));
    }
    let (pan, cvc) = (card.pan.clone(), card.cvc.clone());
    let (month, year) = (card.expiration_month, card.expiration_year);
    let encrypted_pan = seal_card_secret(&key, &pan, sim.config.secret_iv, &mut st.rng);
    let encrypted_cvc = seal_card_secret(&key, &cvc, sim.config.secret_iv, &mut st.rng);
    let data = json!({
        "encryptedPan": encrypted_pan,
        "encryptedCvc": encrypted_cvc,
        "expirationMonth": month,
        "expirationYear": year,
        "last4": last4(&pan),
        "brand": "VISA",
        "keyId": session_id,
    });
    Ok(Reply::ok("card secrets", data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{SecretIv, SimConfig};
    use crate::routes::cards::testkit::{error_code, field_errors, login, new_card, sim, with_user, Call};
    use aes_gcm::aead::consts::{U12, U16};
    use aes_gcm::aead::generic_array::GenericArray;
    use aes_gcm::aead::{Aead, KeyInit};
    use aes_gcm::aes::Aes128;
    use aes_gcm::AesGcm;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde_json::Value;

    const SCOPES: [&str; 3] = ["cards.read", "cards.write", "cards.secrets.read"];

    /// The guide's step-15 recipe: hex key, base64 IV, base64 ciphertext with the tag appended, no AAD.
    fn decrypt(blob: &Value, key_hex: &str) -> String {
        let key = hex::decode(key_hex).unwrap();
        let iv = STANDARD.decode(blob["iv"].as_str().unwrap()).unwrap();
        let data = STANDARD.decode(blob["data"].as_str().unwrap()).unwrap();
        let plain = match iv.len() {
            16 => AesGcm::<Aes128, U16>::new(GenericArray::from_slice(&key))
                .decrypt(GenericArray::from_slice(&iv), data.as_slice())
                .unwrap(),
            12 => AesGcm::<Aes128, U12>::new(GenericArray::from_slice(&key))
                .decrypt(GenericArray::from_slice(&iv), data.as_slice())
                .unwrap(),
            n => panic!("unexpected IV length {n}"),
        };
        String::from_utf8(plain).unwrap()
    }

    fn open_session(sim: &Sim, token: &str) -> (String, String) {
        let reply = Call::post("/cards/secrets/session").bearer(token).raw("{}").run(sim, session);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["summary"], "card secrets session");
        let data = &reply.body["data"];
        (data["sessionId"].as_str().unwrap().to_owned(), data["secretKey"].as_str().unwrap().to_owned())
    }

    fn reveal_with(sim: &Sim, token: &str, card_id: &str, session_id: &str) -> Reply {
        Call::post("/cards/x/secrets")
            .bearer(token)
            .param("card_id", card_id)
            .json(json!({"sessionId": session_id}))
            .run(sim, reveal)
    }

    fn round_trip(sim: &Sim, iv_len: usize) {
        let token = login(sim, "alice", &SCOPES, true);
        let card = new_card(sim, &token, json!({}));
        let (session_id, key) = open_session(sim, &token);
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{key}");
        assert_eq!(session_id.len(), 36);

        let reply = reveal_with(sim, &token, &card, &session_id);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["summary"], "card secrets");
        let data = &reply.body["data"];
        let (pan, cvc, month, year) = with_user(sim, "alice", |u| {
            let c = u.card(&card).unwrap();
            (c.pan.clone(), c.cvc.clone(), c.expiration_month, c.expiration_year)
        });
        assert_eq!(decrypt(&data["encryptedPan"], &key), pan);
        assert_eq!(decrypt(&data["encryptedCvc"], &key), cvc);
        assert!(crate::ids::luhn_valid(&decrypt(&data["encryptedPan"], &key)));
        for field in ["encryptedPan", "encryptedCvc"] {
            let iv = STANDARD.decode(data[field]["iv"].as_str().unwrap()).unwrap();
            assert_eq!(iv.len(), iv_len);
            let raw = STANDARD.decode(data[field]["data"].as_str().unwrap()).unwrap();
            let plain_len = if field == "encryptedPan" { 16 } else { 3 };
            assert_eq!(raw.len(), plain_len + 16, "ciphertext with the 16-byte tag appended");
        }
        assert_ne!(data["encryptedPan"]["iv"], data["encryptedCvc"]["iv"], "a fresh IV for each secret");
        assert_eq!(data["last4"], pan[12..]);
        assert_eq!(data["brand"], "VISA");
        assert_eq!(data["keyId"], json!(session_id));
        assert_eq!(data["expirationMonth"], month);
        assert_eq!(data["expirationYear"], year);

        let again = reveal_with(sim, &token, &card, &session_id);
        assert_ne!(again.body["data"]["encryptedPan"], data["encryptedPan"], "fresh IVs on every reveal");
        assert_eq!(decrypt(&again.body["data"]["encryptedPan"], &key), pan);
        // A wrong key fails the tag check.
        let wrong = open_session(sim, &token).1;
        let iv = STANDARD.decode(data["encryptedPan"]["iv"].as_str().unwrap()).unwrap();
        let raw = STANDARD.decode(data["encryptedPan"]["data"].as_str().unwrap()).unwrap();
        let wrong_key = hex::decode(wrong).unwrap();
        let failed = if iv_len == 16 {
            AesGcm::<Aes128, U16>::new(GenericArray::from_slice(&wrong_key))
                .decrypt(GenericArray::from_slice(&iv), raw.as_slice())
                .is_err()
        } else {
            AesGcm::<Aes128, U12>::new(GenericArray::from_slice(&wrong_key))
                .decrypt(GenericArray::from_slice(&iv), raw.as_slice())
                .is_err()
        };
        assert!(failed);
    }

    #[test]
    fn secrets_decrypt_to_the_pan_with_16_byte_ivs() {
        round_trip(&sim(), 16);
    }

    #[test]
    fn secrets_decrypt_to_the_pan_with_12_byte_ivs() {
        let config = SimConfig { secret_iv: SecretIv::Bytes12, ..SimConfig::instant() };
        round_trip(&Sim::new(config, "http://127.0.0.1:9".into()), 12);
    }

    #[test]
    fn session_needs_scope_and_kyc_and_accepts_an_empty_body() {
        let sim = sim();
        assert_eq!(Call::post("/cards/secrets/session").run(&sim, session).status, 401);
        let cards_only = login(&sim, "alice", &["cards.read"], true);
        assert_eq!(Call::post("/cards/secrets/session").bearer(&cards_only).run(&sim, session).status, 403);
        let pending = login(&sim, "bob", &SCOPES, false);
        let reply = Call::post("/cards/secrets/session").bearer(&pending).run(&sim, session);
        assert_eq!(reply.status, 409);
        assert_eq!(error_code(&reply), "invalid_state");
        let token = login(&sim, "alice", &SCOPES, true);
        assert_eq!(Call::post("/cards/secrets/session").bearer(&token).run(&sim, session).status, 200);
        assert_eq!(Call::post("/cards/secrets/session").bearer(&token).raw("  ").run(&sim, session).status, 200);
        assert_eq!(Call::post("/cards/secrets/session").bearer(&token).raw("nope").run(&sim, session).status, 400);
        let (a, key_a) = open_session(&sim, &token);
        let (b, key_b) = open_session(&sim, &token);
        assert_ne!(a, b);
        assert_ne!(key_a, key_b);
    }

    #[test]
    fn expired_sessions_are_refused_and_purged() {
        let sim = sim();
        let token = login(&sim, "alice", &SCOPES, true);
        let card = new_card(&sim, &token, json!({}));
        let (old, _) = open_session(&sim, &token);
        sim.clock.advance(std::time::Duration::from_secs(299));
        assert_eq!(reveal_with(&sim, &token, &card, &old).status, 200, "still inside five minutes");
        sim.clock.advance(std::time::Duration::from_secs(2));
        let expired = reveal_with(&sim, &token, &card, &old);
        assert_eq!(expired.status, 400);
        assert_eq!(field_errors(&expired), ["sessionId"]);
        assert_eq!(expired.body["errors"][0]["message"], "unknown or expired secrets session");
        let (fresh, _) = open_session(&sim, &token);
        let st = sim.state.lock().unwrap();
        let sessions = &st.partners[crate::config::DEMO_PARTNER_KEY].secrets_sessions;
        assert!(!sessions.contains_key(&old), "purged when a new session opens");
        assert!(sessions.contains_key(&fresh));
    }

    #[test]
    fn reveal_checks_session_owner_card_and_state() {
        let sim = sim();
        let alice = login(&sim, "alice", &SCOPES, true);
        let bob = login(&sim, "bob", &SCOPES, true);
        let card = new_card(&sim, &alice, json!({}));
        let (session_id, _) = open_session(&sim, &alice);
        let (bobs_session, _) = open_session(&sim, &bob);

        let missing =
            Call::post("/cards/x/secrets").bearer(&alice).param("card_id", &card).json(json!({})).run(&sim, reveal);
        assert_eq!(field_errors(&missing), ["sessionId"]);
        assert_eq!(field_errors(&reveal_with(&sim, &alice, &card, "no-such-session")), ["sessionId"]);
        let foreign = reveal_with(&sim, &alice, &card, &bobs_session);
        assert_eq!(foreign.status, 400);
        assert_eq!(field_errors(&foreign), ["sessionId"], "another user's session is unknown");
        assert_eq!(field_errors(&reveal_with(&sim, &alice, "1234567", &session_id)), ["cardId"]);
        assert_eq!(reveal_with(&sim, &alice, "00000000-0000-4000-8000-000000000000", &session_id).status, 404);
        assert_eq!(reveal_with(&sim, &bob, &card, &bobs_session).status, 404, "another user's card");
        let reader = login(&sim, "alice", &["cards.read"], true);
        assert_eq!(reveal_with(&sim, &reader, &card, &session_id).status, 403);

        Call::patch("/cards/x")
            .bearer(&alice)
            .param("card_id", &card)
            .json(json!({"status": "locked"}))
            .run(&sim, crate::routes::cards::update);
        assert_eq!(reveal_with(&sim, &alice, &card, &session_id).status, 200, "a locked card can still be revealed");
        Call::delete("/cards/x").bearer(&alice).param("card_id", &card).run(&sim, crate::routes::cards::delete);
        let canceled = reveal_with(&sim, &alice, &card, &session_id);
        assert_eq!(canceled.status, 409);
        assert_eq!(error_code(&canceled), "invalid_state");
    }
}
