//! Deposits: assets → range → estimate → create → track, and the simulator's `fund` route.
//!
//! Lifecycle: `pending` (no address yet; it stays null for `deposit_address_after_reads` reads after
//! creation) → `awaitingDeposit` (address shown) → `processing` (funds seen, via `/_sim/.../fund` or the
//! Demo auto-fund timer) → `completed` after `deposit_processing_for`, which raises the credit limit and
//! records a `collateral` transaction. Funding below the minimum fails the deposit.

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

pub use crate::assets::Route;
use crate::assets::{route_of, ROUTES};
use crate::auth::{bearer, gate_agreements};
use crate::clock::iso;
use crate::config::SimConfig;
use crate::idempotency;
use crate::reply::{Answer, Reply};
use crate::sim::{user, Req, Sim};
use crate::state::{DepositRec, Owner, State, User};
use crate::transitions::fund_deposit;
use crate::validate::Check;

/// The route for `currency` on `network` (case-insensitive): an unknown currency is a 400 on `currency`,
/// a known currency on a network we do not serve is `chain_not_supported` on `network`.
pub fn find_route(currency: &str, network: &str, field_prefix: &str) -> Result<&'static Route, Reply> {
    let currency = currency.trim().to_ascii_lowercase();
    let network = network.trim().to_ascii_lowercase();
    let mut by_currency = ROUTES.iter().filter(|r| r.ticker.eq_ignore_ascii_case(&currency)).peekable();
    if by_currency.peek().is_none() {
        return Err(Reply::invalid(&format!("{field_prefix}currency"), &format!("unsupported currency {currency}")));
    }
    by_currency.find(|r| r.network == network).ok_or_else(|| {
        Reply::rejected(
            "chain_not_supported",
            &format!("{field_prefix}network"),
            &format!("{currency} is not available on {network}"),
        )
    })
}

/// The assets list shape shared with withdrawals: `{assets: [{ticker, name, icon, networks: [...]}]}`.
pub fn assets_json(req: &Req) -> Result<Value, Reply> {
    let q = req.query.get("q").map(|q| q.trim().to_ascii_lowercase()).unwrap_or_default();
    let limit = match req.query.get("limit") {
        None => 20,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return Err(Reply::invalid("limit", "must be an integer from 1 to 100")),
        },
    };
    let mut assets: Vec<Value> = Vec::new();
    for route in ROUTES.iter() {
        if !q.is_empty()
            && !route.ticker.to_ascii_lowercase().contains(&q)
            && !route.name.to_ascii_lowercase().contains(&q)
        {
            continue;
        }
        let network = json!({
            "id": route.network, "label": route.network_label, "chainId": route.chain_id,
            "tokenContract": route.token_contract, "supportsExtraId": route.supports_extra_id,
        });
        match assets.iter_mut().find(|a| a["ticker"] == route.ticker) {
            Some(asset) => {
                if let Some(networks) = asset["networks"].as_array_mut() {
                    networks.push(network);
                }
            }
            None => {
                assets.push(json!({"ticker": route.ticker, "name": route.name, "icon": null, "networks": [network]}))
            }
        }
    }
    assets.truncate(limit);
    Ok(json!({"assets": assets}))
}

fn route_body(req: &Req) -> Result<(Map<String, Value>, &'static Route), Reply> {
    let body = req.json()?;
    let mut check = Check::new(&body);
    let currency = check.string("currency", true, 1, 20).unwrap_or_default().to_owned();
    let network = check.string("network", true, 1, 20).unwrap_or_default().to_owned();
    check.finish()?;
    let route = find_route(&currency, &network, "")?;
    Ok((body, route))
}

fn range_json(route: &Route, user: &User) -> Value {
    json!({
        "fromCurrency": route.ticker.to_ascii_lowercase(), "fromNetwork": route.network,
        "toCurrency": "usdc", "toNetwork": "base", "contractId": user.contract_id,
        "payoutAddress": user.wallet_address, "payoutChainId": 8453,
        "minAmount": route.min_amount, "maxAmount": null,
    })
}

/// `GET /deposits/assets`.
pub fn assets(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    bearer(sim, st, req, None)?;
    Ok(Reply::ok("deposit assets", assets_json(req)?))
}

/// `POST /deposits/range`.
pub fn range(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, None)?;
    let (_, route) = route_body(req)?;
    let user = user(st, &ctx.owner)?;
    Ok(Reply::ok("deposit range", json!({"range": range_json(route, user)})))
}

