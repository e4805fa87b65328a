//! Per-subject and per-address rate limits (`governor`'s keyed GCRA limiter).
//!
//! In memory, per process: with N gateway processes a subject gets up to N times the rate. The limits are
//! there to blunt a runaway client or a scripted link attempt, not to meter exactly, and keeping them out
//! of the database keeps a mint to one database write.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::GatewayError;

#[derive(Clone)]
pub struct Limits {
    subjects: Arc<DefaultKeyedRateLimiter<String>>,
    addresses: Arc<DefaultKeyedRateLimiter<String>>,
}

impl Limits {
    pub fn new(per_subject_per_minute: u32, per_address_per_minute: u32) -> Self {
        Self {
            subjects: Arc::new(limiter(per_subject_per_minute)),
            addresses: Arc::new(limiter(per_address_per_minute)),
        }
    }

    pub fn check_subject(&self, issuer: &str, subject: &str) -> Result<(), GatewayError> {
        check(&self.subjects, format!("{issuer}\n{subject}"))
    }

    pub fn check_address(&self, wallet_address: &str) -> Result<(), GatewayError> {
        check(&self.addresses, wallet_address.to_ascii_lowercase())
    }

    /// Forgets keys whose allowance is full again, so the maps do not grow with every subject ever seen.
    pub fn forget_idle(&self) {
        self.subjects.retain_recent();
        self.addresses.retain_recent();
    }
}

/// `per_minute` requests a minute, all of which may come at once.
fn limiter(per_minute: u32) -> DefaultKeyedRateLimiter<String> {
    let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let quota =
        Quota::with_period(Duration::from_secs(60) / n.get()).unwrap_or_else(|| Quota::per_minute(n)).allow_burst(n);
    RateLimiter::keyed(quota)
}

fn check(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), GatewayError> {
    limiter.check_key(&key).map_err(|not_until| GatewayError::RateLimited {
        retry_after: not_until.wait_time_from(DefaultClock::default().now()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait_per_key() {
        let limits = Limits::new(3, 1);
        for _ in 0..3 {
            assert!(limits.check_subject("iss", "alice").is_ok());
        }
        match limits.check_subject("iss", "alice") {
            Err(GatewayError::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(20), "{retry_after:?}");
            }
            other => assert!(other.is_err(), "fourth request in a minute must be refused"),
        }
        assert!(limits.check_subject("iss", "bob").is_ok(), "another subject has its own allowance");
        assert!(limits.check_address("0xAB").is_ok());
        assert!(limits.check_address("0xab").is_err(), "addresses are keyed case-insensitively");
    }
}
