//! The simulator's memory: partners, their users and everything a user owns. One mutex guards it all
//! (see `Sim`), so every request sees and leaves a consistent state; handlers never await while holding it.
//!
//! A user and what they own derive `Serialize`/`Deserialize` for the saved Demo state (`snapshot`). Every
//! field that is a secret is skipped there: card numbers and CVCs (derived again from `card_seed`), the KYC
//! application (only whether one was sent is kept) and in-flight withdrawals; sessions live elsewhere.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::snapshot::{application_flag, at, at_option};

/// KYC status as the simulator tracks it; serialised in snake_case as the partner API does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KycStatus {
    NotSubmitted,
    Pending,
    ManualReview,
    NeedsVerification,
    NeedsInformation,
    Approved,
    Denied,
}

impl KycStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSubmitted => "not_submitted",
            Self::Pending => "pending",
            Self::ManualReview => "manual_review",
            Self::NeedsVerification => "needs_verification",
            Self::NeedsInformation => "needs_information",
            Self::Approved => "approved",
            Self::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kyc {
    pub status: KycStatus,
    pub reason: Option<String>,
    /// The last application as submitted (it is the simulator's own data; never logged). Saved only as
    /// whether there is one: it holds the national id.
    #[serde(rename = "applicationSubmitted", with = "application_flag")]
    pub application: Option<Value>,
    /// Signs the verification link so only the link we issued completes verification.
    pub signature: String,
    /// When the current status started; drives the timed transitions.
    #[serde(with = "at")]
    pub since: OffsetDateTime,
    /// A completion link set through `/_sim` in place of the simulator's own page, to play a hostile or
    /// broken server (a `javascript:` link, an unknown host).
    pub link_override: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardRec {
    pub card_id: String,
    /// Never saved: derived from the state's `card_seed` and the card id (`ids::card_numbers`).
    #[serde(skip)]
    pub pan: String,
    #[serde(skip)]
    pub cvc: String,
    pub status: String,
    pub expiration_month: u8,
    pub expiration_year: u16,
    /// `{amountCents, frequency}` or null.
    pub limit: Value,
    pub encrypted_name: Value,
    pub encrypted_color: Value,
    pub encrypted_emoji: Value,
    pub encrypted_memo: Value,
    pub is_pinned: bool,
    pub sort_order: i64,
    pub folder_id: Value,
    #[serde(with = "at")]
    pub created_at: OffsetDateTime,
    #[serde(with = "at_option")]
    pub deleted_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositRec {
    pub id: String,
    pub currency: String,
    pub network: String,
    pub chain_id: Option<u64>,
    pub address: String,
    /// The relay order id on routes that go through ChangeNow; none on sandbox rUSD.
    pub change_now_id: Option<String>,
    /// Reads since creation; the address is withheld until `deposit_address_after_reads`.
    pub reads: u32,
    pub status: String,
    pub min_amount: f64,
    pub funded_amount: Option<f64>,
    #[serde(with = "at")]
    pub created_at: OffsetDateTime,
    #[serde(with = "at")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRec {
    pub transaction_id: String,
    pub kind: String,
    pub status: String,
    pub amount_cents: i64,
    pub merchant_name: Option<String>,
    pub card_id: Option<String>,
    #[serde(with = "at")]
    pub created_at: OffsetDateTime,
    /// For an authorised spend: when it posts.
    #[serde(with = "at_option")]
    pub posts_at: Option<OffsetDateTime>,
    /// When it posted. The fields below are absent from states saved before they existed, hence `default`.
    #[serde(default, with = "at_option")]
    pub posted_at: Option<OffsetDateTime>,
    /// For a declined spend: the code of why (`DeclineReason` on the client's side).
    #[serde(default)]
    pub decline_reason: Option<String>,
    /// For a refund: the spend it gives money back for.
    #[serde(default)]
    pub refund_of: Option<String>,
}

impl TxRec {
    /// A refund: a `spend` below zero, the only way the API's types can spell money back on a card.
    pub fn is_refund(&self) -> bool {
        self.kind == "spend" && self.amount_cents < 0
    }
}

#[derive(Debug, Clone)]
pub struct WithdrawalRec {
    pub polls: u32,
    pub amount_cents: i64,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub user_id: String,
    /// The issuer-side id, used in verification links.
    pub internal_id: String,
    pub wallet_address: Option<String>,
    pub wallet_chain: String,
    pub wallet_label: Option<String>,
    #[serde(with = "at")]
    pub created_at: OffsetDateTime,
    pub kyc: Kyc,
    #[serde(with = "at_option")]
    pub agreements_accepted_at: Option<OffsetDateTime>,
    pub contract_id: String,
    /// False until the first deposit has met `missing_contract` (when that fault is configured).
    pub contract_ready: bool,
    /// AES-256 key for card label encryption.
    pub data_key: [u8; 32],
    pub cards: Vec<CardRec>,
    pub deposits: Vec<DepositRec>,
    pub transactions: Vec<TxRec>,
    /// Collateral value in cents.
    pub credit_limit: i64,
    pub pending_charges: i64,
    pub posted_charges: i64,
    pub balance_due: i64,
    /// By request-body fingerprint: re-POSTing the same request is polling the same withdrawal. Not saved:
    /// a withdrawal's signature lives minutes, and a restart starts it again.
    #[serde(skip)]
    pub withdrawals: HashMap<String, WithdrawalRec>,
    /// Idempotency-Key → (body fingerprint, when), so a key reused for another request is refused.
    #[serde(skip)]
    pub withdrawal_keys: HashMap<String, (String, OffsetDateTime)>,
}

impl User {
    pub fn spending_power(&self) -> i64 {
        (self.credit_limit - self.pending_charges - self.balance_due).max(0)
    }

    pub fn kyc_approved(&self) -> bool {
        self.kyc.status == KycStatus::Approved
    }

    pub fn card(&self, card_id: &str) -> Option<&CardRec> {
        self.cards.iter().find(|c| c.card_id == card_id)
    }

    pub fn card_mut(&mut self, card_id: &str) -> Option<&mut CardRec> {
        self.cards.iter_mut().find(|c| c.card_id == card_id)
    }
}

#[derive(Debug, Clone)]
pub struct SessionRec {
    pub session_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct SecretsSessionRec {
    pub user_id: String,
    pub key: [u8; 16],
    pub expires_at: OffsetDateTime,
}

/// A stored answer to an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct IdemRecord {
    pub method: String,
    pub path: String,
    pub body_hash: String,
    pub status: u16,
    pub body: Value,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Partner {
    pub users: HashMap<String, User>,
    /// By session token.
    pub sessions: HashMap<String, SessionRec>,
    /// By secrets session id.
    pub secrets_sessions: HashMap<String, SecretsSessionRec>,
    /// By (user id, key).
    pub idempotency: HashMap<(String, String), IdemRecord>,
}

/// Where an object lives, for the `/_sim` routes and `/verify`, which name objects without a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub partner: String,
    pub user_id: String,
}

pub struct State {
    pub partners: HashMap<String, Partner>,
    pub rng: StdRng,
    /// internal user id → owner (verification links).
    pub internal_ids: HashMap<String, Owner>,
    pub card_owners: HashMap<String, Owner>,
    pub deposit_owners: HashMap<String, Owner>,
    /// Sequence for readable transaction ids.
    pub next_tx: u64,
    /// The secret every card's number and CVC are derived from (`ids::card_numbers`).
    pub card_seed: [u8; 32],
}

impl State {
    pub fn new(partner_keys: &[String], seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let card_seed = rng.random();
        Self {
            partners: partner_keys.iter().map(|k| (k.clone(), Partner::default())).collect(),
            rng,
            internal_ids: HashMap::new(),
            card_owners: HashMap::new(),
            deposit_owners: HashMap::new(),
            next_tx: 1,
            card_seed,
        }
    }

    pub fn user(&self, owner: &Owner) -> Option<&User> {
        self.partners.get(&owner.partner)?.users.get(&owner.user_id)
    }

    pub fn user_mut(&mut self, owner: &Owner) -> Option<&mut User> {
        self.partners.get_mut(&owner.partner)?.users.get_mut(&owner.user_id)
    }

    /// A random v4 UUID from the seeded generator.
    pub fn uuid(&mut self) -> String {
        random_uuid(&mut self.rng)
    }

    /// `len` random lower-case letters and digits (cuid-like ids, tokens).
    pub fn token(&mut self, len: usize) -> String {
        random_token(&mut self.rng, len)
    }

    pub fn next_transaction_id(&mut self) -> String {
        let id = format!("txn_{:06}", self.next_tx);
        self.next_tx += 1;
        id
    }

    /// The user, created if needed (sessions and users/resolve may each come first).
    pub fn ensure_user(&mut self, partner: &str, user_id: &str, now: OffsetDateTime) -> &mut User {
        let State { partners, rng, internal_ids, .. } = self;
        let users = &mut partners.entry(partner.to_owned()).or_default().users;
        users.entry(user_id.to_owned()).or_insert_with(|| {
            let internal_id = random_uuid(rng);
            let owner = Owner { partner: partner.to_owned(), user_id: user_id.to_owned() };
            internal_ids.insert(internal_id.clone(), owner);
            User {
                user_id: user_id.to_owned(),
                internal_id,
                wallet_address: None,
                wallet_chain: "evm".to_owned(),
                wallet_label: None,
                created_at: now,
                kyc: Kyc {
                    status: KycStatus::NotSubmitted,
                    reason: None,
                    application: None,
                    signature: random_token(rng, 32),
                    since: now,
                    link_override: None,
                },
                agreements_accepted_at: None,
                contract_id: random_uuid(rng),
                contract_ready: false,
                data_key: rng.random(),
                cards: Vec::new(),
                deposits: Vec::new(),
                transactions: Vec::new(),
                credit_limit: 0,
                pending_charges: 0,
                posted_charges: 0,
                balance_due: 0,
                withdrawals: HashMap::new(),
                withdrawal_keys: HashMap::new(),
            }
        })
    }
}

pub fn random_uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string()
}

pub fn random_token(rng: &mut StdRng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_saved_before_posting_times_and_reasons_reads_back() {
        let old = r#"{"transactionId":"txn_000001","kind":"spend","status":"posted","amountCents":1250,
            "merchantName":"Coffee Shop","cardId":"c-0000001","createdAt":"2026-01-16T18:40:00.000Z","postsAt":null}"#;
        let tx: TxRec = serde_json::from_str(old).unwrap();
        assert_eq!((tx.posted_at, &tx.decline_reason, &tx.refund_of), (None, &None, &None));

        let refund = TxRec {
            amount_cents: -250,
            posted_at: Some(tx.created_at),
            refund_of: Some(tx.transaction_id.clone()),
            ..tx
        };
        assert!(refund.is_refund());
        let again: TxRec = serde_json::from_str(&serde_json::to_string(&refund).unwrap()).unwrap();
        assert_eq!((again.posted_at, again.refund_of.as_deref()), (refund.posted_at, Some("txn_000001")));
    }
}
