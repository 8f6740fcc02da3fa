//! Turning what a generated operation returned into the envelope's `result` or an [`Error`].

use cloudflare_openapi::{Envelope, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};

use crate::credentials::Credentials;
use crate::error::{ApiError, Error, InvalidInput, UnexpectedResponse};
use crate::transport::ResponseHead;
use crate::types::{ApiFailure, ApiMessage};

/// What a generated operation's `send()` returns.
pub type GeneratedResult<T, E> = Result<ResponseValue<T>, cloudflare_openapi::Error<E>>;

/// How much of an answer the generated client did not decode (an error status outside 4xx,
/// a redirect) is read to find Cloudflare's error envelope in it.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Unwraps a generated operation's answer. `last` is the status and headers of the last
/// response received, for errors where the generated client kept only the body.
pub(crate) async fn finish<T: Envelope, E: Envelope>(
    credentials: &Credentials,
    result: GeneratedResult<T, E>,
    last: Option<ResponseHead>,
) -> Result<T::Result, Error> {
    use cloudflare_openapi::Error as Generated;

    let redact = |messages: &[ApiMessage]| -> Vec<ApiMessage> {
        messages
            .iter()
            .map(|message| ApiMessage { message: credentials.redact(&message.message).into_owned(), ..message.clone() })
            .collect()
    };
    let unexpected = |status, headers: &HeaderMap, reason: String, body: &[u8]| -> Error {
        let body = String::from_utf8_lossy(body);
        UnexpectedResponse::new(status, headers, credentials.redact(&reason), credentials.redact(&body).as_bytes())
            .into()
    };

    match result {
        Ok(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let envelope = response.into_inner();
            if envelope.success() == Some(false) {
                return Err(
                    ApiError::new(status, &headers, redact(envelope.errors()), redact(envelope.messages())).into()
                );
            }
            envelope.into_result().ok_or_else(|| {
                unexpected(status, &headers, "Cloudflare reported success but sent no `result`".into(), b"")
            })
        }
        Err(Generated::ErrorResponse(response)) => {
            let failure = response.as_ref();
            Err(ApiError::new(
                response.status(),
                response.headers(),
                redact(failure.errors()),
                redact(failure.messages()),
            )
            .into())
        }
        Err(Generated::UnexpectedResponse(mut response)) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let body = read_bounded(&mut response, MAX_ERROR_BODY).await;
            match serde_json::from_slice::<ApiFailure>(&body) {
                Ok(failure) if !failure.errors().is_empty() => {
                    Err(ApiError::new(status, &headers, redact(failure.errors()), redact(failure.messages())).into())
                }
                _ => Err(unexpected(status, &headers, unexpected_reason(status, &headers, &body), &body)),
            }
        }
        Err(Generated::InvalidResponsePayload(body, error)) => {
            // The transport saw the answer before its body was decoded; without it (which
            // cannot happen inside `Client::call`) the status is reported as 200.
            let (status, headers) = last.unwrap_or((StatusCode::OK, HeaderMap::new()));
            Err(unexpected(status, &headers, format!("the body is not a valid Cloudflare envelope: {error}"), &body))
        }
        Err(
            Generated::CommunicationError(error)
            | Generated::ResponseBodyError(error)
            | Generated::InvalidUpgrade(error),
        ) => Err(Error::Transport(error)),
        Err(Generated::InvalidRequest(reason) | Generated::Custom(reason)) => {
            Err(InvalidInput::new("request", "", reason).into())
        }
    }
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

/// At most `limit` bytes of the body; what could be read if the connection fails mid-way.
async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == limit {
            break;
        }
    }
    body
}
