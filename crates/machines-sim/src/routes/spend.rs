//! Simulated card spend (simulator-only `/_sim` routes): authorise against the card's status, its limit
//! window and the user's spending power; authorised spend is `pending` until it posts.

use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::clock::to_time;
use crate::reply::{Answer, Reply};
use crate::routes::ledger::transaction_json;
use crate::sim::{Req, Sim};
use crate::state::{CardRec, State, TxRec, User};
use crate::transitions::post_where;
use crate::validate::Check;

const DEFAULT_MERCHANT: &str = "Demo Merchant";
/// Large enough for any test, small enough that sums of many spends cannot overflow.
const MAX_SPEND_CENTS: i64 = 1_000_000_000_000;

/// `POST /_sim/cards/{card_id}/spend {amountCents, merchant?}`: one authorisation attempt. Declines are
/// answered 200 with `approved: false` and recorded as `declined` transactions, as an issuer would.
pub fn spend(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let card_id = req.param("card_id").to_owned();
    let body = req.json()?;
    let mut check = Check::new(&body);
    let amount = check.integer("amountCents", true, 1, MAX_SPEND_CENTS);
    let merchant = check.string("merchant", false, 1, 100).unwrap_or(DEFAULT_MERCHANT).to_owned();
    check.finish()?;
    let amount = amount.ok_or_else(|| Reply::invalid("amountCents", "is required"))?;

    let owner = st.card_owners.get(&card_id).cloned().ok_or_else(|| Reply::not_found("card"))?;
    sim.tick(st, &owner);
    let now = sim.clock.now();
    let transaction_id = st.next_transaction_id();
    let posts_at = now + to_time(sim.config.spend_posts_after);
    let user = st.user_mut(&owner).ok_or_else(|| Reply::not_found("card"))?;
    let card = user.card(&card_id).ok_or_else(|| Reply::not_found("card"))?;
    let decline = decline_reason(user, card, amount, now);
    let tx = TxRec {
        transaction_id,
        kind: "spend".to_owned(),
        status: if decline.is_some() { "declined" } else { "pending" }.to_owned(),
        amount_cents: amount,
        merchant_name: Some(merchant),
        card_id: Some(card_id),
        created_at: now,
        posts_at: decline.is_none().then_some(posts_at),
        posted_at: None,
        decline_reason: decline.as_ref().map(|d| d.code().to_owned()),
        refund_of: None,
    };
    let transaction = transaction_json(&tx);
    user.transactions.push(tx);
    Ok(match decline {
        Some(decline) => Reply::ok(
            "spend declined",
            json!({"approved": false, "reason": decline.text(), "transaction": transaction}),
        ),
        None => {
            user.pending_charges += amount;
            Reply::ok("spend authorized", json!({"approved": true, "transaction": transaction}))
        }
    })
}

/// Why a spend is declined: a code kept on the transaction (`declineReason`, which the client reads as
/// an enum) and words for the `/_sim` answer, which a person running the simulator reads.
#[derive(Debug, Clone, PartialEq)]
enum Decline {
    /// The card is not `active`; holds its status.
    CardStatus(String),
    /// The card's limit would be passed; holds the limit's frequency.
    Limit(String),
    SpendingPower,
}

impl Decline {
    fn code(&self) -> &'static str {
        match self {
            Self::CardStatus(status) if status == "locked" => "card_locked",
            Self::CardStatus(status) if status == "canceled" => "card_canceled",
            Self::CardStatus(_) => "card_inactive",
            Self::Limit(_) => "limit_exceeded",
            Self::SpendingPower => "insufficient_funds",
        }
    }

    fn text(&self) -> String {
        match self {
            Self::CardStatus(status) => format!("card is {status}"),
            Self::Limit(frequency) => format!("card limit exceeded ({frequency})"),
            Self::SpendingPower => "insufficient spending power".to_owned(),
        }
    }
}

