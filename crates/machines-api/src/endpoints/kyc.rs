//! Identity verification and agreements.

use crate::client::UserClient;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::idempotency::IdempotencyKey;
use crate::models::agreements::{AcceptAgreementsRequest, Agreements};
use crate::models::kyc::{KycApplication, KycState, KycValues};
use crate::scopes::KYC;
use crate::transport::{Body, Call};
use reqwest::Method;

impl UserClient {
    /// `GET /kyc/values`: the form's fields, occupations and option lists.
    pub async fn kyc_values(&self) -> Result<Envelope<KycValues>, ApiError> {
        self.broker.call(KYC, Call::get(vec!["kyc", "values"])).await
    }

    /// `POST /kyc/applications`. The body is wiped from memory once sent. `key` names this submission:
    /// pass the same key when retrying it, so a retry is never a second application.
    pub async fn submit_kyc(
        &self,
        application: &KycApplication,
        key: &IdempotencyKey,
    ) -> Result<Envelope<KycState>, ApiError> {
        let body = application
            .to_json_body()
            .map_err(|e| ApiError::config(format!("could not encode the application: {e}")))?;
        let call = Call::keyed(Method::POST, vec!["kyc", "applications"], Body::from_wiped(body), key);
        self.broker.call(KYC, call).await
    }

    /// `GET /kyc/status`.
    pub async fn kyc_status(&self) -> Result<Envelope<KycState>, ApiError> {
        self.broker.call(KYC, Call::get(vec!["kyc", "status"])).await
    }

    /// `GET /agreements` (409 until KYC is approved).
    pub async fn agreements(&self) -> Result<Envelope<Agreements>, ApiError> {
        self.broker.call(KYC, Call::get(vec!["agreements"])).await
    }

    /// `POST /agreements {accepted: true}`: accepts them all at once. Repeating it changes nothing.
    pub async fn accept_agreements(&self) -> Result<Envelope<Agreements>, ApiError> {
        let call = Call::post(vec!["agreements"], &AcceptAgreementsRequest { accepted: true })?;
        self.broker.call(KYC, call).await
    }
}
