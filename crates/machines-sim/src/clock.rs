//! The simulator's clock: wall time plus an offset that tests can move forward, so session expiry, KYC
//! delays and limit windows can be exercised without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A hundred years: the furthest the clock may be moved.
const MAX_OFFSET_MS: i64 = 100 * 366 * 86_400 * 1000;

#[derive(Debug, Default)]
pub struct SimClock {
    offset_ms: AtomicI64,
}

impl SimClock {
    pub fn now(&self) -> OffsetDateTime {
        let offset = time::Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst));
        let now = OffsetDateTime::now_utc();
        now.checked_add(offset).unwrap_or(now)
    }

    /// Moves time forward, at most [`MAX_OFFSET_MS`] in all, so dates stay far from the calendar's end.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(MAX_OFFSET_MS);
        let _ = self.offset_ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
            Some(current.saturating_add(ms).min(MAX_OFFSET_MS))
        });
    }
}

/// ISO-8601 with milliseconds and `Z`, as the API prints (`2026-01-16T16:47:52.000Z`).
pub fn iso(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(t.millisecond() as u32 * 1_000_000).unwrap_or(t);
    let text = t.format(&Rfc3339).unwrap_or_default();
    // Rfc3339 drops trailing zero fractions; the API always shows three digits.
    match text.find('.') {
        Some(_) => {
            let (head, tail) = text.split_at(text.len() - 1);
            let dot = head.find('.').unwrap_or(head.len());
            format!("{}{:0<4}{}", &head[..dot], &head[dot..], tail)
        }
        None => format!("{}.000Z", &text[..text.len().saturating_sub(1)]),
    }
}

/// Whole seconds, then `iso`: how `expiresAt` is built (`floor(now) + ttl`).
pub fn iso_seconds(t: OffsetDateTime) -> String {
    iso(t.replace_nanosecond(0).unwrap_or(t))
}

pub fn to_time(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_like_the_guide() {
        assert_eq!(iso(datetime!(2026-01-16 16:47:52 UTC)), "2026-01-16T16:47:52.000Z");
        assert_eq!(iso(datetime!(2026-01-16 14:17:51.298 UTC)), "2026-01-16T14:17:51.298Z");
        assert_eq!(iso(datetime!(2026-01-16 14:17:51.2 UTC)), "2026-01-16T14:17:51.200Z");
        assert_eq!(iso(datetime!(2026-01-16 14:17:51.298765 UTC)), "2026-01-16T14:17:51.298Z");
        assert_eq!(iso_seconds(datetime!(2026-01-16 14:17:51.9 UTC)), "2026-01-16T14:17:51.000Z");
    }

    #[test]
    fn advances() {
        let clock = SimClock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - before >= time::Duration::seconds(3600));
        for _ in 0..1000 {
            clock.advance(Duration::MAX);
        }
        assert!(clock.now().year() < 2200, "capped, and no panic");
    }
}
