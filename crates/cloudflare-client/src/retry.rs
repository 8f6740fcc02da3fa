//! When a failed attempt is tried again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// Default number of retries after the first attempt (the official SDKs' default).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff delay; it doubles with each retry.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(500);
/// Default longest backoff delay.
pub const DEFAULT_RETRY_MAX_DELAY: Duration = Duration::from_secs(8);
/// Default longest wait the client accepts from a server's `Retry-After`; a longer one ends
/// the call with a rate-limited error carrying the server's value instead of sleeping.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// The retry settings of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: DEFAULT_RETRY_BASE_DELAY,
            max_delay: DEFAULT_RETRY_MAX_DELAY,
            max_wait: DEFAULT_MAX_RETRY_WAIT,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff before retry number `retry` (0 for the first retry), capped at
    /// `max_delay`, less up to a quarter at random so that clients spread out.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(2u32.saturating_pow(retry.min(31)));
        exponential.min(self.max_delay).mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// What one attempt came to, as the retry decision sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// An answer with this status, asking for this wait (`Retry-After`), if any.
    Answer(StatusCode, Option<Duration>),
    /// No answer: `connect` when the connection was refused (the request never left), `builder`
    /// when the request could not be built at all.
    NoAnswer { connect: bool, builder: bool },
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// The answer is final (a success, or an error another attempt would not change).
    Done,
    /// Worth another attempt, but not made: no retry left, the request cannot be sent again,
    /// a write that Cloudflare may have carried out, or a wait longer than allowed.
    GiveUp,
    /// Try again after `wait` (`None`: the backoff for this retry). `may_have_applied`: the
    /// attempt may have been carried out by Cloudflare (its answer was lost, or a 5xx).
    Retry { wait: Option<Duration>, may_have_applied: bool },
}

/// The retry decision, a pure function: after attempt number `retries_done + 1` of a
/// `method` request (which `can_resend`, i.e. its body can be sent again), that came to
/// `seen`, under `policy`.
pub(crate) fn decide(
    policy: &RetryPolicy,
    method: &Method,
    retries_done: u32,
    can_resend: bool,
    seen: Seen,
) -> Decision {
    let idempotent = is_idempotent(method);
    let retry_left = retries_done < policy.max_retries && can_resend;
    match seen {
        Seen::Answer(status, _) if !is_retryable_status(status) => Decision::Done,
        Seen::Answer(status, wait) => {
            // A create retried after Cloudflare may have acted could make a second token.
            if !retry_left || !(idempotent || certainly_not_applied(status)) {
                return Decision::GiveUp;
            }
            if wait.is_some_and(|wait| wait > policy.max_wait) {
                return Decision::GiveUp;
            }
            Decision::Retry { wait, may_have_applied: may_have_applied(status) }
        }
        // A refused connection never carried the request; anything later may have.
        Seen::NoAnswer { builder: true, .. } => Decision::GiveUp,
        Seen::NoAnswer { connect, .. } if retry_left && (idempotent || connect) => {
            Decision::Retry { wait: None, may_have_applied: !connect }
        }
        Seen::NoAnswer { .. } => Decision::GiveUp,
    }
}

/// Statuses worth another attempt: timeouts, conflicts, rate limits and server errors.
/// Other 4xx would fail the same way again.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// Whether sending a request twice has the effect of sending it once. A POST (create, rotate)
/// or PATCH is not: it is retried only when the first attempt certainly did nothing.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PATCH)
}

/// Statuses with which Cloudflare refuses a request before acting on it: 408 (the request did
/// not arrive in time), 429 (rate limited), 503 (not serving).
pub(crate) fn certainly_not_applied(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 503)
}

/// Whether an attempt with this status may have changed something at Cloudflare before it
/// failed: a 5xx can come from the edge after the origin acted, except a 503, with which
/// Cloudflare refuses the request (as it does with 408, 409 and 429).
pub(crate) fn may_have_applied(status: StatusCode) -> bool {
    status.is_server_error() && !certainly_not_applied(status)
}

