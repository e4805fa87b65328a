//! The person behind every unlock and reveal: what an unlock credential must be (a passphrase or a PIN
//! of at least 6 digits), how it is kept (only an argon2id hash in PHC form, which carries its own salt
//! and parameters), the growing delay after wrong attempts, the window after which a reveal asks again,
//! the rate limit on reveals and copies, and which settings changes weaken protection. No Tauri, no
//! keychain: the shell stores the PHC string and asks these rules.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// The shortest passphrase accepted. Anything shorter that is not a PIN is refused.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// The shortest PIN (digits only) accepted.
pub const MIN_PIN_DIGITS: usize = 6;
/// The longest credential accepted: argon2 takes any length, but a megabyte pasted by accident is not a
/// passphrase.
pub const MAX_CREDENTIAL_CHARS: usize = 1024;

/// OWASP's recommended argon2id parameters (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
/// The PHC string records them, so a stored hash still verifies after they are raised.
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_PASSES: u32 = 2;
pub const ARGON2_LANES: u32 = 1;

/// What the set-passphrase screen shows while the person types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CredentialCheck {
    /// Whether it may be saved.
    pub acceptable: bool,
    /// 0 (refused) to 4 (strong), for the meter.
    pub strength: u8,
    /// One sentence: what is wrong, or how strong it is.
    pub message: String,
}

/// Judges a candidate credential. Written here rather than with a dictionary estimator (zxcvbn): the
/// guessing it would model is already bounded by argon2id and the growing delays, the hash never leaves
/// the keychain, and a dictionary would add about a megabyte to a binary whose size and start-up are
/// measured. So the rules are length and the obvious patterns (one repeated character, a run like
/// 123456 or abcdef).
pub fn check_credential(candidate: &str) -> CredentialCheck {
    let refuse = |message: &str| CredentialCheck { acceptable: false, strength: 0, message: message.to_owned() };
    let chars: Vec<char> = candidate.chars().collect();
    if chars.is_empty() {
        return refuse("Choose a passphrase of at least 10 characters, or a PIN of at least 6 digits.");
    }
    if chars.len() > MAX_CREDENTIAL_CHARS {
        return refuse("That is too long: use at most 1,024 characters.");
    }
    if chars.iter().any(|c| c.is_control()) {
        return refuse("Use letters, digits, spaces and punctuation only.");
    }
    if candidate.trim() != candidate {
        return refuse("Leave out spaces at the start and end: they are easy to forget.");
    }
    if is_monotone(&chars) {
        return refuse("One repeated character or a simple run (like 123456 or abcdef) is too easy to guess.");
    }
    let pin = chars.iter().all(char::is_ascii_digit);
    if pin {
        if chars.len() < MIN_PIN_DIGITS {
            return refuse("A PIN needs at least 6 digits.");
        }
        let strength = if chars.len() >= 8 { 2 } else { 1 };
        return CredentialCheck {
            acceptable: true,
            strength,
            message: "A PIN is accepted; a passphrase of a few words is stronger.".to_owned(),
        };
    }
    if chars.len() < MIN_PASSPHRASE_CHARS {
        return refuse("A passphrase needs at least 10 characters (or use a PIN of 6 digits or more).");
    }
    let classes = [
        chars.iter().any(|c| c.is_lowercase()),
        chars.iter().any(|c| c.is_uppercase()),
        chars.iter().any(char::is_ascii_digit),
        chars.iter().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    let strength: u8 = match (chars.len(), classes) {
        (20.., _) | (14.., 3..) => 4,
        (14.., _) | (10.., 3..) => 3,
        _ => 2,
    };
    // The screen names the strength itself ("Fair."), so the message only says what would help.
    let message = match strength {
        4 => "Hard to guess.",
        3 => "A few more words make it stronger.",
        _ => "Longer is stronger: try a few unrelated words.",
    };
    CredentialCheck { acceptable: true, strength, message: message.to_owned() }
}

/// One character repeated, or each character one step from the last (123456, 654321, abcdef).
fn is_monotone(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars.windows(2).map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0]))).collect();
    match steps.first() {
        Some(&first) => (-1..=1).contains(&first) && steps.iter().all(|&s| s == first),
        None => true,
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredentialError {
    #[error("{0}")]
    Unacceptable(String),
    #[error("The two entries differ. Type the same passphrase twice.")]
    Mismatch,
    #[error("The saved unlock hash is damaged: {0}.")]
    DamagedHash(String),
    #[error("The passphrase could not be hashed: {0}.")]
    Hashing(String),
}

/// Hashes a new credential with argon2id at OWASP's parameters and a fresh random salt, after checking
/// it and its confirmation. Returns the PHC string, the only thing that is stored.
pub fn hash_new_credential(credential: &str, confirmation: &str) -> Result<String, CredentialError> {
    let check = check_credential(credential);
    if !check.acceptable {
        return Err(CredentialError::Unacceptable(check.message));
    }
    if credential != confirmation {
        return Err(CredentialError::Mismatch);
    }
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .map_err(|e| CredentialError::Hashing(e.to_string()))?;
    hash_with(credential, params)
}

/// Hashes with the given parameters (tests use small ones to stay quick; the PHC string records them).
pub fn hash_with(credential: &str, params: Params) -> Result<String, CredentialError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| CredentialError::Hashing(e.to_string()))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(credential.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CredentialError::Hashing(e.to_string()))
}

