//! Pacing by Cloudflare's rate-limit headers, shared by every clone of a client.
//!
//! Cloudflare sends on every answer `Ratelimit: "default";r=50;t=30` (r requests left, t
//! seconds until the window frees) and `Ratelimit-Policy: "burst";q=100;w=60` (q per w
//! seconds), IETF structured fields (draft-ietf-httpapi-ratelimit-headers), parsed here with
//! `sfv`. Exceeding the quota blocks every call of the user for minutes, so the client never
//! sends a request that could exceed what the answers proved to be left.
//!
//! The bound is the number of requests the client may have sent in all (`limit`). Each answer
//! gives one, by causality alone: the server counted `r` after request X; the requests it may
//! count after X are at most those in flight when X was sent, those sent since, and any that
//! never got an answer. So `limit = sent before X + 1 + r - those uncertain ones`. Every such
//! bound holds until the quota changes (a window freeing only raises what is left), so the
//! client keeps the largest, and an answer arriving late or out of order can neither lower it
//! wrongly nor raise it unsafely. The first request the server counts after the client was idle
//! gives the exact bound: every other one was in flight when it was sent, or sent after it.
//! Until a first answer says whether the server states a quota, one request goes alone (a
//! concurrent start could exceed a small quota before any answer arrives); an answer without
//! the headers turns pacing off until one with them arrives. When the limit is reached, new requests wait for the answers in flight (which may raise it),
//! and with none in flight, for the window to free (`t`); then one request goes and its answer
//! says how many may follow.
//! Without the headers (or with garbage in them) nothing is paced.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::waiting::{OnWait, WaitReason, announce};

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
    /// Woken when an answer (or its absence) may let a waiting request go.
    changed: Notify,
}

/// How many requests in all may be sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Limit {
    /// No answer yet: one request at a time until one says whether a quota is stated.
    #[default]
    FirstAnswer,
    /// The answers state no quota.
    Unpaced,
    /// By the best bound an answer gave, this many in all before the quota is used up.
    Total(u64),
}

#[derive(Debug, Default)]
struct State {
    /// Requests sent, in all.
    sent: u64,
    /// Requests sent and not yet answered.
    in_flight: u64,
    /// Requests that got no answer (or one without a quota) since the window last freed: the
    /// server may count them at any time.
    unknown: u64,
    /// How many requests in all may be sent.
    limit: Limit,
    /// When the window frees, by the last answer.
    reset_at: Option<Instant>,
    /// The last `reset_at` a wait for was announced.
    announced: Option<Instant>,
}

/// One request let through by [`Pacer::ready`]: what the client knew when it went. Dropped
/// without an answer (a connection error, a timeout, a cancelled call), it counts as a request
/// the server may have counted.
#[derive(Debug)]
pub(crate) struct Ticket<'a> {
    pacer: &'a Pacer,
    sent_before: u64,
    /// In flight (or unknown) when this request went: the server may count them after it.
    uncertain_before: u64,
    open: bool,
}

