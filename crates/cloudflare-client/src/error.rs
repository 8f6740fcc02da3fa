//! The one error type of this crate, and what it carries.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

use crate::ApiMessage;

/// Everything that can go wrong, from a bad id to an answer Cloudflare could not give.
///
/// Variants say where it went wrong; the predicates ([`is_not_found`](Error::is_not_found),
/// [`is_auth`](Error::is_auth), [`is_rate_limited`](Error::is_rate_limited), …) answer the
/// questions callers usually ask, whatever the variant. `Display` is one line a person can act
/// on; neither it nor `Debug` ever contains a credential.
///
/// ```
/// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
/// use cloudflare_client::Scope;
///
/// let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
/// match client.delete_service_token(&scope, &"f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?).await {
///     Ok(token) => println!("deleted {:?}", token.name),
///     Err(error) if error.is_not_found() => println!("already gone"),
///     Err(error) if error.is_rate_limited() => println!("retry in {:?}", error.retry_after()),
///     Err(error) => return Err(error),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Credentials are missing, incomplete or unusable. Nothing was sent.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The client's configuration was refused (base URL, HTTP client). Nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A request parameter was refused, such as a malformed id. Nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// Cloudflare answered with its error envelope: a 4xx/5xx with `errors`, or a 200 with
    /// `success: false`.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A delete ended in 404 after an earlier attempt of the same call may have been carried
    /// out (its answer was lost, or was a 5xx other than 503): the object is most likely gone
    /// because of this call. A 404 on the first attempt is a plain [`Error::Api`] not-found instead.
    #[error("{0} (an earlier attempt of this delete may already have removed it)")]
    AlreadyGone(Box<ApiError>),
    /// Cloudflare's answer was not a usable envelope: an HTML error page, truncated or
    /// malformed JSON, a redirect, or a success without a `result`.
    #[error(transparent)]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// The answer's body was larger than the client's limit, and was not read.
    #[error(transparent)]
    ResponseTooLarge(Box<ResponseTooLarge>),
    /// The request did not complete: connection refused or reset, TLS failure, timeout.
    /// The request may or may not have reached Cloudflare.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// Not sent: Cloudflare asked this client (or a clone) to wait longer than it may wait
    /// ([`ClientBuilder::max_retry_wait`](crate::ClientBuilder::max_retry_wait)): a 429 with
    /// a long `Retry-After`, or `Ratelimit` headers saying the quota is used up until a
    /// window frees. Until then the client sends nothing.
    #[error(
        "rate limited: not sent, Cloudflare asked this client to wait (Retry-After or Ratelimit headers) longer than it may; retry after {}s",
        retry_after.as_secs_f64().ceil()
    )]
    Paused {
        /// The time left.
        retry_after: Duration,
    },
    /// Not sent: [`Client::stop_waiting`](crate::Client::stop_waiting) was called while this
    /// request waited for a pause or Cloudflare's window (or before it was sent).
    #[error("not sent: the client was told to stop waiting (an interrupted run)")]
    Stopped,
    /// A list read page by page ended before the list did: the client's caps
    /// ([`MAX_PAGES`](crate::MAX_PAGES), [`MAX_ITEMS`](crate::MAX_ITEMS)), or an operation
    /// without a `page` parameter whose answer says more remains. The items read before were
    /// yielded.
    #[error("the list was cut short after {items} items: {reason}")]
    CutShort {
        /// Items yielded before the end.
        items: u64,
        /// Why it ended.
        reason: &'static str,
    },
}

