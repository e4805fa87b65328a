//! The assets the simulator accepts for deposits and withdrawals, and their US-dollar rates. Plain data
//! shared by the deposit and withdrawal handlers and by the timed deposit transitions (which credit in
//! dollars), so neither has to import the other.

use crate::state::DepositRec;

/// One depositable asset on one network.
pub struct Route {
    pub ticker: &'static str,
    pub name: &'static str,
    pub network: &'static str,
    pub network_label: &'static str,
    pub chain_id: Option<u64>,
    pub token_contract: Option<&'static str>,
    pub supports_extra_id: bool,
    /// US dollars per unit.
    pub usd_rate: f64,
    /// Whether deposits go through the ChangeNow relay (they get a `changeNowId`).
    pub relayed: bool,
    pub min_amount: f64,
}

/// What the simulator accepts. USDC on Base is production's route, rUSD on Base Sepolia sandbox's; HBAR
/// shows a route with a memo (`payinExtraId`) and a non-dollar unit.
pub const ROUTES: [Route; 3] = [
    Route {
        ticker: "USDC",
        name: "USD Coin",
        network: "base",
        network_label: "Base",
        chain_id: Some(8453),
        token_contract: Some("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
        supports_extra_id: false,
        usd_rate: 1.0,
        relayed: true,
        min_amount: 1.0,
    },
    Route {
        ticker: "RUSD",
        name: "rUSD",
        network: "base",
        network_label: "Base Sepolia",
        chain_id: Some(84532),
        token_contract: Some("0x10b5Be494C2962A7B318aFB63f0Ee30b959D000b"),
        supports_extra_id: false,
        usd_rate: 1.0,
        relayed: false,
        min_amount: 1.0,
    },
    Route {
        ticker: "HBAR",
        name: "Hedera",
        network: "hbar",
        network_label: "Hedera",
        chain_id: None,
        token_contract: None,
        supports_extra_id: true,
        usd_rate: 0.25,
        relayed: true,
        min_amount: 25.0,
    },
];

/// The route a deposit was made on, if the simulator still serves it.
pub fn route_of(deposit: &DepositRec) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.ticker.eq_ignore_ascii_case(&deposit.currency) && r.network == deposit.network)
}
