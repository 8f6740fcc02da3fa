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
}

impl Pause {
    /// No request starts before `until` (a later pause already set is kept).
    pub(crate) fn extend_to(&self, until: Instant) {
        let mut current = self.until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_none_or(|current| current < until) {
            *current = Some(until);
        }
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