/// Why credentials were refused. Messages name the environment variable involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No scheme is configured at all.
    #[error("no Cloudflare credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY")]
    Missing,
    /// One half of the email + Global API key pair is set, the other is not.
    #[error("{set} is set but {missing} is not: the legacy scheme needs both (or set CLOUDFLARE_API_TOKEN instead)")]
    Incomplete {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
    /// A value (an environment variable, or an argument) is empty.
    #[error("{variable} is empty")]
    Empty {
        /// The variable or argument that is empty.
        variable: &'static str,
    },
    /// A value cannot be used in an HTTP header. The value itself is never shown.
    #[error("{what} {reason}")]
    Invalid {
        /// The variable or argument at fault.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Why the client's configuration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `https://` URL (or `http://` to a loopback host).
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting has a value that cannot work.
    #[error("invalid {setting} setting: {reason}")]
    InvalidSetting {
        /// The builder method.
        setting: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// The HTTP client could not be built (for example, TLS could not be initialised).
    #[error("could not build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// A request parameter refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    what: &'static str,
    value: String,
    reason: String,
}

impl InvalidInput {
    /// Longest part of a refused value repeated in the message.
    const MAX_VALUE: usize = 80;

    pub(crate) fn new(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self { what, value: truncate(value, Self::MAX_VALUE), reason: reason.into() }
    }

    /// What was refused, such as `"account id"`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The refused value (at most 80 characters of it).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}", self.what)?;
        if !self.value.is_empty() {
            write!(f, " {:?}", self.value)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for InvalidInput {}

/// What errors keep of an answer's head, and how many attempts the call made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseMeta {
    status: StatusCode,
    cf_ray: Option<String>,
    retry_after: Option<Duration>,
    content_type: Option<String>,
    attempts: u32,
}

impl ResponseMeta {
    /// `redact` removes secrets from header values the server sent, before they are cut to
    /// length (so no part of a secret survives the cut).
    pub(crate) fn new(
        status: StatusCode,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
        attempts: u32,
        redact: &dyn Fn(&str) -> String,
    ) -> Self {
        let text = |name: &str| {
            headers.get(name).and_then(|value| value.to_str().ok()).map(|value| truncate(&redact(value), 120))
        };
        Self { status, cf_ray: text("cf-ray"), retry_after, content_type: text(CONTENT_TYPE.as_str()), attempts }
    }

    fn fmt_suffix(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {}s", wait.as_secs_f64().ceil())?;
        }
        fmt_attempts(f, self.attempts)?;
        if let Some(ray) = &self.cf_ray {
            write!(f, " (cf-ray {ray})")?;
        }
        Ok(())
    }
}

/// Cloudflare's error envelope: the HTTP status, every `{code, message}` it listed, and the
/// `cf-ray` id that Cloudflare support asks for.
#[derive(Debug, Clone)]
pub struct ApiError {
    meta: ResponseMeta,
    errors: Vec<ApiMessage>,
    messages: Vec<ApiMessage>,
}

impl ApiError {
    pub(crate) fn new(meta: ResponseMeta, errors: Vec<ApiMessage>, messages: Vec<ApiMessage>) -> Self {
        Self { meta, errors, messages }
    }

    /// The HTTP status (200 when Cloudflare answered `success: false` with a 200).
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// Every entry of the envelope's `errors`: code, message, documentation URL and
    /// `source.pointer` where Cloudflare gave them.
    pub fn errors(&self) -> &[ApiMessage] {
        &self.errors
    }

    /// The envelope's `messages` (informational).
    pub fn messages(&self) -> &[ApiMessage] {
        &self.messages
    }

    /// The `cf-ray` response header: quote it to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        self.meta.cf_ray.as_deref()
    }

    /// How long the server asked to wait (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.meta.retry_after
    }

    fn has_code(&self, codes: &[i64]) -> bool {
        self.errors.iter().any(|error| codes.contains(&error.code))
    }
}

impl ApiError {
    /// The most errors `Display` lists (all of them are in [`ApiError::errors`]): a server
    /// sending thousands must not make a megabyte-long line.
    const MAX_SHOWN: usize = 10;
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.meta.status;
        write!(f, "Cloudflare API error (HTTP {status}")?;
        if status.is_success() {
            f.write_str(", success: false")?;
        }
        f.write_str(")")?;
        if self.errors.is_empty() {
            f.write_str(": no error details given")?;
        }
        for (index, error) in self.errors.iter().take(Self::MAX_SHOWN).enumerate() {
            f.write_str(if index == 0 { ": " } else { "; " })?;
            write!(f, "{} {}", error.code, one_line(&error.message, 300))?;
            if let Some(pointer) = error.source.as_ref().and_then(|source| source.pointer.as_deref()) {
                write!(f, " (at {})", one_line(pointer, 100))?;
            }
            if let Some(url) = &error.documentation_url {
                write!(f, " (see {})", one_line(url, 200))?;
            }
        }
        if self.errors.len() > Self::MAX_SHOWN {
            write!(f, "; and {} more errors", self.errors.len() - Self::MAX_SHOWN)?;
        }
        if self.is_auth() {
            f.write_str(" - check that the credentials are valid and allowed to do this")?;
        }
        self.meta.fmt_suffix(f)
    }
}

