//! How every request is sent. [`ClientTransport::call`] takes the `reqwest::Request` a
//! generated builder built and returns one [`Record`] of the whole call; the error mapping
//! (`response.rs`) decides from that record alone. For every operation alike:
//! - the credentials' headers go on;
//! - a 429 pauses every request of the client (clones included) until its `Retry-After`, the
//!   optional client-side limiter is honoured, and Cloudflare's `Ratelimit` headers pace new
//!   requests so that the quota is not exceeded (`pacing.rs`);
//! - the retry decision is `retry::decide`, a pure function; the loop here only carries it out;
//! - the body is read here, up to a size limit, so memory stays bounded;
//! - each operation and attempt is a `tracing` span (method, path template, status, attempt,
//!   wait, cf-ray; never a header value).
//!
//! Below the loop, requests go out through a [`SendFn`]: reqwest, or in tests an answer made
//! up on the spot.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use crate::credentials::Credentials;
use crate::pacing::{Pacer, Ticket};
use crate::rate_limit::{Limiter, Pause};
use crate::retry::{self, Decision, RetryPolicy, Seen};
use crate::waiting::{OnWait, Stop, WaitReason};

/// Sends one attempt: the seam below the retry loop.
pub(crate) type SendFn =
    dyn Fn(reqwest::Request) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send>> + Send + Sync;

/// Everything one call came to.
#[derive(Debug)]
pub(crate) struct Record {
    /// The method of the operation.
    pub(crate) method: Method,
    /// Attempts sent (0 when the client refused to send, see [`End::Paused`]).
    pub(crate) attempts: u32,
    /// An attempt before the last one may have been carried out by Cloudflare (its answer
    /// was lost, or was a 5xx).
    pub(crate) earlier_attempt_may_have_applied: bool,
    /// How it ended.
    pub(crate) end: End,
}

/// How a call ended.
#[derive(Debug)]
pub(crate) enum End {
    /// The last attempt's answer.
    Answer(Answer),
    /// Not sent: the client is waiting out a `Retry-After` longer than it may wait, for this
    /// long still.
    Paused(Duration),
    /// The last attempt got no answer.
    NoAnswer(reqwest::Error),
    /// Not sent: the client was told to stop waiting.
    Stopped,
}

/// An answer: its head, with `Retry-After` read once, and its body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The wait `Retry-After` (or `retry-after-ms`) asked for.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Body,
}

/// An answer's body.
#[derive(Debug)]
pub(crate) enum Body {
    /// Read whole.
    Read(Bytes),
    /// Larger than this limit: not read.
    OverLimit(usize),
    /// Cut off part-way, kept as far as it arrived (a 2xx to a write: the head is the answer).
    CutOff(Bytes),
}

impl Answer {
    /// The answer, its body read (up to `limit`).
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Body) -> Self {
        let retry_after = retry::retry_after(&headers, SystemTime::now());
        Self { status, headers, retry_after, body }
    }
}

/// The transport of a [`crate::Client`]; shared by its clones.
pub(crate) struct ClientTransport {
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) pause: Pause,
    pub(crate) limiter: Option<Limiter>,
    pub(crate) pacer: Pacer,
    pub(crate) send: Box<SendFn>,
    /// Told of long waits.
    pub(crate) on_wait: Option<OnWait>,
    /// Once stopped, requests not yet sent end at once.
    pub(crate) stop: Stop,
}

/// Why an attempt may not go.
enum Held {
    /// Not for this long still, longer than the client may wait.
    Paused(Duration),
    /// The client was told to stop.
    Stopped,
}

/// How one attempt ended.
enum Attempt {
    Answer(Answer),
    NoAnswer(reqwest::Error),
}

impl Attempt {
    /// The attempt as the end of the call.
    fn into_end(self) -> End {
        match self {
            Self::Answer(answer) => End::Answer(answer),
            Self::NoAnswer(error) => End::NoAnswer(error),
        }
    }
}

