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
        });
        *next_tx += 1;
    }
}

/// Posts every pending spend of `user` that `due` selects; returns how many.
pub fn post_where(user: &mut User, due: impl Fn(&TxRec) -> bool) -> usize {
    let mut posted = 0;
    let mut moved = 0;
    for tx in user.transactions.iter_mut().filter(|tx| tx.kind == "spend" && tx.status == "pending") {
        if due(tx) {
            tx.status = "posted".to_owned();
            moved += tx.amount_cents;
            posted += 1;
        }
    }
    user.pending_charges -= moved;
    user.posted_charges += moved;
    user.balance_due += moved;
    posted
}

/// Posts each pending spend whose time has come.
pub fn spend(user: &mut User, now: OffsetDateTime) {
    post_where(user, |tx| tx.posts_at.is_some_and(|at| at <= now));
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