/// `POST /deposits/estimate`.
pub fn estimate(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, None)?;
    let (body, route) = route_body(req)?;
    let mut check = Check::new(&body);
    let amount = check.number("amount", true, 0.0);
    let unit = check.one_of("amountCurrency", false, &["crypto", "usd"]).unwrap_or("crypto");
    check.finish()?;
    let amount = amount.unwrap_or_default();
    let usd = if unit == "usd" { amount } else { amount * route.usd_rate };
    let rate_id = format!("rate_{}", st.token(16));
    let user = user(st, &ctx.owner)?;
    let mut estimate = range_json(route, user);
    estimate["quotedAmount"] = json!(amount);
    estimate["quotedAmountCurrency"] = json!(unit);
    estimate["estimatedToAmount"] = json!((usd * 100.0).round() / 100.0);
    estimate["rateId"] = json!(rate_id);
    Ok(Reply::ok("deposit estimate", json!({"estimate": estimate})))
}

/// The deposit object; the address is withheld (null) while the deposit is still `pending`.
pub fn deposit_json(deposit: &DepositRec, user: &User) -> Value {
    let shown = deposit.status != "pending";
    let memo = route_of(deposit)
        .filter(|r| r.supports_extra_id)
        .map(|_| deposit.id[deposit.id.len().saturating_sub(8)..].to_owned());
    json!({
        "id": deposit.id, "contractId": user.contract_id, "changeNowId": deposit.change_now_id,
        "fromCurrency": deposit.currency, "fromNetwork": deposit.network,
        "depositAddress": if shown { json!(deposit.address) } else { Value::Null },
        "payinExtraId": if shown { json!(memo) } else { Value::Null },
        "chainId": deposit.chain_id, "minAmount": deposit.min_amount, "maxAmount": null,
        "status": deposit.status, "createdAt": iso(deposit.created_at), "updatedAt": iso(deposit.updated_at),
    })
}

/// Counts a read; the address appears once the deposit has been read more than the configured times.
fn read(deposit: &mut DepositRec, now: OffsetDateTime, config: &SimConfig) {
    deposit.reads = deposit.reads.saturating_add(1);
    if deposit.status == "pending" && deposit.reads > config.deposit_address_after_reads {
        deposit.status = "awaitingDeposit".to_owned();
        deposit.updated_at = now;
    }
}

/// `POST /deposits`.
pub fn create(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, None)?;
    user(st, &ctx.owner).and_then(|u| gate_agreements(u))?;
    let (body, route) = route_body(req)?;
    let mut check = Check::new(&body);
    check.number("amount", false, 0.0);
    check.finish()?;
    let now = sim.clock.now();
    let seed = sim.config.seed;
    let missing_contract = sim.config.missing_contract_on_first_deposit;
    idempotency::once(sim, st, &ctx, req, |st| {
        let id = format!("cm{}", st.token(23));
        let change_now_id = route.relayed.then(|| hex::encode(rand::Rng::random::<[u8; 7]>(&mut st.rng)));
        let Some(user) = st.user_mut(&ctx.owner) else { return Err(Reply::unauthorized("unknown user")) };
        if missing_contract && !user.contract_ready {
            // Provisioning "finishes" with this first attempt; the next one succeeds, as in sandbox.
            user.contract_ready = true;
            return Err(Reply::conflict(
                "missing_contract",
                "contract not ready",
                "the collateral contract is still being provisioned; retry in about 1.5 s",
            ));
        }
        user.contract_ready = true;
        let material = format!("{seed}/{}/{}/{}", ctx.owner.partner, ctx.owner.user_id, user.deposits.len());
        let address = if route.chain_id.is_some() {
            crate::ids::deposit_address(&material)
        } else {
            format!("0.0.{}", 4_000_000 + user.deposits.len() * 7 + 11)
        };
        let deposit = DepositRec {
            id: id.clone(),
            currency: route.ticker.to_ascii_lowercase(),
            network: route.network.to_owned(),
            chain_id: route.chain_id,
            address,
            change_now_id,
            reads: 0,
            status: "pending".to_owned(),
            min_amount: route.min_amount,
            funded_amount: None,
            created_at: now,
            updated_at: now,
        };
        let data = json!({"deposit": deposit_json(&deposit, user)});
        user.deposits.push(deposit);
        st.deposit_owners.insert(id, ctx.owner.clone());
        Ok(Reply::ok_next("deposit created", data, 1500, "deposits.get"))
    })
}

