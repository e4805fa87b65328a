//! Watching one deposit until it completes or fails, then reading the balances once.

use machines_api::models::deposits::{Asset, AssetQuery, Deposit};
use machines_api::poll::{self, PollControl, PollEvent, PollPolicy};
use machines_api::{ApiError, UserClient};
use tokio::sync::OnceCell;

use super::{millis, DepositUpdate, Gate};
use crate::balances_view::balances_view;
use crate::deposit_routes::token_contract;
use crate::deposit_view::deposit_view;
use crate::error::UiError;

/// Only a deposit waiting for money with its address shown draws a payment request, which needs the
/// route's token contract from the asset list.
fn needs_contract(deposit: &Deposit) -> bool {
    deposit.deposit_address.is_some() && !deposit.status.is_terminal()
}

/// Checks deposit `deposit_id` now and then as `policy` says, each check waiting for `gate`, and tells
/// `sink` what it finds; once it completes, reads the balances once and tells those. The asset list (for
/// the payment request's token contract) is read at most once per watch, when a view first needs it.
/// Ends as [`super::watch_kyc`] does.
pub async fn watch_deposit(
    user: &UserClient,
    deposit_id: &str,
    policy: &PollPolicy,
    control: &PollControl,
    gate: &Gate,
    mut sink: impl FnMut(DepositUpdate) -> bool,
) {
    let assets: OnceCell<Vec<Asset>> = OnceCell::new();
    let fetch = || {
        let mut gate = gate.clone();
        let assets = &assets;
        async move {
            gate.opened().await;
            let deposit = user.get_deposit(deposit_id).await?;
            if needs_contract(&deposit.data) {
                let query = AssetQuery { q: None, limit: Some(100) };
                let list = || async { user.deposit_assets(&query).await.map(|envelope| envelope.data.assets) };
                assets.get_or_try_init(list).await?;
            }
            Ok(deposit)
        }
    };
    // Whether a status has reached the screen yet; the first check is one the person opened the screen for.
    let mut shown = false;
    let on_event = |event: PollEvent<'_, Deposit>| {
        let update = match event {
            PollEvent::Update(deposit) => {
                shown = true;
                let contract = assets.get().and_then(|assets| {
                    token_contract(
                        assets,
                        deposit.from_currency.as_deref().unwrap_or_default(),
                        deposit.from_network.as_deref().unwrap_or_default(),
                    )
                });
                DepositUpdate::Status { view: deposit_view(deposit, contract.as_deref()) }
            }
            PollEvent::Retrying(error) => DepositUpdate::Retrying { error: UiError::from(error) },
            // Before the first status the screen has nothing to show but this: the person is told.
            PollEvent::SlowedDown(error, _) if !shown => DepositUpdate::Retrying { error: UiError::from(error) },
            PollEvent::SlowedDown(_, wait) => DepositUpdate::SlowedDown { next_check_in_ms: millis(wait) },
        };
        if !sink(update) {
            control.cancel();
        }
    };
    let result = poll::watch(policy, control, fetch, |d: &Deposit| d.status.is_terminal(), on_event).await;
    let deposit = match result {
        Ok(deposit) => deposit,
        Err(ApiError::Cancelled) => return,
        Err(error) => {
            sink(DepositUpdate::Stopped { error: UiError::from(&error) });
            return;
        }
    };
    if !deposit.status.is_success() {
        return;
    }
    // The money arrived: the balances changed, and the wallet shows the new ones without being asked.
    let mut gate = gate.clone();
    tokio::select! {
        () = control.cancelled() => return,
        () = gate.opened() => {}
    }
    let update = match user.balances().await {
        Ok(balances) => DepositUpdate::Balances { view: balances_view(&balances.data) },
        Err(error) => DepositUpdate::BalancesUnavailable { error: UiError::from(&error) },
    };
    if !control.is_cancelled() {
        sink(update);
    }
}
