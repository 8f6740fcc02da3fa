//! What a client waits for before sending, made visible and stoppable: [`Wait`], the notice
//! [`ClientBuilder::on_wait`](crate::ClientBuilder::on_wait) receives when requests are held
//! for longer than a second, and [`Stop`], behind
//! [`Client::stop_waiting`](crate::Client::stop_waiting).

use std::sync::Arc;
use std::time::Duration;

/// A wait during which a client holds its requests (and its clones'): given to
/// [`ClientBuilder::on_wait`](crate::ClientBuilder::on_wait) once when it starts, if it is
/// longer than [`Wait::NOTICEABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// Why.
    pub reason: WaitReason,
    /// How long, from now.
    pub duration: Duration,
}

impl Wait {
    /// Waits at least this long are announced.
    pub const NOTICEABLE: Duration = Duration::from_secs(1);
}

/// Why a client holds its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// Cloudflare answered 429, with this wait (`Retry-After`, or the backoff).
    RetryAfter,
    /// Cloudflare's `Ratelimit` headers say its quota is used up until the window frees.
    Ratelimit,
}

/// Called with each wait worth announcing.
pub(crate) type OnWait = Arc<dyn Fn(Wait) + Send + Sync>;

/// Tells `on_wait` of a wait of `duration`, if it is long enough to be noticed.
pub(crate) fn announce(on_wait: Option<&OnWait>, reason: WaitReason, duration: Duration) {
    if let Some(on_wait) = on_wait
        && duration >= Wait::NOTICEABLE
    {
        on_wait(Wait { reason, duration });
    }
}

/// Once stopped, requests not yet sent end at once instead of waiting, and none starts: a
/// `watch` channel's value, `true` once stopped.
#[derive(Debug)]
pub(crate) struct Stop(tokio::sync::watch::Sender<bool>);

impl Default for Stop {
    fn default() -> Self {
        Self(tokio::sync::watch::Sender::new(false))
    }
}

impl Stop {
    pub(crate) fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Completes once [`Stop::stop`] was called (at once if it was).
    pub(crate) async fn stopped(&self) {
        // The sender lives as long as `self`, so the wait ends only with a stop.
        let _ = self.0.subscribe().wait_for(|stopped| *stopped).await;
    }
}
