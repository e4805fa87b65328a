//! `Idempotency-Key` handling: the same key with the same request replays the first answer; the same key
//! with a different request is a 409 `idempotency_conflict`. Only successful answers are stored, so a
//! failed attempt can be retried with its key. Records live 24 hours.

use sha2::{Digest, Sha256};

use crate::auth::Ctx;
use crate::reply::{Answer, Reply};
use crate::sim::{Req, Sim};
use crate::state::{IdemRecord, State};

const HEADER: &str = "idempotency-key";
const LIFETIME: time::Duration = time::Duration::hours(24);

/// A stable fingerprint of a request body: its JSON value re-serialised (so key order and whitespace
/// do not matter), or the raw bytes if it is not JSON.
pub fn body_hash(body: &[u8]) -> String {
    // An empty body is the request `{}`, as handlers read it.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_else(|| body.to_vec());
    hex::encode(Sha256::digest(&canonical))
}

/// The key sent with `req`, validated: `Ok(None)` when there is none.
pub fn key(req: &Req) -> Result<Option<String>, Reply> {
    let Some(raw) = req.headers.get(HEADER) else { return Ok(None) };
    let key = raw.to_str().map_err(|_| Reply::invalid("Idempotency-Key", "must be visible ASCII"))?;
    if !(8..=128).contains(&key.len()) || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Reply::invalid("Idempotency-Key", "must be 8 to 128 visible ASCII characters"));
    }
    Ok(Some(key.to_owned()))
}

/// Runs `write` at most once per key for this user.
pub fn once(sim: &Sim, st: &mut State, ctx: &Ctx, req: &Req, write: impl FnOnce(&mut State) -> Answer) -> Answer {
    let Some(key) = key(req)? else { return write(st) };
    let now = sim.clock.now();
    let hash = body_hash(req.body);
    let slot = (ctx.owner.user_id.clone(), key);
    if let Some(partner) = st.partners.get_mut(&ctx.owner.partner) {
        partner.idempotency.retain(|_, r| now - r.created_at < LIFETIME);
        if let Some(record) = partner.idempotency.get(&slot) {
            if record.method == req.method.as_str() && record.path == req.path && record.body_hash == hash {
                let mut reply = Reply {
                    status: axum::http::StatusCode::from_u16(record.status).unwrap_or_default(),
                    body: record.body.clone(),
                    headers: Vec::new(),
                };
                reply.headers.push(("idempotent-replayed", "true".to_owned()));
                return Ok(reply);
            }
            return Err(Reply::conflict(
                "idempotency_conflict",
                "conflict",
                "this Idempotency-Key was already used for a different request",
            ));
        }
    }
    let answer = write(st);
    // Only successes are kept for replay, whichever way the handler returned them.
    let (Ok(reply) | Err(reply)) = &answer;
    if reply.is_success() {
        if let Some(partner) = st.partners.get_mut(&ctx.owner.partner) {
            let record = IdemRecord {
                method: req.method.as_str().to_owned(),
                path: req.path.to_owned(),
                body_hash: hash,
                status: reply.status.as_u16(),
                body: reply.body.clone(),
                created_at: now,
            };
            partner.idempotency.insert(slot, record);
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_key_order_and_spacing() {
        assert_eq!(body_hash(br#"{"a":1,"b":2}"#), body_hash(b"{ \"b\": 2, \"a\": 1 }"));
        assert_ne!(body_hash(br#"{"a":1}"#), body_hash(br#"{"a":2}"#));
        assert_eq!(body_hash(b"not json"), body_hash(b"not json"));
        assert_eq!(body_hash(b""), body_hash(b"{}"));
    }
}
