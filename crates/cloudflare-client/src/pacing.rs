//! Pacing by Cloudflare's rate-limit headers, shared by every clone of a client.
//!
//! Cloudflare sends on every answer `Ratelimit: "default";r=50;t=30` (r requests left, t
//! seconds until the window frees) and `Ratelimit-Policy: "burst";q=100;w=60` (q per w
//! seconds), IETF structured fields (draft-ietf-httpapi-ratelimit-headers), parsed here with
//! `sfv`. Exceeding the quota blocks every call of the user for minutes, so the client holds a
//! new request when the quota left, less the requests already in flight, is used up, until the
//! window frees; after such a wait one request goes first and its answer tells how many may
//! follow, so that concurrency cannot overshoot a window that frees gradually. Without the
//! headers (or with garbage in them) nothing is paced.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// What one answer said about the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    /// Requests left in the window (`r`).
    pub(crate) remaining: u64,
    /// Until the window frees (`t`; else the policy's window `w`).
    pub(crate) reset: Duration,
}

/// The quota an answer's headers state, if they state one that parses.
pub(crate) fn quota(headers: &HeaderMap) -> Option<Quota> {
    let limit = first_item(headers, "ratelimit")?;
    let remaining = parameter(&limit, "r")?;
    let reset = parameter(&limit, "t")
        .or_else(|| first_item(headers, "ratelimit-policy").and_then(|policy| parameter(&policy, "w")))?;
    // A server's number meets a clock here: cap it (a day is beyond any Cloudflare window).
    Some(Quota { remaining, reset: Duration::from_secs(reset.min(86_400)) })
}

/// The first item of the structured-field list in header `name`.
fn first_item(headers: &HeaderMap, name: &str) -> Option<sfv::Item> {
    let value = headers.get(name)?;
    let list: sfv::List = sfv::Parser::new(value.as_bytes()).parse().ok()?;
    list.into_iter().find_map(|entry| match entry {
        sfv::ListEntry::Item(item) => Some(item),
        sfv::ListEntry::InnerList(_) => None,
    })
}

/// A non-negative integer parameter of `item`.
fn parameter(item: &sfv::Item, key: &str) -> Option<u64> {
    let (_, value) = item.params.iter().find(|(name, _)| name.as_str() == key)?;
    u64::try_from(i64::from(value.as_integer()?)).ok()
}

/// The pacing state of a client.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Requests that may start before the window frees; `None` when no answer said.
    budget: Option<u64>,
    /// When the window frees, by the last answer.
    reset_at: Option<Instant>,
    /// Requests sent and not yet answered.
    in_flight: u64,
}