/// Why `amount` on `card` must be declined now, if it must.
fn decline_reason(user: &User, card: &CardRec, amount: i64, now: OffsetDateTime) -> Option<Decline> {
    if card.status != "active" {
        return Some(Decline::CardStatus(card.status.clone()));
    }
    if let (Some(cap), Some(frequency)) =
        (card.limit.get("amountCents").and_then(|v| v.as_i64()), card.limit.get("frequency").and_then(|v| v.as_str()))
    {
        let exceeded = match frequency {
            "perAuthorization" => amount > cap,
            "allTime" => spent(user, &card.card_id, None) + amount > cap,
            other => {
                let since = window(other).map(|w| now - w);
                spent(user, &card.card_id, since) + amount > cap
            }
        };
        if exceeded {
            return Some(Decline::Limit(frequency.to_owned()));
        }
    }
    if amount > user.spending_power() {
        return Some(Decline::SpendingPower);
    }
    None
}

/// The length of a rolling limit window.
fn window(frequency: &str) -> Option<Duration> {
    match frequency {
        "per24HourPeriod" => Some(Duration::hours(24)),
        "per7DayPeriod" => Some(Duration::days(7)),
        "per30DayPeriod" => Some(Duration::days(30)),
        "perYearPeriod" => Some(Duration::days(365)),
        _ => None,
    }
}

/// The card's authorised (pending or posted) spend made after `since` (all of it when `None`). A refund
/// does not give the limit back: a limit caps what is spent, as most issuers count it, and the person's
/// money comes back through the balance instead.
fn spent(user: &User, card_id: &str, since: Option<OffsetDateTime>) -> i64 {
    user.transactions
        .iter()
        .filter(|tx| tx.kind == "spend" && !tx.is_refund() && tx.card_id.as_deref() == Some(card_id))
        .filter(|tx| tx.status == "pending" || tx.status == "posted")
        .filter(|tx| since.is_none_or(|since| tx.created_at > since))
        .map(|tx| tx.amount_cents)
        .sum()
}

