//! Rate limiting shared by every clone of a client: the pause Cloudflare asks for after a 429,
//! and an optional client-side limit on requests per window.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

/// Until when nobody on this client sends: set by a 429, honoured by every request.
#[derive(Debug, Default)]
pub(crate) struct Pause {
    until: Mutex<Option<Instant>>,
    /// The last `until` a wait for was announced.
    announced: Mutex<Option<Instant>>,
}

impl Pause {
    /// No request starts for `wait` from now (a later pause already set is kept). A wait
    /// beyond what the clock can count (a server's `Retry-After: 18446744073709551615`) is a
    /// pause of a hundred years, not an overflow.
    pub(crate) fn extend_for(&self, wait: Duration) {
        const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
        let now = Instant::now();
        let until = now.checked_add(wait).or_else(|| now.checked_add(FOREVER)).unwrap_or(now);
        self.extend_to(until);
    }

    /// No request starts before `until` (a later pause already set is kept).
    fn extend_to(&self, until: Instant) {
        let mut current = self.until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_none_or(|current| current < until) {
            *current = Some(until);
        }
    }

    /// Whether the pause now in force was not yet announced (and is, from now on).
    pub(crate) fn announce(&self) -> bool {
        let until = *self.until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut announced = self.announced.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fresh = until.is_some() && *announced != until;
        *announced = until;
        fresh
    }

    /// How long from now until requests may start again, if they may not now.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let until = (*self.until.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))?;
        let now = Instant::now();
        (until > now).then(|| until - now)
    }
}

/// A client-side limit of `requests` per `window`, enforced before each attempt.
pub(crate) struct Limiter {
    limiter: DefaultDirectRateLimiter,
    requests: NonZeroU32,
    window: Duration,
}

impl Limiter {
    /// `None` for an empty window, which allows nothing meaningful.
    pub(crate) fn new(requests: NonZeroU32, window: Duration) -> Option<Self> {
        let quota = Quota::with_period(window / requests.get())?.allow_burst(requests);
        Some(Self { limiter: RateLimiter::direct(quota), requests, window })
    }

    /// Waits until one more request fits in the window.
    pub(crate) async fn until_ready(&self) {
        self.limiter.until_ready().await;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter").field("requests", &self.requests).field("window", &self.window).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pause_is_announced_once() {
        let pause = Pause::default();
        assert!(!pause.announce(), "no pause, nothing to announce");
        pause.extend_for(Duration::from_secs(10));
        assert!(pause.announce(), "a new pause");
        assert!(!pause.announce(), "the same pause");
        pause.extend_for(Duration::from_secs(20));
        assert!(pause.announce(), "extended: a new end");
        assert!(!pause.announce());
    }

    #[test]
    fn a_wait_beyond_the_clock_is_a_long_pause_not_a_panic() {
        let pause = Pause::default();
        pause.extend_for(Duration::from_secs(u64::MAX));
        let remaining = pause.remaining().expect("paused");
        assert!(remaining > Duration::from_secs(50 * 365 * 24 * 3600), "{remaining:?}");
        pause.extend_for(Duration::from_secs(1));
        assert!(pause.remaining().unwrap() > Duration::from_secs(3600), "a shorter pause does not shorten it");
    }
}
