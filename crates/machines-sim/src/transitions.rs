//! The simulator's timed transitions: KYC approval, deposit funding and completion, spend posting.
//!
//! They are evaluated lazily, on each authenticated request (`Sim::tick` calls [`run`]), so there are no
//! background tasks and tests can move the clock. The request handlers in `routes/*` call into these state
//! machines too (funding a deposit, settling spend); this module never calls a handler, so imports point
//! one way: routes → transitions.

use time::OffsetDateTime;

use crate::assets::route_of;
use crate::clock::to_time;
use crate::config::SimConfig;
use crate::state::{DepositRec, KycStatus, TxRec, User};

/// Runs every timed transition of `user` up to `now`. `next_tx` numbers the transactions a completed
/// deposit records.
pub fn run(user: &mut User, now: OffsetDateTime, config: &SimConfig, next_tx: &mut u64) {
    kyc(user, now, config);
    deposits(user, now, config, next_tx);
    spend(user, now);
}

/// Timed transitions, measured from `kyc.since`: `needs_verification` → `pending` after
/// `kyc_auto_verify_after` (when set), `pending` → `approved` after `kyc_pending_for`, `manual_review` →
/// `approved` after `kyc_manual_review_for`. Several may happen in one call; each starts its successor's
/// timer at the moment it happened, not at `now`.
pub fn kyc(user: &mut User, now: OffsetDateTime, config: &SimConfig) {
    let kyc = &mut user.kyc;
    if kyc.status == KycStatus::NeedsVerification {
        if let Some(after) = config.kyc_auto_verify_after {
            let at = kyc.since + to_time(after);
            if at <= now {
                kyc.status = KycStatus::Pending;
                kyc.reason = None;
                kyc.since = at;
            }
        }
    }
    let wait = match kyc.status {
        KycStatus::Pending => config.kyc_pending_for,
        KycStatus::ManualReview => config.kyc_manual_review_for,
        _ => return,
    };
    let at = kyc.since + to_time(wait);
    if at <= now {
        kyc.status = KycStatus::Approved;
        kyc.reason = None;
        kyc.since = at;
    }
}

/// Marks a deposit as funded (`processing`), or failed when below its minimum.
pub fn fund_deposit(deposit: &mut DepositRec, amount: f64, now: OffsetDateTime) {
    deposit.funded_amount = Some(amount);
    deposit.status = if amount < deposit.min_amount { "failed" } else { "processing" }.to_owned();
    deposit.updated_at = now;
}

/// Timed deposit transitions: the Demo auto-fund, and `processing` → `completed` with its effects.
pub fn deposits(user: &mut User, now: OffsetDateTime, config: &SimConfig, next_tx: &mut u64) {
    let mut credited = Vec::new();
    for deposit in user.deposits.iter_mut() {
        if let Some(after) = config.deposit_auto_fund_after {
            if deposit.status == "awaitingDeposit" && now - deposit.updated_at >= to_time(after) {
                fund_deposit(deposit, config.auto_fund_amount, now);
            }
        }
        if deposit.status == "processing" && now - deposit.updated_at >= to_time(config.deposit_processing_for) {
            deposit.status = "completed".to_owned();
            deposit.updated_at = now;
            let rate = route_of(deposit).map_or(1.0, |r| r.usd_rate);
            let cents = (deposit.funded_amount.unwrap_or_default() * rate * 100.0).round() as i64;
            credited.push(cents);
        }
    }
    for cents in credited {
        user.credit_limit = user.credit_limit.saturating_add(cents);
        user.transactions.push(TxRec {
            transaction_id: format!("txn_{:06}", *next_tx),
            kind: "collateral".to_owned(),
            status: "posted".to_owned(),
            amount_cents: cents,
            merchant_name: None,
            card_id: None,
            created_at: now,
            posts_at: None,
            posted_at: Some(now),
            decline_reason: None,
            refund_of: None,
        });
        *next_tx += 1;
    }
}

/// Posts every pending spend of `user` for which `due` gives the moment it posts; returns how many.
pub fn post_where(user: &mut User, due: impl Fn(&TxRec) -> Option<OffsetDateTime>) -> usize {
    let mut posted = 0;
    let mut moved = 0;
    for tx in user.transactions.iter_mut().filter(|tx| tx.kind == "spend" && tx.status == "pending") {
        if let Some(at) = due(tx) {
            tx.status = "posted".to_owned();
            tx.posted_at = Some(at);
            tx.posts_at = None;
            moved += tx.amount_cents;
            posted += 1;
        }
    }
    user.pending_charges -= moved;
    user.posted_charges += moved;
    user.balance_due += moved;
    posted
}

