//! KYC: the form description (`/kyc/schema`, `/kyc/values`), applications and the status machine.
//!
//! One static description of the form ([`FIELDS`], [`OCCUPATIONS`] and the enum lists) is both served to
//! clients and used to validate applications, so the two cannot disagree.
//!
//! Outcomes are chosen by the applicant's last name (case-insensitive): `TestApproved` approves at once,
//! `TestDenied` denies, `TestNeedsInformation` asks for more information, `TestManualReview` goes to manual
//! review; anything else needs verification on the simulator's own `/verify` page. Timed transitions
//! (see [`crate::transitions::kyc`]) then move `pending` and `manual_review` to `approved`.

use serde_json::{json, Map, Value};
use time::{Date, OffsetDateTime};

use crate::auth;
use crate::idempotency;
use crate::reply::{Answer, Reply};
use crate::sim::{self, Req, Sim};
use crate::state::{KycStatus, State, User};
use crate::validate::{is_country, is_email, parse_date, Check};

/// One field of the KYC form, as `/kyc/values` and `/kyc/schema` describe it.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub required: bool,
    /// `string`, `date` or `object`.
    pub kind: &'static str,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub regex: Option<&'static str>,
    pub options: Option<&'static [&'static str]>,
    pub description: &'static str,
}

const fn field(name: &'static str, required: bool, kind: &'static str, description: &'static str) -> FieldDef {
    FieldDef { name, required, kind, min_length: None, max_length: None, regex: None, options: None, description }
}

const fn max(mut def: FieldDef, n: usize) -> FieldDef {
    def.max_length = Some(n);
    def
}

/// Annual salary bands; the ranges use U+2013 EN DASH, as the API does.
pub const ANNUAL_SALARY: [&str; 4] = ["<40k", "50k\u{2013}99k", "100k\u{2013}149k", "150k+"];
pub const ACCOUNT_PURPOSE: [&str; 5] = ["everyday spend", "subscriptions", "business expenses", "testing", "other"];
/// Expected monthly volume bands; the ranges use U+2013 EN DASH, as the API does.
pub const EXPECTED_MONTHLY_VOLUME: [&str; 4] = ["under $1k", "$1k\u{2013}$5k", "$5k\u{2013}$20k", "$20k+"];

/// The form, in the order and with the wording of the guide.
pub const FIELDS: [FieldDef; 13] = [
    max(field("firstName", true, "string", "Given name."), 50),
    max(field("lastName", true, "string", "Family name."), 50),
    field("birthDate", true, "date", "YYYY-MM-DD (e.g., 1990-01-01)."),
    FieldDef {
        regex: Some("^[0-9A-Za-z-]+$"),
        ..field("nationalId", true, "string", "Government ID number. Letters, numbers, and dashes only.")
    },
    FieldDef {
        min_length: Some(2),
        max_length: Some(2),
        ..field("countryOfIssue", true, "string", "ISO-3166-1 alpha-2 (e.g., US).")
    },
    field("email", true, "string", "Valid email address."),
    field("address", true, "object", "Object with line1, line2, city, region, postalCode, countryCode."),
    max(field("phoneCountryCode", false, "string", "Country calling code digits only (e.g., 1)."), 3),
    max(field("phoneNumber", false, "string", "Phone number digits only; include area code."), 15),
    field("occupation", true, "string", "SOC occupation code (e.g., 49-3023). Use /kyc/values for the list."),
    FieldDef { options: Some(&ANNUAL_SALARY), ..field("annualSalary", true, "string", "Choose a salary range.") },
    FieldDef {
        options: Some(&ACCOUNT_PURPOSE),
        ..field("accountPurpose", true, "string", "How the account will be used.")
    },
    FieldDef {
        options: Some(&EXPECTED_MONTHLY_VOLUME),
        ..field("expectedMonthlyVolume", true, "string", "Choose a monthly volume range.")
    },
];