impl std::error::Error for ApiError {}

/// An answer that was not a usable Cloudflare envelope, with enough of it to diagnose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedResponse {
    meta: ResponseMeta,
    reason: String,
    snippet: String,
}

impl UnexpectedResponse {
    /// Longest part of the body kept for diagnosis.
    pub const MAX_SNIPPET: usize = 200;

    pub(crate) fn new(meta: ResponseMeta, reason: impl Into<String>, body: &[u8]) -> Self {
        Self { meta, reason: reason.into(), snippet: snippet(body) }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The `Content-Type` response header.
    pub fn content_type(&self) -> Option<&str> {
        self.meta.content_type.as_deref()
    }

    /// Why the answer could not be used.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The start of the body (at most [`Self::MAX_SNIPPET`] bytes, on one line).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// The `cf-ray` response header: quote it to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        self.meta.cf_ray.as_deref()
    }

    /// How long the server asked to wait (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.meta.retry_after
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected answer from Cloudflare (HTTP {}", self.meta.status)?;
        if let Some(content_type) = &self.meta.content_type {
            write!(f, ", {content_type}")?;
        }
        write!(f, "): {}", self.reason)?;
        if !self.snippet.is_empty() {
            write!(f, ": {:?}", self.snippet)?;
        }
        self.meta.fmt_suffix(f)
    }
}

impl std::error::Error for UnexpectedResponse {}

/// An answer whose body was larger than the client's limit (see
/// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseTooLarge {
    meta: ResponseMeta,
    limit: usize,
}

impl ResponseTooLarge {
    pub(crate) fn new(meta: ResponseMeta, limit: usize) -> Self {
        Self { meta, limit }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The limit, in bytes, that the body exceeded.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The `cf-ray` response header.
    pub fn cf_ray(&self) -> Option<&str> {
        self.meta.cf_ray.as_deref()
    }
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Cloudflare's answer (HTTP {}) is larger than the {}-byte limit; it was not read",
            self.meta.status, self.limit
        )?;
        self.meta.fmt_suffix(f)
    }
}

impl std::error::Error for ResponseTooLarge {}

/// A request that got no answer, after every attempt the retry settings allowed.
#[derive(Debug)]
pub struct TransportError {
    source: reqwest::Error,
    attempts: u32,
}

impl TransportError {
    pub(crate) fn new(source: reqwest::Error, attempts: u32) -> Self {
        Self { source, attempts }
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The last attempt's error.
    pub fn inner(&self) -> &reqwest::Error {
        &self.source
    }

    /// Whether the answer's head could not be read as HTTP: over what the HTTP client reads
    /// (hyper's bound on a status line and headers: a server that sent megabytes of headers),
    /// or malformed.
    fn head_unreadable(&self) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&self.source);
        while let Some(error) = cause {
            if error.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_parse) {
                return true;
            }
            cause = error.source();
        }
        false
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An answer that began and did not end (a connection cut mid-body, a head too large to
        // read) reached us: "could not reach" would send a person to check their network.
        if self.source.is_body() || self.source.is_decode() {
            write!(f, "Cloudflare's answer was cut off before its end")?;
        } else if self.head_unreadable() {
            write!(f, "Cloudflare's answer had a head (its status line and headers) too large or malformed to read")?;
        } else {
            write!(f, "could not reach Cloudflare")?;
        }
        if self.source.is_timeout() {
            f.write_str(" (timed out)")?;
        }
        fmt_attempts(f, self.attempts)?;
        write!(f, ": {}", self.source)?;
        let mut cause = std::error::Error::source(&self.source);
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn fmt_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 { write!(f, " after {attempts} attempts") } else { Ok(()) }
}

