//! The Bearer endpoints of [`crate::UserClient`], one file per domain. Each method names the scope set
//! its session needs and how it may be retried; the broker and transport do the rest.

mod cards;
mod encryption;
mod funding;
mod kyc;
mod withdrawals;

pub use cards::CardReveal;
