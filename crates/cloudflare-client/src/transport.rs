//! How every request of the generated client is sent. For every operation alike:
//! - the credentials' headers go on and progenitor's `api-version` header comes off;
//! - a 429 pauses every request of the client (clones included) until its `Retry-After`, the
//!   optional client-side limiter is honoured, and Cloudflare's `Ratelimit` headers pace new
//!   requests so that the quota is not exceeded (`pacing.rs`);
//! - connection failures, timeouts, 408, 409, 429 and 5xx are retried with backoff;
//! - the body is read here, up to a size limit, so memory stays bounded;
//! - what happened (attempts, the last status and headers, an oversized body) is noted for the
//!   error reported by [`crate::Client::call`];
//! - each operation and attempt is a `tracing` span (method, path template, status, attempt,
//!   wait, cf-ray; never a header value).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use crate::credentials::Credentials;
use crate::pacing::{Pacer, Ticket};
use crate::rate_limit::{Limiter, Pause};
use crate::retry::{self, Decision, RetryPolicy, Seen};

/// Progenitor sends `api-version: <info.version of the spec>` on every request. Cloudflare's
/// API does not use it and the official SDKs do not send it, so it is removed.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The status of an answer and the headers errors report (cf-ray, content type, waits,
/// redirect target), kept without copying the whole header map.
#[derive(Debug, Clone)]
pub(crate) struct ResponseHead {
    pub(crate) status: StatusCode,
    kept: [Option<HeaderValue>; KEPT.len()],
}

const KEPT: [&str; 5] = ["cf-ray", "content-type", "retry-after", "retry-after-ms", "location"];

impl ResponseHead {
    pub(crate) fn new(status: StatusCode, headers: &HeaderMap) -> Self {
        Self { status, kept: KEPT.map(|name| headers.get(name).cloned()) }
    }

    /// The kept headers.
    pub(crate) fn headers(&self) -> HeaderMap {
        KEPT.iter()
            .zip(&self.kept)
            .filter_map(|(name, value)| Some((HeaderName::from_static(name), value.clone()?)))
            .collect()
    }
}

/// What the transport saw during one call, for the error that call may end in.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    /// The method of the operation.
    pub(crate) method: Option<Method>,
    /// Attempts sent (0 when the client answered for Cloudflare without sending).
    pub(crate) attempts: u32,
    /// An attempt before the last one may have been carried out by Cloudflare (its answer
    /// was lost, or was a 5xx).
    pub(crate) earlier_attempt_may_have_applied: bool,
    /// The status and headers of the last answer.
    pub(crate) head: Option<ResponseHead>,
    /// The last answer's body was larger than this limit and was not read.
    pub(crate) body_over_limit: Option<usize>,
    /// The last answer's body was cut off part-way (kept: its 2xx head answered a write).
    pub(crate) body_cut_off: bool,
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
}

fn note(update: impl FnOnce(&mut CallRecord)) {
    // Outside `observed` (a caller using the generated client directly) nobody asks.
    let _ = CALL.try_with(|record| update(&mut record.borrow_mut()));
}

/// Runs `future`, also returning what the transport saw while it ran.
pub(crate) async fn observed<F: Future>(future: F) -> (F::Output, CallRecord) {
    CALL.scope(RefCell::new(CallRecord::default()), async move {
        let output = future.await;
        (output, CALL.with(RefCell::take))
    })
    .await
}

/// The transport behind [`crate::Client::api`]; shared by a client's clones.
#[derive(Debug)]
pub(crate) struct ClientTransport {
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) pause: Pause,
    pub(crate) limiter: Option<Limiter>,
    pub(crate) pacer: Pacer,
}

impl cloudflare_openapi::Transport for ClientTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        self.credentials.apply(headers);
        let path = cloudflare_openapi::operation(operation_id).map_or("", |operation| operation.path);
        let span = tracing::debug_span!(
            "cloudflare.operation",
            operation = operation_id,
            method = %request.method(),
            path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        Box::pin(self.send(client, request).instrument(span))
    }
}

