//! [`Client`] and its builder: safe defaults, and the generated client with credentials.

use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use cloudflare_openapi::{Envelope, Prepared, Request};
use reqwest::Url;
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;

use crate::credentials::{Credentials, Redaction};
use crate::error::{ConfigError, Error, InvalidInput};
use crate::rate_limit::{Limiter, Pause};
use crate::response;
use crate::retry::RetryPolicy;
use crate::transport::{self, ClientTransport, Record};
use crate::typed::Typed;
use crate::waiting::{OnWait, Stop};

/// Cloudflare's API v4 root, used unless a base URL is given.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// Environment variable overriding [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL) in [`Client::from_env`].
pub const BASE_URL_ENV: &str = "CLOUDFLARE_BASE_URL";
/// Default limit on a whole request, connection to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit on establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on the size of an answer's body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The longest URL a request may have: Cloudflare refuses URLs over 16 KB ("Connection
/// limits", developers.cloudflare.com), so a longer one is refused before sending.
pub const MAX_URL_BYTES: usize = 16 * 1024;
/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (rust)");

type ConfigureHttp = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// A Cloudflare API client. Cheap to clone; clones share connections.
///
/// Every operation of the generated client ([`Client::api`]) carries the credentials, and
/// [`Client::call`] turns any operation's answer into its `result` or an [`Error`].
///
/// ```no_run
/// use cloudflare_client::{Client, Scope};
///
/// # async fn run() -> Result<(), cloudflare_client::Error> {
/// let client = Client::from_env()?;
/// let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse()?);
/// let deleted = client.delete_service_token(&scope, &"f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse()?).await?;
/// println!("deleted {}", deleted.name.unwrap_or_default());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    api: cloudflare_openapi::Client,
    transport: Arc<ClientTransport>,
}