/// Whether `candidate` matches the stored PHC string. Only argon2id hashes are accepted: a stored string
/// naming a weaker algorithm is damage (or tampering), not a credential.
pub fn verify_credential(candidate: &str, phc: &str) -> Result<bool, CredentialError> {
    let hash = PasswordHash::new(phc).map_err(|e| CredentialError::DamagedHash(e.to_string()))?;
    if hash.algorithm != argon2::ARGON2ID_IDENT {
        return Err(CredentialError::DamagedHash(format!("it is {}, not argon2id", hash.algorithm)));
    }
    match Argon2::default().verify_password(candidate.as_bytes(), &hash) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(CredentialError::DamagedHash(e.to_string())),
    }
}

/// Wrong attempts in a row and when the next one may be made. Kept on disk by the shell (wall-clock
/// time, so a relaunch does not reset the wait).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Throttle {
    pub failures: u32,
    /// Seconds since the Unix epoch before which no attempt is judged.
    pub not_before_unix: u64,
}

/// The wait after the `failures`-th wrong attempt in a row: 1 s, 2 s, 4 s, … doubling up to 5 minutes.
/// The first wrong attempt already waits, so a script cannot try quickly even once it has started.
pub fn delay_after(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let seconds = 1u64.checked_shl(failures.saturating_sub(1)).unwrap_or(u64::MAX);
    Duration::from_secs(seconds.min(300))
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl Throttle {
    /// How long until an attempt may be judged, if it must wait.
    pub fn wait(&self, now: SystemTime) -> Option<Duration> {
        let now = unix(now);
        (self.not_before_unix > now).then(|| Duration::from_secs(self.not_before_unix - now))
    }

    /// A wrong attempt: the next one waits longer. Returns that wait.
    pub fn failed(&mut self, now: SystemTime) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let delay = delay_after(self.failures);
        self.not_before_unix = unix(now).saturating_add(delay.as_secs());
        delay
    }

    /// The right credential: the count starts over.
    pub fn succeeded(&mut self) {
        *self = Self::default();
    }
}