/// `POST /_sim/transactions/settle`: posts every pending spend of every user now.
pub fn settle(sim: &Sim, st: &mut State, _req: &Req) -> Answer {
    let now = sim.clock.now();
    let posted: usize =
        st.partners.values_mut().flat_map(|p| p.users.values_mut()).map(|user| post_where(user, |_| Some(now))).sum();
    Ok(Reply::ok("transactions settled", json!({"posted": posted})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;
    use crate::routes::cards;
    use crate::routes::cards::testkit::{field_errors, login, new_card, with_user, Call};
    use serde_json::Value;

    const ALL: [&str; 2] = ["cards.read", "cards.write"];

    /// A simulator whose spend stays pending for a minute.
    fn slow_sim() -> Sim {
        let mut config = SimConfig::instant();
        config.spend_posts_after = std::time::Duration::from_secs(60);
        Sim::new(config, "http://127.0.0.1:9".into())
    }

    fn attempt(sim: &Sim, card_id: &str, amount: i64) -> Reply {
        Call::post("/_sim/cards/x/spend").param("card_id", card_id).json(json!({"amountCents": amount})).run(sim, spend)
    }

    fn approved(reply: &Reply) -> bool {
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["data"]["approved"].as_bool().unwrap()
    }

    fn funded_card(sim: &Sim, user: &str, credit: i64, body: Value) -> (String, String) {
        let token = login(sim, user, &ALL, true);
        with_user(sim, user, |u| u.credit_limit = credit);
        let card = new_card(sim, &token, body);
        (token, card)
    }

    #[test]
    fn approves_then_posts_when_due() {
        let sim = slow_sim();
        let (_, card) = funded_card(&sim, "alice", 10_000, json!({}));
        let reply = Call::post("/_sim/cards/x/spend")
            .param("card_id", &card)
            .json(json!({"amountCents": 1_250, "merchant": "Coffee Shop"}))
            .run(&sim, spend);
        assert!(approved(&reply));
        assert_eq!(reply.body["summary"], "spend authorized");
        let tx = &reply.body["data"]["transaction"];
        assert_eq!(tx["type"], "spend");
        assert_eq!(tx["status"], "pending");
        assert_eq!((&tx["postedAt"], &tx["declineReason"]), (&Value::Null, &Value::Null));
        assert_eq!(tx["amountCents"], 1_250);
        assert_eq!(tx["merchantName"], "Coffee Shop");
        assert_eq!(tx["cardId"], json!(card));
        assert_eq!(tx["currency"], "USD");
        assert!(tx["transactionId"].as_str().unwrap().starts_with("txn_"));
        let default = attempt(&sim, &card, 50);
        assert_eq!(default.body["data"]["transaction"]["merchantName"], "Demo Merchant");
        assert_eq!(with_user(&sim, "alice", |u| (u.pending_charges, u.spending_power())), (1_300, 8_700));

        let now = sim.clock.now();
        with_user(&sim, "alice", |u| crate::transitions::spend(u, now));
        assert_eq!(with_user(&sim, "alice", |u| u.pending_charges), 1_300, "not due yet");
        sim.clock.advance(std::time::Duration::from_secs(61));
        let later = sim.clock.now();
        with_user(&sim, "alice", |u| {
            crate::transitions::spend(u, later);
            assert_eq!((u.pending_charges, u.posted_charges, u.balance_due), (0, 1_300, 1_300));
            assert_eq!(u.spending_power(), 8_700);
            assert!(u.transactions.iter().all(|t| t.status == "posted"));
            // Posted when it was due (a minute after it was made), not when the late tick came.
            assert!(u.transactions.iter().all(|t| t.posted_at == Some(t.created_at + Duration::seconds(60))));
        });
    }

    #[test]
    fn validates_the_body_and_the_card() {
        let sim = slow_sim();
        let (_, card) = funded_card(&sim, "alice", 10_000, json!({}));
        assert_eq!(field_errors(&attempt(&sim, &card, 0)), ["amountCents"]);
        let missing = Call::post("/_sim/cards/x/spend").param("card_id", &card).json(json!({})).run(&sim, spend);
        assert_eq!(field_errors(&missing), ["amountCents"]);
        let merchant = Call::post("/_sim/cards/x/spend")
            .param("card_id", &card)
            .json(json!({"amountCents": 1, "merchant": "m".repeat(101)}))
            .run(&sim, spend);
        assert_eq!(field_errors(&merchant), ["merchant"]);
        assert_eq!(attempt(&sim, "00000000-0000-4000-8000-000000000000", 100).status, 404);
        assert!(with_user(&sim, "alice", |u| u.transactions.is_empty()), "nothing recorded for a bad request");
    }

    #[test]
    fn declines_locked_canceled_and_unfunded_cards_and_records_them() {
        let sim = slow_sim();
        let (token, card) = funded_card(&sim, "alice", 1_000, json!({}));
        let lock = |status: &str| {
            Call::patch("/cards/x")
                .bearer(&token)
                .param("card_id", &card)
                .json(json!({"status": status}))
                .run(&sim, cards::update)
        };
        lock("locked");
        let reply = attempt(&sim, &card, 100);
        assert!(!approved(&reply));
        assert_eq!(reply.body["summary"], "spend declined");
        assert_eq!(reply.body["data"]["reason"], "card is locked");
        assert_eq!(reply.body["data"]["transaction"]["status"], "declined");
        assert_eq!(reply.body["data"]["transaction"]["declineReason"], "card_locked");
        assert_eq!(reply.body["data"]["transaction"]["postedAt"], Value::Null, "a decline never posts");
        lock("active");
        assert_eq!(attempt(&sim, &card, 1_001).body["data"]["reason"], "insufficient spending power");
        assert!(approved(&attempt(&sim, &card, 1_000)));
        assert_eq!(attempt(&sim, &card, 1).body["data"]["reason"], "insufficient spending power");
        lock("canceled");
        assert_eq!(attempt(&sim, &card, 1).body["data"]["reason"], "card is canceled");
        with_user(&sim, "alice", |u| {
            let statuses: Vec<&str> = u.transactions.iter().map(|t| t.status.as_str()).collect();
            assert_eq!(statuses, ["declined", "declined", "pending", "declined", "declined"]);
            assert_eq!(u.pending_charges, 1_000, "declines move no money");
            let reasons: Vec<Option<&str>> = u.transactions.iter().map(|t| t.decline_reason.as_deref()).collect();
            assert_eq!(
                reasons,
                [
                    Some("card_locked"),
                    Some("insufficient_funds"),
                    None,
                    Some("insufficient_funds"),
                    Some("card_canceled")
                ],
                "each decline keeps why"
            );
        });
    }

    #[test]
    fn per_authorization_limits_each_spend_alone() {
        let sim = slow_sim();
        let limit = json!({"limit": {"amountCents": 2_500, "frequency": "perAuthorization"}});
        let (_, card) = funded_card(&sim, "alice", 100_000, limit);
        assert!(approved(&attempt(&sim, &card, 2_500)));
        assert!(approved(&attempt(&sim, &card, 2_500)));
        let over = attempt(&sim, &card, 2_501);
        assert!(!approved(&over));
        assert_eq!(over.body["data"]["reason"], "card limit exceeded (perAuthorization)");
        assert_eq!(over.body["data"]["transaction"]["declineReason"], "limit_exceeded");
    }

    #[test]
    fn rolling_windows_forget_old_spend() {
        for (frequency, days) in
            [("per24HourPeriod", 1), ("per7DayPeriod", 7), ("per30DayPeriod", 30), ("perYearPeriod", 365)]
        {
            let sim = slow_sim();
            let limit = json!({"limit": {"amountCents": 1_000, "frequency": frequency}});
            let (_, card) = funded_card(&sim, "alice", 100_000, limit);
            assert!(approved(&attempt(&sim, &card, 600)), "{frequency}");
            let over = attempt(&sim, &card, 500);
            assert!(!approved(&over), "{frequency}");
            assert!(over.body["data"]["reason"].as_str().unwrap().contains(frequency));
            assert!(approved(&attempt(&sim, &card, 400)), "{frequency}: exactly the limit");
            // Posted spend still counts inside the window.
            sim.clock.advance(std::time::Duration::from_secs(days * 86_400 - 3_600));
            assert!(!approved(&attempt(&sim, &card, 1)), "{frequency}: still inside the window");
            sim.clock.advance(std::time::Duration::from_secs(7_200));
            assert!(approved(&attempt(&sim, &card, 1_000)), "{frequency}: the window has rolled");
            assert!(!approved(&attempt(&sim, &card, 1)), "{frequency}");
        }
    }

    #[test]
    fn all_time_limits_never_reset_and_declines_do_not_count() {
        let sim = slow_sim();
        let (_, card) =
            funded_card(&sim, "alice", 100_000, json!({"limit": {"amountCents": 1_000, "frequency": "allTime"}}));
        assert!(approved(&attempt(&sim, &card, 700)));
        assert!(!approved(&attempt(&sim, &card, 400)));
        assert!(approved(&attempt(&sim, &card, 300)), "the declined 400 does not use the limit");
        sim.clock.advance(std::time::Duration::from_secs(400 * 86_400));
        assert_eq!(attempt(&sim, &card, 1).body["data"]["reason"], "card limit exceeded (allTime)");
    }

    #[test]
    fn settle_posts_every_pending_spend_of_every_user() {
        let sim = slow_sim();
        let (_, a) = funded_card(&sim, "alice", 10_000, json!({}));
        let (_, b) = funded_card(&sim, "bob", 10_000, json!({}));
        attempt(&sim, &a, 100);
        attempt(&sim, &a, 200);
        attempt(&sim, &b, 300);
        attempt(&sim, &b, 50_000);
        let reply = Call::post("/_sim/transactions/settle").run(&sim, settle);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["data"]["posted"], 3);
        with_user(&sim, "alice", |u| assert_eq!((u.pending_charges, u.posted_charges, u.balance_due), (0, 300, 300)));
        with_user(&sim, "bob", |u| assert_eq!((u.pending_charges, u.posted_charges, u.balance_due), (0, 300, 300)));
        assert_eq!(Call::post("/_sim/transactions/settle").run(&sim, settle).body["data"]["posted"], 0);
    }
}
