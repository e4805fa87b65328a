//! When to try a call again and how long to wait first.
//!
//! Every call is retried on 429, whatever its class: the server refused it before handling it. Reads and
//! naturally idempotent calls are also retried on 5xx, timeouts and dropped connections; a create only when
//! it carries an `Idempotency-Key` (the same key every time), so a retry can never make a second card or
//! deposit. A card delete is retried by its endpoint, which knows how to read the answer to a resend. Waits grow exponentially with full jitter, so many clients that
//! failed together do not come back together; a server's `Retry-After` is honoured as a floor.

use std::time::Duration;

use rand::Rng;

/// Whether a call may be sent again after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// A read, or a write that is harmless to repeat (minting a session, encrypting a label).
    Safe,
    /// A write made safe by its `Idempotency-Key`.
    Keyed,
    /// A write that is not repeated automatically once it may have been carried out (a 429 or a refused
    /// connection still is: nothing was done).
    Never,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 disables retries.
    pub max_attempts: u32,
    /// The first backoff step; each later step doubles, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out: the error goes to the person instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or `None` to stop and report.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let step = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.max_delay);
        let jittered = if step.is_zero() { step } else { rand::rng().random_range(step / 2..=step) };
        match retry_after {
            Some(after) if after > self.max_retry_after => None,
            // The server's wait is a floor; a little jitter on top spreads the clients it told to wait.
            Some(after) => Some(after + jittered.min(Duration::from_secs(1)) / 4),
            None => Some(jittered),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stops() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            let first = policy.delay(1, None).unwrap();
            assert!(first >= Duration::from_millis(150) && first <= Duration::from_millis(300), "{first:?}");
            let third = policy.delay(3, None).unwrap();
            assert!(third >= Duration::from_millis(600) && third <= Duration::from_millis(1200), "{third:?}");
        }
        assert_eq!(policy.delay(4, None), None);
        assert_eq!(RetryPolicy::none().delay(1, None), None);
    }

    #[test]
    fn retry_after_is_a_floor_and_has_a_ceiling() {
        let policy = RetryPolicy::default();
        let wait = policy.delay(1, Some(Duration::from_secs(5))).unwrap();
        assert!(wait >= Duration::from_secs(5) && wait <= Duration::from_millis(5250), "{wait:?}");
        assert_eq!(policy.delay(1, Some(Duration::from_secs(31))), None);
    }

    #[test]
    fn huge_attempt_numbers_do_not_overflow() {
        let policy = RetryPolicy { max_attempts: u32::MAX, ..RetryPolicy::default() };
        assert!(policy.delay(u32::MAX - 1, None).unwrap() <= Duration::from_secs(8));
    }
}
