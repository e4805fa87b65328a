//! Request handlers, one module per domain. Every API handler has the same shape,
//! `fn(&Sim, &mut State, &Req) -> Answer`: it runs under the state lock, never awaits, and answers in the
//! envelope, taking each step with `?` (a refusal on the way is the answer). `router.rs` maps methods and
//! paths onto them.

pub mod admin;
pub mod agreements;
pub mod cards;
pub mod deposits;
pub mod encryption;
pub mod kyc;
pub mod ledger;
pub mod refunds;
pub mod secrets;
pub mod sessions;
pub mod spend;
pub mod users;
pub mod verify;
pub mod withdrawals;