/// How one attempt ended.
enum Outcome {
    /// An answer that is final: a success, or an error not worth retrying.
    Done(reqwest::Response),
    /// An answer worth retrying, and the wait it asked for.
    Retryable(reqwest::Response, Option<Duration>),
    /// No answer.
    Failed(reqwest::Error),
}

impl ClientTransport {
    async fn send(&self, client: &reqwest::Client, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        let span = tracing::Span::current();
        let method = request.method().clone();
        note(|record| record.method = Some(method.clone()));
        let mut pending = Some(request);
        let mut retry = 0;
        loop {
            if let Some(paused) = self.wait_for_pause().await {
                span.record("status", 429);
                return Ok(paused);
            }
            if let Some(limiter) = &self.limiter {
                limiter.until_ready().await;
            }
            let ticket = self.pacer.ready().await;
            let request = pending.take().expect("a request is pending until the loop returns");
            // Only a request that can be sent again is retried (bodies that are streams cannot).
            let can_retry = retry < self.retry.max_retries;
            pending = if can_retry { request.try_clone() } else { None };
            let attempt = retry + 1;
            note(|record| record.attempts = attempt);
            span.record("attempts", attempt);

            let outcome = self
                .attempt(client, request, ticket)
                .instrument(tracing::trace_span!("cloudflare.attempt", attempt))
                .await;
            let seen = match &outcome {
                Outcome::Done(response) => Seen::Answer(response.status(), None),
                Outcome::Retryable(response, wait) => Seen::Answer(response.status(), *wait),
                Outcome::Failed(error) => Seen::NoAnswer { connect: error.is_connect(), builder: error.is_builder() },
            };
            if let Seen::Answer(status, server_wait) = seen {
                span.record("status", status.as_u16());
                if status == StatusCode::TOO_MANY_REQUESTS {
                    let pause = server_wait.unwrap_or_else(|| self.retry.backoff(retry));
                    self.pause.extend_for(pause);
                    tracing::warn!(
                        wait_ms = pause.as_millis() as u64,
                        "rate limited: pausing every request of this client"
                    );
                }
            }
            let (wait, may_have_applied) = match retry::decide(&self.retry, &method, retry, pending.is_some(), seen) {
                Decision::Retry { wait, may_have_applied } => {
                    (wait.unwrap_or_else(|| self.retry.backoff(retry)), may_have_applied)
                }
                Decision::Done | Decision::GiveUp => {
                    if let Seen::Answer(_, Some(wait)) = seen
                        && wait > self.retry.max_wait
                    {
                        tracing::warn!(
                            wait_ms = wait.as_millis() as u64,
                            max_wait_ms = self.retry.max_wait.as_millis() as u64,
                            "not retrying: the server asks for a longer wait than allowed"
                        );
                    }
                    return match outcome {
                        Outcome::Done(response) | Outcome::Retryable(response, _) => Ok(response),
                        Outcome::Failed(error) => Err(error),
                    };
                }
            };
            let reason = match (&outcome, seen) {
                (Outcome::Failed(error), _) if error.is_timeout() => "timeout".to_owned(),
                (Outcome::Failed(_), _) => "connection error".to_owned(),
                (_, Seen::Answer(status, _)) => status.as_str().to_owned(),
                (_, Seen::NoAnswer { .. }) => "no answer".to_owned(),
            };
            if may_have_applied {
                note(|record| record.earlier_attempt_may_have_applied = true);
            }
            tracing::info!(attempt, wait_ms = wait.as_millis() as u64, reason, "retrying");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// Sends one attempt and reads its answer, body included (up to the limit).
    async fn attempt(&self, client: &reqwest::Client, request: reqwest::Request, ticket: Ticket<'_>) -> Outcome {
        let method = request.method().clone();
        let response = match client.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                drop(ticket); // no answer: the server may have counted it or not
                tracing::debug!(error = %error, timeout = error.is_timeout(), connect = error.is_connect(), "no answer");
                return Outcome::Failed(error);
            }
        };
        ticket.answered(response.headers());
        let status = response.status();
        let cf_ray =
            response.headers().get("cf-ray").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
        tracing::debug!(status = status.as_u16(), cf_ray, "answer");
        // A write (delete, create, rotate) answered with a 2xx has happened, whatever becomes of
        // the body: it is the answer, not a failure to retry.
        let final_head = status.is_success() && !matches!(method, Method::GET | Method::HEAD | Method::PUT);
        let response = match self.read_body(response, final_head).await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(error = %error, "the answer's body was cut off");
                return Outcome::Failed(error);
            }
        };
        if retry::is_retryable_status(status) {
            let wait = retry::retry_after(response.headers(), SystemTime::now());
            Outcome::Retryable(response, wait)
        } else {
            Outcome::Done(response)
        }
    }

    /// The answer with its body read into memory, or without it (and noted) when it is larger
    /// than the limit: more than the limit is never held.
    ///
    /// With `final_head`, a body cut off part-way is kept as far as it arrived (and noted)
    /// instead of failing the attempt.
    async fn read_body(&self, mut response: reqwest::Response, final_head: bool) -> reqwest::Result<reqwest::Response> {
        let limit = self.max_response_bytes;
        let mut over_limit = response.content_length().is_some_and(|length| length > limit as u64);
        // Most answers arrive in one chunk, which is kept as it is; more are joined.
        let mut first = None;
        let mut more = Vec::new();
        let mut size = 0;
        let mut cut_off = false;
        while !over_limit {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if final_head => {
                    tracing::debug!(error = %error, "the answer's body was cut off; its 2xx head stands");
                    cut_off = true;
                    break;
                }
                Err(error) => return Err(error),
            };
            size += chunk.len();
            over_limit = size > limit;
            match &first {
                None => first = Some(chunk),
                Some(_) => more.push(chunk),
            }
        }
        let body = match first {
            _ if over_limit => {
                tracing::warn!(limit, "the answer's body is larger than the limit; not read");
                reqwest::Body::from(Vec::new())
            }
            None => reqwest::Body::from(Vec::new()),
            Some(first) if more.is_empty() => reqwest::Body::from(first),
            Some(first) => reqwest::Body::from([std::slice::from_ref(&first), &more].concat().concat()),
        };
        let (status, version) = (response.status(), response.version());
        let headers = std::mem::take(response.headers_mut());
        note(|record| {
            record.head = Some(ResponseHead::new(status, &headers));
            record.body_over_limit = over_limit.then_some(limit);
            record.body_cut_off = cut_off;
        });
        let mut buffered = http::Response::new(body);
        *buffered.status_mut() = status;
        *buffered.version_mut() = version;
        *buffered.headers_mut() = headers;
        Ok(reqwest::Response::from(buffered))
    }

    /// Waits out a pause set by a 429 (and any extension of it made meanwhile). A pause longer
    /// than the allowed wait is not slept through: the client answers 429 itself, without
    /// sending, with the time left.
    async fn wait_for_pause(&self) -> Option<reqwest::Response> {
        while let Some(remaining) = self.pause.remaining() {
            if remaining > self.retry.max_wait {
                tracing::warn!(
                    wait_ms = remaining.as_millis() as u64,
                    "rate limited: not sending until Cloudflare's Retry-After"
                );
                let response = paused_response(remaining);
                note(|record| record.head = Some(ResponseHead::new(response.status(), response.headers())));
                return Some(response);
            }
            tracing::info!(wait_ms = remaining.as_millis() as u64, "rate limited: waiting before sending");
            tokio::time::sleep(remaining).await;
        }
        None
    }
}

/// The 429 Cloudflare would send, made by the client while it waits out a `Retry-After`.
fn paused_response(remaining: Duration) -> reqwest::Response {
    let body = serde_json::json!({
        "success": false,
        "errors": [{
            "code": 971,
            "message": "Please wait and consider throttling your request speed (not sent: this client is waiting out Cloudflare's Retry-After)"
        }],
        "messages": [],
        "result": null
    });
    let mut response = http::Response::new(body.to_string().into_bytes());
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(RETRY_AFTER, HeaderValue::from(remaining.as_secs_f64().ceil() as u64));
    reqwest::Response::from(response)
}
