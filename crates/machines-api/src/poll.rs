//! Watching a status until it settles: KYC and deposits.
//!
//! The wait between checks is the server's `next.pollAfterMs` when it gives one; otherwise it starts at
//! 5 s and backs off to 60 s. Transient failures (network, 5xx, 429) are waited out, at least as long as
//! the server's `Retry-After`; all are reported except a 429 on a timed check, which is waited out quietly
//! (only a check the person asked for reports it). A [`PollControl`] lets the caller stop the watch, or check at once
//! (the "I've finished" button).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::client::UserClient;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::models::deposits::Deposit;
use crate::models::kyc::KycState;

#[derive(Debug, Clone, PartialEq)]
pub struct PollPolicy {
    /// The first wait when the server gives no hint.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Each wait without a hint is this much longer than the last.
    pub factor: f64,
    /// Shortest wait, whatever the hint says.
    pub min: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(5),
            max: Duration::from_secs(60),
            factor: 1.5,
            min: Duration::from_millis(250),
        }
    }
}

impl PollPolicy {
    /// The shortest wait, never above `max` (so a policy with `min > max` still works).
    fn floor(&self) -> Duration {
        self.min.min(self.max)
    }
}

/// Stops a watch or makes it check now. Cheap to clone; all clones control the same watch.
#[derive(Debug, Clone, Default)]
pub struct PollControl {
    cancel: CancellationToken,
    wake: Arc<Notify>,
}

impl PollControl {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends the watch; it returns [`ApiError::Cancelled`].
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Checks at once instead of waiting out the current interval. A press during a check is kept and
    /// honoured right after it.
    pub fn check_now(&self) {
        self.wake.notify_one();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Completes once the watch is cancelled, for work a caller does around it.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await;
    }
}

