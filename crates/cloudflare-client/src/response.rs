//! Deciding what a call came to, from its [`Record`] alone: the successful envelope, or the
//! [`Error`] it amounts to. Every body is decoded here, once: the success envelope of the
//! operation for a 2xx, Cloudflare's error envelope otherwise.

use cloudflare_openapi::Envelope;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::credentials::Credentials;
use crate::error::{ApiError, Error, ResponseMeta, ResponseTooLarge, TransportError, UnexpectedResponse};
use crate::transport::{Answer, Body, End, Record};
use crate::types::{ApiFailure, ApiMessage, ApiMessageSource};

/// The successful envelope `T` the call's answer carries (with a `result` when `expect`
/// says so), or the [`Error`] it amounts to.
pub(crate) fn finish<T: Envelope + DeserializeOwned>(
    credentials: &Credentials,
    record: Record,
    expect: Expect,
) -> Result<T, Error> {
    let Record { method, attempts, earlier_attempt_may_have_applied, end } = record;
    let Answer { status, headers, retry_after, body } = match end {
        End::Answer(answer) => answer,
        End::Paused(retry_after) => return Err(Error::Paused { retry_after }),
        End::NoAnswer(error) => return Err(TransportError::new(error, attempts.max(1)).into()),
    };
    let redact_text = |text: &str| credentials.redact(text).into_owned();
    let meta = || ResponseMeta::new(status, &headers, retry_after, attempts, &redact_text);
    // Every string a server sent is redacted: it could echo a credential anywhere.
    let redact = |messages: &[ApiMessage]| -> Vec<ApiMessage> {
        messages
            .iter()
            .map(|message| ApiMessage {
                code: message.code,
                message: redact_text(&message.message),
                documentation_url: message.documentation_url.as_deref().map(redact_text),
                source: message
                    .source
                    .as_ref()
                    .map(|source| ApiMessageSource { pointer: source.pointer.as_deref().map(redact_text) }),
            })
            .collect()
    };
    // A 404 to a delete retried after an attempt that may have been carried out.
    let already_gone = status == StatusCode::NOT_FOUND && method == Method::DELETE && earlier_attempt_may_have_applied;
    let api_error = |errors: &[ApiMessage], messages: &[ApiMessage]| -> Error {
        let error = ApiError::new(meta(), redact(errors), redact(messages));
        if already_gone { Error::AlreadyGone(Box::new(error)) } else { error.into() }
    };
    let unexpected = |reason: String, body: &[u8]| -> Error {
        if already_gone {
            return api_error(&[], &[]);
        }
        let body = String::from_utf8_lossy(body);
        UnexpectedResponse::new(meta(), credentials.redact(&reason), credentials.redact(&body).as_bytes()).into()
    };
    let (body, cut_off) = match body {
        Body::Read(body) => (body, false),
        Body::CutOff(body) => (body, true),
        Body::OverLimit(limit) => return Err(ResponseTooLarge::new(meta(), limit).into()),
    };

    if status.is_success() {
        // Whatever 2xx it came with (a 200 for a 201 is an answer all the same).
        let error = match serde_json::from_slice::<T>(&body) {
            Ok(envelope) if envelope.success() == Some(false) => {
                return Err(api_error(envelope.errors(), envelope.messages()));
            }
            Ok(envelope) if envelope.result().is_none() && expect == Expect::Result => {
                return Err(unexpected(MISSING_RESULT.into(), b""));
            }
            Ok(envelope) => return Ok(envelope),
            Err(error) => error,
        };
        if let Ok(failure) = serde_json::from_slice::<ApiFailure>(&body)
            && !failure.errors().is_empty()
        {
            return Err(api_error(failure.errors(), failure.messages()));
        }
        let reason = if cut_off {
            format!("the body was cut off part-way ({error})")
        } else {
            format!("the body is not a valid Cloudflare envelope: {error}")
        };
        return Err(unexpected(reason, &body));
    }
    match serde_json::from_slice::<ApiFailure>(&body) {
        // A 4xx is Cloudflare's error envelope, whatever `errors` holds.
        Ok(failure) if status.is_client_error() || !failure.errors().is_empty() => {
            Err(api_error(failure.errors(), failure.messages()))
        }
        Err(error) if status.is_client_error() => {
            Err(unexpected(format!("the body is not a valid Cloudflare envelope: {error}"), &body))
        }
        _ => Err(unexpected(unexpected_reason(status, &headers, &body), &body)),
    }
}

/// What a successful answer must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// A `result` that is not null (the typed methods).
    Result,
    /// Only the envelope: a null or missing `result` is an answer too (`Client::invoke`).
    Envelope,
}

const MISSING_RESULT: &str = "Cloudflare reported success but sent no `result`";

/// The error for a successful answer without a `result`.
pub(crate) fn missing_result() -> Error {
    unusable_success(MISSING_RESULT)
}

/// The error for a successful answer the client cannot use, for `reason`.
pub(crate) fn unusable_success(reason: impl Into<String>) -> Error {
    UnexpectedResponse::new(ResponseMeta::new(StatusCode::OK, &HeaderMap::new(), None, 1, &str::to_owned), reason, b"")
        .into()
}

fn unexpected_reason(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> String {
    if status.is_redirection() {
        let location = headers.get(LOCATION).and_then(|value| value.to_str().ok()).unwrap_or("nowhere");
        return format!("a redirect to {location:?}, which is never followed (credentials stay with the API host)");
    }
    if serde_json::from_slice::<serde_json::Value>(body).is_ok() {
        "an error status without Cloudflare's error envelope".into()
    } else if body.is_empty() {
        "an error status with an empty body".into()
    } else {
        "an error status with a body that is not Cloudflare's JSON envelope".into()
    }
}
