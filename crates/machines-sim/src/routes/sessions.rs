//! `POST /sessions`: mint a short-lived session token for a partner's user.
//!
//! Accepts both body shapes (`userId`/`walletAddress` and `externalUserId`/`wallet`), creates the user if
//! it is new, and answers 409 "kyc required" when scopes beyond KYC are asked for before approval.

use serde_json::json;

use crate::auth::{self, KNOWN_SCOPES, PRE_KYC_SCOPES};
use crate::clock::iso_seconds;
use crate::reply::{Answer, Reply};
use crate::routes::users::{link_wallet, read_identity, wallet_json};
use crate::sim::{Req, Sim};
use crate::state::{Owner, SessionRec, State};
use crate::validate::Check;

const DEFAULT_TTL_SECONDS: i64 = 900;
const MIN_TTL_SECONDS: i64 = 60;
const MAX_TTL_SECONDS: i64 = 86_400;

/// Reads `scopes`: a non-empty array of known scope names, errors on `scopes` or `scopes[i]`.
fn read_scopes(check: &mut Check<'_>) -> Option<Vec<String>> {
    let value = check.value("scopes", true)?;
    let Some(items) = value.as_array() else {
        check.fail("scopes", "must be an array of scope names");
        return None;
    };
    if items.is_empty() {
        check.fail("scopes", "must name at least one scope");
        return None;
    }
    let mut scopes = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let field = format!("scopes[{i}]");
        match item.as_str() {
            Some(scope) if KNOWN_SCOPES.contains(&scope) => scopes.push(scope.to_owned()),
            Some(scope) => {
                check.fail(&field, format!("unknown scope {scope:?}; expected one of: {}", KNOWN_SCOPES.join(", ")));
                ok = false;
            }
            None => {
                check.fail(&field, "must be a string");
                ok = false;
            }
        }
    }
    ok.then_some(scopes)
}

/// `POST /sessions`.
pub fn create(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let partner = auth::partner(st, req)?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let identity = read_identity(&mut check);
    let scopes = read_scopes(&mut check);
    let ttl = check.integer("ttlSeconds", false, MIN_TTL_SECONDS, MAX_TTL_SECONDS);
    check.string("sessionLabel", false, 0, 120);
    check.finish()?;
    let (Some(identity), Some(scopes)) = (identity, scopes) else {
        return Err(Reply::bad_request("userId and scopes are required"));
    };
    let ttl = ttl.unwrap_or(DEFAULT_TTL_SECONDS);

    // Bring an existing user's timed state (e.g. a KYC approval that is due) up to date first.
    let owner = Owner { partner: partner.clone(), user_id: identity.user_id.clone() };
    sim.tick(st, &owner);
    let approved = st.user(&owner).is_some_and(|u| u.kyc_approved());
    let beyond_kyc: Vec<&str> = scopes.iter().map(String::as_str).filter(|s| !PRE_KYC_SCOPES.contains(s)).collect();
    if !approved && !beyond_kyc.is_empty() {
        let message = format!(
            "kyc required: scopes {} need an approved kyc; mint a session with kyc.read and kyc.write until then",
            beyond_kyc.join(", ")
        );
        return Err(Reply::invalid_state("kyc required", &message));
    }

    let now = sim.clock.now();
    let user = st.ensure_user(&partner, &identity.user_id, now);
    if let Some(wallet) = &identity.wallet {
        link_wallet(user, wallet);
    }
    let wallet = wallet_json(user);

    let token = format!("sim_{}", st.token(40));
    let session_id = st.uuid();
    // A server may grant less than it was asked for; `expiresAt` then says how much.
    let lifetime = match sim.config.max_session_ttl {
        Some(cap) => time::Duration::seconds(ttl).min(time::Duration::try_from(cap).unwrap_or(time::Duration::MAX)),
        None => time::Duration::seconds(ttl),
    };
    let expires_at = now.replace_nanosecond(0).unwrap_or(now) + lifetime;
    let record = SessionRec {
        session_id: session_id.clone(),
        user_id: identity.user_id.clone(),
        scopes: scopes.clone(),
        expires_at,
    };
    st.partners.entry(partner).or_default().sessions.insert(token.clone(), record);

    let data = json!({
        "sessionToken": token,
        "sessionId": session_id,
        "userId": identity.user_id,
        "expiresAt": iso_seconds(expires_at),
        "scopes": scopes,
        "wallet": wallet,
    });
    Ok(Reply::ok("session created", data))
}

/// Shared helpers for the route unit tests: build requests, mint sessions, look at users.
#[cfg(test)]
pub(crate) mod testkit {
    use std::collections::HashMap;

