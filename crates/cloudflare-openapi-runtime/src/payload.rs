//! Bodies that are not JSON, both ways: [`Form`] (a `multipart/form-data` request: Workers
//! uploads, Images, KV values with metadata, DNS imports) with its [`Part`]s, and [`Download`]
//! (an answer that is not JSON: a CSV, an image, a PDF, a pcap, a script). Raw request bodies
//! (`application/octet-stream`, `application/x-ndjson`, `application/javascript`) are
//! `reqwest::Body`, as progenitor gives them: bytes, which can be sent again, or a stream,
//! which cannot.
//!
//! Neither type shows its content in `Debug`: an upload or a download may hold a key, a
//! certificate or a customer's data. `Debug` shows names, file names, content types and sizes.

use std::fmt;

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};

/// What a multipart part is, as the spec describes it: the table's [`FormPart::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PartKind {
    /// A file (`format: binary`, or a text the spec's example gives as `@file`): sent with a
    /// file name.
    File,
    /// JSON (an object or a list, such as a Worker's `metadata`): sent as
    /// `application/json`.
    Json,
    /// A plain value (a name, a number, a flag), sent as text.
    Text,
}

/// One part of a multipart form the spec describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormPart {
    /// The part's name.
    pub name: &'static str,
    /// The form cannot be sent without it.
    pub required: bool,
    /// What it holds.
    pub kind: PartKind,
}

/// The parts a multipart operation takes: what [`Form`]s are checked against before anything
/// is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormShape {
    /// The parts the spec names.
    pub parts: &'static [FormPart],
    /// Parts of other names are taken too (a Worker upload's modules, each a part named after
    /// its file).
    pub any_name: bool,
}

impl FormShape {
    /// The part called `name`, if the spec names it.
    pub fn part(&self, name: &str) -> Option<&'static FormPart> {
        self.parts.iter().find(|part| part.name == name)
    }

    /// Why parts of these names do not fit the shape, if they do not: an unknown name (unless
    /// any name is taken), or a required part missing.
    ///
    /// # Errors
    /// The reason, naming the parts.
    pub fn check<'a>(&self, names: impl IntoIterator<Item = &'a str> + Clone) -> Result<(), String> {
        if !self.any_name {
            let unknown: Vec<&str> = names.clone().into_iter().filter(|name| self.part(name).is_none()).collect();
            if !unknown.is_empty() {
                let known: Vec<&str> = self.parts.iter().map(|part| part.name).collect();
                return Err(format!(
                    "the form has {} the operation does not take: {} (it takes: {})",
                    if unknown.len() == 1 { "a part" } else { "parts" },
                    unknown.join(", "),
                    known.join(", ")
                ));
            }
        }
        let missing: Vec<&str> = self
            .parts
            .iter()
            .filter(|part| part.required && !names.clone().into_iter().any(|name| name == part.name))
            .map(|part| part.name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the form lacks {}: {}",
                if missing.len() == 1 { "a part" } else { "parts" },
                missing.join(", ")
            ));
        }
        Ok(())
    }
}

/// One part of a multipart form, held in memory: its content, and the file name and content
/// type it is sent with. Cheap to clone (the content is shared).
///
/// ```
/// use cloudflare_openapi_runtime::Part;
///
/// let module = Part::file("worker.js", "export default { fetch() { return new Response('ok') } }")
///     .content_type("application/javascript+module");
/// assert_eq!(module.len(), 56);
/// assert!(!format!("{module:?}").contains("Response"), "Debug never shows the content");
/// ```
#[derive(Clone)]
pub struct Part {
    content: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Part {
    /// A plain value, sent as text (`name=value`).
    pub fn text(value: impl Into<String>) -> Self {
        Self { content: Bytes::from(value.into()), file_name: None, content_type: None }
    }

    /// A JSON value, sent as `application/json` (a Worker's `metadata`).
    pub fn json(value: &serde_json::Value) -> Self {
        Self::text(value.to_string()).content_type("application/json")
    }

    /// A file: its name and content (`application/octet-stream` unless
    /// [`Part::content_type`] says otherwise).
    pub fn file(file_name: impl Into<String>, content: impl Into<Bytes>) -> Self {
        Self { content: content.into(), file_name: Some(file_name.into()), content_type: None }
    }

    /// The same part with this content type (`text/csv`, `application/javascript+module`).
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name it is sent with, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type it is sent with, if set.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The content's length in bytes.
    pub fn len(&self) -> usize {
        self.content.len()
    }

    /// Whether the content is empty.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
    }

