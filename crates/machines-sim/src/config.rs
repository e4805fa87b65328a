//! How a simulator instance behaves: keys it accepts, its seed, timings of its state machines, the IV
//! length of card secrets, and the faults it injects.

use std::path::PathBuf;
use std::time::Duration;

use crate::faults::FaultRule;

/// The partner key Demo mode and the binary accept unless told otherwise. Not a secret: it unlocks only
/// this simulator's demo money.
pub const DEMO_PARTNER_KEY: &str = "mk_demo_local_simulator_key";

/// The header that carries the admin secret on every `/_sim` request.
pub const ADMIN_HEADER: &str = "x-sim-admin";

/// A fresh random secret, `prefix` then 32 hex digits (128 bits from the OS's generator): Demo's
/// per-launch partner key and every simulator's admin secret, so no other local process can guess them.
pub fn random_secret(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::random();
    format!("{prefix}{}", hex::encode(bytes))
}

/// IV length of card-secret ciphertexts. The guide shows 16 bytes; the vendor's own mock uses 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretIv {
    #[default]
    Bytes16,
    Bytes12,
}

/// What a `DELETE /cards/{id}` answers for a card that is already canceled. The contract leaves this open
/// (spec §5.13 and Q7: delete is a terminal cancel, a PATCH of a canceled card is 409 `invalid_state`, and
/// the consumer app purges deleted cards after 24 h), so each answer a real server may give is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecondDelete {
    /// 200 with the first answer's data again.
    #[default]
    Same,
    /// 409 `invalid_state` "card already canceled", as a PATCH of a canceled card answers.
    AlreadyCanceled,
    /// 404, as once the card has been purged.
    Gone,
}

/// Which spelling of the label-encryption scopes a session must hold for `/encryption/*`. The guide mints
/// card sessions with `crypto.read`/`crypto.write`, the reference documents `encryption.*`; which one the
/// real server honours is not known, so a simulator can be made to honour only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncryptionScopes {
    /// Either spelling grants the scope.
    #[default]
    Either,
    /// Only `encryption.read` / `encryption.write` (the reference).
    Reference,
    /// Only `crypto.read` / `crypto.write` (the guide).
    Guide,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Partner keys accepted in `X-Partner-Key`; each has its own users and state.
    pub partner_keys: Vec<String>,
    /// Seeds ids, PANs, keys and addresses so runs with the same seed and calls are reproducible.
    pub seed: u64,
    /// After the verification page is completed, KYC stays `pending` this long, then turns `approved`.
    pub kyc_pending_for: Duration,
    /// If set, `needs_verification` completes by itself after this long (no page visit needed).
    pub kyc_auto_verify_after: Option<Duration>,
    /// `manual_review` turns `approved` after this long.
    pub kyc_manual_review_for: Duration,
    /// `next.pollAfterMs` sent while KYC is in progress.
    pub kyc_poll_after: Duration,
    /// A new deposit's address is null in the create answer (as the vendor's example client expects) and
    /// for this many reads after it; 0 shows it on the first read, as the guide's step 9 does.
    pub deposit_address_after_reads: u32,
    /// A funded deposit stays `processing` this long, then completes.
    pub deposit_processing_for: Duration,
    /// If set, a deposit with an address is funded by itself with `auto_fund_amount` after this long (Demo).
    pub deposit_auto_fund_after: Option<Duration>,
    pub auto_fund_amount: f64,
    /// The first deposit of each user fails once with `missing_contract`, as sandbox provisioning can.
    pub missing_contract_on_first_deposit: bool,
    /// An authorised spend is posted after this long.
    pub spend_posts_after: Duration,
    /// Lifetime of a card-secrets session.
    pub secrets_session_ttl: Duration,
    pub secret_iv: SecretIv,
    /// A withdrawal answers `pending` this many times before it is `ready`.
    pub withdrawal_pending_polls: u32,
    /// API requests per second this simulator answers (one token bucket, burst = rate); `None` is unlimited.
    pub rate_limit_per_second: Option<u32>,
    /// Faults in force from the start; more can be added at run time.
    pub faults: Vec<FaultRule>,
    /// If set, a minted session lives at most this long, whatever `ttlSeconds` asked for: a server may
    /// grant less than it is asked (and say so in `expiresAt`).
    pub max_session_ttl: Option<Duration>,
    /// Which spelling of the encryption scopes `/encryption/*` honours.
    pub encryption_scopes: EncryptionScopes,
    /// What deleting an already canceled card answers.
    pub second_delete: SecondDelete,
    /// If set, the state is read from this file at start and saved to it (see `store`): Demo mode's
    /// memory between runs. Unset, the simulator starts empty from `seed` and forgets everything.
    pub state_file: Option<PathBuf>,
    /// How long after a request the state is saved; the requests of one burst make one write.
    pub save_after: Duration,
    /// The secret every `/_sim` request must carry in [`ADMIN_HEADER`]; random for each config made by
    /// `default()`, so only whoever started the simulator (and reads [`crate::SimHandle::admin_secret`] or
    /// the binary's printed line) can inject faults or change a user's KYC.
    pub admin_secret: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            partner_keys: vec![DEMO_PARTNER_KEY.to_owned()],
            seed: 7,
            kyc_pending_for: Duration::from_secs(3),
            kyc_auto_verify_after: None,
            kyc_manual_review_for: Duration::from_secs(10),
            kyc_poll_after: Duration::from_secs(2),
            deposit_address_after_reads: 0,
            deposit_processing_for: Duration::from_secs(3),
            deposit_auto_fund_after: None,
            auto_fund_amount: 50.0,
            missing_contract_on_first_deposit: false,
            spend_posts_after: Duration::from_secs(30),
            secrets_session_ttl: Duration::from_secs(300),
            secret_iv: SecretIv::Bytes16,
            withdrawal_pending_polls: 1,
            rate_limit_per_second: None,
            faults: Vec::new(),
            max_session_ttl: None,
            encryption_scopes: EncryptionScopes::Either,
            second_delete: SecondDelete::Same,
            state_file: None,
            save_after: Duration::from_millis(500),
            admin_secret: random_secret("sim_admin_"),
        }
    }
}

impl SimConfig {
    /// Everything immediate: no waits in state machines. For tests that walk the journey quickly.
    pub fn instant() -> Self {
        Self {
            kyc_pending_for: Duration::ZERO,
            kyc_manual_review_for: Duration::ZERO,
            kyc_poll_after: Duration::from_millis(10),
            deposit_processing_for: Duration::ZERO,
            spend_posts_after: Duration::ZERO,
            ..Self::default()
        }
    }
}