/// Posts each pending spend whose time has come, at the time it was due (a late tick does not move it).
pub fn spend(user: &mut User, now: OffsetDateTime) {
    post_where(user, |tx| tx.posts_at.filter(|at| *at <= now));
}

/// Lets a pending spend go before it posts: `reversed`, its hold released. False if it is not pending.
pub fn reverse(user: &mut User, transaction_id: &str) -> bool {
    let Some(tx) = user
        .transactions
        .iter_mut()
        .find(|tx| tx.transaction_id == transaction_id && tx.kind == "spend" && tx.status == "pending")
    else {
        return false;
    };
    tx.status = "reversed".to_owned();
    tx.posts_at = None;
    let held = tx.amount_cents;
    user.pending_charges -= held;
    true
}

/// What is left to refund of a posted spend: its amount less the refunds already made for it.
pub fn refundable(user: &User, spend: &TxRec) -> i64 {
    let refunded: i64 = user
        .transactions
        .iter()
        .filter(|tx| tx.refund_of.as_deref() == Some(spend.transaction_id.as_str()))
        .map(|tx| -tx.amount_cents)
        .sum();
    spend.amount_cents - refunded
}

/// Records a refund of `cents` (> 0) for the posted spend `spend`, posted at once: a `spend` of `-cents` on
/// the same card and merchant. It lowers what is owed; posted charges and the balance due cannot go below
/// zero (the simulator has no payments, so they never should; the floor keeps a bug from showing a debt
/// as a credit).
pub fn refund(user: &mut User, spend: &TxRec, cents: i64, transaction_id: String, now: OffsetDateTime) -> TxRec {
    let tx = TxRec {
        transaction_id,
        kind: "spend".to_owned(),
        status: "posted".to_owned(),
        amount_cents: -cents,
        merchant_name: spend.merchant_name.clone(),
        card_id: spend.card_id.clone(),
        created_at: now,
        posts_at: None,
        posted_at: Some(now),
        decline_reason: None,
        refund_of: Some(spend.transaction_id.clone()),
    };
    user.posted_charges = (user.posted_charges - cents).max(0);
    user.balance_due = (user.balance_due - cents).max(0);
    user.transactions.push(tx.clone());
    tx
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::state::State;

    #[test]
    fn tick_transitions() {
        let config = SimConfig {
            kyc_pending_for: Duration::from_secs(10),
            kyc_manual_review_for: Duration::from_secs(20),
            kyc_auto_verify_after: Some(Duration::from_secs(5)),
            ..SimConfig::instant()
        };
        let t0 = OffsetDateTime::now_utc();
        let mut user = State::new(&config.partner_keys, config.seed)
            .ensure_user(crate::config::DEMO_PARTNER_KEY, "u1", t0)
            .clone();
        let secs = |n: i64| time::Duration::seconds(n);

        user.kyc.status = KycStatus::NeedsVerification;
        user.kyc.since = t0;
        kyc(&mut user, t0 + secs(4), &config);
        assert_eq!(user.kyc.status, KycStatus::NeedsVerification);
        kyc(&mut user, t0 + secs(5), &config);
        assert_eq!(user.kyc.status, KycStatus::Pending);
        assert_eq!(user.kyc.since, t0 + secs(5));
        kyc(&mut user, t0 + secs(14), &config);
        assert_eq!(user.kyc.status, KycStatus::Pending);
        kyc(&mut user, t0 + secs(15), &config);
        assert_eq!(user.kyc.status, KycStatus::Approved);

        // Both steps in one late tick; the pending timer starts when verification completed.
        user.kyc.status = KycStatus::NeedsVerification;
        user.kyc.since = t0;
        kyc(&mut user, t0 + secs(100), &config);
        assert_eq!(user.kyc.status, KycStatus::Approved);
        assert_eq!(user.kyc.since, t0 + secs(15));

        user.kyc.status = KycStatus::ManualReview;
        user.kyc.since = t0;
        kyc(&mut user, t0 + secs(19), &config);
        assert_eq!(user.kyc.status, KycStatus::ManualReview);
        kyc(&mut user, t0 + secs(20), &config);
        assert_eq!(user.kyc.status, KycStatus::Approved);

        // Without auto-verify, needs_verification and needs_information wait for the user.
        let manual = SimConfig { kyc_auto_verify_after: None, ..config };
        for waiting in [KycStatus::NeedsVerification, KycStatus::NeedsInformation, KycStatus::Denied] {
            user.kyc.status = waiting;
            user.kyc.since = t0;
            kyc(&mut user, t0 + secs(10_000), &manual);
            assert_eq!(user.kyc.status, waiting);
        }
    }
}
