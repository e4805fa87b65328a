//! Money in: the deposit routes, a deposit made once and its status, copying its address, balances, and
//! Demo's simulated funding.

use machines_api::models::deposits::{Asset, AssetQuery, CreateDepositRequest};
use machines_api::UserClient;
use wallet_core::balances_view::{balances_view, BalancesView};
use wallet_core::deposit_routes::{deposit_routes, token_contract, RouteView};
use wallet_core::deposit_view::{deposit_view, DepositView};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::pending_writes::WriteRequest;

use super::{ui, AppState};

async fn assets(user: &UserClient) -> Result<Vec<Asset>, UiError> {
    Ok(user.deposit_assets(&AssetQuery { q: None, limit: Some(100) }).await.map_err(ui)?.data.assets)
}

/// A Demo deposit's amount as typed: a number above zero.
fn demo_amount(text: &str) -> Result<f64, UiError> {
    text.trim()
        .parse()
        .ok()
        .filter(|a: &f64| a.is_finite() && *a > 0.0)
        .ok_or_else(|| UiError::on_field("Check the amount", "amount", "Enter an amount greater than zero."))
}

impl AppState {
    /// What can be deposited here, the environment's usual route first.
    pub async fn deposit_routes(&self) -> Result<Vec<RouteView>, UiError> {
        let environment = self.connect().await?.environment.clone();
        let assets = assets(&*self.user().await?).await?;
        Ok(deposit_routes(assets, &environment))
    }

    /// A deposit address for `currency` on `network`. Pressed again after an error, the same request
    /// resends the same Idempotency-Key.
    pub async fn create_deposit(&self, currency: &str, network: &str) -> Result<DepositView, UiError> {
        let user = self.user().await?;
        let assets = assets(&user).await?;
        let request = CreateDepositRequest::new(currency, network, None);
        let scope = self.write_scope().await?;
        let write = WriteRequest::deposit(&request);
        let key = self.pending_writes.key_for(&scope, &write)?;
        let deposit = user.create_deposit(&request, &key).await.map_err(ui)?.data;
        if let Err(err) = self.pending_writes.done(&scope, &write) {
            // The deposit is made and is shown. The key left behind could only replay this same deposit,
            // and the registry refuses every create from now on anyway, so the person hears of it then.
            tracing::error!(code = ?err.code, "a finished deposit's key could not be dropped");
        }
        Ok(deposit_view(&deposit, token_contract(&assets, currency, network).as_deref()))
    }

    pub async fn deposit_status(&self, id: &str) -> Result<DepositView, UiError> {
        let user = self.user().await?;
        let deposit = user.get_deposit(id).await.map_err(ui)?.data;
        let assets = assets(&user).await?;
        let contract = token_contract(
            &assets,
            deposit.from_currency.as_deref().unwrap_or_default(),
            deposit.from_network.as_deref().unwrap_or_default(),
        );
        Ok(deposit_view(&deposit, contract.as_deref()))
    }

    /// Copies a deposit's address (not a secret, but the webview has no clipboard access of its own).
    pub async fn copy_deposit_address(&self, id: &str) -> Result<(), UiError> {
        let user = self.user().await?;
        let deposit = user.get_deposit(id).await.map_err(ui)?.data;
        let address = deposit.deposit_address.ok_or_else(|| {
            UiError::new(
                ErrorCode::InvalidState,
                "No address yet",
                "The deposit address has not arrived yet.",
                UiAction::Retry,
            )
        })?;
        let address = wallet_core::address::checksum(&address).unwrap_or(address);
        self.clipboard.copy_plain(&address)
    }

    /// Demo only: `amount` (as typed) arrives at the deposit's address.
    pub async fn demo_fund(&self, id: &str, amount: &str) -> Result<DepositView, UiError> {
        self.ensure_unlocked()?;
        let amount = demo_amount(amount)?;
        {
            let connection = self.connect().await?;
            let sim = connection.simulator.as_ref().ok_or_else(|| {
                UiError::new(
                    ErrorCode::NotDemo,
                    "Demo only",
                    "Simulated deposits exist only in Demo mode.",
                    UiAction::Dismiss,
                )
            })?;
            sim.fund_deposit(id, amount)
                .map_err(|m| UiError::new(ErrorCode::InvalidState, "Not funded", m, UiAction::Dismiss))?;
        }
        self.deposit_status(id).await
    }

    pub async fn balances(&self) -> Result<BalancesView, UiError> {
        let user = self.user().await?;
        Ok(balances_view(&user.balances().await.map_err(ui)?.data))
    }
}