    /// The content.
    pub fn content(&self) -> &Bytes {
        &self.content
    }
}

/// Names, file name, content type and size: never the content.
impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.content.len())
            .finish()
    }
}

/// A part whose content is read as it is sent (a large file): not in memory, so a form with
/// one is sent once and never retried.
struct Streamed {
    body: reqwest::Body,
    file_name: Option<String>,
    content_type: Option<String>,
    length: Option<u64>,
}

enum Content {
    Held(Part),
    Streamed(Streamed),
}

/// A `multipart/form-data` request body: named [`Part`]s, in order.
///
/// A form whose parts are all in memory is encoded before it is sent, so the request can be
/// sent again (retried after a 503 or a lost connection); a form with a streamed part
/// ([`Form::stream`]) is read as it is sent and is never resent. Before anything is sent, its
/// part names are checked against the operation's (a part the operation does not take, or a
/// required one missing, is refused by name).
///
/// ```
/// use cloudflare_openapi_runtime::{Form, Part};
///
/// let form = Form::new()
///     .part("metadata", Part::json(&serde_json::json!({ "main_module": "worker.js" })))
///     .part("worker.js", Part::file("worker.js", "export default {}").content_type("application/javascript+module"));
/// assert_eq!(form.names().collect::<Vec<_>>(), ["metadata", "worker.js"]);
/// ```
#[derive(Default)]
pub struct Form {
    parts: Vec<(String, Content)>,
}

impl Form {
    /// A form without parts.
    pub fn new() -> Self {
        Self::default()
    }

    /// The form with `part` added as `name`.
    #[must_use]
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Self {
        self.parts.push((name.into(), Content::Held(part)));
        self
    }

    /// The form with a plain value added as `name`.
    #[must_use]
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.part(name, Part::text(value))
    }

    /// The form with a part whose content is read as it is sent (`reqwest::Body::wrap_stream`
    /// of a file, say), of `length` bytes when known. Such a form is never resent.
    #[must_use]
    pub fn stream(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: Option<&str>,
        body: reqwest::Body,
        length: Option<u64>,
    ) -> Self {
        let streamed =
            Streamed { body, file_name: Some(file_name.into()), content_type: content_type.map(str::to_owned), length };
        self.parts.push((name.into(), Content::Streamed(streamed)));
        self
    }

    /// The names of its parts, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.parts.iter().map(|(name, _)| name.as_str())
    }

    /// Whether every part is in memory, so that the encoded form can be sent again.
    pub fn is_resendable(&self) -> bool {
        self.parts.iter().all(|(_, content)| matches!(content, Content::Held(_)))
    }

    /// The request of `builder` with this form as its body, after checking the part names
    /// against `shape`: what each multipart operation's builder does.
    ///
    /// # Errors
    /// Why the form does not fit `shape`, or a part's content type is not one.
    #[doc(hidden)]
    pub fn attach(
        self,
        builder: reqwest::RequestBuilder,
        shape: &FormShape,
    ) -> Result<reqwest::RequestBuilder, String> {
        shape.check(self.names())?;
        let resendable = self.is_resendable();
        let mut form = reqwest::multipart::Form::new();
        for (name, content) in self.parts {
            let (part, file_name, content_type) = match content {
                Content::Held(part) => {
                    (reqwest::multipart::Part::bytes(part.content.to_vec()), part.file_name, part.content_type)
                }
                Content::Streamed(streamed) => {
                    let part = match streamed.length {
                        Some(length) => reqwest::multipart::Part::stream_with_length(streamed.body, length),
                        None => reqwest::multipart::Part::stream(streamed.body),
                    };
                    (part, streamed.file_name, streamed.content_type)
                }
            };
            // A file goes with a content type, `application/octet-stream` unless given (as curl
            // sends it, RFC 7578's default; Prism's multipart parser dies on a file without).
            let content_type = match (&file_name, content_type) {
                (Some(_), None) => Some("application/octet-stream".to_owned()),
                (_, content_type) => content_type,
            };
            let part = match file_name {
                Some(file_name) => part.file_name(file_name),
                None => part,
            };
            let part = match content_type {
                Some(content_type) => part
                    .mime_str(&content_type)
                    .map_err(|_| format!("part {name:?}: {content_type:?} is not a content type"))?,
                None => part,
            };
            form = form.part(name, part);
        }
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let builder = builder.header(reqwest::header::CONTENT_TYPE, content_type);
        let mut stream = Box::pin(form.into_stream());
        if !resendable {
            return Ok(builder.body(reqwest::Body::wrap_stream(stream)));
        }
        // Every part is in memory: its encoding is ready at once, and held as bytes the request
        // can be sent again. (Should a chunk not be ready, the rest is sent as a stream.)
        let mut body = Vec::new();
        loop {
            match stream.next().now_or_never() {
                Some(Some(chunk)) => {
                    body.extend_from_slice(&chunk.map_err(|error| format!("encoding the form: {error}"))?)
                }
                Some(None) => return Ok(builder.body(body)),
                None => {
                    let encoded =
                        futures_util::stream::once(std::future::ready(Ok::<_, reqwest::Error>(Bytes::from(body))));
                    return Ok(builder.body(reqwest::Body::wrap_stream(encoded.chain(stream))));
                }
            }
        }
    }
}

