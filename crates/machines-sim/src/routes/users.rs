//! `POST /users/resolve`: create or link a partner's user and wallet. Also the identity part of a request
//! body shared with `POST /sessions`, in both shapes the API accepts:
//! `{userId, walletAddress?}` (the docs) and `{externalUserId, wallet: {chain, address}}` (the vendor's example).

use serde_json::{json, Value};

use crate::auth;
use crate::clock::iso;
use crate::reply::{Answer, Reply};
use crate::sim::{Req, Sim};
use crate::state::{KycStatus, Owner, State, User};
use crate::validate::{is_evm_address, Check};

/// A wallet named in a request, normalised (EVM addresses lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    pub chain: &'static str,
    pub address: String,
}

/// The user and wallet a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub wallet: Option<Wallet>,
}

/// Reads `userId` (or `externalUserId`) and `walletAddress` (or `wallet: {chain, address}`), recording
/// problems in `check`. `None` if there is a problem.
pub fn read_identity(check: &mut Check<'_>) -> Option<Identity> {
    let key = if check.value("userId", false).is_none() && check.value("externalUserId", false).is_some() {
        "externalUserId"
    } else {
        "userId"
    };
    let user_id = check.string(key, true, 1, 120).map(str::to_owned);

    let mut wallet = None;
    if let Some(address) = check.string("walletAddress", false, 0, usize::MAX).filter(|a| !a.is_empty()) {
        if is_evm_address(address) {
            wallet = Some(Wallet { chain: "evm", address: address.to_ascii_lowercase() });
        } else {
            check.fail("walletAddress", "must be an EVM address: 0x followed by 40 hex digits");
        }
    }
    if let Some(map) = check.object("wallet", false) {
        let mut nested = check.nested("wallet", map);
        let chain = nested.one_of("chain", true, &["evm", "solana"]);
        let address = nested.string("address", true, 1, usize::MAX);
        match (chain, address) {
            (Some("evm"), Some(address)) if is_evm_address(address) => {
                wallet = Some(Wallet { chain: "evm", address: address.to_ascii_lowercase() });
            }
            (Some("evm"), Some(_)) => nested.fail("address", "must be an EVM address: 0x followed by 40 hex digits"),
            (Some("solana"), Some(address)) if is_solana_address(address) => {
                wallet = Some(Wallet { chain: "solana", address: address.to_owned() });
            }
            (Some("solana"), Some(_)) => nested.fail("address", "must be a base58 Solana address"),
            _ => {}
        }
        check.absorb(nested);
    }
    let user_id = user_id?;
    check.is_ok().then_some(Identity { user_id, wallet })
}

/// A base58 string of 32 to 44 characters: the shape of a Solana public key.
pub fn is_solana_address(text: &str) -> bool {
    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    (32..=44).contains(&text.len()) && text.chars().all(|c| BASE58.contains(c))
}

/// Links `wallet` to `user` (replacing an earlier one).
pub fn link_wallet(user: &mut User, wallet: &Wallet) {
    user.wallet_chain = wallet.chain.to_owned();
    user.wallet_address = Some(wallet.address.clone());
}

/// `{chain, address}` of the user's wallet, or null.
pub fn wallet_json(user: &User) -> Value {
    match &user.wallet_address {
        Some(address) => json!({"chain": user.wallet_chain, "address": address}),
        None => Value::Null,
    }
}

