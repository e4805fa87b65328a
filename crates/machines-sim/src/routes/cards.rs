//! Cards: list, create, get, update (status, limit, labels) and delete (cancel).
//!
//! Status machine: `active ↔ locked`; anything → `canceled`, which is terminal (any further change is 409
//! `invalid_state`). `not_activated` exists in the enum but cannot be set by a client. Canceled cards leave
//! the list (as the first-party mock does) but can still be fetched by id.

use serde_json::{json, Map, Value};

use crate::auth::{self, Ctx};
use crate::clock::iso;
use crate::config::SecondDelete;
use crate::idempotency;
use crate::ids;
use crate::reply::{Answer, Reply};
use crate::routes::ledger::{cursor_error, decode_cursor, encode_cursor, query_limit};
use crate::sim::{self, Req, Sim};
use crate::state::{CardRec, State, User};
use crate::validate::Check;

/// The limit frequencies of §6.3.
pub const FREQUENCIES: [&str; 6] =
    ["perAuthorization", "per24HourPeriod", "per7DayPeriod", "per30DayPeriod", "perYearPeriod", "allTime"];

/// The label fields, in the order the card object shows them.
const LABELS: [&str; 4] = ["encryptedName", "encryptedColor", "encryptedEmoji", "encryptedMemo"];

/// Statuses a client may set with `PATCH`.
const CLIENT_STATUSES: [&str; 3] = ["active", "locked", "canceled"];

const MAX_LIMIT_CENTS: i64 = 100_000_000;
const CARDS_MAX_LIMIT: i64 = 100;
const CARDS_DEFAULT_LIMIT: i64 = 50;
const SORT_ORDER_BOUND: i64 = 1_000_000_000;

/// The last four digits of a PAN.
pub fn last4(pan: &str) -> String {
    pan.get(pan.len().saturating_sub(4)..).unwrap_or_default().to_owned()
}

/// The card object of §5.8, every field present.
pub fn card_json(card: &CardRec, user: &User) -> Value {
    json!({
        "cardId": card.card_id,
        "status": card.status,
        "last4": last4(&card.pan),
        "expirationMonth": card.expiration_month,
        "expirationYear": card.expiration_year,
        "brand": "VISA",
        "limit": card.limit,
        "encryptedName": card.encrypted_name,
        "encryptedColor": card.encrypted_color,
        "encryptedEmoji": card.encrypted_emoji,
        "encryptedMemo": card.encrypted_memo,
        "isPinned": card.is_pinned,
        "sortOrder": card.sort_order,
        "folderId": card.folder_id,
        "contractId": user.contract_id,
        "createdAt": iso(card.created_at),
    })
}

/// The `{card_id}` path parameter, at least 8 characters as the reference requires.
pub fn card_id_param<'r>(req: &'r Req) -> Result<&'r str, Reply> {
    let id = req.param("card_id");
    let count = id.chars().count();
    if count < 8 {
        Err(Reply::invalid("cardId", "must be at least 8 characters"))
    } else if count > 128 {
        Err(Reply::invalid("cardId", "must be at most 128 characters"))
    } else {
        Ok(id)
    }
}

/// A field a `PATCH` may set, clear (explicit `null`) or leave alone (absent).
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Keep,
    Set(Value),
    Clear,
}

impl Change {
    fn apply(self, slot: &mut Value) {
        match self {
            Self::Keep => {}
            Self::Set(value) => *slot = value,
            Self::Clear => *slot = Value::Null,
        }
    }

    /// For a create, where there is nothing to keep: the value or null.
    fn into_value(self) -> Value {
        match self {
            Self::Set(value) => value,
            Self::Keep | Self::Clear => Value::Null,
        }
    }
}

fn explicit_null(body: &Map<String, Value>, name: &str) -> bool {
    body.get(name).is_some_and(Value::is_null)
}

/// `limit`: `{amountCents: 1..=100_000_000, frequency}`; errors on `limit.amountCents`, `limit.frequency`.
fn read_limit(check: &mut Check, body: &Map<String, Value>) -> Change {
    if explicit_null(body, "limit") {
        return Change::Clear;
    }
    let Some(map) = check.object("limit", false) else { return Change::Keep };
    let mut nested = check.nested("limit", map);
    let amount = nested.integer("amountCents", true, 1, MAX_LIMIT_CENTS);
    let frequency = nested.one_of("frequency", true, &FREQUENCIES);
    check.absorb(nested);
    match (amount, frequency) {
        (Some(amount), Some(frequency)) => Change::Set(json!({"amountCents": amount, "frequency": frequency})),
        _ => Change::Keep,
    }
}