/// SOC occupation codes and labels, as the guide lists them.
pub const OCCUPATIONS: [(&str, &str); 48] = [
    ("11-1021", "General and Operations Managers"),
    ("11-2011", "Advertising and Promotions Managers"),
    ("11-3031", "Financial Managers"),
    ("11-9021", "Construction Managers"),
    ("11-9041", "Architectural and Engineering Managers"),
    ("11-9071", "Gaming Managers"),
    ("11-9141", "Property, Real Estate, and Community Association Managers"),
    ("13-1041", "Compliance Officers"),
    ("13-2011", "Accountants and Auditors"),
    ("13-2051", "Financial Analysts"),
    ("13-2052", "Personal Financial Advisors"),
    ("13-2082", "Tax Preparers"),
    ("15-1121", "Computer Systems Analysts"),
    ("15-1131", "Computer Programmers"),
    ("15-1132", "Software Developers, Applications"),
    ("15-1133", "Software Developers, Systems Software"),
    ("15-1141", "Database Administrators"),
    ("15-1142", "Information Security Analysts"),
    ("15-1143", "Computer Network Architects"),
    ("15-1151", "Computer User Support Specialists"),
    ("17-2051", "Civil Engineers"),
    ("17-2071", "Electrical Engineers"),
    ("17-2141", "Mechanical Engineers"),
    ("19-3011", "Economists"),
    ("23-1011", "Lawyers"),
    ("23-2011", "Paralegals and Legal Assistants"),
    ("25-2021", "Elementary School Teachers"),
    ("27-1024", "Graphic Designers"),
    ("27-2012", "Producers and Directors"),
    ("29-1141", "Registered Nurses"),
    ("29-1062", "Family and General Practitioners"),
    ("29-1067", "Surgeons"),
    ("31-9097", "Phlebotomists"),
    ("33-3021", "Detectives and Criminal Investigators"),
    ("35-1011", "Chefs and Head Cooks"),
    ("41-9011", "Demonstrators and Product Promoters"),
    ("41-9021", "Real Estate Brokers"),
    ("43-3071", "Tellers"),
    ("47-1011", "Construction Supervisors"),
    ("47-2061", "Construction Laborers"),
    ("49-3023", "Automotive Service Technicians and Mechanics"),
    ("51-4121", "Welders, Cutters, Solderers, and Brazers"),
    ("53-3032", "Heavy and Tractor-Trailer Truck Drivers"),
    ("53-3041", "Taxi Drivers and Chauffeurs"),
    ("SELFEMP", "Self-Employed"),
    ("UNEMPLO", "Unemployed"),
    ("RETIRED", "Retired"),
    ("OTHERXX", "Other"),
];

/// Reasons given with the magic last names.
const DENIED_REASON: &str = "identity could not be verified";
const NEEDS_INFORMATION_REASON: &str = "proof of address required";

impl FieldDef {
    /// The field as the API describes it.
    pub fn describe(&self) -> Value {
        let mut map = Map::new();
        map.insert("name".into(), json!(self.name));
        map.insert("required".into(), json!(self.required));
        map.insert("type".into(), json!(self.kind));
        if let Some(n) = self.min_length {
            map.insert("minLength".into(), json!(n));
        }
        if let Some(n) = self.max_length {
            map.insert("maxLength".into(), json!(n));
        }
        if let Some(regex) = self.regex {
            map.insert("regex".into(), json!(regex));
        }
        if let Some(options) = self.options {
            map.insert("enum".into(), json!(options));
        }
        map.insert("description".into(), json!(self.description));
        Value::Object(map)
    }
}

fn fields_json() -> Value {
    Value::Array(FIELDS.iter().map(FieldDef::describe).collect())
}

fn values_json() -> Value {
    let occupations: Vec<Value> =
        OCCUPATIONS.iter().map(|(code, label)| json!({"code": code, "label": label})).collect();
    json!({
        "fields": fields_json(),
        "occupations": occupations,
        "annualSalary": ANNUAL_SALARY,
        "expectedMonthlyVolume": EXPECTED_MONTHLY_VOLUME,
        "accountPurpose": ACCOUNT_PURPOSE,
    })
}

/// `GET /kyc/schema`: the field list. The reference says partner key; the vendor's example calls it with a
/// Bearer session, so either is accepted (a Bearer session needs `kyc.read`).
pub fn schema(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let partner = auth::partner(st, req);
    if partner.is_err() && req.header("authorization").is_some() {
        auth::bearer(sim, st, req, Some("kyc.read"))?;
    } else {
        partner?;
    }
    Ok(Reply::ok("kyc schema", json!({"fields": fields_json()})))
}

/// `GET /kyc/values`: the fields plus every allowed value.
pub fn values(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    auth::bearer(sim, st, req, Some("kyc.read"))?;
    Ok(Reply::ok("kyc values", values_json()))
}