impl Client {
    /// A builder with the defaults: [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL), [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT),
    /// [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT), redirects never followed.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with `credentials` and the defaults.
    ///
    /// # Errors
    /// [`Error::Config`] if the HTTP client cannot be built.
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        Self::builder().credentials(credentials).build()
    }

    /// A client configured from the environment: credentials as in
    /// [`Credentials::from_env`], and [`BASE_URL_ENV`](crate::BASE_URL_ENV) if set and not empty.
    ///
    /// # Errors
    /// [`Error::Credentials`] naming the variable at fault, or [`Error::Config`] for an
    /// unusable `CLOUDFLARE_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The generated client: build any operation of the spec with it and pass the builder to
    /// [`Client::call`], which sends it with this client's credentials, retries, pacing and
    /// limits. (A builder's own `send()` sends it once, with the credentials but without
    /// any of the rest, and returns the generated client's errors.)
    pub fn api(&self) -> &cloudflare_openapi::Client {
        &self.api
    }

    /// From now on, requests of this client and its clones that are not yet sent end at once
    /// with [`Error::Stopped`] instead of waiting (for a pause, the limiter or Cloudflare's
    /// window), and no new request is sent; requests already sent finish (with their
    /// retries). For an interrupted run: what was never sent can be reported as such.
    pub fn stop_waiting(&self) {
        self.transport.stop.stop();
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        cloudflare_openapi::ClientInfo::baseurl(&self.api)
    }

    /// Sends one operation, built with [`Client::api`], and unwraps Cloudflare's envelope:
    /// its `result`, or an [`Error`] carrying the status, every Cloudflare error, the
    /// `cf-ray` header and the attempts made.
    ///
    /// This is how every operation in the spec is sent, the convenience methods included.
    ///
    /// ```no_run
    /// use cloudflare_client::prelude::*;
    ///
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// let account: cloudflare_client::AccountId = "023e105f4ecef8ad9ca31a8372d0c353".parse()?;
    /// let token = client
    ///     .call(
    ///         client
    ///             .api()
    ///             .delete_account_service_token()
    ///             .account_id(account.as_identifier().clone())
    ///             .service_token_id(uuid::Uuid::nil()),
    ///     )
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] for Cloudflare's error envelope (including a 200 with
    /// `success: false`), [`Error::UnexpectedResponse`] for any other answer that is not a
    /// usable envelope (HTML, truncated JSON, a redirect, no `result`),
    /// [`Error::Transport`] when no answer arrived, [`Error::Paused`] when the client is
    /// waiting out a long `Retry-After`, and [`Error::InvalidInput`] for a parameter the
    /// generated builder refused (nothing is sent).
    pub async fn call<R: Request>(&self, request: R) -> Result<<R::Success as Envelope>::Result, Error> {
        // `call_envelope` only returns successful envelopes that have a `result`, or whose
        // operation takes its absence for an answer (`absent_result`).
        self.call_envelope(request)
            .await?
            .into_result()
            .or_else(<R::Success as Envelope>::absent_result)
            .ok_or_else(response::missing_result)
    }

    /// [`Client::call`], returning the whole (successful) envelope: for lists, whose
    /// `result_info` matters too.
    pub(crate) async fn call_envelope<R: Request>(&self, request: R) -> Result<R::Success, Error> {
        self.finish(request, response::Expect::Result).await
    }

    /// [`Client::call`], with what the types do not hold: the result as Cloudflare sent it
    /// (fields newer than the spec, values as written) and the fields whose values did not fit
    /// their type, which `call` leaves out of the typed result (see [`Typed`] for the rule).
    ///
    /// ```no_run
    /// use cloudflare_client::prelude::*;
    ///
    /// # async fn run(client: cloudflare_client::Client) -> Result<(), cloudflare_client::Error> {
    /// let organization = client
    ///     .call_with_json(
    ///         client.api().zero_trust_organization_get_your_zero_trust_organization().account_id("023e105f4ecef8ad9ca31a8372d0c353"),
    ///     )
    ///     .await?;
    /// println!("{:?}", organization.value().name);
    /// for pointer in organization.unknown_fields() {
    ///     println!("newer than the spec: {pointer} = {:?}", organization.field(&pointer));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn call_with_json<R: Request>(
        &self,
        request: R,
    ) -> Result<Typed<<R::Success as Envelope>::Result>, Error> {
        let decoded = self.finish_decoded(request, response::Expect::Result).await?;
        let json = match response::JsonEnvelope::decode(&decoded.body, <R::Success as Envelope>::is_bare()) {
            Ok(envelope) => envelope.into_parts().1,
            Err(_) => response::null_text(),
        };
        let value = decoded
            .envelope
            .into_result()
            .or_else(<R::Success as Envelope>::absent_result)
            .ok_or_else(response::missing_result)?;
        Ok(Typed::new(value, json, decoded.unfit, decoded.head))
    }

    /// Sends one operation and decides what its answer amounts to.
    pub(crate) async fn finish<R: Request>(&self, request: R, expect: response::Expect) -> Result<R::Success, Error> {
        self.finish_decoded(request, expect).await.map(|decoded| decoded.envelope)
    }

    /// [`Client::finish`], with the body and the fields left out of the typed answer, each of
    /// which is reported (a `tracing` warning naming the operation and where the field is).
    async fn finish_decoded<R: Request>(
        &self,
        request: R,
        expect: response::Expect,
    ) -> Result<response::Decoded<R::Success>, Error> {
        let operation_id = request.operation_id();
        // Building the request writes its body: the `SecretInput`s it writes are what it sends.
        let (request, sent) = cloudflare_openapi::SecretInput::collecting(|| {
            request.request().map_err(|error| unbuildable(cloudflare_openapi::unbuilt_reason(error)))
        });
        let request = request?;
        let record = self.send(request, operation_id).await?;
        let redaction = Redaction { credentials: &self.transport.credentials, sent: &sent };
        let decoded = response::finish(&redaction, record, expect)?;
        for unfit in &decoded.unfit {
            tracing::warn!(
                operation = operation_id,
                pointer = %unfit.pointer,
                "a field of the answer does not fit its type: left out of the typed result (Client::call_with_json has it as sent)"
            );
        }
        Ok(decoded)
    }

    /// [`Client::finish`] for an operation called by name: one copy of the code for every
    /// operation, its answer read as JSON, as sent, with the status and headers it came with.
    pub(crate) async fn finish_prepared(
        &self,
        prepared: Prepared,
        expect: response::Expect,
    ) -> Result<(response::JsonEnvelope, response::Head), Error> {
        let operation_id = prepared.operation_id();
        let bare = prepared.bare_answer();
        let download = prepared
            .download()
            .then_some(<response::JsonEnvelope as Envelope>::from_download as response::FromDownload<_>);
        let sent = prepared.secrets().to_vec();
        let request = prepared.into_request().map_err(unbuildable)?;
        let record = self.send(request, operation_id).await?;
        response::finish_with(
            &Redaction { credentials: &self.transport.credentials, sent: &sent },
            record,
            expect,
            |body| response::JsonEnvelope::decode(body, bare),
            download,
        )
    }

    /// Sends `request` through the transport (credentials, retries, pacing), refusing first a
    /// URL over Cloudflare's limit.
    async fn send(&self, request: reqwest::Request, operation_id: &'static str) -> Result<Record, Error> {
        let length = request.url().as_str().len();
        if length > MAX_URL_BYTES {
            return Err(InvalidInput::new(
                "request",
                "",
                format!(
                    "its URL would be {length} bytes long, over Cloudflare's limit of 16 KiB (a parameter is far too long)"
                ),
            )
            .into());
        }
        Ok(self.transport.call(request, operation_id).await)
    }
}