impl Pacer {
    /// Waits until one more request fits in Cloudflare's window, then counts it in flight.
    pub(crate) async fn ready(&self) {
        let mut pacing = false;
        loop {
            let wait = {
                let mut state = self.lock();
                match (state.budget, state.reset_at) {
                    (Some(0), Some(reset_at)) if reset_at > Instant::now() => reset_at - Instant::now(),
                    (Some(0), _) => {
                        // The window has freed: one request probes how much.
                        state.budget = Some(1);
                        continue;
                    }
                    (budget, _) => {
                        state.budget = budget.map(|budget| budget - 1);
                        state.in_flight += 1;
                        break;
                    }
                }
            };
            if !pacing {
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    remaining = 0,
                    "pacing: waiting for Cloudflare's window"
                );
                pacing = true;
            }
            tokio::time::sleep(wait).await;
        }
        if pacing {
            tracing::info!("pacing: sending again");
        }
    }

    /// Takes an answer's headers: the quota they state, less the requests still in flight.
    pub(crate) fn answered(&self, headers: &HeaderMap) {
        let quota = quota(headers);
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if let Some(quota) = quota {
            let budget = quota.remaining.saturating_sub(state.in_flight);
            // Answers on several connections arrive out of order: within a window the budget
            // only goes down, or an older answer's larger `r` would let requests overshoot.
            // Once the window has passed, the next answer (the probe's) sets it afresh.
            let window_open = state.reset_at.is_some_and(|reset_at| reset_at > Instant::now());
            if window_open && state.budget.is_some_and(|current| current <= budget) {
                return;
            }
            state.budget = Some(budget);
            state.reset_at = Instant::now().checked_add(quota.reset);
            if quota.remaining == 0 {
                tracing::info!(
                    remaining = 0,
                    reset_s = quota.reset.as_secs(),
                    "pacing: Cloudflare's window is used up"
                );
            }
        }
    }

    /// A request that got no answer is no longer in flight.
    pub(crate) fn abandoned(&self) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value))).collect()
    }

    #[test]
    fn the_headers_are_read_as_structured_fields() {
        let both = headers(&[("ratelimit", r#""default";r=50;t=30"#), ("ratelimit-policy", r#""burst";q=100;w=60"#)]);
        assert_eq!(quota(&both), Some(Quota { remaining: 50, reset: Duration::from_secs(30) }));
        let no_t = headers(&[("ratelimit", r#""default";r=0"#), ("ratelimit-policy", r#""burst";q=100;w=60"#)]);
        assert_eq!(quota(&no_t), Some(Quota { remaining: 0, reset: Duration::from_secs(60) }), "the policy's window");
        let spaced = headers(&[("ratelimit", r#""default";r=7;t=2, "other";r=1;t=9"#)]);
        assert_eq!(quota(&spaced), Some(Quota { remaining: 7, reset: Duration::from_secs(2) }), "the first policy");
        let huge = headers(&[("ratelimit", r#""default";r=1;t=999999999999999"#)]);
        assert_eq!(quota(&huge).unwrap().reset, Duration::from_secs(86_400), "capped");
        for garbage in [
            r#"r=50;t=30"#,
            r#""default";r=-1;t=3"#,
            r#""default";r=1.5;t=3"#,
            "\"unterminated",
            r#""default";t=3"#,
            "",
        ] {
            assert_eq!(quota(&headers(&[("ratelimit", garbage)])), None, "{garbage}");
        }
        assert_eq!(quota(&HeaderMap::new()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_wait_for_the_window_when_the_quota_less_what_is_in_flight_is_used_up() {
        let pacer = Pacer::default();
        pacer.ready().await; // unknown quota: goes
        pacer.ready().await;
        pacer.answered(&headers(&[("ratelimit", r#""default";r=2;t=10"#)])); // one still in flight
        let start = Instant::now();
        pacer.ready().await; // budget 2 - 1 in flight = 1
        assert_eq!(start.elapsed(), Duration::ZERO);
        pacer.ready().await; // used up: waits for the window
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        // After the wait, one request probes; the next waits for its answer's quota.
        pacer.answered(&headers(&[("ratelimit", r#""default";r=5;t=10"#)]));
        pacer.ready().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn an_older_answer_arriving_late_cannot_raise_the_budget_within_the_window() {
        let pacer = Pacer::default();
        for _ in 0..3 {
            pacer.ready().await;
        }
        pacer.answered(&headers(&[("ratelimit", r#""default";r=0;t=5"#)])); // the newest, first
        pacer.answered(&headers(&[("ratelimit", r#""default";r=2;t=5"#)])); // an older one, late
        let start = Instant::now();
        pacer.ready().await;
        assert_eq!(start.elapsed(), Duration::from_secs(5), "still used up: waits for the window");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_without_an_answer_is_no_longer_in_flight() {
        let pacer = Pacer::default();
        pacer.ready().await;
        pacer.ready().await;
        pacer.abandoned();
        pacer.answered(&headers(&[("ratelimit", r#""default";r=1;t=10"#)])); // none in flight now
        let start = Instant::now();
        pacer.ready().await;
        assert_eq!(start.elapsed(), Duration::ZERO, "the one request left may go");
    }

    #[tokio::test(start_paused = true)]
    async fn without_headers_nothing_is_paced() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for _ in 0..100 {
            pacer.ready().await;
            pacer.answered(&HeaderMap::new());
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