/// `POST /kyc/applications`: validate, store and decide. A keyed retry replays the first answer.
pub fn submit(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("kyc.write"))?;
    idempotency::once(sim, st, &ctx, req, |st| {
        let now = sim.clock.now();
        let user = sim::user(st, &ctx.owner)?;
        if user.kyc_approved() {
            return Err(Reply::invalid_state(
                "kyc already approved",
                "kyc already approved; there is nothing to submit",
            ));
        }
        let body = req.json()?;
        validate_application(&body, now.date())?;
        let last_name = body.get("lastName").and_then(Value::as_str).unwrap_or_default().trim();
        let (status, reason) = outcome(last_name);
        user.kyc.status = status;
        user.kyc.reason = reason.map(str::to_owned);
        user.kyc.application = Some(Value::Object(body));
        user.kyc.since = now;
        Ok(status_reply(sim, user, "kyc submitted"))
    })
}

/// `GET /kyc/status`.
pub fn status(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("kyc.read"))?;
    let user = sim::user(st, &ctx.owner)?;
    Ok(status_reply(sim, user, "kyc status"))
}

/// The status and reason the magic last names select.
fn outcome(last_name: &str) -> (KycStatus, Option<&'static str>) {
    let is = |magic: &str| last_name.eq_ignore_ascii_case(magic);
    if is("TestApproved") {
        (KycStatus::Approved, None)
    } else if is("TestDenied") {
        (KycStatus::Denied, Some(DENIED_REASON))
    } else if is("TestNeedsInformation") {
        (KycStatus::NeedsInformation, Some(NEEDS_INFORMATION_REASON))
    } else if is("TestManualReview") {
        (KycStatus::ManualReview, None)
    } else {
        (KycStatus::NeedsVerification, None)
    }
}

/// Whether the status is still moving (worth polling).
fn in_progress(status: KycStatus) -> bool {
    matches!(
        status,
        KycStatus::Pending | KycStatus::ManualReview | KycStatus::NeedsVerification | KycStatus::NeedsInformation
    )
}

/// The status object of `GET /kyc/status` and `POST /kyc/applications`.
pub fn status_data(sim: &Sim, user: &User) -> Value {
    let kyc = &user.kyc;
    let link = match kyc.status {
        KycStatus::NeedsVerification | KycStatus::NeedsInformation if kyc.link_override.is_some() => {
            json!(kyc.link_override)
        }
        KycStatus::NeedsVerification | KycStatus::NeedsInformation => json!({
            "url": format!("{}/verify", sim.origin),
            "params": {"userId": user.internal_id, "signature": kyc.signature},
        }),
        _ => Value::Null,
    };
    json!({
        "status": kyc.status.as_str(),
        "reason": kyc.reason.as_deref().unwrap_or(""),
        "completionLink": link,
        "externalVerificationLink": link,
        "isActive": if kyc.application.is_some() { json!(true) } else { Value::Null },
        "isTermsOfServiceAccepted": user.agreements_accepted_at.is_some(),
    })
}

/// The status object in the envelope, with a polling hint while the status is still moving.
fn status_reply(sim: &Sim, user: &User, summary: &str) -> Reply {
    let data = status_data(sim, user);
    if in_progress(user.kyc.status) {
        let poll_ms = u64::try_from(sim.config.kyc_poll_after.as_millis()).unwrap_or(u64::MAX);
        Reply::ok_next(summary, data, poll_ms, "kyc.status")
    } else {
        Reply::ok(summary, data)
    }
}