fn is_active(deposit: &DepositRec, now: OffsetDateTime) -> bool {
    matches!(deposit.status.as_str(), "pending" | "awaitingDeposit" | "processing")
        || now - deposit.updated_at < time::Duration::hours(24)
}

/// `GET /deposits?scope=active|all`.
pub fn list(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, None)?;
    let scope = req.query.get("scope").map(String::as_str).unwrap_or("active");
    if scope != "active" && scope != "all" {
        return Err(Reply::invalid("scope", "must be active or all"));
    }
    let now = sim.clock.now();
    let Some(user) = st.user_mut(&ctx.owner) else { return Err(Reply::unauthorized("unknown user")) };
    for deposit in user.deposits.iter_mut() {
        read(deposit, now, &sim.config);
    }
    let user = &*user;
    let deposits: Vec<Value> = user
        .deposits
        .iter()
        .rev()
        .filter(|d| scope == "all" || is_active(d, now))
        .map(|d| deposit_json(d, user))
        .collect();
    Ok(Reply::ok("deposits", json!({"deposits": deposits})))
}

/// `GET /deposits/{depositId}`.
pub fn get(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let ctx = bearer(sim, st, req, None)?;
    let id = req.param("deposit_id");
    if id.chars().count() < 8 {
        return Err(Reply::invalid("depositId", "must be at least 8 characters"));
    }
    let now = sim.clock.now();
    let Some(user) = st.user_mut(&ctx.owner) else { return Err(Reply::unauthorized("unknown user")) };
    let Some(index) = user.deposits.iter().position(|d| d.id == id) else { return Err(Reply::not_found("deposit")) };
    read(&mut user.deposits[index], now, &sim.config);
    let user = &*user;
    let deposit = &user.deposits[index];
    let data = json!({"deposit": deposit_json(deposit, user)});
    if matches!(deposit.status.as_str(), "pending" | "awaitingDeposit" | "processing") {
        Ok(Reply::ok_next("deposit", data, 1500, "deposits.get"))
    } else {
        Ok(Reply::ok("deposit", data))
    }
}

/// `POST /_sim/deposits/{depositId}/fund {amount}`: funds arrive at the deposit address.
pub fn fund(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let id = req.param("deposit_id").to_owned();
    let Some(owner) = st.deposit_owners.get(&id).cloned() else { return Err(Reply::not_found("deposit")) };
    let body = req.json()?;
    let mut check = Check::new(&body);
    let amount = check.number("amount", true, 0.0);
    if amount.is_some_and(|a| a > MAX_FUND_AMOUNT) {
        check.fail("amount", format!("must be at most {MAX_FUND_AMOUNT}"));
    }
    check.finish()?;
    sim.tick(st, &owner);
    let now = sim.clock.now();
    fund_owned(st, &owner, &id, amount.unwrap_or_default(), now)?;
    // With no processing delay the deposit completes in this same call.
    sim.tick(st, &owner);
    let Some(user) = st.user(&owner) else { return Err(Reply::not_found("deposit")) };
    let deposit = user.deposits.iter().find(|d| d.id == id).ok_or_else(|| Reply::not_found("deposit"))?;
    Ok(Reply::ok("deposit funded", json!({"deposit": deposit_json(deposit, user)})))
}

/// The largest single funding, in asset units: far beyond any demo, far below overflowing cents.
const MAX_FUND_AMOUNT: f64 = 1.0e9;

fn fund_owned(st: &mut State, owner: &Owner, id: &str, amount: f64, now: OffsetDateTime) -> Result<(), Reply> {
    let user = st.user_mut(owner).ok_or_else(|| Reply::not_found("deposit"))?;
    let deposit = user.deposits.iter_mut().find(|d| d.id == id).ok_or_else(|| Reply::not_found("deposit"))?;
    match deposit.status.as_str() {
        "awaitingDeposit" => {
            fund_deposit(deposit, amount, now);
            Ok(())
        }
        // The address exists even while the create answer withholds it; funds sent to it arrive.
        "pending" => {
            deposit.status = "awaitingDeposit".to_owned();
            fund_deposit(deposit, amount, now);
            Ok(())
        }
        other => Err(Reply::invalid_state("invalid state", &format!("the deposit is already {other}"))),
    }
}