impl ClientTransport {
    /// Sends `request` (of the operation `operation_id`), retrying as the policy allows.
    pub(crate) async fn call(&self, mut request: reqwest::Request, operation_id: &'static str) -> Record {
        self.credentials.apply(request.headers_mut());
        let path = cloudflare_openapi::operation(operation_id).map_or("", |operation| operation.path);
        let span = tracing::debug_span!(
            "cloudflare.operation",
            operation = operation_id,
            method = %request.method(),
            path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.run(request).instrument(span).await
    }

    async fn run(&self, request: reqwest::Request) -> Record {
        let span = tracing::Span::current();
        let mut record = Record {
            method: request.method().clone(),
            attempts: 0,
            earlier_attempt_may_have_applied: false,
            end: End::Paused(Duration::ZERO),
        };
        let mut pending = Some(request);
        // The attempt a retry follows, with what was known of the ones before it: the call's
        // outcome if the retry cannot go.
        let mut last: Option<(Attempt, bool)> = None;
        loop {
            // A request not yet sent stops waiting when the client is told to stop.
            let cleared = if record.attempts == 0 {
                // The stop is polled first: once stopped, nothing more goes out.
                let stopped = std::pin::pin!(self.stop.stopped());
                let cleared = std::pin::pin!(self.clear_to_send());
                match futures_util::future::select(stopped, cleared).await {
                    futures_util::future::Either::Left(((), _)) => Err(Held::Stopped),
                    futures_util::future::Either::Right((cleared, _)) => cleared,
                }
            } else {
                self.clear_to_send().await
            };
            let ticket = match cleared {
                Ok(ticket) => ticket,
                // A retry held longer than the client may wait: the last answer is the outcome
                // (an attempt was sent; "not sent" would be untrue).
                Err(Held::Paused(_)) if last.is_some() => {
                    let (attempt, applied_before) = last.take().expect("checked");
                    record.earlier_attempt_may_have_applied = applied_before;
                    record.end = attempt.into_end();
                    return record;
                }
                Err(Held::Paused(remaining)) => {
                    span.record("status", 429);
                    record.end = End::Paused(remaining);
                    return record;
                }
                Err(Held::Stopped) => {
                    record.end = End::Stopped;
                    return record;
                }
            };
            let request = pending.take().expect("a request is pending until the loop returns");
            let retries_done = record.attempts;
            // Only a request that can be sent again is retried (bodies that are streams cannot).
            pending = if retries_done < self.retry.max_retries { request.try_clone() } else { None };
            record.attempts += 1;
            span.record("attempts", record.attempts);

            let attempt = self
                .attempt(request, &record.method, ticket)
                .instrument(tracing::trace_span!("cloudflare.attempt", attempt = record.attempts))
                .await;
            let seen = match &attempt {
                Attempt::Answer(answer) => Seen::Answer(answer.status, answer.retry_after),
                Attempt::NoAnswer(error) => Seen::NoAnswer { connect: error.is_connect(), builder: error.is_builder() },
            };
            if let Seen::Answer(status, server_wait) = seen {
                span.record("status", status.as_u16());
                if status == StatusCode::TOO_MANY_REQUESTS {
                    let pause = server_wait.unwrap_or_else(|| self.retry.backoff(retries_done));
                    self.pause.extend_for(pause);
                    tracing::warn!(
                        wait_ms = pause.as_millis() as u64,
                        "rate limited: pausing every request of this client"
                    );
                }
            }
            let decision = retry::decide(&self.retry, &record.method, retries_done, pending.is_some(), seen);
            let Decision::Retry { wait, may_have_applied } = decision else {
                if let Seen::Answer(_, Some(wait)) = seen
                    && wait > self.retry.max_wait
                {
                    tracing::warn!(
                        wait_ms = wait.as_millis() as u64,
                        max_wait_ms = self.retry.max_wait.as_millis() as u64,
                        "not retrying: the server asks for a longer wait than allowed"
                    );
                }
                record.end = attempt.into_end();
                return record;
            };
            let wait = wait.unwrap_or_else(|| self.retry.backoff(retries_done));
            let applied_before = record.earlier_attempt_may_have_applied;
            record.earlier_attempt_may_have_applied |= may_have_applied;
            let reason = match (&attempt, seen) {
                (Attempt::NoAnswer(error), _) if error.is_timeout() => "timeout".to_owned(),
                (Attempt::NoAnswer(_), _) => "connection error".to_owned(),
                (_, Seen::Answer(status, _)) => status.as_str().to_owned(),
                (_, Seen::NoAnswer { .. }) => "no answer".to_owned(),
            };
            tracing::info!(attempt = record.attempts, wait_ms = wait.as_millis() as u64, reason, "retrying");
            last = Some((attempt, applied_before));
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends one attempt and reads its answer, body included (up to the limit).
    async fn attempt(&self, request: reqwest::Request, method: &Method, ticket: Ticket<'_>) -> Attempt {
        let response = match (self.send)(request).await {
            Ok(response) => response,
            Err(error) => {
                drop(ticket); // no answer: the server may have counted it or not
                tracing::debug!(error = %error, timeout = error.is_timeout(), connect = error.is_connect(), "no answer");
                return Attempt::NoAnswer(error);
            }
        };
        ticket.answered(response.headers());
        let status = response.status();
        let cf_ray = response.headers().get("cf-ray").and_then(|value| value.to_str().ok()).unwrap_or_default();
        // Logged only where it has a ray id's shape: a server (or something between) could put
        // anything there, a secret the request sent included, and a log is no place for it.
        let cf_ray =
            if is_ray_id(cf_ray) { cf_ray.to_owned() } else { format!("({} bytes, not a ray id)", cf_ray.len()) };
        tracing::debug!(status = status.as_u16(), cf_ray, "answer");
        // A write (delete, create, rotate) answered with a 2xx has happened, whatever becomes of
        // the body: it is the answer, not a failure to retry.
        let final_head = status.is_success() && !matches!(*method, Method::GET | Method::HEAD | Method::PUT);
        match self.read_body(response, final_head).await {
            Ok(answer) => Attempt::Answer(answer),
            Err(error) => {
                tracing::debug!(error = %error, "the answer's body was cut off");
                Attempt::NoAnswer(error)
            }
        }
    }

    /// The answer with its body read into memory, or without it when it is larger than the
    /// limit: more than the limit is never held.
    ///
    /// With `final_head`, a body cut off part-way is kept as far as it arrived instead of
    /// failing the attempt.
    async fn read_body(&self, mut response: reqwest::Response, final_head: bool) -> reqwest::Result<Answer> {
        let limit = self.max_response_bytes;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if response.content_length().is_some_and(|length| length > limit as u64) {
            tracing::warn!(limit, "the answer's body is larger than the limit; not read");
            return Ok(Answer::new(status, headers, Body::OverLimit(limit)));
        }
        // Most answers arrive in one chunk, which is kept as it is; more are joined.
        let mut first: Option<Bytes> = None;
        let mut more = Vec::new();
        let mut size = 0;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if final_head => {
                    tracing::debug!(error = %error, "the answer's body was cut off; its 2xx head stands");
                    return Ok(Answer::new(status, headers, Body::CutOff(join(first, more))));
                }
                Err(error) => return Err(error),
            };
            size += chunk.len();
            if size > limit {
                tracing::warn!(limit, "the answer's body is larger than the limit; not read");
                return Ok(Answer::new(status, headers, Body::OverLimit(limit)));
            }
            match &first {
                None => first = Some(chunk),
                Some(_) => more.push(chunk),
            }
        }
        Ok(Answer::new(status, headers, Body::Read(join(first, more))))
    }

    /// Waits until one more attempt may go: a pause set by a 429, the client-side limiter,
    /// Cloudflare's window (`pacing.rs`). A wait longer than the allowed one is not waited
    /// out: the time left is returned, and nothing is sent.
    async fn clear_to_send(&self) -> Result<Ticket<'_>, Held> {
        if let Some(remaining) = self.wait_for_pause().await {
            return Err(Held::Paused(remaining));
        }
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
        self.pacer.ready(self.retry.max_wait, self.on_wait.as_ref()).await.map_err(Held::Paused)
    }