/// What completing the hosted verification does: `needs_verification` or `needs_information` → `pending`
/// (from `now`). Returns whether the user was awaiting verification.
pub fn complete_verification(user: &mut User, now: OffsetDateTime) -> bool {
    match user.kyc.status {
        KycStatus::NeedsVerification | KycStatus::NeedsInformation => {
            user.kyc.status = KycStatus::Pending;
            user.kyc.reason = None;
            user.kyc.since = now;
            true
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------------
// Validation, driven by `FIELDS`.

/// Checks an application against [`FIELDS`], reporting every problem at once.
fn validate_application(body: &Map<String, Value>, today: Date) -> Result<(), Reply> {
    let mut check = Check::new(body);
    for def in &FIELDS {
        validate_field(&mut check, def, today);
    }
    check.finish()
}

fn validate_field(check: &mut Check<'_>, def: &FieldDef, today: Date) {
    match def.kind {
        "object" => {
            if let Some(map) = check.object(def.name, def.required) {
                let mut nested = check.nested(def.name, map);
                validate_address(&mut nested);
                check.absorb(nested);
            }
        }
        "date" => {
            if let Some(text) = check.string(def.name, def.required, 0, usize::MAX) {
                if let Err(message) = check_birth_date(text, today) {
                    check.fail(def.name, message);
                }
            }
        }
        _ => {
            if let Some(options) = def.options {
                check.one_of(def.name, def.required, options);
                return;
            }
            let min = def.min_length.unwrap_or(0);
            let max = def.max_length.unwrap_or(usize::MAX);
            let Some(text) = check.string(def.name, def.required, min, max) else { return };
            if text.is_empty() && !def.required {
                // A blank optional input counts as not given.
                return;
            }
            if let Some(pattern) = def.regex {
                if !matches_class_pattern(pattern, text).unwrap_or(true) {
                    check.fail(def.name, format!("must match {pattern}"));
                    return;
                }
            }
            if let Err(message) = check_format(def.name, text) {
                check.fail(def.name, message);
            }
        }
    }
}

/// Format rules the field descriptions state in words.
fn check_format(name: &str, text: &str) -> Result<(), &'static str> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match name {
        "email" if !is_email(text) => Err("must be a valid email address"),
        "countryOfIssue" if !is_country(text) => Err("must be an ISO-3166-1 alpha-2 country code"),
        "phoneCountryCode" if !digits => Err("must be 1 to 3 digits"),
        "phoneNumber" if !digits => Err("must contain digits only"),
        "occupation" if !is_occupation(text) => {
            Err("must be an occupation code from /kyc/values or an SOC code like 49-3023")
        }
        _ => Ok(()),
    }
}

/// A code from [`OCCUPATIONS`] or any SOC code (`^\d{2}-\d{4}$`).
fn is_occupation(code: &str) -> bool {
    let soc =
        code.len() == 7 && code.bytes().enumerate().all(|(i, b)| if i == 2 { b == b'-' } else { b.is_ascii_digit() });
    soc || OCCUPATIONS.iter().any(|(known, _)| *known == code)
}

/// `YYYY-MM-DD`, a real date in the past, at least 18 years ago.
fn check_birth_date(text: &str, today: Date) -> Result<(), &'static str> {
    let date = parse_date(text).ok_or("must be a real date in the form YYYY-MM-DD")?;
    if date >= today {
        return Err("must be in the past");
    }
    if date.year() < 1900 {
        return Err("must be after 1900");
    }
    let birthday_passed = (u8::from(today.month()), today.day()) >= (u8::from(date.month()), date.day());
    let age = today.year() - date.year() - i32::from(!birthday_passed);
    if age < 18 {
        return Err("the applicant must be at least 18 years old");
    }
    Ok(())
}

fn validate_address(check: &mut Check<'_>) {
    check.string("line1", true, 1, 100);
    check.string("line2", false, 0, 100);
    check.string("city", true, 1, 60);
    check.string("region", true, 1, 60);
    check.string("postalCode", true, 1, 20);
    if let Some(code) = check.string("countryCode", true, 0, usize::MAX) {
        if !is_country(code) {
            check.fail("countryCode", "must be an ISO-3166-1 alpha-2 country code");
        }
    }
}

