//! `GET /balances` and `GET /transactions`, plus the cursor and `limit` helpers the list routes share.
//!
//! Cursors are opaque to clients: unpadded base64url of a small tagged text (`cards:3`, `txns:<ns>:<i>`), so
//! a cursor from one list is refused by another and a hand-made one is refused as malformed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::auth;
use crate::clock::iso;
use crate::reply::{Answer, Reply};
use crate::sim::{self, Req, Sim};
use crate::state::{State, TxRec};

/// The transaction types of §6.6.
pub const TX_TYPES: [&str; 4] = ["spend", "collateral", "payment", "fee"];

const TX_MAX_LIMIT: i64 = 200;
const DEFAULT_LIMIT: i64 = 50;

/// One transaction as the API shows it.
pub fn transaction_json(tx: &TxRec) -> Value {
    json!({
        "transactionId": tx.transaction_id,
        "type": tx.kind,
        "status": tx.status,
        "amountCents": tx.amount_cents,
        "currency": "USD",
        "merchantName": tx.merchant_name,
        "cardId": tx.card_id,
        "createdAt": iso(tx.created_at),
        // Neither is in the reference: when it posted, and why a declined spend was refused.
        "postedAt": tx.posted_at.map(iso),
        "declineReason": tx.decline_reason,
    })
}

/// The `limit` query parameter: `default` when absent, else an integer in `1..=max`.
pub fn query_limit(req: &Req, max: i64, default: i64) -> Result<usize, (String, String)> {
    let Some(raw) = req.query.get("limit") else { return usize::try_from(default).map_err(|_| limit_error(max)) };
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => usize::try_from(n).map_err(|_| limit_error(max)),
        _ => Err(limit_error(max)),
    }
}

fn limit_error(max: i64) -> (String, String) {
    ("limit".to_owned(), format!("must be an integer between 1 and {max}"))
}

/// An opaque cursor for `payload` in the list named `kind`.
pub fn encode_cursor(kind: &str, payload: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{payload}"))
}

/// The payload of a cursor made by [`encode_cursor`] for `kind`, or `None` if it is not one.
pub fn decode_cursor(kind: &str, cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(kind)?.strip_prefix(':').map(str::to_owned)
}

pub fn cursor_error() -> (String, String) {
    ("cursor".to_owned(), "is not a cursor returned by the previous page".to_owned())
}

/// `GET /balances`: the five values in cents. No scope is needed.
pub fn balances(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, None)?;
    let user = sim::user(st, &ctx.owner)?;
    let data = json!({"balances": {
        "creditLimit": user.credit_limit,
        "pendingCharges": user.pending_charges,
        "postedCharges": user.posted_charges,
        "balanceDue": user.balance_due,
        "spendingPower": user.spending_power(),
    }});
    Ok(Reply::ok("balances", data))
}

/// Where a transaction sits in the newest-first order: later `createdAt` first, later insertion first.
type TxKey = (i128, usize);

fn tx_key(tx: &TxRec, index: usize) -> TxKey {
    (tx.created_at.unix_timestamp_nanos(), index)
}

fn parse_tx_cursor(payload: &str) -> Option<TxKey> {
    let (nanos, index) = payload.split_once(':')?;
    Some((nanos.parse().ok()?, index.parse().ok()?))
}

/// The filters of `GET /transactions`, validated together so every bad parameter is reported at once.
struct TxQuery {
    types: Option<Vec<String>>,
    card_id: Option<String>,
    limit: usize,
    after: Option<TxKey>,
}

fn tx_query(req: &Req) -> Result<TxQuery, Reply> {
    let mut errors = Vec::new();
    let limit = query_limit(req, TX_MAX_LIMIT, DEFAULT_LIMIT).map_err(|e| errors.push(e)).unwrap_or(0);
    let types = req.query.get("type").and_then(|raw| {
        let wanted: Vec<String> = raw.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
        if wanted.is_empty() || wanted.iter().any(|t| !TX_TYPES.contains(&t.as_str())) {
            errors.push(("type".to_owned(), format!("must be a comma-separated list of: {}", TX_TYPES.join(", "))));
            None
        } else {
            Some(wanted)
        }
    });
    let card_id = req.query.get("cardId").and_then(|id| {
        if (8..=128).contains(&id.chars().count()) {
            Some(id.clone())
        } else {
            errors.push(("cardId".to_owned(), "must be between 8 and 128 characters".to_owned()));
            None
        }
    });
    let after = req.query.get("cursor").and_then(|cursor| {
        let key = decode_cursor("txns", cursor).as_deref().and_then(parse_tx_cursor);
        if key.is_none() {
            errors.push(cursor_error());
        }
        key
    });
    if errors.is_empty() {
        Ok(TxQuery { types, card_id, limit, after })
    } else {
        Err(Reply::invalid_fields(errors))
    }
}