    /// Waits out a pause set by a 429 (and any extension of it made meanwhile). A pause longer
    /// than the allowed wait is not slept through: the time left is returned, and nothing is
    /// sent.
    async fn wait_for_pause(&self) -> Option<Duration> {
        while let Some(remaining) = self.pause.remaining() {
            if remaining > self.retry.max_wait {
                tracing::warn!(
                    wait_ms = remaining.as_millis() as u64,
                    "rate limited: not sending until Cloudflare's Retry-After"
                );
                return Some(remaining);
            }
            if self.pause.announce() {
                crate::waiting::announce(self.on_wait.as_ref(), WaitReason::RetryAfter, remaining);
            }
            tracing::info!(wait_ms = remaining.as_millis() as u64, "rate limited: waiting before sending");
            tokio::time::sleep(remaining).await;
        }
        None
    }
}

/// The chunks of a body as one.
fn join(first: Option<Bytes>, more: Vec<Bytes>) -> Bytes {
    match first {
        None => Bytes::new(),
        Some(first) if more.is_empty() => first,
        Some(first) => [std::slice::from_ref(&first), &more].concat().concat().into(),
    }
}

/// reqwest as the [`SendFn`].
pub(crate) fn reqwest_send(http: reqwest::Client) -> Box<SendFn> {
    Box::new(move |request| Box::pin(http.execute(request)))
}