/// What a watch reports while it runs.
#[derive(Debug)]
pub enum PollEvent<'a, T> {
    /// A fresh status.
    Update(&'a T),
    /// A transient failure that will be retried (a rate limit only when the person asked for the check).
    Retrying(&'a ApiError),
    /// A timed check met a rate limit (the error) and the next check waits this long: not news for the
    /// person, but a screen can say it is slowing down.
    SlowedDown(&'a ApiError, Duration),
}

/// Runs `fetch` until `settled` says so, the control cancels, or a non-transient error occurs.
pub async fn watch<T, F, Fut>(
    policy: &PollPolicy,
    control: &PollControl,
    mut fetch: F,
    settled: impl Fn(&T) -> bool,
    mut on_event: impl FnMut(PollEvent<'_, T>),
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Envelope<T>, ApiError>>,
{
    let mut backoff = policy.initial;
    // Whether the next check is one the person asked for ("I've finished"), not a timed one.
    let mut asked = false;
    loop {
        if control.is_cancelled() {
            return Err(ApiError::Cancelled);
        }
        let fetched = tokio::select! {
            biased;
            () = control.cancel.cancelled() => return Err(ApiError::Cancelled),
            fetched = fetch() => fetched,
        };
        let wait = match fetched {
            Ok(envelope) => {
                on_event(PollEvent::Update(&envelope.data));
                if settled(&envelope.data) {
                    return Ok(envelope.data);
                }
                match envelope.next.and_then(|n| n.poll_after) {
                    Some(hint) => hint.clamp(policy.floor(), policy.max),
                    None => grow(&mut backoff, policy),
                }
            }
            Err(error) if error.is_transient() => {
                // A rate limit on a background check is the server asking us to wait, not news for the
                // person: it is waited out without a word. Only a check they asked for says it was refused.
                let limited = matches!(error, ApiError::RateLimited { .. });
                if !limited || asked {
                    on_event(PollEvent::Retrying(&error));
                }
                // The server's Retry-After is honoured, up to an hour, so a hostile value cannot park the watch.
                let floor = error.retry_after().map_or(Duration::ZERO, |after| after.min(MAX_RETRY_AFTER));
                let wait = grow(&mut backoff, policy).max(floor);
                if limited && !asked {
                    on_event(PollEvent::SlowedDown(&error, wait));
                }
                wait
            }
            Err(error) => return Err(error),
        };
        asked = tokio::select! {
            () = control.cancel.cancelled() => return Err(ApiError::Cancelled),
            () = control.wake.notified() => true,
            () = tokio::time::sleep(wait) => false,
        };
    }
}

/// Returns the current backoff and lengthens the next one. Never panics, whatever the policy says.
fn grow(backoff: &mut Duration, policy: &PollPolicy) -> Duration {
    let current = (*backoff).clamp(policy.floor(), policy.max);
    let factor = if policy.factor.is_finite() { policy.factor.max(1.0) } else { 1.0 };
    *backoff =
        Duration::try_from_secs_f64(current.as_secs_f64() * factor).map_or(policy.max, |next| next.min(policy.max));
    current
}

/// Longest `Retry-After` a watch waits out.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

impl UserClient {
    /// Watches `GET /kyc/status` until a terminal state (approved, denied, canceled, locked).
    pub async fn watch_kyc(
        &self,
        policy: &PollPolicy,
        control: &PollControl,
        on_event: impl FnMut(PollEvent<'_, KycState>),
    ) -> Result<KycState, ApiError> {
        watch(policy, control, || self.kyc_status(), |state| state.status.is_terminal(), on_event).await
    }

    /// Watches `GET /deposits/{id}` until it completes or fails.
    pub async fn watch_deposit(
        &self,
        deposit_id: &str,
        policy: &PollPolicy,
        control: &PollControl,
        on_event: impl FnMut(PollEvent<'_, Deposit>),
    ) -> Result<Deposit, ApiError> {
        watch(policy, control, || self.get_deposit(deposit_id), |d| d.status.is_terminal(), on_event).await
    }

    /// Watches a new deposit until its address is assigned (it may be null right after creation), or it
    /// ends without one.
    pub async fn wait_for_deposit_address(
        &self,
        deposit_id: &str,
        policy: &PollPolicy,
        control: &PollControl,
    ) -> Result<Deposit, ApiError> {
        let settled = |d: &Deposit| d.deposit_address.is_some() || d.status.is_terminal();
        watch(policy, control, || self.get_deposit(deposit_id), settled, |_| {}).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Next;
    use crate::error::Problem;

    /// A server whose answer to its `n`th check (from 0) is `answer(n)`.
    fn scripted(
        answer: impl Fn(u32) -> Result<Envelope<u32>, ApiError>,
    ) -> impl FnMut() -> std::future::Ready<Result<Envelope<u32>, ApiError>> {
        let mut calls = 0;
        move || {
            let n = calls;
            calls += 1;
            std::future::ready(answer(n))
        }
    }

    fn env(value: u32, hint_ms: Option<u64>) -> Envelope<u32> {
        Envelope {
            data: value,
            summary: String::new(),
            next: hint_ms.map(|ms| Next { poll_after: Some(Duration::from_millis(ms)), ..Next::default() }),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn honours_hints_backs_off_and_retries_transients() {
        let started = tokio::time::Instant::now();
        let mut retried = 0;
        let result = watch(
            &PollPolicy::default(),
            &PollControl::new(),
            scripted(|n| match n {
                0 => Ok(env(0, Some(2_000))),
                1 => Err(ApiError::Server { problem: Problem::default(), retry_after: None }),
                2 => Ok(env(0, None)),
                _ => Ok(env(7, None)),
            }),
            |v| *v == 7,
            |event| {
                if matches!(event, PollEvent::Retrying(_)) {
                    retried += 1;
                }
            },
        )
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(retried, 1);
        // 2 s hint, then 5 s after the 5xx, then 7.5 s of grown backoff.
        assert_eq!(started.elapsed(), Duration::from_millis(14_500));
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_wait_is_a_floor_and_hard_errors_stop() {
        let started = tokio::time::Instant::now();
        let result = watch(
            &PollPolicy::default(),
            &PollControl::new(),
            scripted(|n| match n {
                0 => Err(ApiError::RateLimited {
                    retry_after: Some(Duration::from_secs(30)),
                    problem: Problem::default(),
                }),
                _ => Err(ApiError::NotFound { problem: Problem::default() }),
            }),
            |_: &u32| false,
            |_| {},
        )
        .await;
        assert_eq!(result.unwrap_err().code(), "not_found");
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_503s_retry_after_is_a_floor_too() {
        let started = tokio::time::Instant::now();
        let result = watch(
            &PollPolicy::default(),
            &PollControl::new(),
            scripted(|n| match n {
                0 => Err(ApiError::Server { problem: Problem::default(), retry_after: Some(Duration::from_secs(40)) }),
                _ => Err(ApiError::NotFound { problem: Problem::default() }),
            }),
            |_: &u32| false,
            |_| {},
        )
        .await;
        assert_eq!(result.unwrap_err().code(), "not_found");
        assert_eq!(started.elapsed(), Duration::from_secs(40));
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_retry_after_is_waited_out_quietly_unless_the_person_asked() {
        let limited =
            || ApiError::RateLimited { retry_after: Some(Duration::from_secs(600)), problem: Problem::default() };
        let started = tokio::time::Instant::now();
        let mut reported = Vec::new();
        let result = watch(
            &PollPolicy::default(),
            &PollControl::new(),
            scripted(|n| if n == 0 { Err(limited()) } else { Ok(env(1, None)) }),
            |v| *v == 1,
            |event| {
                if let PollEvent::Retrying(error) = event {
                    reported.push(error.code());
                }
            },
        )
        .await;
        assert_eq!(result.unwrap(), 1);
        assert!(reported.is_empty(), "a background check reported {reported:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(600));

        // The person presses "I've finished" during the wait: their check meets the limit and is told so.
        let control = PollControl::new();
        let presser = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            presser.check_now();
        });
        let mut reported = Vec::new();
        let result = watch(
            &PollPolicy::default(),
            &control,
            scripted(|n| if n < 2 { Err(limited()) } else { Ok(env(1, None)) }),
            |v| *v == 1,
            |event| {
                if let PollEvent::Retrying(error) = event {
                    reported.push(error.code());
                }
            },
        )
        .await;
        assert_eq!(result.unwrap(), 1);
        assert_eq!(reported, ["rate_limited"], "only the person's own check is reported");
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_rate_limit_says_how_long_the_next_check_waits() {
        let mut slowed = Vec::new();
        let result = watch(
            &PollPolicy::default(),
            &PollControl::new(),
            scripted(|n| {
                match n {
                    0 => Err(ApiError::RateLimited {
                        retry_after: Some(Duration::from_secs(90)),
                        problem: Problem::default(),
                    }),
                    // A limit with no Retry-After waits the backoff (5 s, then 7.5 s).
                    1 => Err(ApiError::RateLimited { retry_after: None, problem: Problem::default() }),
                    _ => Ok(env(1, None)),
                }
            }),
            |v| *v == 1,
            |event| match event {
                PollEvent::SlowedDown(error, wait) => {
                    assert_eq!(error.code(), "rate_limited");
                    slowed.push(wait);
                }
                PollEvent::Retrying(error) => panic!("a timed check reported {error}"),
                PollEvent::Update(_) => {}
            },
        )
        .await;
        assert_eq!(result.unwrap(), 1);
        assert_eq!(slowed, [Duration::from_secs(90), Duration::from_millis(7_500)]);
    }

    #[tokio::test(start_paused = true)]
    async fn odd_policies_do_not_panic() {
        let odd = [
            PollPolicy { min: Duration::from_secs(120), ..PollPolicy::default() },
            PollPolicy { factor: f64::INFINITY, ..PollPolicy::default() },
            PollPolicy { factor: 1e300, ..PollPolicy::default() },
            PollPolicy { factor: f64::NAN, max: Duration::ZERO, initial: Duration::MAX, ..PollPolicy::default() },
        ];
        for policy in odd {
            let result = watch(
                &policy,
                &PollControl::new(),
                scripted(|n| Ok(env(n, if n == 1 { Some(1) } else { None }))),
                |v| *v == 3,
                |_| {},
            )
            .await;
            assert_eq!(result.unwrap(), 3, "{policy:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn check_now_skips_the_wait_and_cancel_stops() {
        let control = PollControl::new();
        let started = tokio::time::Instant::now();
        let waker = control.clone();
        let result = watch(
            &PollPolicy::default(),
            &control,
            scripted(|n| {
                // The person presses "I've finished" while the first check is running.
                if n == 0 {
                    waker.check_now();
                }
                Ok(env(n, Some(60_000)))
            }),
            |v| *v == 1,
            |_| {},
        )
        .await;
        assert_eq!(result.unwrap(), 1);
        assert_eq!(started.elapsed(), Duration::ZERO);

        let control = PollControl::new();
        let stopper = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            stopper.cancel();
        });
        let result = watch(&PollPolicy::default(), &control, || async { Ok(env(0, None)) }, |_| false, |_| {}).await;
        assert_eq!(result.unwrap_err().code(), "cancelled");
    }
}