/// `POST /users/resolve`.
pub fn resolve(sim: &Sim, st: &mut State, req: &Req) -> Answer {
    let partner = auth::partner(st, req)?;
    let body = req.json()?;
    let mut check = Check::new(&body);
    let identity = read_identity(&mut check);
    let label = check.string("walletLabel", false, 0, 120).map(str::to_owned);
    check.finish()?;
    let Some(identity) = identity else { return Err(Reply::invalid("userId", "is required")) };

    let now = sim.clock.now();
    let user = st.ensure_user(&partner, &identity.user_id, now);
    if let Some(wallet) = &identity.wallet {
        link_wallet(user, wallet);
    }
    if label.is_some() {
        user.wallet_label = label;
    }
    let owner = Owner { partner, user_id: identity.user_id };
    sim.tick(st, &owner);
    let Some(user) = st.user(&owner) else { return Err(Reply::not_found("user")) };

    let status = user.kyc.status;
    let summary = match status {
        KycStatus::NotSubmitted => "user linked; kyc not started".to_owned(),
        other => format!("user linked; kyc {}", other.as_str().replace('_', " ")),
    };
    let wallet_address = match user.wallet_chain.as_str() {
        "evm" => user.wallet_address.clone(),
        _ => None,
    };
    let data = json!({
        "userId": user.user_id,
        "walletAddress": wallet_address,
        "kycStatus": status.as_str(),
        "createdAt": iso(user.created_at),
        "wallet": wallet_json(user),
    });
    Ok(Reply::ok(&summary, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEMO_PARTNER_KEY;
    use crate::routes::sessions::testkit::{approve, call, new_sim, user_of};
    use axum::http::StatusCode;

    fn resolve_with(sim: &Sim, body: Value) -> Reply {
        call(sim, resolve, "POST", "/users/resolve", &[("x-partner-key", DEMO_PARTNER_KEY.to_owned())], body)
    }

    fn fields_of(reply: &Reply) -> Vec<String> {
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect()
    }

    #[test]
    fn documented_shape_like_the_guide() {
        let sim = new_sim();
        let reply = resolve_with(
            &sim,
            json!({"userId": "eeetest", "walletAddress": "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E",
                   "walletLabel": "Main Wallet"}),
        );
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["summary"], "user linked; kyc not started");
        assert_eq!(reply.body["errors"], json!([]));
        let data = &reply.body["data"];
        assert_eq!(data["userId"], "eeetest");
        assert_eq!(data["walletAddress"], "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e");
        assert_eq!(data["kycStatus"], "not_submitted");
        assert_eq!(data["wallet"], json!({"chain": "evm", "address": "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e"}));
        let created = data["createdAt"].as_str().unwrap();
        assert_eq!(created.len(), "2026-01-16T14:17:51.298Z".len());
        assert!(created.ends_with('Z'));
        assert_eq!(user_of(&sim, "eeetest").wallet_label.as_deref(), Some("Main Wallet"));
    }

    #[test]
    fn example_shape_and_repeat_is_the_same_user() {
        let sim = new_sim();
        let solana = "CcuoBwMZJgupcdx81m3vYqBongw2PhhZ4yiYA2jo3K5";
        let first = resolve_with(
            &sim,
            json!({"externalUserId": "crossmint-demo:alice@example.com",
                   "wallet": {"chain": "solana", "address": solana}}),
        );
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let data = &first.body["data"];
        assert_eq!(data["userId"], "crossmint-demo:alice@example.com");
        assert_eq!(data["wallet"], json!({"chain": "solana", "address": solana}));
        assert_eq!(data["walletAddress"], Value::Null);

        let again = resolve_with(&sim, json!({"userId": "crossmint-demo:alice@example.com"}));
        assert_eq!(again.body["data"]["createdAt"], data["createdAt"]);
        assert_eq!(again.body["data"]["wallet"]["address"], solana);

        let evm = resolve_with(
            &sim,
            json!({"externalUserId": "bob",
                   "wallet": {"chain": "evm", "address": "0xABCDEF0123456789ABCDEF0123456789ABCDEF01"}}),
        );
        assert_eq!(evm.body["data"]["walletAddress"], "0xabcdef0123456789abcdef0123456789abcdef01");
        let none = resolve_with(&sim, json!({"userId": "carol"}));
        assert_eq!(none.body["data"]["wallet"], Value::Null);
        assert_eq!(none.body["data"]["walletAddress"], Value::Null);
    }

    #[test]
    fn summary_follows_kyc_status() {
        let sim = new_sim();
        resolve_with(&sim, json!({"userId": "u1"}));
        approve(&sim, "u1");
        let reply = resolve_with(&sim, json!({"userId": "u1"}));
        assert_eq!(reply.body["summary"], "user linked; kyc approved");
        assert_eq!(reply.body["data"]["kycStatus"], "approved");
        {
            let mut st = sim.state.lock().unwrap();
            let owner = Owner { partner: DEMO_PARTNER_KEY.to_owned(), user_id: "u1".to_owned() };
            st.user_mut(&owner).unwrap().kyc.status = KycStatus::NeedsVerification;
        }
        assert_eq!(resolve_with(&sim, json!({"userId": "u1"})).body["summary"], "user linked; kyc needs verification");
    }

    #[test]
    fn validation_errors() {
        let sim = new_sim();
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!({}), vec!["userId"]),
            (json!({"userId": ""}), vec!["userId"]),
            (json!({"userId": "x".repeat(121)}), vec!["userId"]),
            (json!({"externalUserId": 5}), vec!["externalUserId"]),
            (json!({"userId": "u", "walletAddress": "0x1234"}), vec!["walletAddress"]),
            (json!({"userId": "u", "walletLabel": "l".repeat(121)}), vec!["walletLabel"]),
            (json!({"userId": "u", "wallet": "0x"}), vec!["wallet"]),
            (json!({"userId": "u", "wallet": {"chain": "btc", "address": "x"}}), vec!["wallet.chain"]),
            (json!({"userId": "u", "wallet": {"chain": "evm"}}), vec!["wallet.address"]),
            (json!({"userId": "u", "wallet": {"chain": "evm", "address": "0xnothex"}}), vec!["wallet.address"]),
            (json!({"userId": "u", "wallet": {"chain": "solana", "address": "0OIl"}}), vec!["wallet.address"]),
            (
                json!({"walletAddress": "nope", "wallet": {"chain": "EVM"}}),
                vec!["userId", "walletAddress", "wallet.chain", "wallet.address"],
            ),
        ];
        for (body, fields) in cases {
            let reply = resolve_with(&sim, body.clone());
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(fields_of(&reply), fields, "{body}");
        }
        assert!(sim.state.lock().unwrap().partners.values().all(|p| p.users.is_empty()));
        let not_json = call(
            &sim,
            resolve,
            "POST",
            "/users/resolve",
            &[("x-partner-key", DEMO_PARTNER_KEY.to_owned())],
            json!("just a string"),
        );
        assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn partner_key_required() {
        let sim = new_sim();
        let body = json!({"userId": "u1"});
        assert_eq!(call(&sim, resolve, "POST", "/users/resolve", &[], body.clone()).status, StatusCode::UNAUTHORIZED);
        let bad = [("x-partner-key", "mk_wrong".to_owned())];
        let reply = call(&sim, resolve, "POST", "/users/resolve", &bad, body);
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body["errors"][0]["code"], "unauthorized");
    }
}
