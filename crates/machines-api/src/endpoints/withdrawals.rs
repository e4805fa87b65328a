//! Money out: withdrawal routes, quotes and the signature payload. Execution on chain is the wallet's.

use reqwest::Method;

use crate::client::UserClient;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::idempotency::IdempotencyKey;
use crate::models::deposits::{AssetList, AssetQuery};
use crate::models::withdrawals::{
    CreateWithdrawalRequest, Withdrawal, WithdrawalEstimate, WithdrawalEstimateData, WithdrawalEstimateRequest,
    WithdrawalRange, WithdrawalRangeData, WithdrawalRangeRequest,
};
use crate::scopes::WITHDRAWALS;
use crate::transport::{Body, Call};

impl UserClient {
    /// `GET /withdrawals/assets`.
    pub async fn withdrawal_assets(&self, query: &AssetQuery) -> Result<Envelope<AssetList>, ApiError> {
        let call = Call::get(vec!["withdrawals", "assets"]).query(query.to_query_pairs()).scopes(&["deposits.read"]);
        self.broker.call(WITHDRAWALS, call).await
    }

    /// `POST /withdrawals/range`.
    pub async fn withdrawal_range(
        &self,
        request: &WithdrawalRangeRequest,
    ) -> Result<Envelope<WithdrawalRange>, ApiError> {
        let call = Call::post(vec!["withdrawals", "range"], request)?.scopes(&["deposits.read"]);
        let envelope: Envelope<WithdrawalRangeData> = self.broker.call(WITHDRAWALS, call).await?;
        Ok(envelope.map(|d| d.range))
    }

    /// `POST /withdrawals/estimate`.
    pub async fn withdrawal_estimate(
        &self,
        request: &WithdrawalEstimateRequest,
    ) -> Result<Envelope<WithdrawalEstimate>, ApiError> {
        let call = Call::post(vec!["withdrawals", "estimate"], request)?.scopes(&["deposits.read"]);
        let envelope: Envelope<WithdrawalEstimateData> = self.broker.call(WITHDRAWALS, call).await?;
        Ok(envelope.map(|d| d.estimate))
    }

    /// `POST /withdrawals` with `Idempotency-Key: key`; the key covers this one POST and its transport
    /// retries. While the answer is `pending`, call again with the same request after `retryAfterSeconds`,
    /// each poll with a fresh key as the vendor's client does: a server that replays keyed answers would
    /// otherwise answer `pending` forever.
    pub async fn create_withdrawal(
        &self,
        request: &CreateWithdrawalRequest,
        key: &IdempotencyKey,
    ) -> Result<Envelope<Withdrawal>, ApiError> {
        let call =
            Call::keyed(Method::POST, vec!["withdrawals"], Body::json(request)?, key).scopes(&["withdrawals.write"]);
        self.broker.call(WITHDRAWALS, call).await
    }
}