/// The error for a request the generated builder could not build: nothing was sent.
fn unbuildable(reason: String) -> Error {
    InvalidInput::new("request", "", reason).into()
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("credentials", &self.transport.credentials)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Setters take `&mut self`, so a builder can be reused.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_client::{Client, Credentials};
///
/// let client = Client::builder()
///     .credentials(Credentials::api_token("example-token")?)
///     .base_url("https://api.cloudflare.com/client/v4")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
/// # Ok::<(), cloudflare_client::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    rate_limit: Option<(NonZeroU32, Duration)>,
    configure_http: Option<ConfigureHttp>,
    on_wait: Option<OnWait>,
}

impl ClientBuilder {
    /// A builder with the defaults and no credentials.
    pub fn new() -> Self {
        Self {
            credentials: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            rate_limit: None,
            configure_http: None,
            on_wait: None,
        }
    }

    /// A builder with credentials and base URL read from the environment, as
    /// [`Client::from_env`]; anything set on it afterwards wins.
    ///
    /// # Errors
    /// As [`Credentials::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        let mut builder = Self::new();
        builder.credentials(Credentials::from_env()?);
        if let Some(url) = std::env::var_os(BASE_URL_ENV).filter(|url| !url.is_empty()) {
            builder.base_url(url.to_string_lossy());
        }
        Ok(builder)
    }

    /// The credentials every request carries.
    pub fn credentials(&mut self, credentials: Credentials) -> &mut Self {
        self.credentials = Some(credentials);
        self
    }

    /// Where requests go, such as `https://api.cloudflare.com/client/v4`. Must be `https`,
    /// except to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) for local testing.
    pub fn base_url(&mut self, url: impl Into<String>) -> &mut Self {
        self.base_url = url.into();
        self
    }

    /// Limit on a whole request, from connecting to the last byte of the answer.
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// Limit on establishing a connection.
    pub fn connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a failed attempt is retried (default
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES); 0 disables retries).
    ///
    /// Retried: connection failures, timeouts, a connection cut mid-answer, and HTTP 408,
    /// 409, 429 and 5xx (HTML error pages included). Never other 4xx. Applies to every
    /// operation, deletes included: a delete whose earlier attempt may have been carried out
    /// and that then finds nothing ends in [`Error::AlreadyGone`](crate::Error::AlreadyGone).
    /// POST and PATCH (create, rotate) are retried only when Cloudflare certainly did nothing:
    /// a refused connection, 408, 429 or 503.
    pub fn max_retries(&mut self, retries: u32) -> &mut Self {
        self.retry.max_retries = retries;
        self
    }

    /// Exponential backoff between retries: `base` doubled at each retry, at most `max`, less
    /// up to a quarter at random (defaults 0.5 s and 8 s). A server's `Retry-After` or
    /// `retry-after-ms` replaces the backoff.
    pub fn retry_backoff(&mut self, base: Duration, max: Duration) -> &mut Self {
        self.retry.base_delay = base;
        self.retry.max_delay = max;
        self
    }

    /// The longest wait accepted from a server (`Retry-After`) before a retry, or from a
    /// client-wide pause after a 429, before sending (default 60 s). Past it, the call ends at
    /// once with a rate-limited error carrying the server's wait, instead of sleeping.
    pub fn max_retry_wait(&mut self, wait: Duration) -> &mut Self {
        self.retry.max_wait = wait;
        self
    }

    /// The largest answer body read (default [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)); a larger one
    /// ends the call with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) and is
    /// never held in memory.
    pub fn max_response_bytes(&mut self, bytes: usize) -> &mut Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Limits this client (and its clones) to `requests` per `window` on the client side,
    /// such as Cloudflare's 1,200 per 300 s, by waiting before each attempt. Off by default.
    pub fn client_rate_limit(&mut self, requests: NonZeroU32, window: Duration) -> &mut Self {
        self.rate_limit = Some((requests, window));
        self
    }

    /// Called once when this client (and its clones) starts holding requests for a wait of
    /// at least [`Wait::NOTICEABLE`](crate::Wait::NOTICEABLE): a 429's `Retry-After`, or
    /// Cloudflare's window (`Ratelimit` headers) used up. A command line can say why it is
    /// quiet; waits longer than [`max_retry_wait`](Self::max_retry_wait) are not waited (the
    /// call fails at once with [`Error::Paused`]).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), cloudflare_client::Error> {
    /// let client = cloudflare_client::Client::builder()
    ///     .credentials(cloudflare_client::Credentials::from_env()?)
    ///     .on_wait(|wait| eprintln!("waiting {:?} for Cloudflare's rate limit ({:?})", wait.duration, wait.reason))
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_wait(&mut self, on_wait: impl Fn(crate::Wait) + Send + Sync + 'static) -> &mut Self {
        self.on_wait = Some(Arc::new(on_wait));
        self
    }

    /// Further `reqwest` settings (proxy, root certificates, pool sizes, …), applied after
    /// this builder's own. Redirects stay disabled whatever `configure` does: Cloudflare's
    /// API never redirects, and following one could send credentials to another host.
    pub fn configure_http(
        &mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> &mut Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Credentials`] when no credentials were given, [`Error::Config`] for a base
    /// URL that is not `https` (or `http` to loopback) or when the HTTP client cannot be built.
    pub fn build(&self) -> Result<Client, Error> {
        let credentials = self.credentials.clone().ok_or(crate::error::CredentialsError::Missing)?;
        let base_url = check_base_url(&self.base_url)?;
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout);
        if base_url.starts_with("http://") {
            // Plain http is allowed only to loopback; a proxy from HTTP_PROXY or ALL_PROXY
            // would receive the credentials in clear text. (Through a proxy, https is a
            // CONNECT tunnel: the proxy sees only encrypted bytes.)
            http = http.no_proxy();
        }
        if let Some(configure) = &self.configure_http {
            http = configure(http);
        }
        // The credentials also go on every request as default headers (marked sensitive), for
        // a builder's own `send()`; `Client::call` sets them on each request itself.
        let mut defaults = HeaderMap::new();
        credentials.apply(&mut defaults);
        let http = http.redirect(Policy::none()).default_headers(defaults).build().map_err(ConfigError::HttpClient)?;
        let limiter = match self.rate_limit {
            None => None,
            Some((requests, window)) => {
                Some(Limiter::new(requests, window).ok_or_else(|| ConfigError::InvalidSetting {
                    setting: "client_rate_limit",
                    reason: "the window must be at least one nanosecond per request".into(),
                })?)
            }
        };
        let transport = Arc::new(ClientTransport {
            credentials,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            pause: Pause::default(),
            limiter,
            pacer: Default::default(),
            send: transport::reqwest_send(http.clone()),
            on_wait: self.on_wait.clone(),
            stop: Stop::default(),
        });
        let api = cloudflare_openapi::Client::new_with_client(&base_url, http);
        Ok(Client { api, transport })
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit", &self.rate_limit)
            .field("configure_http", &self.configure_http.as_ref().map(|_| ".."))
            .field("on_wait", &self.on_wait.as_ref().map(|_| ".."))
            .finish()
    }
}

/// The base URL without a trailing slash, if it is safe to send credentials to.
fn check_base_url(text: &str) -> Result<String, ConfigError> {
    let refuse = |reason: &str| ConfigError::InvalidBaseUrl { url: without_userinfo(text), reason: reason.to_owned() };
    let url = Url::parse(text).map_err(|error| refuse(&error.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(refuse("plain http is only allowed to a loopback host; use https")),
        _ => return Err(refuse("expected an https:// URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("it must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `text` with any user name and password (`https://user:pass@host`) replaced by `***`, so
/// that an error about the URL never shows a password.
fn without_userinfo(text: &str) -> String {
    let Some(start) = text.find("://").map(|index| index + 3) else { return text.to_owned() };
    let authority_end = text[start..].find(['/', '?', '#']).map_or(text.len(), |end| start + end);
    match text[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_https_or_loopback_http() {
        for good in [
            "https://api.cloudflare.com/client/v4",
            "https://api.cloudflare.com/client/v4/",
            "http://127.0.0.1:8080",
            "http://127.1.2.3/x",
            "http://localhost:1/",
            "http://[::1]:9/",
        ] {
            assert!(check_base_url(good).is_ok(), "{good}");
        }
        assert_eq!(
            check_base_url("https://api.cloudflare.com/client/v4/").unwrap(),
            "https://api.cloudflare.com/client/v4"
        );
        for bad in [
            "http://api.cloudflare.com/client/v4",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "ftp://api.cloudflare.com/",
            "https://user:pass@api.cloudflare.com/",
            "https://api.cloudflare.com/client/v4?x=1",
            "api.cloudflare.com",
            "",
        ] {
            let error = check_base_url(bad).unwrap_err();
            assert!(error.to_string().contains("invalid base URL"), "{bad}: {error}");
        }
    }

    #[test]
    fn an_error_about_a_base_url_never_shows_its_password() {
        for url in [
            "https://user:hunter2@api.example.com/client/v4",
            "http://user:hunter2@example.com",
            "ftp://hunter2@example.com/x@y",
            "https://us@er:hunter2@[::1",
        ] {
            let error = check_base_url(url).unwrap_err().to_string();
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("***@"), "{error}");
        }
        assert_eq!(without_userinfo("https://api.example.com/a@b"), "https://api.example.com/a@b", "a path @ stays");
    }

    #[test]
    fn build_refuses_missing_credentials_and_bad_urls() {
        assert!(matches!(Client::builder().build(), Err(Error::Credentials(_))));
        let mut builder = Client::builder();
        builder.credentials(Credentials::api_token("t").unwrap()).base_url("http://example.com");
        assert!(matches!(builder.build(), Err(Error::Config(ConfigError::InvalidBaseUrl { .. }))));
    }

    #[test]
    fn debug_of_client_and_builder_hides_the_secret() {
        let mut builder = Client::builder();
        builder.credentials(Credentials::api_token("SECRET-token-123").unwrap()).configure_http(|http| http);
        let client = builder.build().unwrap();
        for debug in
            [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}"), format!("{:?}", client.api())]
        {
            assert!(!debug.contains("SECRET"), "{debug}");
        }
        assert!(format!("{client:?}").contains("api.cloudflare.com"));
    }
}
