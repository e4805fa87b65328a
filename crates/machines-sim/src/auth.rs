//! Who is calling and what they may do, checked in the documented order: partner key or Bearer token
//! (401), scope (403), then the user's state (409).

use crate::config::EncryptionScopes;
use crate::reply::Reply;
use crate::sim::{Req, Sim};
use crate::state::{Owner, State, User};

/// A Bearer caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub owner: Owner,
}

/// Scopes the simulator accepts when minting. The twelve of the enum, plus `balances.read` and
/// `transactions.read` (used by the vendor's example) and `crypto.*` (used by the guide's card session),
/// which are the first-party names for `encryption.*`.
pub const KNOWN_SCOPES: [&str; 16] = [
    "users.read",
    "users.write",
    "kyc.read",
    "kyc.write",
    "cards.read",
    "cards.write",
    "cards.secrets.read",
    "encryption.read",
    "encryption.write",
    "deposits.read",
    "deposits.write",
    "withdrawals.write",
    "balances.read",
    "transactions.read",
    "crypto.read",
    "crypto.write",
];

/// Scopes a user may hold before KYC approval; asking for any other answers 409 "kyc required".
pub const PRE_KYC_SCOPES: [&str; 4] = ["kyc.read", "kyc.write", "users.read", "users.write"];

/// The partner key in `X-Partner-Key`, if it is one we know.
pub fn partner(st: &State, req: &Req) -> Result<String, Reply> {
    let key = req.header("x-partner-key").map(str::trim).filter(|k| !k.is_empty());
    match key {
        None => Err(Reply::unauthorized("missing X-Partner-Key")),
        Some(key) if st.partners.contains_key(key) => Ok(key.to_owned()),
        Some(_) => Err(Reply::unauthorized("invalid partner key")),
    }
}

fn bearer_token<'r>(req: &'r Req) -> Option<&'r str> {
    let value = req.header("authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Authenticates a Bearer call, checks `scope` (if any), and brings the user's timed state up to date.
pub fn bearer(sim: &Sim, st: &mut State, req: &Req, scope: Option<&str>) -> Result<Ctx, Reply> {
    let token = bearer_token(req).ok_or_else(|| Reply::unauthorized("missing bearer token"))?;
    let now = sim.clock.now();
    let found = st.partners.iter().find_map(|(partner, p)| p.sessions.get(token).map(|s| (partner.clone(), s.clone())));
    let (partner, session) = found.ok_or_else(|| Reply::unauthorized("invalid session token"))?;
    if session.expires_at <= now {
        return Err(Reply::unauthorized("session expired"));
    }
    if let Some(scope) = scope {
        if !has_scope(&session.scopes, scope, sim.config.encryption_scopes) {
            return Err(Reply::forbidden(scope));
        }
    }
    tracing::debug!(session_id = %session.session_id, "bearer call");
    let owner = Owner { partner, user_id: session.user_id.clone() };
    sim.tick(st, &owner);
    Ok(Ctx { owner })
}

/// Whether `scopes` grant `needed`. Routes name the reference's `encryption.*`; `spelling` says whether
/// that, the guide's `crypto.*`, or either grants it.
pub fn has_scope(scopes: &[String], needed: &str, spelling: EncryptionScopes) -> bool {
    let guide = match needed {
        "encryption.read" => Some("crypto.read"),
        "encryption.write" => Some("crypto.write"),
        _ => None,
    };
    let granted = |name: &str| scopes.iter().any(|s| s == name);
    match (guide, spelling) {
        (None, _) => granted(needed),
        (Some(guide), EncryptionScopes::Either) => granted(needed) || granted(guide),
        (Some(_), EncryptionScopes::Reference) => granted(needed),
        (Some(guide), EncryptionScopes::Guide) => granted(guide),
    }
}

/// 409 unless KYC is approved.
pub fn gate_kyc(user: &User) -> Result<(), Reply> {
    if user.kyc_approved() {
        Ok(())
    } else {
        Err(Reply::invalid_state("kyc required", "kyc is not approved; finish identity verification first"))
    }
}

/// 409 unless KYC is approved and the agreements are accepted.
pub fn gate_agreements(user: &User) -> Result<(), Reply> {
    gate_kyc(user)?;
    if user.agreements_accepted_at.is_some() {
        Ok(())
    } else {
        Err(Reply::invalid_state("agreements required", "the card agreements have not been accepted"))
    }
}
