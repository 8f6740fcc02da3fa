//! Turning what a generated operation returned into the envelope's `result` or an [`Error`].

use cloudflare_openapi::{Envelope, ResponseValue};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::credentials::Credentials;
use crate::error::{ApiError, Error, InvalidInput, ResponseMeta, ResponseTooLarge, TransportError, UnexpectedResponse};
use crate::transport::CallRecord;
use crate::types::{ApiFailure, ApiMessage, ApiMessageSource};

/// What a generated operation's `send()` returns.
pub type GeneratedResult<T, E> = Result<ResponseValue<T>, cloudflare_openapi::Error<E>>;

/// Checks a generated operation's answer: a successful envelope that has a `result`, or the
/// [`Error`] it amounts to. What the transport saw during the call supplies what the
/// generated client does not keep (the status of an undecodable body, attempts).
pub(crate) async fn finish<T: Envelope + DeserializeOwned, E: Envelope>(
    credentials: &Credentials,
    result: GeneratedResult<T, E>,
    record: &CallRecord,
    expect: Expect,
) -> Result<T, Error> {
    use cloudflare_openapi::Error as Generated;

    let redact_text = |text: &str| credentials.redact(text).into_owned();
    let meta = |status, headers: &HeaderMap| ResponseMeta::new(status, headers, record.attempts, &redact_text);
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
    let already_gone = |status: StatusCode| {
        status == StatusCode::NOT_FOUND
            && record.method == Some(Method::DELETE)
            && record.earlier_attempt_may_have_applied
    };
    let api_error =
        |status: StatusCode, headers: &HeaderMap, errors: &[ApiMessage], messages: &[ApiMessage]| -> Error {
            let error = ApiError::new(meta(status, headers), redact(errors), redact(messages));
            if already_gone(status) { Error::AlreadyGone(Box::new(error)) } else { error.into() }
        };
    let unexpected = |status: StatusCode, headers: &HeaderMap, reason: String, body: &[u8]| -> Error {
        if let Some(limit) = record.body_over_limit {
            return ResponseTooLarge::new(meta(status, headers), limit).into();
        }
        if already_gone(status) {
            return api_error(status, headers, &[], &[]);
        }
        let body = String::from_utf8_lossy(body);
        UnexpectedResponse::new(
            meta(status, headers),
            credentials.redact(&reason),
            credentials.redact(&body).as_bytes(),
        )
        .into()
    };

    // A successful envelope, whatever 2xx status it came with.
    let accept = |status: StatusCode, headers: &HeaderMap, envelope: T| -> Result<T, Error> {
        if envelope.success() == Some(false) {
            return Err(api_error(status, headers, envelope.errors(), envelope.messages()));
        }
        if envelope.result().is_none() && expect == Expect::Result {
            return Err(unexpected(status, headers, MISSING_RESULT.into(), b""));
        }
        Ok(envelope)
    };

    match result {
        Ok(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            accept(status, &headers, response.into_inner())
        }
        Err(Generated::ErrorResponse(response)) => {
            let failure = response.as_ref();
            Err(api_error(response.status(), response.headers(), failure.errors(), failure.messages()))
        }
        Err(Generated::UnexpectedResponse(response)) => {
            // The transport has already read the body into memory, within the size limit.
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await.unwrap_or_default();
            // Another 2xx than the spec names (a 200 for a 201) is an answer all the same.
            if status.is_success()
                && let Ok(envelope) = serde_json::from_slice::<T>(&body)
            {
                return accept(status, &headers, envelope);
            }
            match serde_json::from_slice::<ApiFailure>(&body) {
                Ok(failure) if !failure.errors().is_empty() => {
                    Err(api_error(status, &headers, failure.errors(), failure.messages()))
                }
                _ => Err(unexpected(status, &headers, unexpected_reason(status, &headers, &body), &body)),
            }
        }
        Err(Generated::InvalidResponsePayload(body, error)) => {
            // The transport saw the answer before its body was decoded; without it (which
            // cannot happen inside `Client::call`) the status is reported as 200.
            let (status, headers) =
                record.head.as_ref().map_or((StatusCode::OK, HeaderMap::new()), |head| (head.status, head.headers()));
            let reason = if record.body_cut_off {
                format!("the body was cut off part-way ({error})")
            } else {
                format!("the body is not a valid Cloudflare envelope: {error}")
            };
            Err(unexpected(status, &headers, reason, &body))
        }
        Err(
            Generated::CommunicationError(error)
            | Generated::ResponseBodyError(error)
            | Generated::InvalidUpgrade(error),
        ) => Err(TransportError::new(error, record.attempts.max(1)).into()),
        Err(Generated::InvalidRequest(reason) | Generated::Custom(reason)) => {
            Err(InvalidInput::new("request", "", reason).into())
        }
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
    UnexpectedResponse::new(ResponseMeta::new(StatusCode::OK, &HeaderMap::new(), 1, &str::to_owned), reason, b"").into()
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