/// Part names, file names, content types and sizes: never the content.
impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, content) in &self.parts {
            match content {
                Content::Held(part) => list.entry(&(name, part)),
                Content::Streamed(streamed) => list.entry(&(
                    name,
                    format_args!(
                        "Streamed {{ file_name: {:?}, content_type: {:?}, len: {:?} }}",
                        streamed.file_name, streamed.content_type, streamed.length
                    ),
                )),
            };
        }
        list.finish()
    }
}

impl From<Vec<(String, Part)>> for Form {
    fn from(parts: Vec<(String, Part)>) -> Self {
        parts.into_iter().fold(Self::new(), |form, (name, part)| form.part(name, part))
    }
}

/// An answer that is not JSON (a CSV, an image, a PDF, a pcap, a Worker's script, the text of
/// a DNS export): its body as Cloudflare sent it, byte for byte, with its content type. Read
/// into memory up to the client's answer limit (`max_response_bytes`).
///
/// It is the `result` of the operations whose successful answer the spec gives another media
/// type than JSON; a failure is still Cloudflare's JSON envelope, and an error.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Download {
    content_type: Option<String>,
    body: Bytes,
}

impl Download {
    /// The answer with `body` and `content_type` (its `Content-Type` header).
    pub fn new(body: impl Into<Bytes>, content_type: Option<&str>) -> Self {
        Self { content_type: content_type.map(str::to_owned), body: body.into() }
    }

    /// The answer's `Content-Type`, as sent, if it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body, byte for byte.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body, taken.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The body as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Whether the body is text: UTF-8 without NUL bytes, of a textual content type (`text/*`,
    /// JSON, XML, JavaScript, CSV, YAML) or of none that says otherwise (none, or
    /// `application/octet-stream`). A terminal can show text; anything
    /// else (an image, a PDF, a pcap, a gzip) it should not be sent to.
    pub fn is_text(&self) -> bool {
        let utf8 = std::str::from_utf8(&self.body).is_ok_and(|text| !text.contains('\0'));
        match self
            .content_type
            .as_deref()
            .map(|kind| kind.split(';').next().unwrap_or(kind).trim().to_ascii_lowercase())
        {
            Some(kind) if kind.starts_with("text/") => utf8,
            Some(kind)
                if ["json", "xml", "javascript", "csv", "yaml", "ndjson", "x-www-form-urlencoded"]
                    .iter()
                    .any(|textual| kind.contains(textual)) =>
            {
                utf8
            }
            // No type worth the name (a KV value is `application/octet-stream` whatever it
            // holds): the content tells.
            Some(kind) if kind.is_empty() || kind == "application/octet-stream" => utf8,
            Some(_) => false,
            None => utf8,
        }
    }
}

/// The content type and size: never the content.
impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download").field("content_type", &self.content_type).field("len", &self.body.len()).finish()
    }
}

/// As JSON, a download is its text (lossily, where it is not UTF-8): for logs and mocks, never
/// for the bytes themselves (use [`Download::bytes`]).
impl serde::Serialize for Download {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.body))
    }
}

/// From JSON, a download is a string's text (no content type).
impl<'de> serde::Deserialize<'de> for Download {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self::new(text, None))
    }
}

