//! Simulated refunds (simulator-only `/_sim` route), spelled as the API's enums allow: the transaction
//! types are `spend`, `collateral`, `payment` and `fee`, so there is no `refund` type. A spend that has not
//! posted yet is let go whole (`reversed`, as a merchant voids an authorisation); a posted one gets money
//! back as a new `spend` below zero, on the same card and merchant, up to what was spent.

use serde_json::json;

use crate::reply::{Answer, Reply};
use crate::routes::ledger::transaction_json;
use crate::sim::{Req, Sim};
use crate::state::{Owner, State};
use crate::transitions;
use crate::validate::Check;

/// `POST /_sim/transactions/{transaction_id}/refund {amountCents?}`: without an amount, everything still
/// refundable. A pending spend can only be reversed whole, so an amount other than its own is refused.
pub fn refund(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let transaction_id = req.param("transaction_id").to_owned();
    let body = req.json()?;
    let mut check = Check::new(&body);
    let asked = check.integer("amountCents", false, 1, i64::MAX);
    check.finish()?;

    let owner = owner_of(st, &transaction_id).ok_or_else(|| Reply::not_found("transaction"))?;
    // A spend that came due posts first, so what the caller sees decides between reversal and refund.
    sim.tick(st, &owner);
    let now = sim.clock.now();
    let refund_id = st.next_transaction_id();
    let user = st.user_mut(&owner).ok_or_else(|| Reply::not_found("transaction"))?;
    let original = user
        .transactions
        .iter()
        .find(|tx| tx.transaction_id == transaction_id)
        .cloned()
        .ok_or_else(|| Reply::not_found("transaction"))?;
    if original.kind != "spend" || original.is_refund() {
        return Err(Reply::invalid_state("not a card spend", "only a card spend can be refunded"));
    }
    match original.status.as_str() {
        "pending" => {
            if asked.is_some_and(|cents| cents != original.amount_cents) {
                return Err(Reply::invalid("amountCents", "a pending spend is reversed whole"));
            }
            transitions::reverse(user, &transaction_id);
            let reversed = user
                .transactions
                .iter()
                .find(|tx| tx.transaction_id == transaction_id)
                .map(transaction_json)
                .ok_or_else(|| Reply::not_found("transaction"))?;
            Ok(Reply::ok("spend reversed", json!({"reversed": reversed})))
        }
        "posted" => {
            let left = transitions::refundable(user, &original);
            if left <= 0 {
                return Err(Reply::invalid_state("already refunded", "the spend has been refunded in full"));
            }
            let cents = asked.unwrap_or(left);
            if cents > left {
                return Err(Reply::invalid("amountCents", &format!("must be at most {left}, what is left to refund")));
            }
            let refund = transitions::refund(user, &original, cents, refund_id, now);
            Ok(Reply::ok("spend refunded", json!({"refund": transaction_json(&refund)})))
        }
        other => Err(Reply::invalid_state("not refundable", &format!("a {other} spend moved no money"))),
    }
}