/// `GET /transactions`: newest first, filtered by type and card, cursor-paginated.
pub fn transactions(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = auth::bearer(sim, st, req, Some("transactions.read"))?;
    let query = tx_query(req)?;
    let user = sim::user(st, &ctx.owner)?;
    let mut matching: Vec<(TxKey, &TxRec)> = user
        .transactions
        .iter()
        .enumerate()
        .filter(|(_, tx)| query.types.as_ref().is_none_or(|types| types.contains(&tx.kind)))
        .filter(|(_, tx)| query.card_id.as_ref().is_none_or(|id| tx.card_id.as_ref() == Some(id)))
        .map(|(i, tx)| (tx_key(tx, i), tx))
        .filter(|(key, _)| query.after.is_none_or(|after| *key < after))
        .collect();
    matching.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
    let next_cursor = (matching.len() > query.limit)
        .then(|| matching.get(query.limit.saturating_sub(1)))
        .flatten()
        .map(|((nanos, index), _)| encode_cursor("txns", &format!("{nanos}:{index}")));
    let page: Vec<Value> = matching.iter().take(query.limit).map(|(_, tx)| transaction_json(tx)).collect();
    Ok(Reply::ok("transactions", json!({"transactions": page, "nextCursor": next_cursor})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::cards::testkit::{field_errors, login, new_card, sim, with_user, Call};
    use crate::routes::spend;
    use serde_json::json;
    use std::time::Duration;

    fn spend_on(sim: &Sim, card_id: &str, amount: i64, merchant: &str) -> Reply {
        Call::post("/_sim/cards/x/spend")
            .param("card_id", card_id)
            .json(json!({"amountCents": amount, "merchant": merchant}))
            .run(sim, spend::spend)
    }

    #[test]
    fn balances_need_a_session_but_no_scope_and_stay_consistent() {
        let sim = sim();
        assert_eq!(Call::get("/balances").run(&sim, balances).status, 401);
        let token = login(&sim, "alice", &["cards.write"], true);
        let reply = Call::get("/balances").bearer(&token).run(&sim, balances);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["summary"], "balances");
        assert_eq!(
            reply.body["data"]["balances"],
            json!({"creditLimit": 0, "pendingCharges": 0, "postedCharges": 0, "balanceDue": 0, "spendingPower": 0})
        );

        with_user(&sim, "alice", |u| u.credit_limit = 10_000);
        let card = new_card(&sim, &token, json!({}));
        assert!(spend_on(&sim, &card, 2_500, "Coffee").body["data"]["approved"].as_bool().unwrap());
        // The instant config posts the first spend on the next tick (the balances call).
        let b = Call::get("/balances").bearer(&token).run(&sim, balances).body["data"]["balances"].clone();
        assert_eq!(
            b,
            json!({"creditLimit": 10_000, "pendingCharges": 0, "postedCharges": 2_500, "balanceDue": 2_500, "spendingPower": 7_500})
        );
    }

    #[test]
    fn pending_spend_counts_against_spending_power_until_it_posts() {
        let mut config = crate::config::SimConfig::instant();
        config.spend_posts_after = Duration::from_secs(60);
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        let token = login(&sim, "bob", &["cards.write"], true);
        with_user(&sim, "bob", |u| u.credit_limit = 5_000);
        let card = new_card(&sim, &token, json!({}));
        assert_eq!(spend_on(&sim, &card, 1_000, "A").body["data"]["approved"], true);
        let b = Call::get("/balances").bearer(&token).run(&sim, balances).body["data"]["balances"].clone();
        assert_eq!(
            b,
            json!({"creditLimit": 5_000, "pendingCharges": 1_000, "postedCharges": 0, "balanceDue": 0, "spendingPower": 4_000})
        );
        sim.clock.advance(Duration::from_secs(61));
        let b = Call::get("/balances").bearer(&token).run(&sim, balances).body["data"]["balances"].clone();
        assert_eq!(
            b,
            json!({"creditLimit": 5_000, "pendingCharges": 0, "postedCharges": 1_000, "balanceDue": 1_000, "spendingPower": 4_000})
        );
    }

    #[test]
    fn transactions_need_their_scope_and_list_newest_first_with_filters() {
        let sim = sim();
        let without = login(&sim, "carol", &["cards.write"], true);
        assert_eq!(Call::get("/transactions").bearer(&without).run(&sim, transactions).status, 403);
        let token = login(&sim, "carol", &["cards.write", "transactions.read"], true);
        with_user(&sim, "carol", |u| u.credit_limit = 100_000);
        let empty = Call::get("/transactions").bearer(&token).run(&sim, transactions);
        assert_eq!(empty.status, 200);
        assert_eq!(empty.body["data"], json!({"transactions": [], "nextCursor": null}));

        let a = new_card(&sim, &token, json!({}));
        let b = new_card(&sim, &token, json!({}));
        for (card, amount) in [(&a, 100), (&b, 200), (&a, 300)] {
            spend_on(&sim, card, amount, "Shop");
            sim.clock.advance(Duration::from_millis(5));
        }
        with_user(&sim, "carol", |u| {
            u.transactions.push(TxRec {
                transaction_id: "txn_collateral".into(),
                kind: "collateral".into(),
                status: "posted".into(),
                amount_cents: 5_000,
                merchant_name: None,
                card_id: None,
                created_at: u.created_at,
                posts_at: None,
                posted_at: Some(u.created_at),
                decline_reason: None,
                refund_of: None,
            })
        });

        let all = Call::get("/transactions").bearer(&token).run(&sim, transactions);
        assert_eq!(all.body["summary"], "transactions");
        let items = all.body["data"]["transactions"].as_array().unwrap();
        let amounts: Vec<i64> = items.iter().map(|t| t["amountCents"].as_i64().unwrap()).collect();
        assert_eq!(amounts, [300, 200, 100, 5_000], "newest first, by createdAt");
        assert_eq!(items[0]["currency"], "USD");
        assert_eq!(items[0]["type"], "spend");
        assert_eq!(items[0]["merchantName"], "Shop");
        assert_eq!(items[0]["cardId"], json!(a));
        assert_eq!(items[3]["cardId"], Value::Null);
        assert_eq!(items[3]["merchantName"], Value::Null);
        assert!(items[0]["createdAt"].as_str().unwrap().ends_with('Z'));

        let only_a = Call::get("/transactions").bearer(&token).query("cardId", &a).run(&sim, transactions);
        let amounts: Vec<i64> = only_a.body["data"]["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["amountCents"].as_i64().unwrap())
            .collect();
        assert_eq!(amounts, [300, 100]);
        let collateral =
            Call::get("/transactions").bearer(&token).query("type", "collateral, fee").run(&sim, transactions);
        assert_eq!(collateral.body["data"]["transactions"].as_array().unwrap().len(), 1);
        let spends = Call::get("/transactions").bearer(&token).query("type", "spend").run(&sim, transactions);
        assert_eq!(spends.body["data"]["transactions"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn transactions_page_with_cursors_and_reject_bad_parameters() {
        let sim = sim();
        let token = login(&sim, "dave", &["cards.write", "transactions.read"], true);
        with_user(&sim, "dave", |u| u.credit_limit = 100_000);
        let card = new_card(&sim, &token, json!({}));
        for amount in 1..=5 {
            spend_on(&sim, &card, amount, "Shop");
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut call = Call::get("/transactions").bearer(&token).query("limit", "2");
            if let Some(c) = &cursor {
                call = call.query("cursor", c);
            }
            let reply = call.run(&sim, transactions);
            assert_eq!(reply.status, 200, "{}", reply.body);
            pages += 1;
            for t in reply.body["data"]["transactions"].as_array().unwrap() {
                seen.push(t["amountCents"].as_i64().unwrap());
            }
            match reply.body["data"]["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, [5, 4, 3, 2, 1]);

        // A full last page has no cursor.
        let exact = Call::get("/transactions").bearer(&token).query("limit", "5").run(&sim, transactions);
        assert_eq!(exact.body["data"]["nextCursor"], Value::Null);

        for (name, value) in
            [("limit", "0"), ("limit", "201"), ("limit", "ten"), ("type", "spend,refund"), ("type", ",")]
        {
            let reply = Call::get("/transactions").bearer(&token).query(name, value).run(&sim, transactions);
            assert_eq!(reply.status, 400, "{name}={value}");
            assert_eq!(field_errors(&reply), [name]);
        }
        assert_eq!(Call::get("/transactions").bearer(&token).query("limit", "200").run(&sim, transactions).status, 200);
        let cards_cursor = encode_cursor("cards", "1");
        for bad in ["garbage!", "", cards_cursor.as_str(), &encode_cursor("txns", "x:y")] {
            let reply = Call::get("/transactions").bearer(&token).query("cursor", bad).run(&sim, transactions);
            assert_eq!(field_errors(&reply), ["cursor"], "{bad}");
        }
        let short = Call::get("/transactions").bearer(&token).query("cardId", "abc").run(&sim, transactions);
        assert_eq!(field_errors(&short), ["cardId"]);
        let many =
            Call::get("/transactions").bearer(&token).query("limit", "0").query("type", "x").run(&sim, transactions);
        assert_eq!(field_errors(&many), ["limit", "type"], "every bad parameter at once");
    }
}