    use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
    use serde_json::Value;

    use crate::config::{SimConfig, DEMO_PARTNER_KEY};
    use crate::reply::{Answer, Reply};
    use crate::sim::{Req, Sim};
    use crate::state::{KycStatus, Owner, State, User};

    pub fn new_sim() -> Sim {
        Sim::new(SimConfig::instant(), "http://127.0.0.1:9".into())
    }

    /// Calls `handler` under the state lock. A `Value::Null` body is sent as an empty body.
    pub fn call(
        sim: &Sim,
        handler: fn(&Sim, &mut State, &Req<'_>) -> Answer,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Value,
    ) -> Reply {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            header_map.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        let bytes = if body.is_null() { Vec::new() } else { serde_json::to_vec(&body).unwrap() };
        let params = HashMap::new();
        let query = HashMap::new();
        let req = Req { method: &method, path, params: &params, query: &query, headers: &header_map, body: &bytes };
        let mut st = sim.state.lock().unwrap();
        handler(sim, &mut st, &req).unwrap_or_else(|refusal| refusal)
    }

    pub fn partner_headers() -> Vec<(&'static str, String)> {
        vec![("x-partner-key", DEMO_PARTNER_KEY.to_owned())]
    }

    /// Mints a session for `user_id` with `scopes` (approving KYC first if the scopes need it).
    pub fn mint(sim: &Sim, user_id: &str, scopes: &[&str]) -> String {
        let body = serde_json::json!({"userId": user_id, "scopes": scopes});
        let mut reply = call(sim, super::create, "POST", "/sessions", &partner_headers(), body.clone());
        if reply.status == 409 {
            approve(sim, user_id);
            reply = call(sim, super::create, "POST", "/sessions", &partner_headers(), body);
        }
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["data"]["sessionToken"].as_str().unwrap().to_owned()
    }

    fn owner(user_id: &str) -> Owner {
        Owner { partner: DEMO_PARTNER_KEY.to_owned(), user_id: user_id.to_owned() }
    }

    /// Marks the user's KYC approved (creating the user if needed).
    pub fn approve(sim: &Sim, user_id: &str) {
        let now = sim.clock.now();
        let mut st = sim.state.lock().unwrap();
        let user = st.ensure_user(DEMO_PARTNER_KEY, user_id, now);
        user.kyc.status = KycStatus::Approved;
        user.kyc.since = now;
    }

    /// A copy of the user as stored now.
    pub fn user_of(sim: &Sim, user_id: &str) -> User {
        sim.state.lock().unwrap().user(&owner(user_id)).unwrap().clone()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::testkit::{approve, call, new_sim, partner_headers, user_of};
    use super::*;
    use axum::http::StatusCode;
    use serde_json::Value;
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    fn mint_with(sim: &Sim, body: Value) -> Reply {
        call(sim, create, "POST", "/sessions", &partner_headers(), body)
    }

    fn fields_of(reply: &Reply) -> Vec<String> {
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect()
    }

    /// Authenticates `token` as the Bearer routes do.
    fn whoami(sim: &Sim, token: &str, scope: Option<&str>) -> Result<auth::Ctx, Reply> {
        let method = axum::http::Method::GET;
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
        let empty = std::collections::HashMap::new();
        let req = Req { method: &method, path: "/x", params: &empty, query: &empty, headers: &headers, body: b"" };
        let mut st = sim.state.lock().unwrap();
        auth::bearer(sim, &mut st, &req, scope)
    }

    #[test]
    fn documented_shape_like_the_guide() {
        let sim = new_sim();
        let before = sim.clock.now();
        let reply = mint_with(
            &sim,
            json!({"userId": "eeetest", "scopes": ["kyc.read", "kyc.write"],
                   "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", "ttlSeconds": 9001}),
        );
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["summary"], "session created");
        let data = &reply.body["data"];
        assert_eq!(data["userId"], "eeetest");
        assert_eq!(data["scopes"], json!(["kyc.read", "kyc.write"]));
        assert_eq!(data["wallet"], json!({"chain": "evm", "address": "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e"}));
        let token = data["sessionToken"].as_str().unwrap();
        assert!(token.starts_with("sim_") && token.len() == 44);
        assert_eq!(data["sessionId"].as_str().unwrap().len(), 36);
        // expiresAt = floor(now) + ttl, printed with .000Z.
        let expires = data["expiresAt"].as_str().unwrap();
        assert!(expires.ends_with(".000Z"), "{expires}");
        let parsed = OffsetDateTime::parse(expires, &Rfc3339).unwrap();
        let floor = before.replace_nanosecond(0).unwrap();
        assert!(parsed - floor >= time::Duration::seconds(9001) && parsed - floor <= time::Duration::seconds(9002));
        // The user was created implicitly with the wallet.
        let user = user_of(&sim, "eeetest");
        assert_eq!(user.wallet_address.as_deref(), Some("0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e"));
        // The token works as a Bearer with its scopes.
        let ctx = whoami(&sim, token, Some("kyc.read")).unwrap();
        assert_eq!(ctx.owner.user_id, "eeetest");
        assert_eq!(whoami(&sim, token, Some("cards.read")).unwrap_err().status, StatusCode::FORBIDDEN);
    }

    #[test]
    fn example_shape() {
        let sim = new_sim();
        let reply = mint_with(
            &sim,
            json!({"externalUserId": "crossmint-demo:alice@example.com",
                   "wallet": {"chain": "evm", "address": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E"},
                   "scopes": ["kyc.read", "kyc.write"], "ttlSeconds": 600}),
        );
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["data"]["userId"], "crossmint-demo:alice@example.com");
        assert_eq!(reply.body["data"]["wallet"]["address"], "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e");
        let no_wallet = mint_with(&sim, json!({"userId": "bob", "scopes": ["kyc.read"]}));
        assert_eq!(no_wallet.body["data"]["wallet"], Value::Null);
    }

    #[test]
    fn default_ttl_and_expiry() {
        let sim = new_sim();
        let reply = mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read"], "sessionLabel": "audit"}));
        let token = reply.body["data"]["sessionToken"].as_str().unwrap().to_owned();
        let expires = OffsetDateTime::parse(reply.body["data"]["expiresAt"].as_str().unwrap(), &Rfc3339).unwrap();
        let now = sim.clock.now();
        assert!(expires - now <= time::Duration::seconds(900) && expires - now > time::Duration::seconds(898));
        assert!(whoami(&sim, &token, Some("kyc.read")).is_ok());
        sim.clock.advance(Duration::from_secs(901));
        let err = whoami(&sim, &token, Some("kyc.read")).unwrap_err();
        assert_eq!(err.status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn a_capped_server_grants_less_than_asked_and_says_so() {
        let config = crate::config::SimConfig {
            max_session_ttl: Some(Duration::from_secs(20)),
            ..crate::config::SimConfig::instant()
        };
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        let reply = mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read"], "ttlSeconds": 900}));
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let token = reply.body["data"]["sessionToken"].as_str().unwrap().to_owned();
        let expires = OffsetDateTime::parse(reply.body["data"]["expiresAt"].as_str().unwrap(), &Rfc3339).unwrap();
        let left = expires - sim.clock.now();
        assert!(left <= time::Duration::seconds(20) && left > time::Duration::seconds(18), "{left}");
        sim.clock.advance(Duration::from_secs(21));
        assert_eq!(whoami(&sim, &token, Some("kyc.read")).unwrap_err().status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn encryption_scopes_are_honoured_in_the_configured_spelling() {
        use crate::config::{EncryptionScopes, SimConfig};
        for (spelling, reference_ok, guide_ok) in [
            (EncryptionScopes::Either, true, true),
            (EncryptionScopes::Reference, true, false),
            (EncryptionScopes::Guide, false, true),
        ] {
            let sim = Sim::new(SimConfig { encryption_scopes: spelling, ..SimConfig::instant() }, "http://x".into());
            approve(&sim, "u1");
            let mint = |scopes: &[&str]| {
                let reply = mint_with(&sim, json!({"userId": "u1", "scopes": scopes}));
                reply.body["data"]["sessionToken"].as_str().unwrap().to_owned()
            };
            let reference = mint(&["cards.read", "encryption.read", "encryption.write"]);
            let guide = mint(&["cards.read", "crypto.read", "crypto.write"]);
            for (token, ok) in [(&reference, reference_ok), (&guide, guide_ok)] {
                for scope in ["encryption.read", "encryption.write"] {
                    let answer = whoami(&sim, token, Some(scope)).map(|_| ()).map_err(|r| r.status);
                    assert_eq!(answer, if ok { Ok(()) } else { Err(StatusCode::FORBIDDEN) }, "{spelling:?} {scope}");
                }
                assert!(whoami(&sim, token, Some("cards.read")).is_ok(), "{spelling:?}");
            }
        }
    }

    #[test]
    fn kyc_required_before_approval() {
        let sim = new_sim();
        let body = json!({"userId": "u1", "scopes": ["kyc.read", "kyc.write", "cards.read", "cards.write"]});
        let reply = mint_with(&sim, body.clone());
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert_eq!(reply.body["summary"], "kyc required");
        assert_eq!(reply.body["errors"][0]["code"], "invalid_state");
        assert!(reply.body["errors"][0]["message"].as_str().unwrap().to_lowercase().contains("kyc required"));
        assert!(reply.body.get("data").is_none());
        // The fallback the example uses works, and after approval the full set does.
        assert_eq!(
            mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read", "kyc.write"]})).status,
            StatusCode::OK
        );
        approve(&sim, "u1");
        let reply = mint_with(&sim, body);
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["data"]["scopes"], json!(["kyc.read", "kyc.write", "cards.read", "cards.write"]));
        // The guide's card session scopes (crypto.*) are accepted once approved.
        let scopes = ["crypto.read", "crypto.write", "cards.secrets.read", "cards.write", "cards.read"];
        let guide = json!({"userId": "u1", "scopes": scopes});
        assert_eq!(mint_with(&sim, guide).status, StatusCode::OK);
    }

    #[test]
    fn a_due_approval_counts_when_minting() {
        let config =
            crate::config::SimConfig { kyc_pending_for: Duration::from_secs(5), ..crate::config::SimConfig::instant() };
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read"]}));
        {
            let mut st = sim.state.lock().unwrap();
            let owner = Owner { partner: crate::config::DEMO_PARTNER_KEY.to_owned(), user_id: "u1".to_owned() };
            let user = st.user_mut(&owner).unwrap();
            user.kyc.status = crate::state::KycStatus::Pending;
            user.kyc.since = sim.clock.now();
        }
        assert_eq!(mint_with(&sim, json!({"userId": "u1", "scopes": ["cards.read"]})).status, StatusCode::CONFLICT);
        sim.clock.advance(Duration::from_secs(6));
        assert_eq!(mint_with(&sim, json!({"userId": "u1", "scopes": ["cards.read"]})).status, StatusCode::OK);
    }

    #[test]
    fn validation_errors() {
        let sim = new_sim();
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!({"scopes": ["kyc.read"]}), vec!["userId"]),
            (json!({"userId": "u".repeat(121), "scopes": ["kyc.read"]}), vec!["userId"]),
            (json!({"userId": "u"}), vec!["scopes"]),
            (json!({"userId": "u", "scopes": []}), vec!["scopes"]),
            (json!({"userId": "u", "scopes": "kyc.read"}), vec!["scopes"]),
            (json!({"userId": "u", "scopes": ["kyc.read", "kyc.admin", 5]}), vec!["scopes[1]", "scopes[2]"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": 59}), vec!["ttlSeconds"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": 86401}), vec!["ttlSeconds"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": 90.5}), vec!["ttlSeconds"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": "900"}), vec!["ttlSeconds"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "walletAddress": "0x12"}), vec!["walletAddress"]),
            (json!({"userId": "u", "scopes": ["kyc.read"], "sessionLabel": "s".repeat(121)}), vec!["sessionLabel"]),
            (
                json!({"externalUserId": "u", "scopes": ["kyc.read"], "wallet": {"chain": "evm", "address": "nope"}}),
                vec!["wallet.address"],
            ),
        ];
        for (body, fields) in cases {
            let reply = mint_with(&sim, body.clone());
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(reply.body["summary"], "invalid request");
            assert_eq!(fields_of(&reply), fields, "{body}");
        }
        // Edge values are accepted.
        for ttl in [60, 86400] {
            let reply = mint_with(&sim, json!({"userId": "u", "scopes": ["kyc.read"], "ttlSeconds": ttl}));
            assert_eq!(reply.status, StatusCode::OK, "{ttl}");
        }
        // No session or user is created by a rejected request.
        let st = sim.state.lock().unwrap();
        let partner = &st.partners[crate::config::DEMO_PARTNER_KEY];
        assert_eq!(partner.sessions.len(), 2);
        assert_eq!(partner.users.len(), 1);
    }

    #[test]
    fn partner_key_required() {
        let sim = new_sim();
        let body = json!({"userId": "u1", "scopes": ["kyc.read"]});
        let reply = call(&sim, create, "POST", "/sessions", &[], body.clone());
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        let bad = [("x-partner-key", "mk_wrong".to_owned())];
        assert_eq!(call(&sim, create, "POST", "/sessions", &bad, body).status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn tokens_are_distinct() {
        let sim = new_sim();
        let a = mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read"]}));
        let b = mint_with(&sim, json!({"userId": "u1", "scopes": ["kyc.read"]}));
        assert_ne!(a.body["data"]["sessionToken"], b.body["data"]["sessionToken"]);
        assert_ne!(a.body["data"]["sessionId"], b.body["data"]["sessionId"]);
    }
}