/// An `EncryptedField` `{v, iv, ct}`, stored as given (the simulator cannot and need not open it here).
fn read_label(check: &mut Check, body: &Map<String, Value>, name: &str) -> Change {
    if explicit_null(body, name) {
        return Change::Clear;
    }
    let Some(map) = check.object(name, false) else { return Change::Keep };
    let mut nested = check.nested(name, map);
    let v = nested.integer("v", true, 1, 1_000);
    let iv = nested.string("iv", true, 1, 256);
    let ct = nested.string("ct", true, 1, 16_384);
    check.absorb(nested);
    match (v, iv, ct) {
        (Some(v), Some(iv), Some(ct)) => Change::Set(json!({"v": v, "iv": iv, "ct": ct})),
        _ => Change::Keep,
    }
}

fn read_folder(check: &mut Check, body: &Map<String, Value>) -> Change {
    if explicit_null(body, "folderId") {
        return Change::Clear;
    }
    match check.string("folderId", false, 1, 64) {
        Some(folder) => Change::Set(json!(folder)),
        None => Change::Keep,
    }
}

/// `GET /cards`: the user's cards that are not canceled, oldest first, cursor-paginated.
pub fn list(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("cards.read"))?;
    let user = sim::user(st, &ctx.owner)?;
    let mut errors = Vec::new();
    let limit = query_limit(req, CARDS_MAX_LIMIT, CARDS_DEFAULT_LIMIT).map_err(|e| errors.push(e)).unwrap_or(0);
    // A cursor is the index (in creation order, canceled cards included) of the next card to show. Cards
    // are never removed, so a cursor stays valid while cards are added or canceled between pages.
    let start = match req.query.get("cursor") {
        None => 0,
        Some(cursor) => {
            let index = decode_cursor("cards", cursor).and_then(|p| p.parse::<usize>().ok());
            match index.filter(|&i| i <= user.cards.len()) {
                Some(index) => index,
                None => {
                    errors.push(cursor_error());
                    0
                }
            }
        }
    };
    if !errors.is_empty() {
        return Err(Reply::invalid_fields(errors));
    }
    let mut cards = Vec::new();
    let mut next_cursor = None;
    for (index, card) in user.cards.iter().enumerate().skip(start) {
        if card.status == "canceled" {
            continue;
        }
        if cards.len() == limit {
            next_cursor = Some(encode_cursor("cards", &index.to_string()));
            break;
        }
        cards.push(card_json(card, user));
    }
    let summary = if cards.is_empty() { "no cards" } else { "cards" };
    Ok(Reply::ok(summary, json!({"cards": cards, "nextCursor": next_cursor})))
}

/// `POST /cards`: a new virtual VISA card. Needs approved KYC and accepted agreements; honours
/// `Idempotency-Key`.
pub fn create(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("cards.write"))?;
    sim::user(st, &ctx.owner).and_then(|user| auth::gate_agreements(user))?;
    idempotency::once(sim, st, &ctx, req, |st| create_card(sim, st, &ctx, req))
}

fn create_card(sim: &Sim, st: &mut State, ctx: &Ctx, req: &Req) -> Answer {
    let body = req.json()?;
    let mut check = Check::new(&body);
    let [name, color, emoji, memo] = LABELS.map(|label| read_label(&mut check, &body, label).into_value());
    let limit = read_limit(&mut check, &body).into_value();
    let folder_id = read_folder(&mut check, &body).into_value();
    let is_pinned = check.boolean("isPinned", false).unwrap_or(false);
    let sort_order = check.integer("sortOrder", false, -SORT_ORDER_BOUND, SORT_ORDER_BOUND);
    check.finish()?;

    let now = sim.clock.now();
    let card_id = st.uuid();
    let (pan, cvc) = ids::card_numbers(&st.card_seed, &card_id);
    let expiration_year = u16::try_from(now.year() + 3).unwrap_or(u16::MAX);
    let user = sim::user(st, &ctx.owner)?;
    let card = CardRec {
        card_id: card_id.clone(),
        pan,
        cvc,
        status: "active".to_owned(),
        expiration_month: u8::from(now.month()),
        expiration_year,
        limit,
        encrypted_name: name,
        encrypted_color: color,
        encrypted_emoji: emoji,
        encrypted_memo: memo,
        is_pinned,
        sort_order: sort_order.unwrap_or_else(|| i64::try_from(user.cards.len()).unwrap_or(i64::MAX)),
        folder_id,
        created_at: now,
        deleted_at: None,
    };
    let data = card_json(&card, user);
    user.cards.push(card);
    st.card_owners.insert(card_id, ctx.owner.clone());
    Ok(Reply::ok("card created", data))
}