/// Codes Cloudflare uses for authentication and authorisation failures.
const AUTH_CODES: &[i64] = &[
    6003,  // Invalid request headers (malformed credentials)
    6103,  // Invalid format for X-Auth-Key header
    6111,  // Invalid format for Authorization header
    9103,  // Unknown X-Auth-Key or X-Auth-Email
    9106,  // Missing X-Auth-Key, X-Auth-Email or Authorization headers
    9109,  // Invalid access token
    10000, // Authentication error
    10001, // Unable to authenticate request
];
/// Codes Cloudflare uses when a client sends too many requests.
const RATE_LIMIT_CODES: &[i64] = &[971, 10429];

impl Error {
    /// The HTTP status of Cloudflare's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.meta().map(|meta| meta.status)
    }

    fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Self::Api(error) | Self::AlreadyGone(error) => Some(&error.meta),
            Self::UnexpectedResponse(error) => Some(&error.meta),
            Self::ResponseTooLarge(error) => Some(&error.meta),
            _ => None,
        }
    }

    /// How many attempts the call made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Transport(error) => error.attempts,
            _ => self.meta().map_or(0, |meta| meta.attempts),
        }
    }

    /// The `cf-ray` header of Cloudflare's answer, if there was one.
    pub fn cf_ray(&self) -> Option<&str> {
        self.meta().and_then(|meta| meta.cf_ray.as_deref())
    }

    /// The envelope's `errors`, if Cloudflare sent its error envelope.
    pub fn api_errors(&self) -> &[ApiMessage] {
        match self {
            Self::Api(error) | Self::AlreadyGone(error) => error.errors(),
            _ => &[],
        }
    }

    /// The object does not exist (HTTP 404), and no earlier attempt of this call may have
    /// removed it. See [`is_already_gone`](Self::is_already_gone).
    pub fn is_not_found(&self) -> bool {
        !matches!(self, Self::AlreadyGone(_)) && self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// A retried delete found nothing to delete after an earlier attempt of the same call
    /// may have deleted it ([`Error::AlreadyGone`]): usually safe to treat as deleted.
    pub fn is_already_gone(&self) -> bool {
        matches!(self, Self::AlreadyGone(_))
    }

    /// The credentials were refused or lack permission (HTTP 401/403, or an authentication
    /// error code such as 10000), or are missing or unusable locally.
    pub fn is_auth(&self) -> bool {
        match self {
            Self::Credentials(_) => true,
            Self::Api(error) | Self::AlreadyGone(error) => error.is_auth(),
            _ => matches!(self.status(), Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)),
        }
    }

    /// Cloudflare is rate-limiting these credentials (HTTP 429 or code 971). See
    /// [`retry_after`](Self::retry_after).
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Self::Api(error) => error.is_rate_limited(),
            Self::Paused { .. } => true,
            _ => self.status() == Some(StatusCode::TOO_MANY_REQUESTS),
        }
    }

    /// How long Cloudflare asked to wait before trying again (`Retry-After` in seconds or as
    /// an HTTP date, or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Paused { retry_after } => Some(*retry_after),
            _ => self.meta().and_then(|meta| meta.retry_after),
        }
    }

    /// Cloudflare failed (HTTP 5xx).
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|status| status.is_server_error())
    }

    /// The request did not complete (connection, TLS, timeout).
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport(_))
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(error) if error.source.is_timeout())
    }

    /// Refused before anything was sent: a bad id, bad credentials or configuration.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::Credentials(_) | Self::Config(_) | Self::InvalidInput(_))
    }
}

impl ApiError {
    fn is_auth(&self) -> bool {
        matches!(self.meta.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || self.has_code(AUTH_CODES)
    }

    fn is_rate_limited(&self) -> bool {
        self.meta.status == StatusCode::TOO_MANY_REQUESTS || self.has_code(RATE_LIMIT_CODES)
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl From<ResponseTooLarge> for Error {
    fn from(error: ResponseTooLarge) -> Self {
        Self::ResponseTooLarge(Box::new(error))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(Box::new(error))
    }
}

impl From<UnexpectedResponse> for Error {
    fn from(error: UnexpectedResponse) -> Self {
        Self::UnexpectedResponse(Box::new(error))
    }
}

/// At most `max` bytes of `text`, cut on a character boundary, with `…` where cut.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// `text` on one line, safe for a terminal: CR and LF become spaces, and every other control,
/// format (bidi) or separator character is escaped ([`crate::terminal_safe`]).
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
    truncate(crate::terminal_safe(flat.trim()).trim(), max)
}

/// The start of a body as one readable line, the value of every secret-named field
/// (`client_secret`, `password`, ...) redacted, even in JSON that is cut off.
fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(UnexpectedResponse::MAX_SNIPPET)];
    let text = String::from_utf8_lossy(head);
    let text = redact_secret_fields(&text);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = one_line(&flat, UnexpectedResponse::MAX_SNIPPET);
    if body.len() > UnexpectedResponse::MAX_SNIPPET && !flat.ends_with('…') { format!("{flat}…") } else { flat }
}

