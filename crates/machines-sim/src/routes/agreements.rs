//! `GET /agreements` and `POST /agreements`: the five card agreements, accepted all at once. Both answer
//! 409 `invalid_state` until KYC is approved.

use serde_json::{json, Value};

use crate::auth;
use crate::clock::iso;
use crate::reply::{Answer, Reply};
use crate::sim::{self, Req, Sim};
use crate::state::{State, User};
use crate::validate::Check;

/// One agreement: id, text and its links (label, url).
type Agreement = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// The agreements, exactly as the guide shows them.
pub const AGREEMENTS: [Agreement; 5] = [
    ("esignConsent", "I accept the E-Sign Consent", &[("E-Sign Consent", "https://machines.cash/e-sign")]),
    (
        "accountOpeningPrivacyNotice",
        "I accept the Account Opening Privacy Notice",
        &[("Account Opening Privacy Notice", "https://machines.cash/account-opening-privacy")],
    ),
    (
        "cardTermsAndIssuerPrivacyPolicy",
        "I accept the Machines Card Terms and the Issuer Privacy Policy",
        &[
            ("Machines Card Terms", "https://machines.cash/machines-card-terms"),
            ("Issuer Privacy Policy", "https://www.third-national.com/privacypolicy"),
        ],
    ),
    (
        "informationCertification",
        "I certify that the information I have provided is accurate and that I will abide by all the rules and requirements related to my Machines Spend Card.",
        &[],
    ),
    (
        "solicitationAcknowledgement",
        "I acknowledge that applying for the Machines Spend Card does not constitute unauthorized solicitation.",
        &[],
    ),
];

fn agreements_data(user: &User) -> Value {
    let agreements: Vec<Value> = AGREEMENTS
        .iter()
        .map(|(id, text, links)| {
            let links: Vec<Value> = links.iter().map(|(label, url)| json!({"label": label, "url": url})).collect();
            json!({"id": id, "text": text, "links": links})
        })
        .collect();
    json!({
        "agreements": agreements,
        "accepted": user.agreements_accepted_at.is_some(),
        "acceptedAt": user.agreements_accepted_at.map(iso),
    })
}

/// `GET /agreements`.
pub fn list(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("kyc.read"))?;
    let user = sim::user(st, &ctx.owner)?;
    auth::gate_kyc(user)?;
    Ok(Reply::ok("agreements", agreements_data(user)))
}

/// `POST /agreements` with `{"accepted": true}`. Accepting again keeps the first `acceptedAt`.
pub fn accept(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("kyc.write"))?;
    let now = sim.clock.now();
    let user = sim::user(st, &ctx.owner)?;
    auth::gate_kyc(user)?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let accepted = check.boolean("accepted", true);
    check.finish()?;
    if accepted != Some(true) {
        return Err(Reply::invalid("accepted", "must be true: all agreements are accepted at once"));
    }
    user.agreements_accepted_at.get_or_insert(now);
    Ok(Reply::ok("agreements accepted", agreements_data(user)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::routes::sessions::testkit::{approve, call, mint, new_sim, user_of};
    use axum::http::StatusCode;

    fn bearer(token: &str) -> Vec<(&'static str, String)> {
        vec![("authorization", format!("Bearer {token}"))]
    }

    fn guide_agreements() -> Value {
        json!([
            {"id": "esignConsent", "text": "I accept the E-Sign Consent",
             "links": [{"label": "E-Sign Consent", "url": "https://machines.cash/e-sign"}]},
            {"id": "accountOpeningPrivacyNotice", "text": "I accept the Account Opening Privacy Notice",
             "links": [{"label": "Account Opening Privacy Notice", "url": "https://machines.cash/account-opening-privacy"}]},
            {"id": "cardTermsAndIssuerPrivacyPolicy",
             "text": "I accept the Machines Card Terms and the Issuer Privacy Policy",
             "links": [{"label": "Machines Card Terms", "url": "https://machines.cash/machines-card-terms"},
                       {"label": "Issuer Privacy Policy", "url": "https://www.third-national.com/privacypolicy"}]},
            {"id": "informationCertification",
             "text": "I certify that the information I have provided is accurate and that I will abide by all the rules and requirements related to my Machines Spend Card.",
             "links": []},
            {"id": "solicitationAcknowledgement",
             "text": "I acknowledge that applying for the Machines Spend Card does not constitute unauthorized solicitation.",
             "links": []}
        ])
    }

    #[test]
    fn list_then_accept_like_the_guide() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        approve(&sim, "u1");
        let reply = call(&sim, list, "GET", "/agreements", &bearer(&token), Value::Null);
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["summary"], "agreements");
        assert_eq!(
            reply.body["data"],
            json!({"agreements": guide_agreements(), "accepted": false, "acceptedAt": null})
        );

        let reply = call(&sim, accept, "POST", "/agreements", &bearer(&token), json!({"accepted": true}));
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["summary"], "agreements accepted");
        assert_eq!(reply.body["data"]["agreements"], guide_agreements());
        assert_eq!(reply.body["data"]["accepted"], true);
        let at = reply.body["data"]["acceptedAt"].as_str().unwrap().to_owned();
        assert!(at.ends_with('Z') && at.len() == 24, "{at}");
        assert!(user_of(&sim, "u1").agreements_accepted_at.is_some());

        // Accepting again keeps the first time; the list shows it.
        sim.clock.advance(Duration::from_secs(5));
        let again = call(&sim, accept, "POST", "/agreements", &bearer(&token), json!({"accepted": true}));
        assert_eq!(again.body["data"]["acceptedAt"], at.as_str());
        let listed = call(&sim, list, "GET", "/agreements", &bearer(&token), Value::Null);
        assert_eq!(listed.body["data"]["accepted"], true);
        assert_eq!(listed.body["data"]["acceptedAt"], at.as_str());
    }

    #[test]
    fn gated_on_kyc() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        for reply in [
            call(&sim, list, "GET", "/agreements", &bearer(&token), Value::Null),
            call(&sim, accept, "POST", "/agreements", &bearer(&token), json!({"accepted": true})),
        ] {
            assert_eq!(reply.status, StatusCode::CONFLICT);
            assert_eq!(reply.body["errors"][0]["code"], "invalid_state");
        }
        assert!(user_of(&sim, "u1").agreements_accepted_at.is_none());
    }

    #[test]
    fn scopes_and_tokens() {
        let sim = new_sim();
        let read = mint(&sim, "u1", &["kyc.read"]);
        let write = mint(&sim, "u1", &["kyc.write"]);
        approve(&sim, "u1");
        assert_eq!(call(&sim, list, "GET", "/agreements", &bearer(&write), Value::Null).status, StatusCode::FORBIDDEN);
        let reply = call(&sim, accept, "POST", "/agreements", &bearer(&read), json!({"accepted": true}));
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(call(&sim, list, "GET", "/agreements", &[], Value::Null).status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            call(&sim, list, "GET", "/agreements", &bearer("sim_x"), Value::Null).status,
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn body_must_accept() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        approve(&sim, "u1");
        for body in
            [json!({"accepted": false}), json!({}), json!({"accepted": "true"}), json!({"accepted": 1}), Value::Null]
        {
            let reply = call(&sim, accept, "POST", "/agreements", &bearer(&token), body.clone());
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(reply.body["errors"][0]["field"], "accepted", "{body}");
        }
        assert!(user_of(&sim, "u1").agreements_accepted_at.is_none());
    }
}