/// `GET /cards/{card_id}`: one of the user's cards, canceled ones included.
pub fn get(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("cards.read"))?;
    let card_id = card_id_param(req)?;
    let user = sim::user(st, &ctx.owner)?;
    let card = user.card(card_id).ok_or_else(|| Reply::not_found("card"))?;
    Ok(Reply::ok("card", card_json(card, user)))
}

fn canceled() -> Reply {
    Reply::invalid_state("card is canceled", "card is canceled; a canceled card cannot be changed")
}

/// `PATCH /cards/{card_id}`: status, limit, labels (and pin, order, folder). Honours `Idempotency-Key`.
pub fn update(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("cards.write"))?;
    idempotency::once(sim, st, &ctx, req, |st| update_card(sim, st, &ctx, req))
}

fn update_card(sim: &Sim, st: &mut State, ctx: &Ctx, req: &Req) -> Answer {
    let card_id = card_id_param(req)?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let status = match check.value("status", false) {
        None => None,
        Some(value) => match value.as_str() {
            Some(status) if CLIENT_STATUSES.contains(&status) => Some(status),
            Some("not_activated") => {
                check.fail("status", "cannot be set by a client");
                None
            }
            Some(_) => {
                check.fail("status", format!("must be one of: {}", CLIENT_STATUSES.join(", ")));
                None
            }
            None => {
                check.fail("status", "must be a string");
                None
            }
        },
    };
    let limit = read_limit(&mut check, &body);
    let labels = LABELS.map(|label| read_label(&mut check, &body, label));
    let folder_id = read_folder(&mut check, &body);
    let is_pinned = check.boolean("isPinned", false);
    let sort_order = check.integer("sortOrder", false, -SORT_ORDER_BOUND, SORT_ORDER_BOUND);
    check.finish()?;

    let now = sim.clock.now();
    let user = sim::user(st, &ctx.owner)?;
    let card = user.card_mut(card_id).ok_or_else(|| Reply::not_found("card"))?;
    if card.status == "canceled" {
        return Err(canceled());
    }
    if let Some(status) = status {
        if status == "canceled" {
            card.deleted_at = Some(now);
        }
        card.status = status.to_owned();
    }
    limit.apply(&mut card.limit);
    let [name, color, emoji, memo] = labels;
    name.apply(&mut card.encrypted_name);
    color.apply(&mut card.encrypted_color);
    emoji.apply(&mut card.encrypted_emoji);
    memo.apply(&mut card.encrypted_memo);
    folder_id.apply(&mut card.folder_id);
    if let Some(pinned) = is_pinned {
        card.is_pinned = pinned;
    }
    if let Some(order) = sort_order {
        card.sort_order = order;
    }
    let card = user.card(card_id).ok_or_else(|| Reply::not_found("card"))?;
    Ok(Reply::ok("card updated", card_json(card, user)))
}

/// `DELETE /cards/{card_id}`: cancels the card (terminal). Deleting a canceled card answers as
/// `SimConfig::second_delete` says: the same again by default.
pub fn delete(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("cards.write"))?;
    idempotency::once(sim, st, &ctx, req, |st| delete_card(sim, st, &ctx, req))
}

fn delete_card(sim: &Sim, st: &mut State, ctx: &Ctx, req: &Req) -> Answer {
    let card_id = card_id_param(req)?;
    let now = sim.clock.now();
    let user = sim::user(st, &ctx.owner)?;
    let card = user.card_mut(card_id).ok_or_else(|| Reply::not_found("card"))?;
    if card.status == "canceled" {
        match sim.config.second_delete {
            SecondDelete::Same => {}
            SecondDelete::AlreadyCanceled => {
                return Err(Reply::invalid_state("card already canceled", "the card is already canceled"))
            }
            SecondDelete::Gone => return Err(Reply::not_found("card")),
        }
    } else {
        card.status = "canceled".to_owned();
        card.deleted_at = Some(now);
    }
    let deleted_at = *card.deleted_at.get_or_insert(now);
    let data = json!({"cardId": card.card_id, "status": "canceled", "deletedAt": iso(deleted_at)});
    Ok(Reply::ok("card deleted", data))
}

/// Helpers for handler unit tests: a simulator, users with sessions, and requests built by hand.
#[cfg(test)]
pub(crate) mod testkit {
    use std::collections::HashMap;

    use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
    use serde_json::Value;

    use crate::config::{SimConfig, DEMO_PARTNER_KEY};
    use crate::reply::{Answer, Reply};
    use crate::sim::{Req, Sim};
    use crate::state::{KycStatus, Owner, SessionRec, State, User};