/// Matches `text` against a pattern of the one form the form uses, `^[CLASS]+$`, where CLASS holds ranges
/// (`0-9`, `A-Z`) and single characters (a `-` first or last is literal). `None` if the pattern has
/// another form. This avoids a regex dependency for the single regex the API publishes.
fn matches_class_pattern(pattern: &str, text: &str) -> Option<bool> {
    let class: Vec<char> = pattern.strip_prefix("^[")?.strip_suffix("]+$")?.chars().collect();
    if class.is_empty() || class.contains(&'\\') || class.contains(&'[') || class.contains(&']') || class[0] == '^' {
        return None;
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            ranges.push((class[i], class[i + 2]));
            i += 3;
        } else {
            ranges.push((class[i], class[i]));
            i += 1;
        }
    }
    Some(!text.is_empty() && text.chars().all(|c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::SimConfig;
    use crate::routes::sessions::testkit::{approve, call, mint, new_sim, user_of};
    use axum::http::StatusCode;

    fn application(last_name: &str) -> Value {
        json!({
            "firstName": "John",
            "lastName": last_name,
            "birthDate": "1990-01-01",
            "nationalId": "123456789",
            "countryOfIssue": "US",
            "email": "john@example.com",
            "address": {
                "line1": "123 Main St",
                "city": "New York",
                "region": "NY",
                "postalCode": "10001",
                "countryCode": "US",
                "line2": "Unit 4"
            },
            "occupation": "49-3023",
            "annualSalary": "<40k",
            "accountPurpose": "everyday spend",
            "expectedMonthlyVolume": "under $1k",
            "phoneCountryCode": "1",
            "phoneNumber": "4155551234"
        })
    }

    fn fields_of(reply: &Reply) -> Vec<String> {
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect()
    }

    fn bearer(token: &str) -> Vec<(&'static str, String)> {
        vec![("authorization", format!("Bearer {token}"))]
    }

    fn submit_as(sim: &Sim, token: &str, body: Value) -> Reply {
        call(sim, submit, "POST", "/kyc/applications", &bearer(token), body)
    }

    fn get(sim: &Sim, handler: fn(&Sim, &mut State, &Req) -> Answer, path: &str, token: &str) -> Reply {
        call(sim, handler, "GET", path, &bearer(token), Value::Null)
    }

    #[test]
    fn values_match_the_guide() {
        let sim = new_sim();
        let token = mint(&sim, "eeetest", &["kyc.read", "kyc.write"]);
        let reply = get(&sim, values, "/kyc/values", &token);
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["summary"], "kyc values");
        let data = &reply.body["data"];
        let names: Vec<&str> = data["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "firstName",
                "lastName",
                "birthDate",
                "nationalId",
                "countryOfIssue",
                "email",
                "address",
                "phoneCountryCode",
                "phoneNumber",
                "occupation",
                "annualSalary",
                "accountPurpose",
                "expectedMonthlyVolume"
            ]
        );
        assert_eq!(
            data["fields"][3],
            json!({"name": "nationalId", "required": true, "type": "string", "regex": "^[0-9A-Za-z-]+$",
                   "description": "Government ID number. Letters, numbers, and dashes only."})
        );
        assert_eq!(
            data["fields"][4],
            json!({"name": "countryOfIssue", "required": true, "type": "string", "minLength": 2, "maxLength": 2,
                   "description": "ISO-3166-1 alpha-2 (e.g., US)."})
        );
        assert_eq!(data["fields"][7]["required"], false);
        assert_eq!(data["fields"][8]["maxLength"], 15);
        // Byte-exact EN DASH (U+2013 = e2 80 93), never an ASCII hyphen.
        let salary = data["annualSalary"].as_array().unwrap();
        assert_eq!(salary[1].as_str().unwrap().as_bytes(), b"50k\xe2\x80\x9399k");
        assert_eq!(data["expectedMonthlyVolume"][1].as_str().unwrap().as_bytes(), b"$1k\xe2\x80\x93$5k");
        assert_eq!(data["fields"][10]["enum"], data["annualSalary"]);
        assert_eq!(data["fields"][12]["enum"], data["expectedMonthlyVolume"]);
        assert_eq!(
            data["accountPurpose"],
            json!(["everyday spend", "subscriptions", "business expenses", "testing", "other"])
        );
        let occupations = data["occupations"].as_array().unwrap();
        assert_eq!(occupations.len(), 48);
        assert_eq!(occupations[0], json!({"code": "11-1021", "label": "General and Operations Managers"}));
        assert_eq!(
            occupations[40],
            json!({"code": "49-3023", "label": "Automotive Service Technicians and Mechanics"})
        );
        assert_eq!(occupations[47], json!({"code": "OTHERXX", "label": "Other"}));
        // The serialised body carries the raw character, not an escape.
        let text = serde_json::to_string(&reply.body).unwrap();
        assert!(text.contains("\"100k–149k\"") && text.contains("\"$5k–$20k\""));
    }

    #[test]
    fn values_needs_kyc_read_and_a_token() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.write"]);
        assert_eq!(get(&sim, values, "/kyc/values", &token).status, StatusCode::FORBIDDEN);
        assert_eq!(get(&sim, values, "/kyc/values", "nope").status, StatusCode::UNAUTHORIZED);
        let reply = call(&sim, values, "GET", "/kyc/values", &[], Value::Null);
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn schema_accepts_partner_key_or_bearer() {
        let sim = new_sim();
        let key = vec![("x-partner-key", crate::config::DEMO_PARTNER_KEY.to_owned())];
        let reply = call(&sim, schema, "GET", "/kyc/schema", &key, Value::Null);
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["summary"], "kyc schema");
        assert_eq!(reply.body["data"]["fields"].as_array().unwrap().len(), 13);
        assert!(reply.body["data"].get("occupations").is_none());

        let token = mint(&sim, "u1", &["kyc.read"]);
        assert_eq!(get(&sim, schema, "/kyc/schema", &token).status, StatusCode::OK);
        let token = mint(&sim, "u2", &["kyc.write"]);
        assert_eq!(get(&sim, schema, "/kyc/schema", &token).status, StatusCode::FORBIDDEN);

        let bad = vec![("x-partner-key", "wrong".to_owned())];
        assert_eq!(call(&sim, schema, "GET", "/kyc/schema", &bad, Value::Null).status, StatusCode::UNAUTHORIZED);
        assert_eq!(call(&sim, schema, "GET", "/kyc/schema", &[], Value::Null).status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn submit_needs_verification_with_link_objects() {
        let sim = new_sim();
        let token = mint(&sim, "eeetest", &["kyc.read", "kyc.write"]);
        let reply = submit_as(&sim, &token, application("smith"));
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["summary"], "kyc submitted");
        let data = &reply.body["data"];
        assert_eq!(data["status"], "needs_verification");
        assert_eq!(data["reason"], "");
        assert_eq!(data["isActive"], true);
        assert_eq!(data["isTermsOfServiceAccepted"], false);
        let user = user_of(&sim, "eeetest");
        let link = json!({"url": "http://127.0.0.1:9/verify",
                          "params": {"userId": user.internal_id, "signature": user.kyc.signature}});
        assert_eq!(data["completionLink"], link);
        assert_eq!(data["externalVerificationLink"], link);
        assert_eq!(reply.body["next"]["suggestedTool"], "kyc.status");
        assert_eq!(reply.body["next"]["pollAfterMs"], 10);
        assert_eq!(user.kyc.application.as_ref().unwrap()["nationalId"], "123456789");
    }

    #[test]
    fn magic_last_names() {
        let sim = new_sim();
        let cases = [
            ("TestApproved", "approved", "", false),
            ("testdenied", "denied", "identity could not be verified", false),
            ("TestNeedsInformation", "needs_information", "proof of address required", true),
            ("TESTMANUALREVIEW", "manual_review", "", false),
        ];
        for (i, (name, status, reason, link)) in cases.into_iter().enumerate() {
            let token = mint(&sim, &format!("magic{i}"), &["kyc.read", "kyc.write"]);
            let reply = submit_as(&sim, &token, application(name));
            assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
            let data = &reply.body["data"];
            assert_eq!(data["status"], status, "{name}");
            assert_eq!(data["reason"], reason, "{name}");
            assert_eq!(data["completionLink"].is_object(), link, "{name}");
            assert_eq!(data["externalVerificationLink"].is_object(), link, "{name}");
            let polls = reply.body.get("next").is_some();
            assert_eq!(polls, matches!(status, "needs_information" | "manual_review"), "{name}");
        }
    }

    #[test]
    fn every_field_error_is_reported_on_its_path() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let body = json!({
            "firstName": "J".repeat(51),
            "birthDate": "1990-02-30",
            "nationalId": "12 34",
            "countryOfIssue": "XX",
            "email": "not-an-email",
            "address": {"line1": "", "line2": "x".repeat(101), "city": "c".repeat(61), "region": 7,
                        "postalCode": "p".repeat(21), "countryCode": "ZZ"},
            "phoneCountryCode": "+1",
            "phoneNumber": "415-555",
            "occupation": "plumber",
            "annualSalary": "50k-99k",
            "accountPurpose": "Testing",
            "expectedMonthlyVolume": "$1k-$5k",
            "somethingElse": "ignored"
        });
        let reply = submit_as(&sim, &token, body);
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.body["ok"], false);
        assert!(reply.body.get("data").is_none());
        assert_eq!(
            fields_of(&reply),
            [
                "firstName",
                "lastName",
                "birthDate",
                "nationalId",
                "countryOfIssue",
                "email",
                "address.line1",
                "address.line2",
                "address.city",
                "address.region",
                "address.postalCode",
                "address.countryCode",
                "phoneCountryCode",
                "phoneNumber",
                "occupation",
                "annualSalary",
                "accountPurpose",
                "expectedMonthlyVolume"
            ]
        );
        assert!(reply.body["errors"].as_array().unwrap().iter().all(|e| e["code"] == "invalid_request"));
        // Nothing was stored.
        assert!(user_of(&sim, "u1").kyc.application.is_none());
    }

    #[test]
    fn single_field_rules() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let today = sim.clock.now().date();
        let minor = format!("{}-01-01", today.year() - 10);
        let future = format!("{}-01-01", today.year() + 1);
        let cases: Vec<(&str, Value, &str)> = vec![
            ("/birthDate", json!("1990-1-1"), "birthDate"),
            ("/birthDate", json!(minor), "birthDate"),
            ("/birthDate", json!(future), "birthDate"),
            ("/birthDate", json!("1990-01-01T00:00:00.000Z"), "birthDate"),
            ("/nationalId", json!("A_1"), "nationalId"),
            ("/nationalId", json!(""), "nationalId"),
            ("/countryOfIssue", json!("USA"), "countryOfIssue"),
            ("/phoneCountryCode", json!("1234"), "phoneCountryCode"),
            ("/phoneNumber", json!("4".repeat(16)), "phoneNumber"),
            ("/address", json!("123 Main St"), "address"),
            ("/address/postalCode", Value::Null, "address.postalCode"),
            ("/address/countryCode", json!("U"), "address.countryCode"),
            ("/occupation", json!("49-302"), "occupation"),
            ("/email", json!(5), "email"),
        ];
        for (pointer, value, field) in cases {
            let mut body = application("smith");
            *body.pointer_mut(pointer).unwrap() = value.clone();
            let reply = submit_as(&sim, &token, body);
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{pointer} = {value}");
            assert_eq!(fields_of(&reply), [field], "{pointer} = {value}");
        }
    }

    #[test]
    fn lenient_where_the_docs_allow() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let mut body = application("smith");
        let map = body.as_object_mut().unwrap();
        map.remove("phoneCountryCode");
        map.insert("phoneNumber".into(), json!(""));
        map.insert("countryOfIssue".into(), json!("us"));
        map.insert("occupation".into(), json!("11-1011"));
        map.insert("nationalId".into(), json!("AB-1234-z"));
        map.insert("extra".into(), json!({"anything": true}));
        map["address"].as_object_mut().unwrap().remove("line2");
        map["address"]["countryCode"] = json!("gb");
        let reply = submit_as(&sim, &token, body);
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let mut body = application("smith");
        body["occupation"] = json!("SELFEMP");
        body["annualSalary"] = json!(ANNUAL_SALARY[2]);
        body["expectedMonthlyVolume"] = json!(EXPECTED_MONTHLY_VOLUME[2]);
        assert_eq!(submit_as(&sim, &token, body).status, StatusCode::OK);
    }

    #[test]
    fn submit_auth_and_state_gates() {
        let sim = new_sim();
        let read_only = mint(&sim, "u1", &["kyc.read"]);
        assert_eq!(submit_as(&sim, &read_only, application("smith")).status, StatusCode::FORBIDDEN);
        assert_eq!(submit_as(&sim, "sim_unknown", application("smith")).status, StatusCode::UNAUTHORIZED);
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let not_json = call(&sim, submit, "POST", "/kyc/applications", &bearer(&token), json!([1, 2]));
        assert_eq!(not_json.status, StatusCode::BAD_REQUEST);

        // Resubmission replaces the application while not approved.
        assert_eq!(submit_as(&sim, &token, application("TestDenied")).body["data"]["status"], "denied");
        let again = submit_as(&sim, &token, application("TestApproved"));
        assert_eq!(again.body["data"]["status"], "approved");
        assert!(again.body.get("next").is_none());
        assert_eq!(user_of(&sim, "u1").kyc.application.as_ref().unwrap()["lastName"], "TestApproved");

        let after = submit_as(&sim, &token, application("smith"));
        assert_eq!(after.status, StatusCode::CONFLICT);
        assert_eq!(after.body["summary"], "kyc already approved");
        assert_eq!(after.body["errors"][0]["code"], "invalid_state");
    }

    #[test]
    fn keyed_retry_replays_the_first_answer() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let mut headers = bearer(&token);
        headers.push(("idempotency-key", "kyc-attempt-0001".to_owned()));
        let first = call(&sim, submit, "POST", "/kyc/applications", &headers, application("TestApproved"));
        assert_eq!(first.body["data"]["status"], "approved");
        // A replay does not hit the "already approved" gate: it answers exactly as the first time.
        let replay = call(&sim, submit, "POST", "/kyc/applications", &headers, application("TestApproved"));
        assert_eq!(replay.status, StatusCode::OK);
        assert_eq!(replay.body, first.body);
        // The same key with another body conflicts.
        let other = call(&sim, submit, "POST", "/kyc/applications", &headers, application("smith"));
        assert_eq!(other.status, StatusCode::CONFLICT);
        assert_eq!(other.body["errors"][0]["code"], "idempotency_conflict");
    }

    #[test]
    fn status_before_and_after_submission() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let reply = get(&sim, status, "/kyc/status", &token);
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["summary"], "kyc status");
        assert_eq!(
            reply.body["data"],
            json!({"status": "not_submitted", "reason": "", "completionLink": null,
                   "externalVerificationLink": null, "isActive": null, "isTermsOfServiceAccepted": false})
        );
        assert!(reply.body.get("next").is_none());
        submit_as(&sim, &token, application("smith"));
        let reply = get(&sim, status, "/kyc/status", &token);
        assert_eq!(reply.body["data"]["status"], "needs_verification");
        assert!(reply.body["data"]["completionLink"]["params"]["signature"].is_string());
        assert_eq!(reply.body["next"], json!({"pollAfterMs": 10, "suggestedTool": "kyc.status", "suggestedArgs": {}}));
        let write_only = mint(&sim, "u1", &["kyc.write"]);
        assert_eq!(get(&sim, status, "/kyc/status", &write_only).status, StatusCode::FORBIDDEN);
    }

    #[test]
    fn terms_accepted_shows_in_status() {
        let sim = new_sim();
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        approve(&sim, "u1");
        sim.state.lock().unwrap().partners.values_mut().for_each(|p| {
            if let Some(user) = p.users.get_mut("u1") {
                user.agreements_accepted_at = Some(sim.clock.now());
            }
        });
        let reply = get(&sim, status, "/kyc/status", &token);
        assert_eq!(reply.body["data"]["status"], "approved");
        assert_eq!(reply.body["data"]["isTermsOfServiceAccepted"], true);
    }

    #[test]
    fn verification_then_pending_then_approved_on_the_clock() {
        let config = SimConfig { kyc_pending_for: Duration::from_secs(30), ..SimConfig::instant() };
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        submit_as(&sim, &token, application("smith"));
        {
            let mut st = sim.state.lock().unwrap();
            let owner = st.internal_ids.values().next().unwrap().clone();
            let user = st.user_mut(&owner).unwrap();
            assert!(complete_verification(user, sim.clock.now()));
            assert!(!complete_verification(user, sim.clock.now()));
        }
        let reply = get(&sim, status, "/kyc/status", &token);
        assert_eq!(reply.body["data"]["status"], "pending");
        assert_eq!(reply.body["data"]["completionLink"], Value::Null);
        assert!(reply.body.get("next").is_some());
        sim.clock.advance(Duration::from_secs(31));
        let reply = get(&sim, status, "/kyc/status", &token);
        assert_eq!(reply.body["data"]["status"], "approved");
        assert!(reply.body.get("next").is_none());
    }

    #[test]
    fn manual_review_approves_through_requests() {
        let config = SimConfig { kyc_manual_review_for: Duration::from_secs(60), ..SimConfig::instant() };
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        assert_eq!(submit_as(&sim, &token, application("TestManualReview")).body["data"]["status"], "manual_review");
        assert_eq!(get(&sim, status, "/kyc/status", &token).body["data"]["status"], "manual_review");
        sim.clock.advance(Duration::from_secs(61));
        assert_eq!(get(&sim, status, "/kyc/status", &token).body["data"]["status"], "approved");
    }

    #[test]
    fn class_pattern_matcher() {
        let p = "^[0-9A-Za-z-]+$";
        assert_eq!(matches_class_pattern(p, "AB-12-cd"), Some(true));
        assert_eq!(matches_class_pattern(p, "AB 12"), Some(false));
        assert_eq!(matches_class_pattern(p, "AB_12"), Some(false));
        assert_eq!(matches_class_pattern(p, "ÄB12"), Some(false));
        assert_eq!(matches_class_pattern(p, ""), Some(false));
        assert_eq!(matches_class_pattern("^\\d+$", "1"), None);
        // Every pattern the form publishes is one the matcher understands.
        for def in FIELDS.iter().filter(|d| d.regex.is_some()) {
            assert!(matches_class_pattern(def.regex.unwrap(), "x").is_some(), "{}", def.name);
        }
    }

    #[test]
    fn birth_date_edges() {
        let today = Date::from_calendar_date(2026, time::Month::March, 1).unwrap();
        assert!(check_birth_date("2008-03-01", today).is_ok());
        assert!(check_birth_date("2008-03-02", today).is_err());
        assert!(check_birth_date("2008-02-29", today).is_ok());
        assert!(check_birth_date("1899-12-31", today).is_err());
        assert!(check_birth_date("2026-03-01", today).is_err());
    }

    #[test]
    fn status_link_uses_the_origin() {
        let sim = Sim::new(SimConfig::instant(), "http://localhost:4010".into());
        let token = mint(&sim, "u1", &["kyc.read", "kyc.write"]);
        let reply = submit_as(&sim, &token, application("Doe"));
        assert_eq!(reply.body["data"]["completionLink"]["url"], "http://localhost:4010/verify");
    }
}