/// The wait a response asks for: `retry-after-ms`, else `Retry-After` as delta-seconds or an
/// HTTP date (relative to `now`; a date in the past means no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(millis) = text("retry-after-ms").and_then(|value| value.parse::<f64>().ok())
        && millis.is_finite()
        && millis >= 0.0
    {
        return Some(Duration::from_secs_f64(millis.min(1e12) / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value))).collect()
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        let now = httpdate::parse_http_date("Sun, 29 Nov 2026 04:00:00 GMT").unwrap();
        assert_eq!(retry_after(&headers(&[("retry-after", "7")]), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Sun, 29 Nov 2026 04:00:30 GMT")]), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Sun, 29 Nov 2026 03:00:00 GMT")]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "-1")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_at_most_a_quarter_of_jitter() {
        let policy = RetryPolicy::default();
        for (retry, full) in [(0, 500), (1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 8000), (40, 8000)] {
            for _ in 0..50 {
                let wait = policy.backoff(retry).as_millis() as u64;
                assert!(wait <= full && wait >= full * 3 / 4, "retry {retry}: {wait} ms");
            }
        }
    }

    #[test]
    fn the_retry_decision_as_a_table() {
        use Decision::{Done, GiveUp, Retry};
        let policy = RetryPolicy { max_wait: Duration::from_secs(60), ..RetryPolicy::default() }; // 2 retries
        let status = |code: u16| StatusCode::from_u16(code).unwrap();
        let answer = |code: u16, wait: Option<u64>| Seen::Answer(status(code), wait.map(Duration::from_secs));
        let refused = Seen::NoAnswer { connect: true, builder: false };
        let lost = Seen::NoAnswer { connect: false, builder: false };
        let (get, delete, post) = (Method::GET, Method::DELETE, Method::POST);
        let retry =
            |wait: Option<u64>, may_have_applied| Retry { wait: wait.map(Duration::from_secs), may_have_applied };
        for (method, retries_done, can_resend, seen, expected) in [
            // Final answers.
            (&delete, 0, true, answer(200, None), Done),
            (&delete, 0, true, answer(404, None), Done),
            (&post, 0, true, answer(400, None), Done),
            // Retryable answers, within and at the retry budget.
            (&delete, 0, true, answer(503, None), retry(None, false)),
            (&delete, 1, true, answer(502, None), retry(None, true)),
            (&delete, 2, true, answer(502, None), GiveUp),
            (&get, 0, false, answer(500, None), GiveUp),
            (&get, 0, true, answer(409, None), retry(None, false)),
            (&get, 0, true, answer(408, None), retry(None, false)),
            // A server's wait: exactly the maximum is waited for, a second more is not.
            (&get, 0, true, answer(429, Some(60)), retry(Some(60), false)),
            (&get, 0, true, answer(429, Some(61)), GiveUp),
            (&get, 0, true, answer(503, Some(0)), retry(Some(0), false)),
            // Writes: only when Cloudflare certainly did nothing.
            (&post, 0, true, answer(503, None), retry(None, false)),
            (&post, 0, true, answer(429, Some(1)), retry(Some(1), false)),
            (&post, 0, true, answer(408, None), retry(None, false)),
            (&post, 0, true, answer(500, None), GiveUp),
            (&post, 0, true, answer(409, None), GiveUp),
            (&Method::PATCH, 0, true, answer(502, None), GiveUp),
            // No answer.
            (&delete, 0, true, lost, retry(None, true)),
            (&delete, 0, true, refused, retry(None, false)),
            (&post, 0, true, refused, retry(None, false)),
            (&post, 0, true, lost, GiveUp),
            (&delete, 2, true, refused, GiveUp),
            (&delete, 0, false, refused, GiveUp),
            (&delete, 0, true, Seen::NoAnswer { connect: false, builder: true }, GiveUp),
        ] {
            assert_eq!(
                decide(&policy, method, retries_done, can_resend, seen),
                expected,
                "{method} after {retries_done} retries, resend {can_resend}: {seen:?}"
            );
        }
        let none = RetryPolicy { max_retries: 0, ..policy };
        assert_eq!(decide(&none, &Method::GET, 0, true, answer(503, None)), GiveUp, "retries off");
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 409, 429, 500, 502, 503, 504, 520, 599] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()), "{status}");
        }
        for status in [200, 301, 400, 401, 403, 404, 405, 422] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()), "{status}");
        }
    }
}
