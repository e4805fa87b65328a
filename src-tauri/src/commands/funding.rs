//! Money in: deposit routes, a deposit and its status, balances; Demo's simulated funding.

use machines_api::models::deposits::{Asset, AssetQuery, CreateDepositRequest};
use serde::Serialize;
use tauri::State;
use wallet_core::clipboard::Clipboard;
use wallet_core::deposit_view::{deposit_view, DepositView};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::money::format_cents;

use super::ui;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RouteView {
    pub currency: String,
    pub network: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BalancesView {
    pub spending_power: String,
    pub credit_limit: String,
    pub pending_charges: String,
    pub posted_charges: String,
    pub balance_due: String,
}

async fn assets(state: &AppState) -> Result<Vec<Asset>, UiError> {
    let user = state.user().await?;
    Ok(user.deposit_assets(&AssetQuery { q: None, limit: Some(100) }).await.map_err(ui)?.data.assets)
}

fn token_contract(assets: &[Asset], currency: &str, network: &str) -> Option<String> {
    assets
        .iter()
        .filter(|a| a.ticker.eq_ignore_ascii_case(currency))
        .flat_map(|a| a.networks.iter())
        .find(|n| n.id.eq_ignore_ascii_case(network))
        .and_then(|n| n.token_contract.clone())
}

/// What can be deposited here; the environment's usual route first (USDC on Base in production, rUSD on
/// Base in sandbox and Demo).
#[tauri::command]
#[specta::specta]
pub async fn deposit_routes(state: State<'_, AppState>) -> Result<Vec<RouteView>, UiError> {
    let preferred = if state.connect().await?.environment == "production" { "usdc" } else { "rusd" };
    let mut routes: Vec<RouteView> = assets(&state)
        .await?
        .into_iter()
        .flat_map(|asset| {
            let ticker = asset.ticker.clone();
            asset.networks.into_iter().map(move |n| RouteView {
                currency: ticker.to_ascii_lowercase(),
                network: n.id.to_ascii_lowercase(),
                label: format!("{} on {}", ticker.to_ascii_uppercase(), n.label.unwrap_or(n.id)),
            })
        })
        .collect();
    routes.sort_by_key(|r| r.currency != preferred);
    Ok(routes)
}

#[tauri::command]
#[specta::specta]
pub async fn create_deposit(
    state: State<'_, AppState>,
    currency: String,
    network: String,
) -> Result<DepositView, UiError> {
    let user = state.user().await?;
    let assets = assets(&state).await?;
    let request = CreateDepositRequest::new(&currency, &network, None);
    let scope = state.write_scope().await?;
    let intent = format!("deposit\u{0}{}\u{0}{}", request.currency, request.network);
    let key = state.write_key(&scope, &intent);
    let deposit = user.create_deposit(&request, &key).await.map_err(ui)?.data;
    state.write_done(&scope, &intent);
    Ok(deposit_view(&deposit, token_contract(&assets, &currency, &network).as_deref()))
}

#[tauri::command]
#[specta::specta]
pub async fn deposit_status(state: State<'_, AppState>, id: String) -> Result<DepositView, UiError> {
    let user = state.user().await?;
    let deposit = user.get_deposit(&id).await.map_err(ui)?.data;
    let assets = assets(&state).await?;
    let contract = token_contract(
        &assets,
        deposit.from_currency.as_deref().unwrap_or_default(),
        deposit.from_network.as_deref().unwrap_or_default(),
    );
    Ok(deposit_view(&deposit, contract.as_deref()))
}

/// Copies a deposit address (not a secret, but the webview has no clipboard access of its own).
#[tauri::command]
#[specta::specta]
pub async fn copy_deposit_address(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    let user = state.user().await?;
    let deposit = user.get_deposit(&id).await.map_err(ui)?.data;
    let address = deposit.deposit_address.ok_or_else(|| {
        UiError::new(
            ErrorCode::InvalidState,
            "No address yet",
            "The deposit address has not arrived yet.",
            UiAction::Retry,
        )
    })?;
    let address = wallet_core::address::checksum(&address).unwrap_or(address);
    let mut guard = state.clipboard.lock().map_err(|_| clipboard_error("busy".into()))?;
    guard.1.write_secret(&address).map_err(|e| clipboard_error(e.to_string()))
}

pub(crate) fn clipboard_error(detail: String) -> UiError {
    UiError::new(ErrorCode::Internal, "Clipboard unavailable", format!("Nothing was copied: {detail}"), UiAction::Retry)
}

/// Demo only: money arrives at the deposit's address.
#[tauri::command]
#[specta::specta]
pub async fn demo_fund(state: State<'_, AppState>, id: String, amount: String) -> Result<DepositView, UiError> {
    state.ensure_unlocked()?;
    let amount: f64 = amount
        .trim()
        .parse()
        .ok()
        .filter(|a: &f64| a.is_finite() && *a > 0.0)
        .ok_or_else(|| UiError::on_field("Check the amount", "amount", "Enter an amount greater than zero."))?;
    {
        let connection = state.connect().await?;
        let sim = connection.simulator.as_ref().ok_or_else(|| {
            UiError::new(
                ErrorCode::NotDemo,
                "Demo only",
                "Simulated deposits exist only in Demo mode.",
                UiAction::Dismiss,
            )
        })?;
        sim.fund_deposit(&id, amount)
            .map_err(|m| UiError::new(ErrorCode::InvalidState, "Not funded", m, UiAction::Dismiss))?;
    }
    deposit_status(state, id).await
}

#[tauri::command]
#[specta::specta]
pub async fn balances(state: State<'_, AppState>) -> Result<BalancesView, UiError> {
    let user = state.user().await?;
    let b = user.balances().await.map_err(ui)?.data;
    Ok(BalancesView {
        spending_power: format_cents(b.spending_power),
        credit_limit: format_cents(b.credit_limit),
        pending_charges: format_cents(b.pending_charges),
        posted_charges: format_cents(b.posted_charges),
        balance_due: format_cents(b.balance_due),
    })
}
