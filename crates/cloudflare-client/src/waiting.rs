//! What a client waits for before sending, made visible and stoppable: [`Wait`], the notice
//! [`ClientBuilder::on_wait`](crate::ClientBuilder::on_wait) receives when requests are held
//! for longer than a second, and [`Stop`], behind
//! [`Client::stop_waiting`](crate::Client::stop_waiting).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

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

/// Once stopped, requests not yet sent end at once instead of waiting, and none starts.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    stopped: AtomicBool,
    changed: Notify,
}

impl Stop {
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Completes once [`Stop::stop`] was called.
    pub(crate) async fn stopped(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the flag is read, so that a stop cannot slip in between.
            changed.as_mut().enable();
            if self.is_stopped() {
                return;
            }
            changed.await;
        }
    }
}