    pub type Handler = fn(&Sim, &mut State, &Req) -> Answer;

    pub fn sim() -> Sim {
        Sim::new(SimConfig::instant(), "http://127.0.0.1:9".into())
    }

    pub fn owner(user_id: &str) -> Owner {
        Owner { partner: DEMO_PARTNER_KEY.to_owned(), user_id: user_id.to_owned() }
    }

    /// Creates `user_id` if needed (KYC approved and agreements accepted when `ready`) and returns a fresh
    /// session token holding `scopes`, valid for ten years of simulated time.
    pub fn login(sim: &Sim, user_id: &str, scopes: &[&str], ready: bool) -> String {
        let now = sim.clock.now();
        let mut st = sim.state.lock().unwrap();
        let user = st.ensure_user(DEMO_PARTNER_KEY, user_id, now);
        if ready {
            user.kyc.status = KycStatus::Approved;
            user.agreements_accepted_at = Some(now);
        }
        let token = format!("tok_{}", st.token(24));
        let session = SessionRec {
            session_id: st.uuid(),
            user_id: user_id.to_owned(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires_at: now + time::Duration::days(3650),
        };
        st.partners.get_mut(DEMO_PARTNER_KEY).unwrap().sessions.insert(token.clone(), session);
        token
    }

    pub fn with_user<T>(sim: &Sim, user_id: &str, f: impl FnOnce(&mut User) -> T) -> T {
        let mut st = sim.state.lock().unwrap();
        f(st.user_mut(&owner(user_id)).unwrap())
    }

    /// Creates a card through the handler and returns its id.
    pub fn new_card(sim: &Sim, token: &str, body: Value) -> String {
        let reply = Call::post("/cards").bearer(token).json(body).run(sim, super::create);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["data"]["cardId"].as_str().unwrap().to_owned()
    }

    /// The `field` of every error in a reply.
    pub fn field_errors(reply: &Reply) -> Vec<String> {
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect()
    }

    pub fn error_code(reply: &Reply) -> String {
        reply.body["errors"][0]["code"].as_str().unwrap().to_owned()
    }

    /// A request built by hand.
    pub struct Call {
        method: Method,
        path: String,
        params: HashMap<String, String>,
        query: HashMap<String, String>,
        headers: HeaderMap,
        body: Vec<u8>,
    }

    impl Call {
        pub fn new(method: Method, path: &str) -> Self {
            Self {
                method,
                path: path.to_owned(),
                params: HashMap::new(),
                query: HashMap::new(),
                headers: HeaderMap::new(),
                body: Vec::new(),
            }
        }

        pub fn get(path: &str) -> Self {
            Self::new(Method::GET, path)
        }

        pub fn post(path: &str) -> Self {
            Self::new(Method::POST, path)
        }

        pub fn patch(path: &str) -> Self {
            Self::new(Method::PATCH, path)
        }

        pub fn delete(path: &str) -> Self {
            Self::new(Method::DELETE, path)
        }

        pub fn param(mut self, name: &str, value: &str) -> Self {
            self.params.insert(name.to_owned(), value.to_owned());
            self
        }

        pub fn query(mut self, name: &str, value: &str) -> Self {
            self.query.insert(name.to_owned(), value.to_owned());
            self
        }

        pub fn header(mut self, name: &str, value: &str) -> Self {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            self.headers.insert(name, HeaderValue::from_str(value).unwrap());
            self
        }

        pub fn bearer(self, token: &str) -> Self {
            self.header("authorization", &format!("Bearer {token}"))
        }

        pub fn idem(self, key: &str) -> Self {
            self.header("idempotency-key", key)
        }

        pub fn json(mut self, body: Value) -> Self {
            self.body = serde_json::to_vec(&body).unwrap();
            self
        }

        pub fn raw(mut self, body: &str) -> Self {
            self.body = body.as_bytes().to_vec();
            self
        }

        pub fn run(&self, sim: &Sim, handler: Handler) -> Reply {
            let mut st = sim.state.lock().unwrap();
            let req = Req {
                method: &self.method,
                path: &self.path,
                params: &self.params,
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            };
            handler(sim, &mut st, &req).unwrap_or_else(|refusal| refusal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{error_code, field_errors, login, new_card, owner, sim, with_user, Call};
    use super::*;
    use crate::config::SimConfig;
    use serde_json::json;

    const ALL: [&str; 2] = ["cards.read", "cards.write"];

    fn patch(sim: &Sim, token: &str, card_id: &str, body: Value) -> Reply {
        Call::patch("/cards/x").bearer(token).param("card_id", card_id).json(body).run(sim, update)
    }

    fn fetch(sim: &Sim, token: &str, card_id: &str) -> Reply {
        Call::get("/cards/x").bearer(token).param("card_id", card_id).run(sim, get)
    }

    #[test]
    fn create_is_gated_by_token_scope_kyc_and_agreements() {
        let sim = sim();
        assert_eq!(Call::post("/cards").json(json!({})).run(&sim, create).status, 401);
        let reader = login(&sim, "u1", &["cards.read"], true);
        let reply = Call::post("/cards").bearer(&reader).json(json!({})).run(&sim, create);
        assert_eq!(reply.status, 403);
        assert_eq!(error_code(&reply), "missing_scope");

        let pending = login(&sim, "u2", &ALL, false);
        let reply = Call::post("/cards").bearer(&pending).json(json!({})).run(&sim, create);
        assert_eq!(reply.status, 409);
        assert_eq!(error_code(&reply), "invalid_state");
        assert_eq!(reply.body["summary"], "kyc required");

        with_user(&sim, "u2", |u| u.kyc.status = crate::state::KycStatus::Approved);
        let reply = Call::post("/cards").bearer(&pending).json(json!({})).run(&sim, create);
        assert_eq!(reply.status, 409);
        assert_eq!(reply.body["summary"], "agreements required");
        assert!(with_user(&sim, "u2", |u| u.cards.is_empty()));

        with_user(&sim, "u2", |u| u.agreements_accepted_at = Some(u.created_at));
        assert_eq!(Call::post("/cards").bearer(&pending).run(&sim, create).status, 200, "an empty body is {{}}");
    }

    #[test]
    fn create_returns_the_whole_card_with_a_real_pan() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let before = sim.clock.now();
        let label = json!({"v": 1, "iv": "Qz4f2m7Hk1P9x0ab", "ct": "Hdbb2yT2F4xWZL5m5bJX3eJb4n8wVhjPzqLw2h7i"});
        let body = json!({"encryptedName": label, "limit": {"amountCents": 2500, "frequency": "perAuthorization"}});
        let reply = Call::post("/cards").bearer(&token).json(body).run(&sim, create);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["summary"], "card created");
        assert_eq!(reply.body["errors"], json!([]));
        let card = &reply.body["data"];
        let keys: Vec<&String> = card.as_object().unwrap().keys().collect();
        for key in [
            "cardId",
            "status",
            "last4",
            "expirationMonth",
            "expirationYear",
            "brand",
            "limit",
            "encryptedName",
            "encryptedColor",
            "encryptedEmoji",
            "encryptedMemo",
            "isPinned",
            "sortOrder",
            "folderId",
            "contractId",
            "createdAt",
        ] {
            assert!(keys.iter().any(|k| *k == key), "missing {key}");
        }
        assert_eq!(card["status"], "active");
        assert_eq!(card["brand"], "VISA");
        assert_eq!(card["encryptedName"], label);
        assert_eq!(card["encryptedColor"], Value::Null);
        assert_eq!(card["limit"], json!({"amountCents": 2500, "frequency": "perAuthorization"}));
        assert_eq!(card["isPinned"], false);
        assert_eq!(card["sortOrder"], 0);
        assert_eq!(card["folderId"], Value::Null);
        assert_eq!(card["expirationMonth"], u8::from(before.month()));
        assert_eq!(card["expirationYear"], before.year() + 3);
        let card_id = card["cardId"].as_str().unwrap();
        assert_eq!(card_id.len(), 36);

        let (pan, cvc, contract) = with_user(&sim, "alice", |u| {
            let rec = u.card(card_id).unwrap();
            (rec.pan.clone(), rec.cvc.clone(), u.contract_id.clone())
        });
        assert!(ids::luhn_valid(&pan) && pan.starts_with('4') && pan.len() == 16);
        assert_eq!(cvc.len(), 3);
        assert_eq!(card["last4"], pan[12..]);
        assert_eq!(card["contractId"], contract);
        assert_eq!(sim.state.lock().unwrap().card_owners.get(card_id), Some(&owner("alice")));

        let second = Call::post("/cards")
            .bearer(&token)
            .json(json!({"isPinned": true, "folderId": "travel", "encryptedMemo": label}))
            .run(&sim, create);
        assert_eq!(second.body["data"]["sortOrder"], 1, "defaults to the number of cards");
        assert_eq!(second.body["data"]["isPinned"], true);
        assert_eq!(second.body["data"]["folderId"], "travel");
        let explicit = Call::post("/cards").bearer(&token).json(json!({"sortOrder": -4})).run(&sim, create);
        assert_eq!(explicit.body["data"]["sortOrder"], -4);
    }

    #[test]
    fn create_reports_every_bad_field_on_its_dotted_path() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let body = json!({
            "encryptedName": {"v": "one", "iv": 5},
            "encryptedColor": "red",
            "limit": {"amountCents": 0, "frequency": "weekly"},
            "folderId": "f".repeat(65),
            "isPinned": "yes",
            "sortOrder": 1.5,
        });
        let reply = Call::post("/cards").bearer(&token).json(body).run(&sim, create);
        assert_eq!(reply.status, 400);
        assert_eq!(error_code(&reply), "invalid_request");
        assert_eq!(
            field_errors(&reply),
            [
                "encryptedName.v",
                "encryptedName.iv",
                "encryptedName.ct",
                "encryptedColor",
                "limit.amountCents",
                "limit.frequency",
                "folderId",
                "isPinned",
                "sortOrder"
            ]
        );
        let too_big = json!({"limit": {"amountCents": 100_000_001, "frequency": "allTime"}});
        assert_eq!(
            field_errors(&Call::post("/cards").bearer(&token).json(too_big).run(&sim, create)),
            ["limit.amountCents"]
        );
        let no_frequency = json!({"limit": {"amountCents": 100}});
        assert_eq!(
            field_errors(&Call::post("/cards").bearer(&token).json(no_frequency).run(&sim, create)),
            ["limit.frequency"]
        );
        assert_eq!(Call::post("/cards").bearer(&token).raw("{not json").run(&sim, create).status, 400);
        assert_eq!(Call::post("/cards").bearer(&token).raw("[1]").run(&sim, create).status, 400);
        for frequency in FREQUENCIES {
            let body = json!({"limit": {"amountCents": 100_000_000, "frequency": frequency}});
            assert_eq!(Call::post("/cards").bearer(&token).json(body).run(&sim, create).status, 200, "{frequency}");
        }
        assert_eq!(with_user(&sim, "alice", |u| u.cards.len()), FREQUENCIES.len(), "no card from a failed create");
    }

    #[test]
    fn create_replays_an_idempotency_key_and_refuses_its_reuse() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let key = "0b6f3c7e-1b0e-4c39-9d61-0c2f7f1d7a11";
        let body = json!({"limit": {"amountCents": 2500, "frequency": "perAuthorization"}});
        let first = Call::post("/cards").bearer(&token).idem(key).json(body.clone()).run(&sim, create);
        let again = Call::post("/cards").bearer(&token).idem(key).json(body).run(&sim, create);
        assert_eq!(first.status, 200);
        assert_eq!(again.status, 200);
        assert_eq!(first.body, again.body);
        assert!(again.headers.iter().any(|(name, value)| *name == "idempotent-replayed" && value == "true"));
        let other = Call::post("/cards").bearer(&token).idem(key).json(json!({})).run(&sim, create);
        assert_eq!(other.status, 409);
        assert_eq!(error_code(&other), "idempotency_conflict");
        assert_eq!(with_user(&sim, "alice", |u| u.cards.len()), 1);
        let short = Call::post("/cards").bearer(&token).idem("short").json(json!({})).run(&sim, create);
        assert_eq!(field_errors(&short), ["Idempotency-Key"]);
        // A failed attempt does not burn the key.
        let retry_key = "retry-key-123456";
        let bad = Call::post("/cards").bearer(&token).idem(retry_key).json(json!({"isPinned": 1})).run(&sim, create);
        assert_eq!(bad.status, 400);
        let good =
            Call::post("/cards").bearer(&token).idem(retry_key).json(json!({"isPinned": true})).run(&sim, create);
        assert_eq!(good.status, 200);
        assert_eq!(with_user(&sim, "alice", |u| u.cards.len()), 2);
    }