/// `text` with the value of every secret-named JSON field replaced by `[REDACTED]`: what
/// follows `"client_secret": "` up to the closing quote, or to the end of a cut-off body.
pub(crate) fn redact_secret_fields(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    for name in cloudflare_openapi::SECRET_FIELDS {
        let current = out.as_deref().unwrap_or(text);
        let key = format!("\"{name}\"");
        if !current.contains(&key) {
            continue;
        }
        let mut redacted = String::with_capacity(current.len());
        let mut rest = current;
        while let Some(found) = rest.find(&key) {
            let after_key = found + key.len();
            redacted.push_str(&rest[..after_key]);
            rest = &rest[after_key..];
            let trimmed = rest.trim_start();
            let Some(value) = trimmed.strip_prefix(':').map(str::trim_start).and_then(|v| v.strip_prefix('"')) else {
                continue;
            };
            redacted.push_str(&rest[..rest.len() - value.len()]);
            let end = closing_quote(value);
            redacted.push_str("[REDACTED]");
            rest = &value[end..];
        }
        redacted.push_str(rest);
        out = Some(redacted);
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Where the JSON string starting at `value` (after its opening quote) ends: the index of its
/// closing quote, or the end of the text.
fn closing_quote(value: &str) -> usize {
    let mut escaped = false;
    for (index, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return index,
            _ => {}
        }
    }
    value.len()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value))).collect()
    }

    fn message(code: i64, text: &str) -> ApiMessage {
        ApiMessage { code, message: text.into(), documentation_url: None, source: None }
    }

    #[test]
    fn api_error_display_is_one_actionable_line() {
        let mut auth = message(10000, "Authentication error");
        auth.documentation_url = Some("https://developers.cloudflare.com/fundamentals/api/".into());
        let error = Error::from(ApiError::new(
            ResponseMeta::new(StatusCode::FORBIDDEN, &headers(&[("cf-ray", "8c0ffee-SJC")]), None, 1, &str::to_owned),
            vec![auth, message(7003, "Could not route\r\nX-Injected: yes")],
            vec![],
        ));
        let text = error.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'), "{text}");
        assert!(text.contains("403 Forbidden"), "{text}");
        assert!(text.contains("10000 Authentication error"), "{text}");
        assert!(text.contains("7003 Could not route"), "{text}");
        assert!(text.contains("cf-ray 8c0ffee-SJC"), "{text}");
        assert!(text.contains("check that the credentials"), "{text}");
        assert!(error.is_auth() && !error.is_not_found() && !error.is_rate_limited());
        assert_eq!(error.cf_ray(), Some("8c0ffee-SJC"));
    }

    #[test]
    fn secret_fields_are_redacted_from_snippets_even_when_cut_off() {
        for (body, kept) in [
            (r#"{"result":{"client_secret":"S3CRET-a\"b","name":"ci"}}"#, r#""name":"ci""#),
            (r#"{"result":{"id":"x","client_secret" : "S3CRET-cut-o"#, r#""id":"x""#),
            (r#"{"password":"S3CRET","token":"S3CRET2","token_url":"https://x"}"#, "token_url"),
        ] {
            let shown = snippet(body.as_bytes());
            assert!(!shown.contains("S3CRET"), "{shown}");
            assert!(shown.contains("[REDACTED]") && shown.contains(kept), "{shown}");
        }
        let value_not_key = r#"{"name":"client_secret","x":"y"}"#;
        assert_eq!(redact_secret_fields(value_not_key), value_not_key, "a value that names a field is not a secret");
    }

    #[test]
    fn thousands_of_errors_make_a_bounded_line() {
        let errors: Vec<ApiMessage> = (0..12_000).map(|n| message(1000 + n, "a message of some length")).collect();
        let error = Error::from(ApiError::new(
            ResponseMeta::new(StatusCode::BAD_REQUEST, &HeaderMap::new(), None, 1, &str::to_owned),
            errors,
            vec![],
        ));
        let text = error.to_string();
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(text.contains("1009 a message") && !text.contains("1010 a message"), "{text}");
        assert!(text.contains("and 11990 more errors"), "{text}");
        assert_eq!(error.api_errors().len(), 12_000, "all of them are kept");
    }

    #[test]
    fn codes_beyond_u16_and_auth_codes_on_other_statuses_are_kept() {
        let error = Error::from(ApiError::new(
            ResponseMeta::new(StatusCode::BAD_REQUEST, &HeaderMap::new(), None, 1, &str::to_owned),
            vec![message(9109, "Invalid access token"), message(1_000_000, "x")],
            vec![],
        ));
        assert!(error.is_auth());
        assert_eq!(error.api_errors()[1].code, 1_000_000);
        assert!(error.to_string().contains("1000000 x"));
    }

    #[test]
    fn rate_limit_is_recognised_with_its_wait() {
        let error = Error::from(ApiError::new(
            ResponseMeta::new(
                StatusCode::TOO_MANY_REQUESTS,
                &HeaderMap::new(),
                Some(Duration::from_secs(42)),
                3,
                &str::to_owned,
            ),
            vec![message(971, "Please wait and consider throttling your request speed")],
            vec![],
        ));
        assert!(error.is_rate_limited());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(42)));
        assert!(error.to_string().contains("retry after 42s after 3 attempts"), "{error}");
        assert_eq!(error.attempts(), 3);
    }

    #[test]
    fn unexpected_response_keeps_a_bounded_one_line_snippet() {
        let body = format!("<html>\n<head><title>502 Bad Gateway</title></head>{}</html>", "x".repeat(10_000));
        let error = Error::from(UnexpectedResponse::new(
            ResponseMeta::new(
                StatusCode::BAD_GATEWAY,
                &headers(&[("content-type", "text/html"), ("cf-ray", "abc-LHR")]),
                None,
                1,
                &str::to_owned,
            ),
            "the body is not JSON",
            body.as_bytes(),
        ));
        let Error::UnexpectedResponse(inner) = &error else { panic!("{error:?}") };
        assert!(inner.snippet().starts_with("<html> <head><title>502 Bad Gateway"));
        assert!(inner.snippet().len() <= UnexpectedResponse::MAX_SNIPPET + '…'.len_utf8());
        assert!(inner.snippet().ends_with('…'));
        assert_eq!(inner.content_type(), Some("text/html"));
        assert!(error.is_server_error() && !error.is_auth());
        let text = error.to_string();
        assert!(
            text.contains("502 Bad Gateway") && text.contains("text/html") && text.contains("cf-ray abc-LHR"),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }

    /// Errors cross threads and box into `dyn std::error::Error + Send + Sync` (anyhow and the
    /// like); clients are shared between tasks.
    #[test]
    fn errors_and_clients_are_thread_safe() {
        fn thread_safe<T: Send + Sync + 'static>() {}
        thread_safe::<Error>();
        thread_safe::<crate::Client>();
        thread_safe::<crate::Credentials>();
        let boxed: Box<dyn std::error::Error + Send + Sync> =
            Box::new(Error::from(InvalidInput::new("account id", "x", "too short")));
        assert!(boxed.to_string().contains("account id"));
    }

    #[test]
    fn invalid_input_bounds_the_value_it_repeats() {
        let error = InvalidInput::new("account id", &"a".repeat(1000), "too long");
        assert!(error.value().len() < 100);
        assert!(error.to_string().starts_with("invalid account id \"aaa"));
    }

    #[test]
    fn snippet_cuts_on_character_boundaries() {
        let body = "é".repeat(500);
        let cut = snippet(body.as_bytes());
        assert!(cut.ends_with('…'));
        assert!(cut.trim_end_matches('…').chars().all(|c| c == 'é' || c == '\u{fffd}'));
    }
}
