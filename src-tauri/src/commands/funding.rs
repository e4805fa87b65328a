//! Money in: deposit routes, a deposit and its status, balances; Demo's simulated funding. The flows are
//! `AppState`'s (`state::funding`); the views `wallet-core`'s.

use tauri::State;
use wallet_core::balances_view::BalancesView;
use wallet_core::deposit_routes::RouteView;
use wallet_core::deposit_view::DepositView;
use wallet_core::error::UiError;

use crate::state::AppState;

/// What can be deposited here; the environment's usual route first (USDC on Base in production, rUSD on
/// Base in sandbox and Demo).
#[tauri::command]
#[specta::specta]
pub async fn deposit_routes(state: State<'_, AppState>) -> Result<Vec<RouteView>, UiError> {
    state.deposit_routes().await
}

#[tauri::command]
#[specta::specta]
pub async fn create_deposit(
    state: State<'_, AppState>,
    currency: String,
    network: String,
) -> Result<DepositView, UiError> {
    state.create_deposit(&currency, &network).await
}

#[tauri::command]
#[specta::specta]
pub async fn deposit_status(state: State<'_, AppState>, id: String) -> Result<DepositView, UiError> {
    state.deposit_status(&id).await
}

/// Copies a deposit address (not a secret, but the webview has no clipboard access of its own).
#[tauri::command]
#[specta::specta]
pub async fn copy_deposit_address(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    state.copy_deposit_address(&id).await
}

/// Demo only: money arrives at the deposit's address.
#[tauri::command]
#[specta::specta]
pub async fn demo_fund(state: State<'_, AppState>, id: String, amount: String) -> Result<DepositView, UiError> {
    state.demo_fund(&id, &amount).await
}

#[tauri::command]
#[specta::specta]
pub async fn balances(state: State<'_, AppState>) -> Result<BalancesView, UiError> {
    state.balances().await
}
