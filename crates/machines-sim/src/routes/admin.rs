//! Simulator-only routes under `/_sim`: fault injection, the clock, session expiry, KYC overrides and a
//! state summary. They exist for tests and Demo mode and never on the real API.
//!
//! They change what Demo's money and KYC do, so [`refusal`] lets through only a caller that holds the
//! simulator's admin secret (in `X-Sim-Admin`) and sends JSON: any other local process, and any web page
//! (a page can post a form or `text/plain` without asking, but not `application/json` or a custom header
//! to another origin), is turned away. The loopback `Host` is checked for every route by the server.

use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::ADMIN_HEADER;

use crate::faults::FaultRule;
use crate::reply::{Answer, Reply};
use crate::sim::{Req, Sim};
use crate::state::{KycStatus, State};
use crate::validate::Check;

/// Why a `/_sim` request is refused, if it is: no or a wrong admin secret (401), or a request that may
/// carry a body (POST, PUT, PATCH) that is not `application/json` (415). Secrets are compared as
/// SHA-256 digests, so the time taken says nothing about how much of a guess was right.
pub fn refusal(sim: &Sim, method: &Method, headers: &HeaderMap) -> Option<Reply> {
    let given = headers.get(ADMIN_HEADER).map(|v| Sha256::digest(v.as_bytes()));
    if given != Some(Sha256::digest(sim.config.admin_secret.as_bytes())) {
        return Some(Reply::error(
            StatusCode::UNAUTHORIZED,
            "admin secret required",
            vec![
                json!({"code": "unauthorized", "message": format!("/_sim needs the simulator's admin secret in {ADMIN_HEADER}")}),
            ],
        ));
    }
    let may_have_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    let json_body = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if may_have_body && !json_body {
        return Some(Reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JSON only",
            vec![json!({"code": "invalid_request", "message": "/_sim accepts only Content-Type: application/json"})],
        ));
    }
    None
}

fn faults_json(sim: &Sim) -> Value {
    let book = sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    json!({"faults": book.rules()})
}

/// `GET /_sim/faults`.
pub fn faults_list(sim: &Sim, _st: &mut State, _req: &Req) -> Answer {
    Ok(Reply::ok("faults", faults_json(sim)))
}

/// `POST /_sim/faults` with a rule: `{method?, path, kind, ms?|status?|retryAfter?, times?, probability?}`.
pub fn faults_add(sim: &Sim, _st: &mut State, req: &Req) -> Answer {
    let rule: FaultRule = match serde_json::from_slice(req.body) {
        Ok(rule) => rule,
        Err(err) => return Err(Reply::bad_request(&format!("not a fault rule: {err}"))),
    };
    if rule.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        return Err(Reply::invalid("probability", "must be between 0 and 1"));
    }
    if let crate::faults::FaultKind::Error { status } = rule.kind {
        if !(500..=599).contains(&status) {
            return Err(Reply::invalid("status", "must be a 5xx status"));
        }
    }
    sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).add(rule);
    Ok(Reply::ok("fault added", faults_json(sim)))
}

/// `DELETE /_sim/faults`.
pub fn faults_clear(sim: &Sim, _st: &mut State, _req: &Req) -> Answer {
    sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    Ok(Reply::ok("faults cleared", faults_json(sim)))
}

/// `POST /_sim/clock/advance {seconds}`.
pub fn clock_advance(sim: &Sim, _st: &mut State, req: &Req) -> Answer {
    let body = req.json()?;
    let mut check = Check::new(&body);
    let seconds = check.integer("seconds", true, 0, 10 * 366 * 86_400);
    check.finish()?;
    sim.clock.advance(Duration::from_secs(seconds.unwrap_or_default().unsigned_abs()));
    Ok(Reply::ok("clock advanced", json!({"now": crate::clock::iso(sim.clock.now())})))
}

/// `POST /_sim/sessions/expire`: every session token expires now (the next Bearer call answers 401).
pub fn sessions_expire(sim: &Sim, st: &mut State, _req: &Req) -> Answer {
    let expired = expire_sessions(sim, st);
    Ok(Reply::ok("sessions expired", json!({"expired": expired})))
}

/// Ends every session a second ago; how many there were. The route and `SimHandle::expire_sessions`.
pub fn expire_sessions(sim: &Sim, st: &mut State) -> usize {
    let past = sim.clock.now() - time::Duration::seconds(1);
    let mut expired = 0;
    for partner in st.partners.values_mut() {
        for session in partner.sessions.values_mut() {
            session.expires_at = past;
            expired += 1;
        }
    }
    expired
}

/// `POST /_sim/users/{userId}/kyc {status, reason?, completionLink?}`: sets a user's KYC status directly.
/// `completionLink` replaces the link to the simulator's own page while verification is needed, so a
/// test can play a hostile server (`javascript:`, `file:`, an unknown host).
pub fn set_kyc(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let body = req.json()?;
    let options =
        ["not_submitted", "pending", "manual_review", "needs_verification", "needs_information", "approved", "denied"];
    let mut check = Check::new(&body);
    let status = check.one_of("status", true, &options);
    let reason = check.string("reason", false, 0, 200).map(str::to_owned);
    let link = check.string("completionLink", false, 1, 2000).map(str::to_owned);
    check.finish()?;
    let status = match status.unwrap_or_default() {
        "not_submitted" => KycStatus::NotSubmitted,
        "pending" => KycStatus::Pending,
        "manual_review" => KycStatus::ManualReview,
        "needs_verification" => KycStatus::NeedsVerification,
        "needs_information" => KycStatus::NeedsInformation,
        "approved" => KycStatus::Approved,
        _ => KycStatus::Denied,
    };
    let user_id = req.param("user_id");
    if !override_kyc(sim, st, user_id, KycOverride { status, reason, completion_link: link }) {
        return Err(Reply::not_found("user"));
    }
    Ok(Reply::ok("kyc set", json!({"userId": user_id, "status": status.as_str()})))
}

/// A KYC status set from outside the state machine, as `POST /_sim/users/{userId}/kyc` takes it.
pub struct KycOverride {
    pub status: KycStatus,
    pub reason: Option<String>,
    pub completion_link: Option<String>,
}

/// Gives `user_id` this KYC status from now; false when no partner has that user. The route and
/// `SimHandle::set_kyc`.
pub fn override_kyc(sim: &Sim, st: &mut State, user_id: &str, kyc: KycOverride) -> bool {
    let now = sim.clock.now();
    let Some(user) = st.partners.values_mut().find_map(|p| p.users.get_mut(user_id)) else {
        return false;
    };
    user.kyc.status = kyc.status;
    user.kyc.reason = kyc.reason;
    user.kyc.since = now;
    user.kyc.link_override = kyc.completion_link;
    true
}

/// Counts of everything held, across partners.
pub fn counts(st: &State) -> Value {
    let users = st.partners.values().flat_map(|p| p.users.values());
    let (mut cards, mut deposits, mut transactions, mut user_count) = (0, 0, 0, 0);
    for user in users {
        user_count += 1;
        cards += user.cards.len();
        deposits += user.deposits.len();
        transactions += user.transactions.len();
    }
    let sessions: usize = st.partners.values().map(|p| p.sessions.len()).sum();
    json!({"partners": st.partners.len(), "users": user_count, "sessions": sessions, "cards": cards,
        "deposits": deposits, "transactions": transactions})
}

/// `GET /_sim/state`.
pub fn summary(_sim: &Sim, st: &mut State, _req: &Req) -> Answer {
    Ok(Reply::ok("state", counts(st)))
}
