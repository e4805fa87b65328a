//! One file per route family. Handlers check, call one or two things, and answer in the envelope.

pub mod health;
pub mod link;
pub mod me;
pub mod session;

mod body;
