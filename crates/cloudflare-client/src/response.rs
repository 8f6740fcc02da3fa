//! Deciding what a call came to, from its [`Record`] alone: the successful envelope, or the
//! [`Error`] it amounts to. Every body is decoded here, once: the success envelope of the
//! operation for a 2xx, Cloudflare's error envelope otherwise.

use bytes::Bytes;
use cloudflare_openapi::Envelope;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::credentials::Redaction;
use crate::error::{ApiError, Error, ResponseMeta, ResponseTooLarge, TransportError, UnexpectedResponse};
use crate::transport::{Answer, Body, End, Record};
use crate::types::{ApiFailure, ApiMessage, ApiMessageSource};

/// The successful envelope `T` the call's answer carries (with a `result` when `expect`
/// says so), or the [`Error`] it amounts to.
pub(crate) fn finish<T: Envelope + DeserializeOwned>(
    credentials: &Redaction<'_>,
    record: Record,
    expect: Expect,
) -> Result<Decoded<T>, Error> {
    let body = match &record.end {
        End::Answer(Answer { body: Body::Read(body) | Body::CutOff(body), .. }) => body.clone(),
        _ => Bytes::new(),
    };
    let download = T::is_download().then_some(T::from_download as FromDownload<T>);
    let mut unfit = Vec::new();
    let (envelope, head) =
        finish_with(credentials, record, expect, |body| crate::typed::decode::<T>(body, &mut unfit), download)?;
    Ok(Decoded { envelope, body, unfit, head })
}

/// A successful answer, decoded by the operation's types: its envelope, the body it was decoded
/// from, the fields left out of it because their values did not fit (`crate::typed`), and its
/// status and headers. No `Debug`: the body may hold a secret.
pub(crate) struct Decoded<T> {
    pub(crate) envelope: T,
    pub(crate) body: Bytes,
    pub(crate) unfit: Vec<crate::typed::Unfit>,
    pub(crate) head: Head,
}

/// The status and headers a successful answer came with (of the last attempt): some operations
/// answer in a header (a tus upload's URL in `Location`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
}

impl Head {
    /// The `Location` header, where it is text.
    pub(crate) fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|value| value.to_str().ok())
    }
}

/// How the successful answer of an operation whose answer is not JSON becomes its envelope:
/// its body and content type (`Envelope::from_download`).
pub(crate) type FromDownload<T> = fn(Bytes, Option<&str>) -> Option<T>;