/// "1 second", "2 minutes 5 seconds": a wait in words.
pub fn wait_words(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    let (m, s) = (secs / 60, secs % 60);
    let unit = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (m, s) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

/// Whether a reveal must ask for the credential again: the last time the person gave it (unlock or a
/// re-auth) is older than the window, or they never did.
pub fn needs_reauth(last_verified: Option<Instant>, now: Instant, window: Duration) -> bool {
    match last_verified {
        Some(at) => now.saturating_duration_since(at) > window,
        None => true,
    }
}

/// At most `limit` uses in any `per` (a sliding window).
#[derive(Debug, Clone)]
pub struct RateLimit {
    limit: usize,
    per: Duration,
    used: VecDeque<Instant>,
}

/// Reveals and copies together: 10 a minute.
pub const SECRET_USES_PER_MINUTE: usize = 10;

impl Default for RateLimit {
    fn default() -> Self {
        Self::new(SECRET_USES_PER_MINUTE, Duration::from_secs(60))
    }
}

impl RateLimit {
    pub fn new(limit: usize, per: Duration) -> Self {
        Self { limit, per, used: VecDeque::new() }
    }

    /// Takes one use now, or says how long until one is free.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        while self.used.front().is_some_and(|&at| now.saturating_duration_since(at) >= self.per) {
            self.used.pop_front();
        }
        if self.used.len() >= self.limit {
            let oldest = self.used.front().copied().unwrap_or(now);
            return Err(self.per.saturating_sub(now.saturating_duration_since(oldest)));
        }
        self.used.push_back(now);
        Ok(())
    }
}