impl Pacer {
    /// Waits until one more request fits in Cloudflare's window, then counts it as sent; or,
    /// when the window frees only after `max_wait` from now, returns that wait and counts
    /// nothing (a server's `t=86400` must not hold a request for a day). A wait for the window
    /// that is long enough is told to `on_wait`, once for each window.
    pub(crate) async fn ready(&self, max_wait: Duration, on_wait: Option<&OnWait>) -> Result<Ticket<'_>, Duration> {
        let mut pacing = false;
        let ticket = loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the state is read, so that no answer can slip in between.
            changed.as_mut().enable();
            // A new window's wait, told to `on_wait` once the lock is released.
            let mut fresh_wait = None;
            let wait = {
                let mut state = self.lock();
                let now = Instant::now();
                match state.limit {
                    Limit::FirstAnswer if state.in_flight > 0 => None,
                    Limit::Total(limit) if state.sent >= limit => match state.reset_at {
                        // Answers are on their way: the next one may raise the limit.
                        _ if state.in_flight > 0 => None,
                        Some(reset_at) if reset_at > now => {
                            let wait = reset_at - now;
                            if wait > max_wait {
                                tracing::warn!(
                                    wait_ms = wait.as_millis() as u64,
                                    "pacing: not sending, Cloudflare's window frees later than the client may wait"
                                );
                                return Err(wait);
                            }
                            if state.announced != Some(reset_at) {
                                state.announced = Some(reset_at);
                                fresh_wait = Some(wait);
                            }
                            Some(wait)
                        }
                        _ => {
                            // The window has freed: one request goes, and its answer says how
                            // many may follow. What got no answer before has been counted by now.
                            state.limit = Limit::Total(state.sent + 1);
                            state.unknown = 0;
                            continue;
                        }
                    },
                    _ => {
                        let ticket = Ticket {
                            pacer: self,
                            sent_before: state.sent,
                            uncertain_before: state.in_flight + state.unknown,
                            open: true,
                        };
                        state.sent += 1;
                        state.in_flight += 1;
                        break ticket;
                    }
                }
            };
            if let Some(wait) = fresh_wait {
                announce(on_wait, WaitReason::Ratelimit, wait);
            }
            if !pacing {
                tracing::info!(
                    wait_ms = wait.map_or(0, |wait| wait.as_millis() as u64),
                    remaining = 0,
                    "pacing: waiting for Cloudflare's window"
                );
                pacing = true;
            }
            match wait {
                // Whichever comes first: an answer, or the window freeing.
                Some(wait) => drop(tokio::time::timeout(wait, changed).await),
                None => changed.await,
            }
        };
        if pacing {
            tracing::info!("pacing: sending again");
        }
        Ok(ticket)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Ticket<'_> {
    /// Takes the answer's headers: the bound on the quota they prove.
    pub(crate) fn answered(mut self, headers: &HeaderMap) {
        self.open = false;
        let quota = quota(headers);
        let mut state = self.pacer.lock();
        state.in_flight -= 1;
        match quota {
            Some(quota) => {
                let bound = self
                    .sent_before
                    .saturating_add(1)
                    .saturating_add(quota.remaining)
                    .saturating_sub(self.uncertain_before);
                state.limit = match state.limit {
                    Limit::Total(limit) => Limit::Total(limit.max(bound)),
                    Limit::FirstAnswer | Limit::Unpaced => Limit::Total(bound),
                };
                state.reset_at = Instant::now().checked_add(quota.reset);
                if quota.remaining == 0 {
                    tracing::info!(
                        remaining = 0,
                        reset_s = quota.reset.as_secs(),
                        "pacing: Cloudflare's window is used up"
                    );
                }
            }
            None => {
                state.unknown += 1;
                if state.limit == Limit::FirstAnswer {
                    state.limit = Limit::Unpaced;
                }
            }
        }
        drop(state);
        self.pacer.changed.notify_waiters();
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.open {
            let mut state = self.pacer.lock();
            state.in_flight -= 1;
            state.unknown += 1;
            drop(state);
            self.pacer.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use std::sync::Arc;

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

    /// `pacer.ready(DAY, None)`, failing (never hanging) if it is held for a day: with the clock
    /// paused, a request waiting on nothing would otherwise wait forever. A loop that never
    /// yields is caught by the real-time watchdog instead.
    async fn go(pacer: &Pacer) -> Ticket<'_> {
        let _watchdog = crate::test_watchdog::Watchdog::start();
        tokio::time::timeout(DAY, pacer.ready(DAY, None))
            .await
            .expect("held for a day")
            .expect("a wait within the day allowed")
    }

    const DAY: Duration = Duration::from_secs(86_400);

    /// `ready`, failing (never hanging) if it is held for a day, as [`go`] does.
    async fn within_a_day<T>(ready: impl Future<Output = T>) -> T {
        let _watchdog = crate::test_watchdog::Watchdog::start();
        tokio::time::timeout(DAY, ready).await.expect("held for a day")
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_freeing_later_than_the_client_may_wait_is_refused_at_once_and_counts_nothing() {
        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(0, 86_400)); // a lying server: nothing left for a day
        let start = Instant::now();
        let max = Duration::from_secs(60);
        let held = within_a_day(pacer.ready(max, None)).await.map(|_| ()).unwrap_err();
        assert_eq!(held, Duration::from_secs(86_400), "the wait is reported");
        assert_eq!(start.elapsed(), Duration::ZERO, "refused at once, not after waiting");
        assert!(within_a_day(pacer.ready(max, None)).await.is_err(), "and again: nothing was counted as sent");
        assert_eq!(pacer.lock().sent, 1);
        tokio::time::sleep(Duration::from_secs(86_400 - 30)).await;
        let start = Instant::now();
        let _probe = within_a_day(pacer.ready(max, None)).await.expect("30 s left: within the wait allowed");
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        // A window freeing exactly at the maximum wait is waited out.
        let exactly = Pacer::default();
        go(&exactly).await.answered(&limit(0, 60));
        let start = Instant::now();
        let _probe = within_a_day(exactly.ready(max, None)).await.expect("exactly the wait allowed");
        assert_eq!(start.elapsed(), max);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_for_the_window_is_announced_once_per_window_when_noticeable() {
        let waits = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = waits.clone();
        let on_wait: OnWait = Arc::new(move |wait: crate::Wait| seen.lock().unwrap().push(wait));
        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(0, 10));
        for _ in 0..2 {
            let held = tokio::time::timeout(Duration::from_secs(3), pacer.ready(DAY, Some(&on_wait))).await;
            assert!(held.is_err(), "held until the window frees");
        }
        assert_eq!(
            *waits.lock().unwrap(),
            [crate::Wait { reason: crate::WaitReason::Ratelimit, duration: Duration::from_secs(10) }],
            "one notice for two requests held by one window"
        );
        tokio::time::sleep(Duration::from_secs(4)).await;
        within_a_day(pacer.ready(DAY, Some(&on_wait))).await.unwrap().answered(&limit(0, 20));
        assert!(tokio::time::timeout(Duration::from_secs(1), pacer.ready(DAY, Some(&on_wait))).await.is_err());
        assert_eq!(waits.lock().unwrap().len(), 2, "a new window, a new notice");
        assert_eq!(waits.lock().unwrap()[1].duration, Duration::from_secs(20));

        // Under a second, no notice.
        waits.lock().unwrap().clear();
        let pacer = Pacer::default();
        go(&pacer).await.answered(&headers(&[("ratelimit", r#""default";r=0;t=0"#)]));
        let _next = within_a_day(pacer.ready(DAY, Some(&on_wait))).await.unwrap();
        assert!(waits.lock().unwrap().is_empty());
    }

    fn limit(remaining: u64, reset: u64) -> HeaderMap {
        let value = format!("\"default\";r={remaining};t={reset}");
        [(reqwest::header::HeaderName::from_static("ratelimit"), HeaderValue::from_str(&value).unwrap())]
            .into_iter()
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_request_goes_alone_and_its_answer_says_whether_to_pace() {
        let pacer = Pacer::default();
        let first = go(&pacer).await;
        assert!(
            tokio::time::timeout(Duration::from_secs(3600), pacer.ready(DAY, None)).await.is_err(),
            "no answer yet: a second request waits for it"
        );
        first.answered(&HeaderMap::new());
        let start = Instant::now();
        let _many: Vec<Ticket<'_>> = futures_util::future::join_all((0..100).map(|_| go(&pacer))).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "no quota stated: nothing is paced");

        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(2, 10)); // 2 left
        let _two = [go(&pacer).await, go(&pacer).await];
        assert!(
            tokio::time::timeout(Duration::from_secs(3600), pacer.ready(DAY, None)).await.is_err(),
            "a quota: paced"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_waits_for_the_answers_in_flight_and_goes_when_one_raises_the_limit() {
        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(2, 10)); // 1 + 2 = 3 in all
        let first = go(&pacer).await;
        let second = go(&pacer).await;
        // The server may have counted `first` after `second`: 1 + 1 + 0 - 1 = 2 proves nothing new.
        second.answered(&limit(0, 10));
        assert!(
            tokio::time::timeout(Duration::from_secs(3600), pacer.ready(DAY, None)).await.is_err(),
            "used up, one in flight: waits for its answer (the window's reset does not help)"
        );
        let start = Instant::now();
        let ((), _third) = tokio::join!(
            async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                first.answered(&limit(3, 10)); // the window freed: 1 + 1 + 3 = 5 in all
            },
            go(&pacer)
        );
        assert_eq!(start.elapsed(), Duration::from_secs(1), "goes on the answer");
        let _fourth = go(&pacer).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_window_is_waited_out_then_one_request_goes_first() {
        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(0, 10));
        let start = Instant::now();
        let probe = go(&pacer).await;
        assert_eq!(start.elapsed(), Duration::from_secs(10), "waits for the window");
        let ((), _next) = tokio::join!(
            async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                probe.answered(&limit(5, 10));
            },
            go(&pacer)
        );
        assert_eq!(start.elapsed(), Duration::from_secs(11), "the next waits for the first one's answer");
        for _ in 0..4 {
            let _ticket = go(&pacer).await; // 5 left after the probe: 4 more go at once
        }
        assert_eq!(start.elapsed(), Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn answers_in_any_order_allow_exactly_the_quota() {
        // Three requests at once against a quota of 3; the server counts them in either order,
        // and the answers arrive in either order: no fourth request may go before the reset.
        for (counted, answered) in [([0, 1, 2], [0, 1, 2]), ([2, 1, 0], [0, 1, 2]), ([0, 1, 2], [2, 0, 1])] {
            let pacer = Pacer::default();
            go(&pacer).await.answered(&limit(3, 5)); // 3 left
            let mut tickets: Vec<Option<Ticket<'_>>> = Vec::new();
            for _ in 0..3 {
                tickets.push(Some(go(&pacer).await));
            }
            for index in answered {
                let position = counted.iter().position(|&request| request == index).unwrap() as u64;
                tickets[index].take().unwrap().answered(&limit(2 - position, 5));
            }
            let start = Instant::now();
            let _fourth = go(&pacer).await;
            assert_eq!(start.elapsed(), Duration::from_secs(5), "counted {counted:?}, answered {answered:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_without_an_answer_counts_until_the_window_frees() {
        let pacer = Pacer::default();
        drop(go(&pacer).await); // no answer: the server may count it at any time
        go(&pacer).await.answered(&limit(1, 10)); // so 1 + 1 + 1 - 1: this one used the last
        let start = Instant::now();
        let probe = go(&pacer).await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        probe.answered(&limit(1, 10)); // after the window, the lost one no longer counts
        let _next = go(&pacer).await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_without_the_headers_counts_as_maybe_counted() {
        let pacer = Pacer::default();
        go(&pacer).await.answered(&limit(3, 10)); // 4 in all
        go(&pacer).await.answered(&HeaderMap::new()); // the server may count it at any time
        // The window freed: 5 left after this one, less the one without a quota: 2 + 1 + 5 - 1.
        go(&pacer).await.answered(&limit(5, 10));
        let _four = [go(&pacer).await, go(&pacer).await, go(&pacer).await, go(&pacer).await];
        assert!(
            tokio::time::timeout(Duration::from_secs(3600), pacer.ready(DAY, None)).await.is_err(),
            "a fifth would count on the answer without headers not having been counted"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_claiming_the_largest_quota_overflows_nothing() {
        let pacer = Pacer::default();
        let huge = headers(&[("ratelimit", r#""default";r=9223372036854775807;t=1"#)]);
        for _ in 0..3 {
            go(&pacer).await.answered(&huge);
        }
        let _many: Vec<Ticket<'_>> = futures_util::future::join_all((0..10).map(|_| go(&pacer))).await;
    }

    #[tokio::test(start_paused = true)]
    async fn without_headers_nothing_is_paced() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for _ in 0..100 {
            go(&pacer).await.answered(&HeaderMap::new());
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
