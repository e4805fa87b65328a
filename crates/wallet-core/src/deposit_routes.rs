//! What can be deposited, as the Fund screen lists it: one route per asset and network, the
//! environment's usual one first; and the token contract a deposit's payment URI needs, looked up in the
//! same asset list.

use machines_api::models::deposits::Asset;
use serde::Serialize;

use crate::environment::Environment;

/// One way to deposit: a currency on a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RouteView {
    /// Lower-case, as a deposit request spells it (`"rusd"`).
    pub currency: String,
    /// Lower-case network id (`"base"`).
    pub network: String,
    /// `"RUSD on Base"`: the ticker in capitals and the network's name (its id when it has none).
    pub label: String,
}

/// Every route of `assets`, in the server's order except that the environment's usual currency comes
/// first (USDC in Production, rUSD in Sandbox and Demo), so the Fund screen preselects what a person
/// most likely holds there.
pub fn deposit_routes(assets: Vec<Asset>, environment: &Environment) -> Vec<RouteView> {
    let usual = environment.usual_deposit_currency();
    let mut routes: Vec<RouteView> = assets
        .into_iter()
        .flat_map(|asset| {
            let ticker = asset.ticker;
            asset.networks.into_iter().map(move |n| RouteView {
                currency: ticker.to_ascii_lowercase(),
                network: n.id.to_ascii_lowercase(),
                label: format!("{} on {}", ticker.to_ascii_uppercase(), n.label.unwrap_or(n.id)),
            })
        })
        .collect();
    // A stable sort: within the usual currency and within the rest, the server's order stays.
    routes.sort_by_key(|r| r.currency != usual);
    routes
}

/// The token contract of `currency` on `network` in `assets` (either in any case), for the EIP-681
/// payment URI; `None` for a native coin or a route the list does not have.
pub fn token_contract(assets: &[Asset], currency: &str, network: &str) -> Option<String> {
    assets
        .iter()
        .filter(|a| a.ticker.eq_ignore_ascii_case(currency))
        .flat_map(|a| a.networks.iter())
        .find(|n| n.id.eq_ignore_ascii_case(network))
        .and_then(|n| n.token_contract.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn assets() -> Vec<Asset> {
        serde_json::from_value(json!([
            {"ticker": "USDC", "networks": [
                {"id": "base", "label": "Base", "tokenContract": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"},
                {"id": "SOLANA"}
            ]},
            {"ticker": "rUSD", "networks": [{"id": "base", "label": "Base", "tokenContract": "0xRUSD"}]}
        ]))
        .unwrap()
    }

    fn labels(routes: &[RouteView]) -> Vec<&str> {
        routes.iter().map(|r| r.label.as_str()).collect()
    }

    #[test]
    fn production_lists_usdc_first_and_test_environments_rusd() {
        let production = deposit_routes(assets(), &Environment::Production);
        assert_eq!(labels(&production), ["USDC on Base", "USDC on SOLANA", "RUSD on Base"]);
        let sandbox = deposit_routes(assets(), &Environment::Sandbox);
        assert_eq!(labels(&sandbox), ["RUSD on Base", "USDC on Base", "USDC on SOLANA"], "the rest keep their order");
        assert_eq!(labels(&deposit_routes(assets(), &Environment::Demo)), labels(&sandbox));
    }

    #[test]
    fn routes_are_spelled_as_a_request_spells_them() {
        let routes = deposit_routes(assets(), &Environment::Production);
        assert_eq!((routes[1].currency.as_str(), routes[1].network.as_str()), ("usdc", "solana"));
        assert_eq!(routes[2].currency, "rusd");
    }

    #[test]
    fn the_token_contract_is_found_in_any_case() {
        let assets = assets();
        assert_eq!(
            token_contract(&assets, "usdc", "BASE").as_deref(),
            Some("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        );
        assert_eq!(token_contract(&assets, "RUSD", "base").as_deref(), Some("0xRUSD"));
        assert_eq!(token_contract(&assets, "usdc", "solana"), None, "no contract listed");
        assert_eq!(token_contract(&assets, "eth", "base"), None, "no such asset");
    }
}