/// [`finish`], with the successful envelope decoded by `decode`, or, for an operation whose
/// answer is not JSON, made by `download` from the body as sent; with the answer's [`Head`].
pub(crate) fn finish_with<T: Envelope>(
    credentials: &Redaction<'_>,
    record: Record,
    expect: Expect,
    decode: impl FnOnce(&[u8]) -> Result<T, serde_json::Error>,
    download: Option<FromDownload<T>>,
) -> Result<(T, Head), Error> {
    let Record { method, attempts, earlier_attempt_may_have_applied, end } = record;
    let Answer { status, headers, retry_after, body } = match end {
        End::Answer(answer) => answer,
        End::Paused(retry_after) => return Err(Error::Paused { retry_after }),
        End::Stopped => return Err(Error::Stopped),
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

    if status.is_success()
        && let Some(from_download) = download
    {
        // An answer that is not JSON: its body, whole and as sent; never a part of one.
        if cut_off {
            return Err(unexpected("the body was cut off part-way".into(), b""));
        }
        let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        // Cloudflare's envelope saying it failed is a failure, whatever the operation answers.
        if content_type.is_some_and(|kind| kind.contains("json"))
            && let Ok(failure) = serde_json::from_slice::<ApiFailure>(&body)
            && failure.success() == Some(false)
        {
            return Err(api_error(failure.errors(), failure.messages()));
        }
        let envelope =
            from_download(body, content_type).ok_or_else(|| unexpected("the answer is not a download".into(), b""))?;
        return Ok((envelope, Head { status, headers }));
    }
    if status.is_success() {
        // Whatever 2xx it came with (a 200 for a 201 is an answer all the same).
        // No body at all (a 204) is an envelope with nothing in it: the answer of an operation
        // whose result may be absent, a missing `result` for any other.
        let decoded = if body.is_empty() && !cut_off { decode(b"{}") } else { decode(&body) };
        let error = match decoded {
            Ok(envelope) if envelope.success() == Some(false) => {
                return Err(api_error(envelope.errors(), envelope.messages()));
            }
            Ok(envelope) if envelope.result().is_none() && expect == Expect::Result && T::absent_result().is_none() => {
                return Err(unexpected(MISSING_RESULT.into(), b""));
            }
            Ok(envelope) => return Ok((envelope, Head { status, headers })),
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

/// A successful envelope as JSON, as Cloudflare sent it: the answer of an operation called by
/// name. Only the envelope's own fields are checked (an object, `success` a boolean, `errors`
/// and `messages` lists of messages); `result` is kept whole, fields newer than the spec
/// included.
#[derive(Debug)]
pub(crate) struct JsonEnvelope {
    json: serde_json::Value,
    /// `result` as its text in the body (`null` when there was none), for whoever wants it as
    /// sent: the order of its fields and the text of its numbers, which `json` does not keep.
    result_text: Box<serde_json::value::RawValue>,
    success: Option<bool>,
    errors: Vec<ApiMessage>,
    messages: Vec<ApiMessage>,
    /// The answer of an operation whose answer is not JSON, as sent.
    download: Option<cloudflare_openapi::Download>,
}

/// The fields of an envelope that [`JsonEnvelope`] checks.
#[derive(serde::Deserialize)]
struct EnvelopeFields {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default, deserialize_with = "messages_that_fit")]
    errors: Option<Vec<ApiMessage>>,
    #[serde(default, deserialize_with = "messages_that_fit")]
    messages: Option<Vec<ApiMessage>>,
}

/// A list of Cloudflare's messages, those that are not messages left out (Cloudflare's own
/// examples send `[{}]` in a success; the answer's JSON keeps them as sent). A value that is no
/// list is no envelope.
fn messages_that_fit<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<ApiMessage>>, D::Error> {
    use serde::Deserialize;
    let Some(items) = Option::<Vec<serde_json::Value>>::deserialize(deserializer)? else { return Ok(None) };
    Ok(Some(items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect()))
}

impl JsonEnvelope {
    /// `body` as an envelope; for an operation whose answer upstream describes without one
    /// (`bare`), a body that is no envelope is the `result` itself.
    pub(crate) fn decode(body: &[u8], bare: bool) -> Result<Self, serde_json::Error> {
        use serde::Deserialize;
        let json: serde_json::Value = serde_json::from_slice(body)?;
        if bare && !cloudflare_openapi::is_envelope(&json) {
            let result_text: Box<serde_json::value::RawValue> = serde_json::from_slice(body)?;
            let json = serde_json::json!({ "result": json });
            return Ok(Self {
                result_text,
                success: None,
                errors: Vec::new(),
                messages: Vec::new(),
                json,
                download: None,
            });
        }
        if !json.is_object() {
            return Err(serde::de::Error::custom("the answer is not a JSON object"));
        }
        let fields = EnvelopeFields::deserialize(&json)?;
        // The members' text, as `json` reads them: the last of a repeated name wins.
        let mut members: std::collections::HashMap<std::borrow::Cow<'_, str>, &serde_json::value::RawValue> =
            serde_json::from_slice(body)?;
        let result_text = members.remove("result").map_or_else(null_text, ToOwned::to_owned);
        Ok(Self {
            result_text,
            success: fields.success,
            errors: fields.errors.unwrap_or_default(),
            messages: fields.messages.unwrap_or_default(),
            json,
            download: None,
        })
    }

    /// The envelope as JSON, its `result` as sent, and the answer of an operation whose
    /// answer is not JSON.
    pub(crate) fn into_parts(
        self,
    ) -> (serde_json::Value, Box<serde_json::value::RawValue>, Option<cloudflare_openapi::Download>) {
        (self.json, self.result_text, self.download)
    }
}

/// `null`, as a raw value.
pub(crate) fn null_text() -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string("null".to_owned()).expect("null is JSON")
}

impl Envelope for JsonEnvelope {
    type Result = serde_json::Value;

    fn success(&self) -> Option<bool> {
        self.success
    }

    fn errors(&self) -> &[ApiMessage] {
        &self.errors
    }

    fn messages(&self) -> &[ApiMessage] {
        &self.messages
    }

    fn result(&self) -> Option<&serde_json::Value> {
        self.json.get("result").filter(|result| !result.is_null())
    }

    fn into_result(mut self) -> Option<serde_json::Value> {
        self.json.get_mut("result").map(serde_json::Value::take).filter(|result| !result.is_null())
    }

    fn from_download(body: Bytes, content_type: Option<&str>) -> Option<Self> {
        Some(Self {
            json: serde_json::json!({ "result": null }),
            result_text: null_text(),
            success: None,
            errors: Vec::new(),
            messages: Vec::new(),
            download: Some(cloudflare_openapi::Download::new(body, content_type)),
        })
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::credentials::Credentials;

    use reqwest::header::HeaderValue;

    use super::*;
    use cloudflare_openapi::access::types::ServiceTokenResponse;

    const TOKEN: &str =
        r#"{"success":true,"errors":[],"messages":[],"result":{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415"}}"#;
    const NO_RESULT: &str = r#"{"success":true,"errors":[],"messages":[],"result":null}"#;
    const REFUSED: &str =
        r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#;
    const NO_ERRORS: &str = r#"{"success":false,"errors":[],"messages":[],"result":null}"#;

    fn record(
        method: Method,
        may_have_applied: bool,
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: Body,
    ) -> Record {
        let headers =
            headers.iter().map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value))).collect();
        Record {
            method,
            attempts: 2,
            earlier_attempt_may_have_applied: may_have_applied,
            end: End::Answer(Answer::new(StatusCode::from_u16(status).unwrap(), headers, body)),
        }
    }

    fn decide(status: u16, body: &'static str) -> Result<ServiceTokenResponse, Error> {
        decide_with(Method::DELETE, false, status, &[], Body::Read(body.into()), Expect::Result)
    }

    fn decide_with(
        method: Method,
        may_have_applied: bool,
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: Body,
        expect: Expect,
    ) -> Result<ServiceTokenResponse, Error> {
        let credentials = Credentials::api_token("test-token").unwrap();
        let credentials = Redaction { credentials: &credentials, sent: &[] };
        finish(&credentials, record(method, may_have_applied, status, headers, body), expect)
            .map(|decoded| decoded.envelope)
    }

    fn reason(result: Result<ServiceTokenResponse, Error>) -> String {
        match result {
            Err(Error::UnexpectedResponse(error)) => error.reason().to_owned(),
            other => panic!("not an unexpected answer: {other:?}"),
        }
    }

    #[test]
    fn any_2xx_envelope_is_the_answer_and_its_failures_are_errors() {
        for status in [200, 201, 204] {
            assert!(decide(status, TOKEN).unwrap().result.is_some(), "{status}");
        }
        let refused = decide(200, REFUSED).unwrap_err();
        assert!(matches!(refused, Error::Api(_)) && refused.is_auth(), "success: false in a 200: {refused:?}");
        assert!(reason(decide(200, NO_RESULT)).contains("no `result`"));
        let envelope = decide_with(Method::GET, false, 200, &[], Body::Read(NO_RESULT.into()), Expect::Envelope);
        assert!(envelope.unwrap().result.is_none(), "invoke takes an envelope without result");
        // A 2xx that is not the success envelope but carries Cloudflare's errors.
        let errors =
            decide(200, r#"{"success":false,"errors":[{"code":7003,"message":"x"}],"result":[1]}"#).unwrap_err();
        assert_eq!(errors.api_errors()[0].code, 7003, "{errors:?}");
        assert!(reason(decide(200, "<html>")).contains("not a valid Cloudflare envelope"));
        let cut = decide_with(Method::DELETE, false, 200, &[], Body::CutOff(r#"{"succ"#.into()), Expect::Result);
        assert!(reason(cut).contains("cut off part-way"));
    }

    /// An envelope whose result the spec gives no type, as codegen writes it (`absent_result`).
    #[derive(Debug, serde::Deserialize)]
    struct FreeForm {
        success: Option<bool>,
        #[serde(default)]
        errors: Vec<ApiMessage>,
        result: Option<serde_json::Value>,
    }

    impl Envelope for FreeForm {
        type Result = serde_json::Value;
        fn success(&self) -> Option<bool> {
            self.success
        }
        fn errors(&self) -> &[ApiMessage] {
            &self.errors
        }
        fn messages(&self) -> &[ApiMessage] {
            &[]
        }
        fn result(&self) -> Option<&serde_json::Value> {
            self.result.as_ref()
        }
        fn into_result(self) -> Option<serde_json::Value> {
            self.result
        }
        fn absent_result() -> Option<serde_json::Value> {
            Some(serde_json::Value::Null)
        }
    }

    #[test]
    fn no_body_or_no_result_is_an_answer_only_where_the_result_may_be_absent() {
        let credentials = Credentials::api_token("test-token").unwrap();
        let credentials = Redaction { credentials: &credentials, sent: &[] };
        let free = |status: u16, body: Body| {
            finish::<FreeForm>(&credentials, record(Method::DELETE, false, status, &[], body), Expect::Result)
                .map(|decoded| decoded.envelope)
        };
        // A 204 without a body (rulesets, Page Shield deletes), or an envelope whose result is null.
        assert!(free(204, Body::Read("".into())).unwrap().result.is_none());
        assert!(free(200, Body::Read(NO_RESULT.into())).unwrap().result.is_none());
        let refused = free(200, Body::Read(REFUSED.into())).unwrap_err();
        assert!(matches!(refused, Error::Api(_)), "errors are errors all the same: {refused:?}");
        let cut = free(200, Body::CutOff("".into())).unwrap_err();
        assert!(reason(Err(cut)).contains("cut off part-way"), "a body cut off at its start is no empty body");
        // Where the result has a type, no body is a missing result.
        assert!(reason(decide(204, "")).contains("no `result`"));
    }

    #[test]
    fn error_statuses_are_cloudflares_envelope_or_an_unexpected_answer_saying_why() {
        let refused = decide(403, REFUSED).unwrap_err();
        assert!(matches!(refused, Error::Api(_)) && refused.status() == Some(StatusCode::FORBIDDEN));
        let empty = decide(400, NO_ERRORS).unwrap_err();
        assert!(matches!(empty, Error::Api(_)), "a 4xx envelope, even without errors: {empty:?}");
        assert!(reason(decide(404, "not json")).contains("not a valid Cloudflare envelope"));
        let server = decide(502, REFUSED).unwrap_err();
        assert!(matches!(server, Error::Api(_)), "a 5xx with errors: {server:?}");
        assert!(reason(decide(502, NO_ERRORS)).contains("without Cloudflare's error envelope"));
        assert!(reason(decide(502, "")).contains("empty body"));
        assert!(reason(decide(502, "<html>bad gateway</html>")).contains("not Cloudflare's JSON envelope"));
        let redirect = decide_with(
            Method::GET,
            false,
            302,
            &[("location", "https://evil.example/")],
            Body::Read("".into()),
            Expect::Result,
        );
        assert!(reason(redirect).contains("redirect to \"https://evil.example/\""));
    }

    #[test]
    fn a_404_to_a_retried_delete_that_may_have_applied_is_already_gone() {
        for body in [REFUSED, "not json"] {
            let gone =
                decide_with(Method::DELETE, true, 404, &[], Body::Read(body.into()), Expect::Result).unwrap_err();
            assert!(gone.is_already_gone(), "{body}: {gone:?}");
            let first =
                decide_with(Method::DELETE, false, 404, &[], Body::Read(body.into()), Expect::Result).unwrap_err();
            assert!(!first.is_already_gone(), "{body}");
            let get = decide_with(Method::GET, true, 404, &[], Body::Read(body.into()), Expect::Result).unwrap_err();
            assert!(!get.is_already_gone(), "{body}: only a delete");
        }
        let other =
            decide_with(Method::DELETE, true, 403, &[], Body::Read(REFUSED.into()), Expect::Result).unwrap_err();
        assert!(!other.is_already_gone(), "only a 404");
    }

    #[test]
    fn the_record_supplies_the_limit_the_wait_the_pause_and_the_attempts() {
        let large = decide_with(Method::GET, false, 200, &[], Body::OverLimit(1024), Expect::Result).unwrap_err();
        assert!(matches!(large, Error::ResponseTooLarge(_)), "{large:?}");
        let limited =
            decide_with(Method::GET, false, 429, &[("retry-after", "7")], Body::Read(REFUSED.into()), Expect::Result)
                .unwrap_err();
        assert_eq!((limited.retry_after(), limited.attempts()), (Some(Duration::from_secs(7)), 2));
        let credentials = Credentials::api_token("test-token").unwrap();
        let credentials = Redaction { credentials: &credentials, sent: &[] };
        let paused = Record {
            method: Method::GET,
            attempts: 0,
            earlier_attempt_may_have_applied: false,
            end: End::Paused(Duration::from_secs(90)),
        };
        let paused = finish::<ServiceTokenResponse>(&credentials, paused, Expect::Result)
            .map(|decoded| decoded.envelope)
            .unwrap_err();
        assert!(paused.is_rate_limited() && paused.attempts() == 0, "{paused:?}");
        assert_eq!(paused.retry_after(), Some(Duration::from_secs(90)));
        assert!(paused.to_string().contains("not sent"), "{paused}");
    }
}