impl crate::Envelope for Download {
    type Result = Self;
    fn success(&self) -> Option<bool> {
        None
    }
    fn errors(&self) -> &[crate::types::ApiMessage] {
        &[]
    }
    fn messages(&self) -> &[crate::types::ApiMessage] {
        &[]
    }
    fn result(&self) -> Option<&Self> {
        Some(self)
    }
    fn into_result(self) -> Option<Self> {
        Some(self)
    }
    fn from_download(body: Bytes, content_type: Option<&str>) -> Option<Self> {
        Some(Self::new(body, content_type))
    }
    fn is_download() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: FormShape = FormShape {
        parts: &[
            FormPart { name: "value", required: true, kind: PartKind::File },
            FormPart { name: "metadata", required: false, kind: PartKind::Json },
        ],
        any_name: false,
    };

    fn sent(form: Form, shape: &FormShape) -> Result<reqwest::Request, String> {
        let client = reqwest::Client::new();
        form.attach(client.put("http://127.0.0.1:9/values/k"), shape).map(|builder| builder.build().unwrap())
    }

    #[test]
    fn a_form_in_memory_is_encoded_once_and_can_be_sent_again() {
        let form = Form::new()
            .part("value", Part::file("v.bin", &b"\x00\x01secret-bytes"[..]))
            .part("metadata", Part::json(&serde_json::json!({ "a": 1 })));
        let request = sent(form, &SHAPE).unwrap();
        let content_type = request.headers()["content-type"].to_str().unwrap().to_owned();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart type");
        let body = request.body().and_then(reqwest::Body::as_bytes).expect("held as bytes").to_vec();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
        assert!(
            text.contains("name=\"value\"; filename=\"v.bin\"\r\nContent-Type: application/octet-stream\r\n"),
            "{text}"
        );
        assert!(text.contains("name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}"), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
        assert!(request.try_clone().is_some(), "bytes can be sent again");
    }

    #[test]
    fn a_form_with_a_streamed_part_is_never_resent() {
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"chunk"))]);
        let form = Form::new().stream("value", "big.bin", None, reqwest::Body::wrap_stream(stream), Some(5));
        assert!(!form.is_resendable());
        let request = sent(form, &SHAPE).unwrap();
        assert!(request.try_clone().is_none(), "a stream is read once");
    }

    #[test]
    fn part_names_are_checked_before_anything_is_built() {
        let typo = Form::new().part("valeu", Part::text("x"));
        let error = sent(typo, &SHAPE).unwrap_err();
        assert!(error.contains("a part the operation does not take: valeu"), "{error}");
        let missing = Form::new().part("metadata", Part::json(&serde_json::json!({})));
        assert_eq!(sent(missing, &SHAPE).unwrap_err(), "the form lacks a part: value");
        let any = FormShape { parts: &[], any_name: true };
        assert!(sent(Form::new().part("worker.js", Part::text("x")), &any).is_ok());
        let bad_type = Form::new().part("value", Part::text("x").content_type("not a type"));
        assert!(sent(bad_type, &SHAPE).unwrap_err().contains("is not a content type"));
    }

    #[test]
    fn debug_never_shows_content() {
        let form = Form::new().part("value", Part::file("key.pem", "-----BEGIN PRIVATE KEY-----"));
        let shown = format!("{form:?}");
        assert!(shown.contains("key.pem") && shown.contains("27"), "{shown}");
        assert!(!shown.contains("PRIVATE"), "{shown}");
        let download = Download::new("-----BEGIN PRIVATE KEY-----", Some("text/plain"));
        assert!(!format!("{download:?}").contains("PRIVATE"));
    }

    #[test]
    fn text_is_told_from_binary_by_type_and_content() {
        assert!(Download::new("a,b\n1,2\n", Some("text/csv; charset=utf-8")).is_text());
        assert!(Download::new("{}", Some("application/json")).is_text());
        assert!(Download::new("plain", None).is_text());
        assert!(!Download::new(&b"\x89PNG\r\n\x1a\n"[..], Some("image/png")).is_text());
        assert!(!Download::new("looks like text", Some("application/pdf")).is_text(), "the type says binary");
        assert!(!Download::new(&b"a\0b"[..], None).is_text(), "NUL is binary");
        assert!(!Download::new(&b"\xff\xfe"[..], Some("text/plain")).is_text(), "not UTF-8");
        assert!(Download::new("a KV value", Some("application/octet-stream")).is_text(), "the content tells");
        assert!(!Download::new(&b"\x00\x01"[..], Some("application/octet-stream")).is_text());
    }
}