/// Whose transaction this is: transaction ids are unique across the simulator (one sequence).
fn owner_of(st: &State, transaction_id: &str) -> Option<Owner> {
    st.partners.iter().find_map(|(partner, p)| {
        p.users.values().find_map(|user| {
            user.transactions
                .iter()
                .any(|tx| tx.transaction_id == transaction_id)
                .then(|| Owner { partner: partner.clone(), user_id: user.user_id.clone() })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;
    use crate::routes::cards::testkit::{error_code, field_errors, login, new_card, with_user, Call};
    use crate::routes::{ledger, spend};
    use serde_json::Value;
    use std::time::Duration;

    /// A simulator whose spend stays pending for a minute.
    fn slow_sim() -> Sim {
        let mut config = SimConfig::instant();
        config.spend_posts_after = Duration::from_secs(60);
        Sim::new(config, "http://127.0.0.1:9".into())
    }

    fn funded(sim: &Sim, credit: i64) -> (String, String) {
        let token = login(sim, "alice", &["cards.write", "transactions.read"], true);
        with_user(sim, "alice", |u| u.credit_limit = credit);
        let card = new_card(sim, &token, json!({}));
        (token, card)
    }

    /// Spends and returns the transaction id.
    fn spend_id(sim: &Sim, card_id: &str, amount: i64) -> String {
        let reply = Call::post("/_sim/cards/x/spend")
            .param("card_id", card_id)
            .json(json!({"amountCents": amount, "merchant": "Book Shop"}))
            .run(sim, spend::spend);
        reply.body["data"]["transaction"]["transactionId"].as_str().unwrap().to_owned()
    }

    fn refund_of(sim: &Sim, transaction_id: &str, body: Value) -> Reply {
        Call::post("/_sim/transactions/x/refund").param("transaction_id", transaction_id).json(body).run(sim, refund)
    }

    fn money(sim: &Sim) -> (i64, i64, i64, i64) {
        with_user(sim, "alice", |u| (u.pending_charges, u.posted_charges, u.balance_due, u.spending_power()))
    }

    #[test]
    fn a_pending_spend_is_reversed_whole_and_its_hold_released() {
        let sim = slow_sim();
        let (token, card) = funded(&sim, 10_000);
        let id = spend_id(&sim, &card, 2_000);
        assert_eq!(money(&sim), (2_000, 0, 0, 8_000));
        let part = refund_of(&sim, &id, json!({"amountCents": 500}));
        assert_eq!(field_errors(&part), ["amountCents"], "{}", part.body);
        let reply = refund_of(&sim, &id, json!({}));
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["summary"], "spend reversed");
        assert_eq!(reply.body["data"]["reversed"]["status"], "reversed");
        assert_eq!(money(&sim), (0, 0, 0, 10_000), "the hold is gone");
        // It never posts later, and cannot be reversed again.
        sim.clock.advance(Duration::from_secs(120));
        assert_eq!(money(&sim), (0, 0, 0, 10_000));
        assert_eq!(error_code(&refund_of(&sim, &id, json!({}))), "invalid_state");
        let listed = Call::get("/transactions").bearer(&token).run(&sim, ledger::transactions);
        let only = &listed.body["data"]["transactions"][0];
        assert_eq!((&only["status"], &only["postedAt"]), (&json!("reversed"), &Value::Null));
    }

    #[test]
    fn a_posted_spend_gets_money_back_as_a_negative_spend_up_to_what_was_spent() {
        let sim = slow_sim();
        let (token, card) = funded(&sim, 10_000);
        let id = spend_id(&sim, &card, 3_000);
        sim.clock.advance(Duration::from_secs(61));
        let part = refund_of(&sim, &id, json!({"amountCents": 1_000}));
        assert_eq!(part.status, 200, "{}", part.body);
        assert_eq!(part.body["summary"], "spend refunded");
        let refund = &part.body["data"]["refund"];
        assert_eq!(refund["type"], "spend");
        assert_eq!(refund["status"], "posted");
        assert_eq!(refund["amountCents"], -1_000);
        assert_eq!(refund["merchantName"], "Book Shop");
        assert_eq!(refund["cardId"], json!(card));
        assert!(refund["postedAt"].as_str().unwrap().ends_with('Z'));
        assert_ne!(refund["transactionId"], json!(id));
        assert_eq!(money(&sim), (0, 2_000, 2_000, 8_000), "the refund lowers what is owed");

        let over = refund_of(&sim, &id, json!({"amountCents": 2_001}));
        assert_eq!(field_errors(&over), ["amountCents"]);
        assert_eq!(over.body["errors"][0]["message"], "must be at most 2000, what is left to refund");
        let rest = refund_of(&sim, &id, json!({}));
        assert_eq!(rest.body["data"]["refund"]["amountCents"], -2_000, "no amount: everything left");
        assert_eq!(money(&sim), (0, 0, 0, 10_000));
        let again = refund_of(&sim, &id, json!({}));
        assert_eq!(again.status, 409);
        assert_eq!(again.body["summary"], "already refunded");

        let listed = Call::get("/transactions").bearer(&token).query("cardId", &card).run(&sim, ledger::transactions);
        let amounts: Vec<i64> = listed.body["data"]["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["amountCents"].as_i64().unwrap())
            .collect();
        assert_eq!(amounts, [-2_000, -1_000, 3_000], "refunds are listed on the card, newest first");
    }

    #[test]
    fn only_a_spend_that_moved_money_can_be_refunded() {
        let sim = slow_sim();
        let (_, card) = funded(&sim, 1_000);
        let declined = spend_id(&sim, &card, 5_000);
        let reply = refund_of(&sim, &declined, json!({}));
        assert_eq!(reply.status, 409);
        assert_eq!(error_code(&reply), "invalid_state");
        assert_eq!(reply.body["errors"][0]["message"], "a declined spend moved no money");

        let spent = spend_id(&sim, &card, 500);
        sim.clock.advance(Duration::from_secs(61));
        let refund = refund_of(&sim, &spent, json!({"amountCents": 100}));
        let refund_id = refund.body["data"]["refund"]["transactionId"].as_str().unwrap().to_owned();
        assert_eq!(refund_of(&sim, &refund_id, json!({})).body["summary"], "not a card spend");

        with_user(&sim, "alice", |u| {
            u.transactions[0].kind = "collateral".into();
        });
        assert_eq!(refund_of(&sim, &declined, json!({})).body["summary"], "not a card spend");
        assert_eq!(refund_of(&sim, "txn_999999", json!({})).status, 404);
        assert_eq!(field_errors(&refund_of(&sim, &spent, json!({"amountCents": 0}))), ["amountCents"]);
        assert_eq!(field_errors(&refund_of(&sim, &spent, json!({"amountCents": "10"}))), ["amountCents"]);
    }

    #[test]
    fn a_refund_does_not_give_the_limit_back() {
        let sim = slow_sim();
        let token = login(&sim, "alice", &["cards.write"], true);
        with_user(&sim, "alice", |u| u.credit_limit = 100_000);
        let card = new_card(&sim, &token, json!({"limit": {"amountCents": 1_000, "frequency": "allTime"}}));
        let id = spend_id(&sim, &card, 1_000);
        sim.clock.advance(Duration::from_secs(61));
        assert_eq!(refund_of(&sim, &id, json!({})).status, 200);
        let again = Call::post("/_sim/cards/x/spend")
            .param("card_id", &card)
            .json(json!({"amountCents": 1}))
            .run(&sim, spend::spend);
        assert_eq!(again.body["data"]["transaction"]["declineReason"], "limit_exceeded");
    }
}
