//! Card metadata (label) encryption helpers. Labels are only round-tripped through the API.

use crate::client::UserClient;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::models::common::EncryptedField;
use crate::models::encryption::{DataKey, DecryptRequest, Decrypted, EncryptRequest, Encrypted};
use crate::scopes::CARDS;
use crate::transport::Call;

impl UserClient {
    /// `POST /encryption/encrypt`.
    pub async fn encrypt(&self, value: &str) -> Result<Envelope<EncryptedField>, ApiError> {
        let call = Call::post(vec!["encryption", "encrypt"], &EncryptRequest { value: value.to_owned() })?;
        let envelope: Envelope<Encrypted> = self.broker.call(CARDS, call.scopes(&["encryption.write"])).await?;
        Ok(envelope.map(|e| e.value))
    }

    /// `POST /encryption/decrypt`.
    pub async fn decrypt(&self, value: &EncryptedField) -> Result<Envelope<String>, ApiError> {
        let call = Call::post(vec!["encryption", "decrypt"], &DecryptRequest { value: value.clone() })?;
        let envelope: Envelope<Decrypted> = self.broker.call(CARDS, call.scopes(&["encryption.read"])).await?;
        Ok(envelope.map(|d| d.value))
    }

    /// `GET /encryption/data-key`: the per-user key for client-side encryption (a secret).
    pub async fn data_key(&self) -> Result<Envelope<DataKey>, ApiError> {
        self.broker.call(CARDS, Call::get(vec!["encryption", "data-key"]).scopes(&["encryption.read"])).await
    }
}