/// The settings changes that weaken protection, in words, so saving them can ask for the credential:
/// a clipboard that is never cleared or cleared later, a longer reveal, a longer idle lock, a longer
/// window before a reveal asks again.
pub fn weakened(previous: &Settings, next: &Settings) -> Vec<&'static str> {
    let mut weaker = Vec::new();
    let clipboard_later = match (previous.clipboard_clear_seconds, next.clipboard_clear_seconds) {
        (Some(_), None) => true,
        (Some(before), Some(after)) => after > before,
        (None, _) => false,
    };
    if clipboard_later {
        weaker.push("the clipboard is cleared later (or never)");
    }
    if next.reveal_seconds > previous.reveal_seconds {
        weaker.push("a revealed card stays longer");
    }
    if next.idle_lock_minutes > previous.idle_lock_minutes {
        weaker.push("the app locks later when idle");
    }
    if next.reauth_minutes > previous.reauth_minutes {
        weaker.push("a reveal asks for the passphrase less often");
    }
    weaker
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Params {
        Params::new(256, 1, 1, None).unwrap_or_default()
    }

    #[test]
    fn a_pin_needs_six_digits_and_a_passphrase_ten_characters() {
        assert!(!check_credential("").acceptable);
        assert!(!check_credential("12345").acceptable, "5 digits");
        assert!(check_credential("304917").acceptable, "6 digits");
        assert!(!check_credential("short pw").acceptable, "8 characters, not a PIN");
        assert!(check_credential("correct horse").acceptable);
        assert!(!check_credential(" correct horse").acceptable, "leading space");
        assert!(!check_credential("abc\u{7}defghijk").acceptable, "control character");
        assert!(!check_credential(&"x".repeat(MAX_CREDENTIAL_CHARS + 1)).acceptable);
    }

    #[test]
    fn runs_and_repeats_are_refused() {
        for easy in ["123456", "654321", "000000", "abcdefghijk", "aaaaaaaaaaaa"] {
            assert!(!check_credential(easy).acceptable, "{easy}");
        }
        assert!(check_credential("135790").acceptable);
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        let fair = check_credential("plainwords").strength;
        let good = check_credential("Plain words 7").strength;
        let strong = check_credential("four unrelated words here").strength;
        assert!(fair < good && good < strong, "{fair} {good} {strong}");
        assert_eq!(strong, 4);
        let words = check_credential("plainwords").message;
        assert!(!words.starts_with("Fair"), "the screen names the strength; the message does not repeat it");
    }

    #[test]
    fn only_an_argon2id_phc_string_is_kept_and_it_verifies() {
        let phc = hash_with("correct horse battery", quick()).unwrap_or_default();
        assert!(phc.starts_with("$argon2id$v=19$m=256,t=1,p=1$"), "{phc}");
        assert!(!phc.contains("correct"), "no trace of the credential");
        assert_eq!(verify_credential("correct horse battery", &phc), Ok(true));
        assert_eq!(verify_credential("correct horse batterz", &phc), Ok(false));
        let again = hash_with("correct horse battery", quick()).unwrap_or_default();
        assert_ne!(phc, again, "a fresh salt each time");
    }

    #[test]
    fn a_new_credential_uses_owasp_parameters_and_needs_its_confirmation() {
        let phc = hash_new_credential("correct horse battery", "correct horse battery").unwrap_or_default();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(hash_new_credential("correct horse battery", "correct horse"), Err(CredentialError::Mismatch));
        assert!(matches!(hash_new_credential("12345", "12345"), Err(CredentialError::Unacceptable(_))));
    }

    #[test]
    fn a_damaged_or_weaker_hash_is_an_error_not_a_match() {
        assert!(matches!(verify_credential("x", "not a hash"), Err(CredentialError::DamagedHash(_))));
        let argon2i = "$argon2i$v=19$m=256,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
        assert!(matches!(verify_credential("x", argon2i), Err(CredentialError::DamagedHash(_))));
    }

    #[test]
    fn delays_double_from_one_second_up_to_five_minutes() {
        let waits: Vec<u64> = (0..12).map(|n| delay_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(delay_after(u32::MAX).as_secs(), 300);
    }

    #[test]
    fn the_throttle_counts_wrong_attempts_on_the_wall_clock_and_resets_on_success() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut throttle = Throttle::default();
        assert_eq!(throttle.wait(t0), None);
        assert_eq!(throttle.failed(t0), Duration::from_secs(1));
        assert_eq!(throttle.failed(t0), Duration::from_secs(2));
        assert_eq!(throttle.failed(t0), Duration::from_secs(4));
        assert_eq!(throttle.wait(t0), Some(Duration::from_secs(4)));
        assert_eq!(throttle.wait(t0 + Duration::from_secs(4)), None);
        // It survives a relaunch as JSON.
        let text = serde_json::to_string(&throttle).unwrap_or_default();
        let read: Throttle = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(read, throttle);
        throttle.succeeded();
        assert_eq!(throttle, Throttle::default());
    }

    #[test]
    fn waits_read_as_words() {
        assert_eq!(wait_words(Duration::from_millis(300)), "1 second");
        assert_eq!(wait_words(Duration::from_secs(4)), "4 seconds");
        assert_eq!(wait_words(Duration::from_secs(60)), "1 minute");
        assert_eq!(wait_words(Duration::from_secs(125)), "2 minutes 5 seconds");
    }

    #[test]
    fn a_reveal_asks_again_after_the_window() {
        let now = Instant::now();
        let window = Duration::from_secs(300);
        assert!(needs_reauth(None, now, window));
        let recent = now.checked_sub(Duration::from_secs(299));
        let old = now.checked_sub(Duration::from_secs(301));
        assert!(!needs_reauth(recent, now, window));
        assert!(needs_reauth(old, now, window));
    }

    #[test]
    fn ten_uses_a_minute_then_the_wait_until_the_oldest_expires() {
        let start = Instant::now();
        let mut limit = RateLimit::default();
        for i in 0..10 {
            assert_eq!(limit.take(start + Duration::from_secs(i)), Ok(()), "use {i}");
        }
        assert_eq!(limit.take(start + Duration::from_secs(20)), Err(Duration::from_secs(40)));
        assert_eq!(limit.take(start + Duration::from_secs(60)), Ok(()), "the first use has expired");
    }

    #[test]
    fn weakening_changes_are_named_and_strengthening_ones_are_not() {
        let before = Settings::default();
        let weaker = Settings {
            clipboard_clear_seconds: None,
            reveal_seconds: 60,
            idle_lock_minutes: 30,
            reauth_minutes: 15,
            ..Settings::default()
        };
        assert_eq!(weakened(&before, &weaker).len(), 4);
        let stronger = Settings {
            clipboard_clear_seconds: Some(10),
            reveal_seconds: 5,
            idle_lock_minutes: 1,
            reauth_minutes: 1,
            ..Settings::default()
        };
        assert!(weakened(&before, &stronger).is_empty());
        assert!(weakened(&weaker, &before).is_empty(), "back from never-cleared is stronger");
    }
}
