//! Withdrawals: routes, quotes and the signature payload the wallet executes on chain.
//!
//! Creating one answers `pending` (with `retryAfterSeconds` and a `next` hint) the configured number of
//! times, then `ready` with `parameters`, `signature` and `execution`. Polling is re-POSTing the same
//! request body, with a fresh or the same `Idempotency-Key` (the vendor's client sends a fresh one per
//! poll); a key reused for a different body is a 409. No money moves here: execution is on chain, by the
//! wallet, outside the API.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::{bearer, gate_agreements};
use crate::clock::iso;
use crate::idempotency::{body_hash, key};
use crate::reply::{Answer, Reply};
use crate::routes::deposits::{assets_json, find_route, Route};
use crate::sim::{user, Req, Sim};
use crate::state::{State, User, WithdrawalRec};
use crate::validate::{is_evm_address, Check};

/// How long a withdrawal's signature payload is valid.
const SIGNATURE_LIFETIME: time::Duration = time::Duration::minutes(10);
const COORDINATOR: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const COLLATERAL_PROXY: &str = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

/// `GET /withdrawals/assets` (scope `deposits.read`).
pub fn assets(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    bearer(sim, st, req, Some("deposits.read"))?;
    Ok(Reply::ok("withdrawal assets", assets_json(req)?))
}

/// Validates `destination` (and its address when `need_address`), returning its route.
fn destination(body: &Map<String, Value>, need_address: bool) -> Result<(&'static Route, &Map<String, Value>), Reply> {
    let mut check = Check::new(body);
    let dest = check.object("destination", true);
    let mut fields = (String::new(), String::new());
    if let Some(dest) = dest {
        let mut nested = check.nested("destination", dest);
        fields.0 = nested.string("currency", true, 1, 20).unwrap_or_default().to_owned();
        fields.1 = nested.string("network", true, 1, 20).unwrap_or_default().to_owned();
        if need_address {
            nested.string("address", true, 1, 128);
        }
        nested.string("extraId", false, 0, 64);
        check.absorb(nested);
    }
    if let Some(source) = check.object("source", false) {
        let mut nested = check.nested("source", source);
        nested.integer("chainId", false, 1, i64::MAX);
        nested.string("tokenAddress", false, 1, 128);
        nested.string("contractId", false, 1, 128);
        check.absorb(nested);
    }
    check.finish()?;
    let dest = dest.ok_or_else(|| Reply::invalid("destination", "is required"))?;
    let route = find_route(&fields.0, &fields.1, "destination.")?;
    if need_address && route.chain_id.is_some() {
        let address = dest.get("address").and_then(Value::as_str).unwrap_or_default();
        if !is_evm_address(address) {
            return Err(Reply::rejected(
                "wallet_invalid_for_chain",
                "destination.address",
                "not an EVM address (0x and 40 hex digits)",
            ));
        }
    }
    Ok((route, dest))
}

fn range_json(route: &Route, user: &User) -> Value {
    let max_cents = user.spending_power();
    json!({
        "fromCurrency": "usdc", "fromNetwork": "base",
        "toCurrency": route.ticker.to_ascii_lowercase(), "toNetwork": route.network,
        "minAmount": route.min_amount, "maxAmount": max_cents as f64 / 100.0 / route.usd_rate,
        "minAmountCents": (route.min_amount * route.usd_rate * 100.0).round() as i64, "maxAmountCents": max_cents,
        "destinationSupportsExtraId": route.supports_extra_id,
    })
}

/// `POST /withdrawals/range` (scope `deposits.read`).
pub fn range(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, Some("deposits.read"))?;
    let body = req.json()?;
    let (route, _) = destination(&body, false)?;
    let user = user(st, &ctx.owner)?;
    Ok(Reply::ok("withdrawal range", json!({"range": range_json(route, user)})))
}

/// `POST /withdrawals/estimate` (scope `deposits.read`).
pub fn estimate(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, Some("deposits.read"))?;
    let body = req.json()?;
    let (route, dest) = destination(&body, false)?;
    let mut check = Check::new(&body);
    let cents = check.integer("amountCents", true, 1, i64::from(i32::MAX));
    check.finish()?;
    let cents = cents.unwrap_or_default();
    let rate_id = format!("rate_{}", st.token(16));
    let user = user(st, &ctx.owner)?;
    let mut estimate = range_json(route, user);
    estimate["fromAmount"] = json!(cents as f64 / 100.0);
    estimate["fromAmountCents"] = json!(cents);
    estimate["estimatedToAmount"] = json!(cents as f64 / 100.0 / route.usd_rate);
    estimate["rateId"] = json!(rate_id);
    estimate["destinationExtraId"] = dest.get("extraId").cloned().unwrap_or(Value::Null);
    Ok(Reply::ok("withdrawal estimate", json!({"estimate": estimate})))
}

