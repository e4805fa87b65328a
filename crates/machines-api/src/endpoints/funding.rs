//! Money in: balances, transactions and deposits.

use std::time::Duration;

use reqwest::Method;

use crate::client::{path_id, UserClient};
use crate::envelope::Envelope;
use crate::error::{ApiError, StateGate};
use crate::idempotency::IdempotencyKey;
use crate::models::balances::Balances;
use crate::models::deposits::{
    AssetList, AssetQuery, CreateDepositRequest, Deposit, DepositData, DepositEstimate, DepositEstimateRequest,
    DepositList, DepositRange, DepositRoute, DepositScope, EstimateData, RangeData,
};
use crate::models::transactions::{Transaction, TransactionPage, TransactionQuery};
use crate::scopes::{FUNDING, TRANSACTIONS};
use crate::transport::{Body, Call};

/// `missing_contract` means the collateral contract is still being provisioned: wait this long and try
/// again (the vendor suggests about 1.5 s), this many times in all.
const MISSING_CONTRACT_WAIT: Duration = Duration::from_millis(1500);
const MISSING_CONTRACT_TRIES: u32 = 5;
/// Most pages [`UserClient::all_transactions`] follows.
const MAX_TRANSACTION_PAGES: usize = 100;

impl UserClient {
    /// `GET /balances`, in cents. Accepts both `data.balances` and `data` shapes.
    pub async fn balances(&self) -> Result<Envelope<Balances>, ApiError> {
        self.broker.call(FUNDING, Call::get(vec!["balances"])).await
    }

    /// `GET /transactions`: one page (limit clamped to 100).
    pub async fn transactions(&self, query: &TransactionQuery) -> Result<Envelope<TransactionPage>, ApiError> {
        self.broker.call(TRANSACTIONS, Call::get(vec!["transactions"]).query(query.to_query_pairs())).await
    }

    /// Every transaction matching `query`, following cursors; a repeated cursor is a decode error.
    pub async fn all_transactions(&self, query: &TransactionQuery) -> Result<Vec<Transaction>, ApiError> {
        let mut page_query = query.clone();
        let mut all = Vec::new();
        for _ in 0..MAX_TRANSACTION_PAGES {
            let page = self.transactions(&page_query).await?.data;
            all.extend(page.transactions);
            match page.next_cursor.filter(|c| !c.is_empty()) {
                None => return Ok(all),
                Some(next) if page_query.cursor.as_deref() == Some(next.as_str()) => {
                    return Err(ApiError::decode("the transaction list repeats the same page"))
                }
                Some(next) => page_query.cursor = Some(next),
            }
        }
        Err(ApiError::decode("the transaction list has too many pages"))
    }

    /// `GET /deposits/assets`.
    pub async fn deposit_assets(&self, query: &AssetQuery) -> Result<Envelope<AssetList>, ApiError> {
        self.broker.call(FUNDING, Call::get(vec!["deposits", "assets"]).query(query.to_query_pairs())).await
    }

    /// `POST /deposits/range`.
    pub async fn deposit_range(&self, route: &DepositRoute) -> Result<Envelope<DepositRange>, ApiError> {
        let envelope: Envelope<RangeData> =
            self.broker.call(FUNDING, Call::post(vec!["deposits", "range"], route)?).await?;
        Ok(envelope.map(|d| d.range))
    }

    /// `POST /deposits/estimate`.
    pub async fn deposit_estimate(
        &self,
        request: &DepositEstimateRequest,
    ) -> Result<Envelope<DepositEstimate>, ApiError> {
        let call = Call::post(vec!["deposits", "estimate"], request)?;
        let envelope: Envelope<EstimateData> = self.broker.call(FUNDING, call).await?;
        Ok(envelope.map(|d| d.estimate))
    }

    /// `POST /deposits` with `Idempotency-Key: key`. A first deposit may meet `missing_contract` while the
    /// collateral contract is provisioned; that is waited out and tried again with the derived key
    /// [`IdempotencyKey::attempt`], so a caller that retries with the same `key` walks the same keys.
    pub async fn create_deposit(
        &self,
        request: &CreateDepositRequest,
        key: &IdempotencyKey,
    ) -> Result<Envelope<Deposit>, ApiError> {
        let body = Body::json(request)?;
        let mut tries = 1;
        loop {
            let try_key = key.attempt(tries);
            let call = Call::keyed(Method::POST, vec!["deposits"], body.clone(), &try_key);
            match self.broker.call::<DepositData>(FUNDING, call).await {
                Err(err) if err.gate() == Some(StateGate::MissingContract) && tries < MISSING_CONTRACT_TRIES => {
                    tracing::info!(tries, "collateral contract not ready; retrying deposit");
                    tokio::time::sleep(MISSING_CONTRACT_WAIT).await;
                    tries += 1;
                }
                other => return other.map(|envelope| envelope.map(|d| d.deposit)),
            }
        }
    }

    /// `GET /deposits?scope=`.
    pub async fn list_deposits(&self, scope: DepositScope) -> Result<Envelope<Vec<Deposit>>, ApiError> {
        let call = Call::get(vec!["deposits"]).query(vec![("scope", scope.as_str().to_owned())]);
        let envelope: Envelope<DepositList> = self.broker.call(FUNDING, call).await?;
        Ok(envelope.map(|d| d.deposits))
    }

    /// `GET /deposits/{depositId}`.
    pub async fn get_deposit(&self, deposit_id: &str) -> Result<Envelope<Deposit>, ApiError> {
        let id = path_id("depositId", deposit_id)?;
        let envelope: Envelope<DepositData> = self.broker.call(FUNDING, Call::get(vec!["deposits", id])).await?;
        Ok(envelope.map(|d| d.deposit))
    }
}
