//! The simulator's own routes (`/_sim`), as a test that started the simulator drives them: a purchase at
//! a merchant, the day's settlement, a refund. Over HTTP with the admin secret, as the simulator's binary
//! is driven by a person, so the app sees only what the partner API then answers.

use machines_sim::{SimHandle, ADMIN_HEADER};
use serde_json::{json, Value};

use crate::{Failure, Result};

pub struct SimAdmin {
    http: reqwest::Client,
    origin: String,
    secret: String,
}

impl SimAdmin {
    pub fn new(sim: &SimHandle) -> Self {
        Self { http: reqwest::Client::new(), origin: sim.origin(), secret: sim.admin_secret().to_owned() }
    }

    /// A purchase of `cents` at `merchant` on card `card_id`: `{approved, reason?, transaction}`.
    pub async fn spend(&self, card_id: &str, cents: i64, merchant: &str) -> Result<Value> {
        self.post(&format!("/cards/{card_id}/spend"), json!({"amountCents": cents, "merchant": merchant})).await
    }

    /// Posts every pending purchase now (the simulator's settlement run).
    pub async fn settle(&self) -> Result<Value> {
        self.post("/transactions/settle", json!({})).await
    }

    /// Refunds a posted purchase in full (a new negative `spend`), or reverses a pending one.
    pub async fn refund(&self, transaction_id: &str) -> Result<Value> {
        self.post(&format!("/transactions/{transaction_id}/refund"), json!({})).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        let answer: Value = self
            .http
            .post(format!("{}/_sim{path}", self.origin))
            .header(ADMIN_HEADER, &self.secret)
            .json(&body)
            .send()
            .await
            .map_err(|e| Failure::new(format!("POST /_sim{path}: {e}")))?
            .json()
            .await
            .map_err(|e| Failure::new(format!("POST /_sim{path} answered no JSON: {e}")))?;
        if answer["ok"] != json!(true) {
            return Err(Failure::new(format!("POST /_sim{path} failed: {answer}")));
        }
        Ok(answer["data"].clone())
    }
}