    #[test]
    fn list_pages_with_cursors_and_hides_canceled_cards() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let empty = Call::get("/cards").bearer(&token).run(&sim, list);
        assert_eq!(empty.status, 200);
        assert_eq!(empty.body["summary"], "no cards");
        assert_eq!(empty.body["data"], json!({"cards": [], "nextCursor": null}));

        let ids: Vec<String> = (0..6).map(|_| new_card(&sim, &token, json!({}))).collect();
        let reply = Call::delete("/cards/x").bearer(&token).param("card_id", &ids[1]).run(&sim, delete);
        assert_eq!(reply.status, 200);

        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut call = Call::get("/cards").bearer(&token).query("limit", "2");
            if let Some(c) = &cursor {
                call = call.query("cursor", c);
            }
            let reply = call.run(&sim, list);
            assert_eq!(reply.status, 200, "{}", reply.body);
            assert_eq!(reply.body["summary"], "cards");
            pages += 1;
            for card in reply.body["data"]["cards"].as_array().unwrap() {
                seen.push(card["cardId"].as_str().unwrap().to_owned());
            }
            match reply.body["data"]["nextCursor"].as_str() {
                Some(next) => {
                    assert_ne!(cursor.as_deref(), Some(next));
                    cursor = Some(next.to_owned());
                }
                None => break,
            }
            // Cards canceled between pages do not shift the next page.
            if pages == 1 {
                Call::delete("/cards/x").bearer(&token).param("card_id", &ids[0]).run(&sim, delete);
            }
        }
        assert_eq!(pages, 3);
        let expected: Vec<String> = [0, 2, 3, 4, 5].iter().map(|&i| ids[i].clone()).collect();
        assert_eq!(seen, expected);

        let all = Call::get("/cards").bearer(&token).run(&sim, list);
        assert_eq!(all.body["data"]["cards"].as_array().unwrap().len(), 4);
        assert_eq!(all.body["data"]["nextCursor"], Value::Null);

        for (name, value) in [("limit", "0"), ("limit", "101"), ("limit", "x"), ("cursor", "???"), ("cursor", "")] {
            let reply = Call::get("/cards").bearer(&token).query(name, value).run(&sim, list);
            assert_eq!(reply.status, 400);
            assert_eq!(field_errors(&reply), [name], "{name}={value}");
        }
        let beyond = encode_cursor("cards", "99");
        assert_eq!(
            field_errors(&Call::get("/cards").bearer(&token).query("cursor", &beyond).run(&sim, list)),
            ["cursor"]
        );
        assert_eq!(Call::get("/cards").bearer(&token).query("limit", "100").run(&sim, list).status, 200);
        let writer = login(&sim, "alice", &["cards.write"], true);
        assert_eq!(Call::get("/cards").bearer(&writer).run(&sim, list).status, 403);
    }

    #[test]
    fn get_checks_the_id_and_the_owner() {
        let sim = sim();
        let alice = login(&sim, "alice", &ALL, true);
        let bob = login(&sim, "bob", &ALL, true);
        let card = new_card(&sim, &alice, json!({}));
        let reply = fetch(&sim, &alice, &card);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["summary"], "card");
        assert_eq!(reply.body["data"]["cardId"], json!(card));
        assert_eq!(field_errors(&fetch(&sim, &alice, "abc1234")), ["cardId"]);
        assert_eq!(fetch(&sim, &alice, "00000000-0000-4000-8000-000000000000").status, 404);
        let other = fetch(&sim, &bob, &card);
        assert_eq!(other.status, 404);
        assert_eq!(error_code(&other), "not_found");
        Call::delete("/cards/x").bearer(&alice).param("card_id", &card).run(&sim, delete);
        let canceled = fetch(&sim, &alice, &card);
        assert_eq!(canceled.status, 200);
        assert_eq!(canceled.body["data"]["status"], "canceled");
    }

    #[test]
    fn update_moves_between_active_and_locked_and_stops_at_canceled() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let card = new_card(&sim, &token, json!({"limit": {"amountCents": 500, "frequency": "allTime"}}));

        let locked = patch(&sim, &token, &card, json!({"status": "locked"}));
        assert_eq!(locked.status, 200);
        assert_eq!(locked.body["summary"], "card updated");
        assert_eq!(locked.body["data"]["status"], "locked");
        assert_eq!(patch(&sim, &token, &card, json!({"status": "locked"})).body["data"]["status"], "locked");
        assert_eq!(patch(&sim, &token, &card, json!({"status": "active"})).body["data"]["status"], "active");

        let not_activated = patch(&sim, &token, &card, json!({"status": "not_activated"}));
        assert_eq!(not_activated.status, 400);
        assert_eq!(field_errors(&not_activated), ["status"]);
        assert_eq!(not_activated.body["errors"][0]["message"], "cannot be set by a client");
        assert_eq!(field_errors(&patch(&sim, &token, &card, json!({"status": "frozen"}))), ["status"]);
        assert_eq!(field_errors(&patch(&sim, &token, &card, json!({"status": 1}))), ["status"]);

        let label = json!({"v": 1, "iv": "AAAAAAAAAAAAAAAA", "ct": "BBBB"});
        let limit = json!({"amountCents": 9_000, "frequency": "per30DayPeriod"});
        let edited = patch(&sim, &token, &card, json!({"limit": limit, "encryptedEmoji": label}));
        assert_eq!(edited.body["data"]["limit"], limit);
        assert_eq!(edited.body["data"]["encryptedEmoji"], label);
        assert_eq!(edited.body["data"]["status"], "active", "untouched fields stay");
        let cleared = patch(&sim, &token, &card, json!({"limit": null, "encryptedEmoji": null}));
        assert_eq!(cleared.body["data"]["limit"], Value::Null);
        assert_eq!(cleared.body["data"]["encryptedEmoji"], Value::Null);
        assert_eq!(
            field_errors(&patch(&sim, &token, &card, json!({"limit": {"amountCents": -1, "frequency": "allTime"}}))),
            ["limit.amountCents"]
        );
        assert_eq!(
            field_errors(&patch(&sim, &token, &card, json!({"encryptedMemo": {"v": 1, "iv": "x"}}))),
            ["encryptedMemo.ct"]
        );

        assert_eq!(patch(&sim, &token, "00000000-0000-4000-8000-000000000000", json!({})).status, 404);
        assert_eq!(field_errors(&patch(&sim, &token, "short", json!({}))), ["cardId"]);

        let canceled = patch(&sim, &token, &card, json!({"status": "canceled"}));
        assert_eq!(canceled.body["data"]["status"], "canceled");
        assert!(with_user(&sim, "alice", |u| u.card(&card).unwrap().deleted_at.is_some()));
        for body in [json!({"status": "active"}), json!({"status": "canceled"}), json!({"limit": null})] {
            let reply = patch(&sim, &token, &card, body);
            assert_eq!(reply.status, 409);
            assert_eq!(error_code(&reply), "invalid_state");
            assert_eq!(reply.body["summary"], "card is canceled");
        }
    }

    #[test]
    fn update_replays_its_idempotency_key() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let card = new_card(&sim, &token, json!({}));
        let call = Call::patch("/cards/x")
            .bearer(&token)
            .param("card_id", &card)
            .idem("patch-key-0001")
            .json(json!({"status": "locked"}));
        let first = call.run(&sim, update);
        patch(&sim, &token, &card, json!({"status": "active"}));
        let replay = call.run(&sim, update);
        assert_eq!(replay.body, first.body, "the first answer, not a second lock");
        assert_eq!(fetch(&sim, &token, &card).body["data"]["status"], "active");
        let reader = login(&sim, "alice", &["cards.read"], true);
        assert_eq!(patch(&sim, &reader, &card, json!({})).status, 403);
    }

    #[test]
    fn delete_cancels_once_and_answers_the_same_again() {
        let sim = sim();
        let token = login(&sim, "alice", &ALL, true);
        let bob = login(&sim, "bob", &ALL, true);
        let card = new_card(&sim, &token, json!({}));
        let del = |t: &str, id: &str| Call::delete("/cards/x").bearer(t).param("card_id", id).run(&sim, delete);
        assert_eq!(del(&bob, &card).status, 404);
        let first = del(&token, &card);
        assert_eq!(first.status, 200);
        assert_eq!(first.body["summary"], "card deleted");
        assert_eq!(first.body["data"]["cardId"], json!(card));
        assert_eq!(first.body["data"]["status"], "canceled");
        assert!(first.body["data"]["deletedAt"].as_str().unwrap().ends_with('Z'));
        sim.clock.advance(std::time::Duration::from_secs(5));
        let second = del(&token, &card);
        assert_eq!(second.status, 200);
        assert_eq!(second.body["data"], first.body["data"]);
        assert_eq!(field_errors(&del(&token, "1234")), ["cardId"]);
        assert_eq!(del(&token, "00000000-0000-4000-8000-000000000000").status, 404);
    }

    #[test]
    fn a_second_delete_answers_as_configured() {
        for (second, status, code) in [
            (SecondDelete::Same, 200, None),
            (SecondDelete::AlreadyCanceled, 409, Some("invalid_state")),
            (SecondDelete::Gone, 404, Some("not_found")),
        ] {
            let sim =
                Sim::new(SimConfig { second_delete: second, ..SimConfig::instant() }, "http://127.0.0.1:9".into());
            let token = login(&sim, "alice", &ALL, true);
            let card = new_card(&sim, &token, json!({}));
            let del = || Call::delete("/cards/x").bearer(&token).param("card_id", &card).run(&sim, delete);
            assert_eq!(del().status, 200, "{second:?}");
            let again = del();
            assert_eq!(again.status, status, "{second:?}");
            assert_eq!(again.body["errors"][0]["code"].as_str(), code, "{second:?}");
            // Whatever the answer, the card stays canceled.
            assert_eq!(fetch(&sim, &token, &card).body["data"]["status"], "canceled", "{second:?}");
        }
    }
}
