//! Fault injection, per route: added latency, 5xx, 429 with `Retry-After`, a connection dropped after the
//! write has committed (so idempotent retries can be tested), and "this token expires now".
//!
//! Rules are matched against the method and the path below `/partner/v1`, where `*` stands for one
//! segment (`/cards/*`) and a trailing `**` for any rest. A rule may fire a limited number of times and
//! with a probability; the random draws come from a seeded generator so a run can be repeated.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum FaultKind {
    /// Wait this long before handling the request (the request is still handled).
    Latency { ms: u64 },
    /// Answer with this 5xx status without handling the request.
    Error { status: u16 },
    /// Answer 429 with `Retry-After: seconds` without handling the request.
    RateLimit { retry_after: u64 },
    /// Handle the request (commit it), then close the connection without answering.
    DropAfterCommit,
    /// Expire the caller's session token now, then handle the request (which will answer 401).
    ExpireToken,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// `GET`, `POST`, …; `None` matches any method.
    #[serde(default)]
    pub method: Option<String>,
    /// Path pattern below `/partner/v1`, e.g. `/cards`, `/cards/*`, `/**`.
    pub path: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many times the rule fires before it retires; `None` is forever.
    #[serde(default)]
    pub times: Option<u32>,
    /// Chance that a matching request is hit, 0 to 1; `None` is always.
    #[serde(default)]
    pub probability: Option<f64>,
    /// How many requests the rule has hit so far (listed by `GET /_sim/faults`; ignored when adding).
    #[serde(default, skip_deserializing)]
    pub fired: u64,
}

impl FaultRule {
    pub fn new(method: Option<&str>, path: &str, kind: FaultKind) -> Self {
        Self {
            method: method.map(str::to_owned),
            path: path.to_owned(),
            kind,
            times: None,
            probability: None,
            fired: 0,
        }
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    pub fn probability(mut self, p: f64) -> Self {
        self.probability = Some(p);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
            return false;
        }
        let mut pattern = self.path.trim_matches('/').split('/').filter(|s| !s.is_empty());
        let mut segments = path.trim_matches('/').split('/').filter(|s| !s.is_empty());
        loop {
            match (pattern.next(), segments.next()) {
                (Some("**"), _) => return true,
                (None, None) => return true,
                (Some("*"), Some(_)) => {}
                (Some(p), Some(s)) if p == s => {}
                _ => return false,
            }
        }
    }
}

/// What the server should do to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub latency: Duration,
    pub respond_error: Option<u16>,
    pub rate_limit: Option<u64>,
    pub drop_after_commit: bool,
    pub expire_token: bool,
}

/// The active rules and the generator for their probabilities.
pub struct FaultBook {
    rules: Vec<FaultRule>,
    rng: StdRng,
}

impl FaultBook {
    pub fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        Self { rules, rng: StdRng::seed_from_u64(seed) }
    }

    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// Decides the faults for one request, using up rule counts as they fire.
    pub fn plan(&mut self, method: &str, path: &str) -> Plan {
        let mut plan = Plan::default();
        for rule in &mut self.rules {
            if !rule.matches(method, path) || rule.times == Some(0) {
                continue;
            }
            if let Some(p) = rule.probability {
                // A probability that is not a number never fires (and never reaches `random_bool`).
                let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
                if !self.rng.random_bool(p) {
                    continue;
                }
            }
            if let Some(times) = rule.times.as_mut() {
                *times -= 1;
            }
            rule.fired += 1;
            match rule.kind {
                FaultKind::Latency { ms } => plan.latency += Duration::from_millis(ms),
                FaultKind::Error { status } => plan.respond_error = plan.respond_error.or(Some(status)),
                FaultKind::RateLimit { retry_after } => plan.rate_limit = plan.rate_limit.or(Some(retry_after)),
                FaultKind::DropAfterCommit => plan.drop_after_commit = true,
                FaultKind::ExpireToken => plan.expire_token = true,
            }
        }
        self.rules.retain(|r| r.times != Some(0));
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_segments() {
        let rule = |path: &str| FaultRule::new(Some("POST"), path, FaultKind::DropAfterCommit);
        assert!(rule("/cards").matches("POST", "/cards"));
        assert!(!rule("/cards").matches("GET", "/cards"));
        assert!(!rule("/cards").matches("POST", "/cards/abc"));
        assert!(rule("/cards/*").matches("post", "/cards/abc"));
        assert!(!rule("/cards/*").matches("POST", "/cards/abc/secrets"));
        assert!(rule("/cards/**").matches("POST", "/cards/abc/secrets"));
        assert!(rule("/**").matches("POST", "/anything/at/all"));
    }

    #[test]
    fn counted_rules_retire_and_probabilities_are_reproducible() {
        let mut book =
            FaultBook::new(vec![FaultRule::new(None, "/balances", FaultKind::Error { status: 503 }).times(2)], 1);
        assert_eq!(book.plan("GET", "/balances").respond_error, Some(503));
        assert_eq!(book.plan("GET", "/balances").respond_error, Some(503));
        assert_eq!(book.plan("GET", "/balances").respond_error, None);
        assert!(book.rules().is_empty());

        let draws = |seed| {
            let mut book =
                FaultBook::new(vec![FaultRule::new(None, "/**", FaultKind::DropAfterCommit).probability(0.5)], seed);
            (0..64).map(|_| book.plan("POST", "/cards").drop_after_commit).collect::<Vec<_>>()
        };
        assert_eq!(draws(9), draws(9));
        let hits = draws(9).iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn rules_read_from_json() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"method":"GET","path":"/kyc/status","kind":"rate_limit","retryAfter":2,"times":3}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rule.kind, FaultKind::RateLimit { retry_after: 2 });
        assert_eq!(rule.times, Some(3));
    }
}