/// Whether `text` has the shape of a Cloudflare ray id: up to 20 hex digits, then a dash and
/// a data center's code (`8f3c1c2b5d7e4a21-LHR`), or the digits alone. A longer run of hex (a
/// TSIG secret) is not one.
fn is_ray_id(text: &str) -> bool {
    let (digits, colo) = text.split_once('-').unwrap_or((text, "AAA"));
    (1..=20).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_hexdigit())
        && (2..=5).contains(&colo.len())
        && colo.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A transport whose attempts are answered by `answer(attempt index)`: status and headers,
    /// with an empty JSON body. Returns it and the count of attempts sent.
    fn fake(
        max_retries: u32,
        max_wait: Duration,
        answer: impl Fn(usize) -> (u16, Vec<(&'static str, String)>) + Send + Sync + 'static,
    ) -> (ClientTransport, Arc<AtomicUsize>) {
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        let answer = Arc::new(answer);
        let send: Box<SendFn> = Box::new(move |_request| {
            let (status, headers) = answer(counter.fetch_add(1, Ordering::SeqCst));
            let mut response = http::Response::new("{}");
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            Box::pin(std::future::ready(Ok(reqwest::Response::from(response))))
        });
        let retry = RetryPolicy { max_retries, max_wait, ..RetryPolicy::default() };
        let transport = ClientTransport {
            credentials: Credentials::api_token("test-token").unwrap(),
            retry,
            max_response_bytes: 1024,
            pause: Pause::default(),
            limiter: None,
            pacer: Pacer::default(),
            on_wait: None,
            stop: Stop::default(),
            send,
        };
        (transport, sent)
    }

    /// `call`, failing (never hanging) if it takes a day: with the clock paused, a loop
    /// that never ends would otherwise spin forever.
    async fn within(call: impl Future<Output = Record>) -> Record {
        let _watchdog = crate::test_watchdog::Watchdog::start();
        tokio::time::timeout(Duration::from_secs(86_400), call).await.expect("the call took a day")
    }

    fn request(method: Method) -> reqwest::Request {
        reqwest::Request::new(method, "http://127.0.0.1:1/accounts".parse().unwrap())
    }

    fn status(record: &Record) -> Option<u16> {
        match &record.end {
            End::Answer(answer) => Some(answer.status.as_u16()),
            _ => None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_retry_budget_is_spent_exactly_and_the_last_answer_is_the_record() {
        for max_retries in [0, 1, 2] {
            let (transport, sent) = fake(max_retries, Duration::from_secs(60), |_| (503, vec![]));
            let record = within(transport.call(request(Method::DELETE), "delete")).await;
            assert_eq!(record.attempts, max_retries + 1);
            assert_eq!(sent.load(Ordering::SeqCst), max_retries as usize + 1);
            assert_eq!(status(&record), Some(503));
            assert!(!record.earlier_attempt_may_have_applied, "503: certainly not carried out");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_earlier_500_may_have_applied_and_the_record_says_so() {
        let (transport, _) = fake(2, Duration::from_secs(60), |attempt| (if attempt == 0 { 500 } else { 404 }, vec![]));
        let record = within(transport.call(request(Method::DELETE), "delete")).await;
        assert_eq!((record.attempts, status(&record)), (2, Some(404)));
        assert!(record.earlier_attempt_may_have_applied);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_exactly_at_the_maximum_is_waited_and_one_second_more_is_not() {
        let max_wait = Duration::from_secs(30);
        let retry_after = |seconds: u64| {
            move |attempt| match attempt {
                0 => (429, vec![("retry-after", seconds.to_string())]),
                _ => (200, vec![]),
            }
        };
        let (transport, _) = fake(2, max_wait, retry_after(30));
        let start = tokio::time::Instant::now();
        let record = within(transport.call(request(Method::DELETE), "delete")).await;
        assert_eq!((record.attempts, status(&record)), (2, Some(200)));
        assert!(start.elapsed() >= max_wait, "{:?}", start.elapsed());

        let (transport, sent) = fake(2, max_wait, retry_after(31));
        let record = within(transport.call(request(Method::DELETE), "delete")).await;
        assert_eq!((record.attempts, status(&record)), (1, Some(429)), "not retried: longer than allowed");
        let End::Answer(answer) = &record.end else { panic!("{record:?}") };
        assert_eq!(answer.retry_after, Some(Duration::from_secs(31)), "read once, kept for the error");
        // The pause covers the next call: nothing is sent, and the record says so, with the wait.
        let record = within(transport.call(request(Method::GET), "get")).await;
        assert_eq!(record.attempts, 0);
        assert!(
            matches!(record.end, End::Paused(wait) if wait > max_wait && wait <= Duration::from_secs(31)),
            "{record:?}"
        );
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lying_ratelimit_header_holds_nothing_longer_than_the_maximum_wait() {
        let max_wait = Duration::from_secs(60);
        for header in
            [r#""default";r=0;t=86400"#, r#""default";r=0;t=999999999999999"#, r#""default";r=0, "b";r=9;t=1"#]
        {
            let (transport, sent) = fake(0, max_wait, move |_| {
                (200, vec![("ratelimit", header.to_owned()), ("ratelimit-policy", r#""p";q=1;w=999999999"#.to_owned())])
            });
            assert_eq!(status(&within(transport.call(request(Method::DELETE), "delete")).await), Some(200));
            let start = tokio::time::Instant::now();
            let record = within(transport.call(request(Method::DELETE), "delete")).await;
            assert_eq!(start.elapsed(), Duration::ZERO, "{header}: refused at once");
            assert_eq!(record.attempts, 0, "{header}");
            assert!(matches!(record.end, End::Paused(wait) if wait > max_wait), "{header}: {record:?}");
            assert_eq!(sent.load(Ordering::SeqCst), 1, "{header}: nothing more sent");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_held_longer_than_allowed_ends_with_the_last_answer_not_as_unsent() {
        // A 500 (which may have applied) whose answer also says the window is used up for a day.
        let (transport, sent) =
            fake(2, Duration::from_secs(60), |_| (500, vec![("ratelimit", r#""default";r=0;t=86400"#.to_owned())]));
        let record = within(transport.call(request(Method::DELETE), "delete")).await;
        assert_eq!(record.attempts, 1, "sent once");
        assert_eq!(status(&record), Some(500), "the answer it got, not a pause: {record:?}");
        assert!(!record.earlier_attempt_may_have_applied, "no attempt before the last");
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn waits_are_announced_once_and_a_stop_ends_the_requests_not_yet_sent() {
        let (mut transport, sent) = fake(0, Duration::from_secs(60), |attempt| match attempt {
            0 => (429, vec![("retry-after", "20".to_owned())]),
            _ => (200, vec![]),
        });
        let waits = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = waits.clone();
        transport.on_wait = Some(Arc::new(move |wait| seen.lock().unwrap().push(wait)));
        let transport = Arc::new(transport);
        assert_eq!(status(&within(transport.call(request(Method::DELETE), "delete")).await), Some(429));
        // Two requests held by the pause; a stop ends both at once, sending nothing.
        let held: Vec<_> = (0..2)
            .map(|_| {
                let transport = transport.clone();
                tokio::spawn(async move { within(transport.call(request(Method::DELETE), "delete")).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(5)).await;
        transport.stop.stop();
        for record in held {
            let record = record.await.unwrap();
            assert!(matches!(record.end, End::Stopped), "{record:?}");
            assert_eq!(record.attempts, 0);
        }
        let record = within(transport.call(request(Method::GET), "get")).await;
        assert!(matches!(record.end, End::Stopped), "and none starts after: {record:?}");
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        let waits = waits.lock().unwrap();
        assert_eq!(waits.len(), 1, "one notice for one pause: {waits:?}");
        assert_eq!(waits[0].reason, crate::WaitReason::RetryAfter);
        assert_eq!(waits[0].duration, Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_exactly_at_the_maximum_is_waited_out_not_refused() {
        let max_wait = Duration::from_secs(30);
        let (transport, sent) = fake(0, max_wait, |attempt| match attempt {
            0 => (429, vec![("retry-after", "30".to_owned())]),
            _ => (200, vec![]),
        });
        assert_eq!(status(&within(transport.call(request(Method::DELETE), "delete")).await), Some(429));
        let start = tokio::time::Instant::now();
        let record = within(transport.call(request(Method::GET), "get")).await;
        assert_eq!((record.attempts, status(&record)), (1, Some(200)), "{record:?}");
        assert_eq!(start.elapsed(), max_wait);
        assert_eq!(sent.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_within_the_maximum_is_waited_out_before_sending() {
        let (transport, sent) = fake(0, Duration::from_secs(60), |attempt| match attempt {
            0 => (429, vec![("retry-after", "20".to_owned())]),
            _ => (200, vec![]),
        });
        assert_eq!(status(&within(transport.call(request(Method::DELETE), "delete")).await), Some(429));
        let start = tokio::time::Instant::now();
        let record = within(transport.call(request(Method::GET), "get")).await;
        assert_eq!((record.attempts, status(&record)), (1, Some(200)));
        assert!(start.elapsed() >= Duration::from_secs(19), "{:?}", start.elapsed());
        assert_eq!(sent.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn only_what_looks_like_a_ray_id_is_logged_as_one() {
        for ray in ["8f3c1c2b5d7e4a21-LHR", "7a7a7a-LHR", "7a7a7a", "8f3c1c2b5d7e4a21-SJC2"] {
            assert!(is_ray_id(ray), "{ray}");
        }
        let tsig = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab";
        for other in ["", "-LHR", tsig, &format!("{tsig}-LHR"), "7a7a-lhr", "Bearer tok", "7a7a-LHR-x"] {
            assert!(!is_ray_id(other), "{other}");
        }
    }

    #[tokio::test]
    async fn the_credentials_go_on_every_request() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (mut transport, _) = fake(0, Duration::from_secs(60), |_| (200, vec![]));
        let log = seen.clone();
        transport.send = Box::new(move |request| {
            let headers = request.headers();
            log.lock().unwrap().push((headers.get("authorization").cloned(), headers.get("x-auth-key").cloned()));
            Box::pin(std::future::ready(Ok(reqwest::Response::from(http::Response::new("{}")))))
        });
        let mut stale = request(Method::GET);
        stale.headers_mut().insert("x-auth-key", "stale".parse().unwrap());
        within(transport.call(stale, "get")).await;
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0.as_ref().unwrap(), "Bearer test-token");
        assert_eq!(seen[0].1, None, "one scheme only");
    }

    /// A loopback server answering every connection with `answer`, then closing it.
    fn serve(answer: String) -> String {
        serve_in_parts(vec![answer])
    }

    /// [`serve`], writing the answer in `parts` 50 ms apart (so that they arrive as chunks).
    fn serve_in_parts(parts: Vec<String>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/accounts", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut buffer = [0; 1024];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                for (index, part) in parts.iter().enumerate() {
                    if index > 0 {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    let _ = stream.write_all(part.as_bytes()).and_then(|()| stream.flush());
                }
            }
        });
        url
    }

    fn over_http(max_response_bytes: usize) -> ClientTransport {
        let (mut transport, _) = fake(0, Duration::from_secs(60), |_| (200, vec![]));
        transport.send = reqwest_send(reqwest::Client::new());
        transport.max_response_bytes = max_response_bytes;
        transport
    }

    async fn body_of(transport: &ClientTransport, url: &str, method: Method) -> Result<Body, String> {
        let request = reqwest::Request::new(method, url.parse().unwrap());
        match within(transport.call(request, "get")).await.end {
            End::Answer(answer) => Ok(answer.body),
            End::NoAnswer(error) => Err(error.to_string()),
            End::Paused(_) | End::Stopped => Err("not sent".into()),
        }
    }

    #[tokio::test]
    async fn a_body_exactly_at_the_limit_is_read_and_one_byte_more_is_not() {
        let body = "x".repeat(100);
        for length in [format!("content-length: {}\r\n", body.len()), String::new()] {
            let url = serve(format!("HTTP/1.1 200 OK\r\n{length}connection: close\r\n\r\n{body}"));
            let read = body_of(&over_http(100), &url, Method::GET).await.unwrap();
            assert!(matches!(&read, Body::Read(bytes) if bytes.len() == 100), "{length:?}: {read:?}");
            let over = body_of(&over_http(99), &url, Method::GET).await.unwrap();
            assert!(matches!(over, Body::OverLimit(99)), "{length:?}: {over:?}");
        }
    }

    #[tokio::test]
    async fn a_body_in_several_chunks_is_read_whole() {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 200\r\nconnection: close\r\n\r\n".to_owned();
        let url = serve_in_parts(vec![head + &"a".repeat(100), "b".repeat(100)]);
        let read = body_of(&over_http(1024), &url, Method::GET).await.unwrap();
        let expected = "a".repeat(100) + &"b".repeat(100);
        assert!(matches!(&read, Body::Read(bytes) if bytes.as_ref() == expected.as_bytes()), "{read:?}");
    }

    #[tokio::test]
    async fn a_body_cut_off_after_a_2xx_to_a_write_is_kept_and_to_a_read_is_no_answer() {
        let url = serve("HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"succ".to_owned());
        let kept = body_of(&over_http(1024), &url, Method::DELETE).await.unwrap();
        assert!(matches!(&kept, Body::CutOff(bytes) if bytes.as_ref() == b"{\"succ"), "{kept:?}");
        assert!(body_of(&over_http(1024), &url, Method::GET).await.is_err(), "a read is retried, not kept");
        assert!(body_of(&over_http(1024), &url, Method::PUT).await.is_err(), "a PUT can be sent again");
        let refused = serve("HTTP/1.1 500 X\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{".to_owned());
        assert!(body_of(&over_http(1024), &refused, Method::DELETE).await.is_err(), "only a 2xx head stands");
    }
}