fn hex_of(material: &str) -> String {
    format!("0x{}", hex::encode(Sha256::digest(material.as_bytes())))
}

/// `POST /withdrawals` (scope `withdrawals.write`): pending, then the signature payload.
pub fn create(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, Some("withdrawals.write"))?;
    user(st, &ctx.owner).and_then(|u| gate_agreements(u))?;
    let body = req.json()?;
    let (route, dest) = destination(&body, true)?;
    let mut check = Check::new(&body);
    let cents = check.integer("amountCents", true, 1, i64::from(i32::MAX));
    check.string("adminAddress", false, 1, 128);
    check.finish()?;
    let cents = cents.unwrap_or_default();
    let idem = key(req)?;
    let hash = body_hash(req.body);
    let slot = hash.clone();
    let now = sim.clock.now();
    let seed = sim.config.seed;
    let pending_polls = sim.config.withdrawal_pending_polls;
    let Some(user) = st.user_mut(&ctx.owner) else { return Err(Reply::unauthorized("unknown user")) };
    // Keys and finished withdrawals are forgotten after a day, like other idempotency records; a ready
    // withdrawal whose signature has expired starts over, so the same request later gets a fresh one.
    user.withdrawal_keys.retain(|_, (_, at)| now - *at < time::Duration::hours(24));
    user.withdrawals.retain(|_, r| now < r.created_at + SIGNATURE_LIFETIME);
    if let Some(key) = &idem {
        if user.withdrawal_keys.get(key).is_some_and(|(known, _)| *known != hash) {
            return Err(Reply::conflict(
                "idempotency_conflict",
                "conflict",
                "this Idempotency-Key was already used for a different request",
            ));
        }
    }
    if !user.withdrawals.contains_key(&slot) && cents > user.spending_power() {
        return Err(Reply::invalid("amountCents", "exceeds the spending power available to withdraw"));
    }
    // Only an accepted request claims its key, so a refused one can be corrected and sent with it again.
    if let Some(key) = idem {
        user.withdrawal_keys.entry(key).or_insert((hash.clone(), now));
    }
    let record = user.withdrawals.entry(slot.clone()).or_insert(WithdrawalRec {
        polls: 0,
        amount_cents: cents,
        created_at: now,
    });
    record.polls = record.polls.saturating_add(1);
    if record.polls <= pending_polls {
        let data = json!({"status": "pending", "retryAfterSeconds": 2, "parameters": null, "signature": null,
            "expiresAt": null, "execution": null, "relay": null});
        return Ok(Reply::ok_next("withdrawal pending", data, 2000, "withdrawals.create"));
    }
    let expires = record.created_at + SIGNATURE_LIFETIME;
    let material = format!("{seed}/{}/{slot}", ctx.owner.user_id);
    let recipient = dest.get("address").and_then(Value::as_str).unwrap_or_default();
    let token = route.token_contract.unwrap_or_default();
    let parameters = json!([
        COLLATERAL_PROXY,
        token,
        (record.amount_cents * 10_000).to_string(),
        recipient,
        expires.unix_timestamp(),
        hex_of(&format!("{material}/salt")),
        hex_of(&format!("{material}/sig"))
    ]);
    let data = json!({
        "status": "ready", "retryAfterSeconds": null, "parameters": parameters,
        "signature": {"data": hex_of(&format!("{material}/sig")), "salt": hex_of(&format!("{material}/salt")), "parameters": parameters},
        "expiresAt": iso(expires),
        "execution": {"contractId": user.contract_id, "contractVersion": 2, "chainId": route.chain_id.unwrap_or(8453),
            "collateralProxyAddress": COLLATERAL_PROXY, "controllerAddress": null, "coordinatorAddress": COORDINATOR,
            "callTarget": COORDINATOR, "callPath": "coordinator_v2"},
        "relay": null,
    });
    Ok(Reply::ok("withdrawal signature", data))
}
