//! The entry point of the fuzz target in `fuzz/` (feature `fuzzing`); not part of the API.
//!
//! An arbitrary answer (status, headers, body) goes through what a real one does after the
//! network: the transport's record of it (`Retry-After` read once), the decision of what it
//! amounts to (`response::finish`, which decodes every body) and every `Display`/`Debug` of
//! the result. None of it may panic, and the secret may never show.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::credentials::Credentials;
use crate::response::{Expect, finish};
use crate::transport::{Answer, Body, End, Record};
use cloudflare_openapi::access::types::ServiceTokenResponse;

/// The API token the mapping runs with; it must never appear in what it produces.
pub const SECRET: &str = "fuzz-api-token-d41d8cd98f00b204";

/// Maps one answer to a delete; returns the result as text. Panics only if an error shows the
/// secret.
pub fn map_response(status: u16, headers: &[(&[u8], &[u8])], body: &[u8], retried: bool) -> String {
    let Ok(status) = StatusCode::from_u16(status) else { return String::new() };
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            map.append(name, value);
        }
    }
    let credentials = Credentials::api_token(SECRET).expect("a valid token");
    let record = Record {
        method: Method::DELETE,
        attempts: if retried { 2 } else { 1 },
        earlier_attempt_may_have_applied: retried,
        end: End::Answer(Answer::new(status, map, Body::Read(body.to_vec().into()))),
    };
    let redaction = crate::credentials::Redaction { credentials: &credentials, sent: &[] };
    match finish::<ServiceTokenResponse>(&redaction, record, Expect::Result).map(|decoded| decoded.envelope) {
        // A success is the server's own data, returned to the caller as it is.
        Ok(token) => format!("{token:?}"),
        Err(error) => {
            let _ = (error.is_auth(), error.is_not_found(), error.is_rate_limited(), error.retry_after());
            let text = format!("{error}\n{error:?}");
            assert!(!text.contains(SECRET), "the secret leaked: {text}");
            text
        }
    }
}

/// Splits fuzz input into an answer: 2 bytes of status, then `name: value` header lines, a
/// blank line, and the body. The last byte's low bit says whether the call was retried.
pub fn map_bytes(data: &[u8]) -> String {
    let [high, low, rest @ ..] = data else { return String::new() };
    let status = 100 + u16::from_be_bytes([*high, *low]) % 500;
    let retried = rest.last().is_some_and(|byte| byte & 1 == 1);
    let (head, body) = match rest.windows(2).position(|window| window == b"\n\n") {
        Some(end) => (&rest[..end], &rest[end + 2..]),
        None => (&rest[..0], rest),
    };
    let headers: Vec<(&[u8], &[u8])> = head
        .split(|byte| *byte == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|byte| *byte == b':')?;
            Some((&line[..colon], line[colon + 1..].trim_ascii()))
        })
        .collect();
    map_response(status, &headers, body, retried)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_without_panicking_or_leaking() {
        let token = format!(r#"{{"success":true,"errors":[],"messages":[],"result":{{"id":"{SECRET}"}}}}"#);
        // A success echoing the secret is the caller's own data; only errors are checked.
        assert!(map_response(200, &[], token.as_bytes(), false).contains("Some("));
        let echo = format!(r#"{{"success":false,"errors":[{{"code":10000,"message":"bad {SECRET}"}}]}}"#);
        assert!(map_response(403, &[], echo.as_bytes(), false).contains("[REDACTED]"));
        let html = format!("<html>{}{SECRET}</html>", "é".repeat(95));
        assert!(!map_response(502, &[(b"content-type", b"text/html")], html.as_bytes(), false).is_empty());
        assert!(map_response(404, &[], b"{}", true).contains("AlreadyGone"));
        assert!(map_response(200, &[(b"retry-after", b"Wed, 21 Oct 2015 07:28:00 GMT")], b"[", false).contains("EOF"));
        assert!(map_response(999, &[], b"", false).contains("999"));
    }

    /// Every file of the fuzz corpus maps without panicking.
    #[test]
    fn fuzz_corpus_replays() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/response_mapping");
        let mut replayed = 0;
        for entry in std::fs::read_dir(&corpus).expect("the corpus is checked in") {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            map_bytes(&data);
            replayed += 1;
        }
        assert!(replayed >= 10, "only {replayed} corpus files in {}", corpus.display());
    }
}
