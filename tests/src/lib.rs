//! Shared fixtures for the end-to-end tests: ids, credentials with recognisable secrets,
//! Cloudflare-shaped bodies, and clients pointed at an httpmock server.

use std::time::Duration;

use cloudflare_client::{Client, ClientBuilder, Credentials};
use httpmock::MockServer;
use serde_json::{Value, json};

pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

/// Every secret below contains this marker: no output may ever contain it.
pub const SECRET_MARKER: &str = "S3CRET";
pub const API_TOKEN: &str = "e2e_S3CRET_api_token_Yk2x";
pub const EMAIL: &str = "ops@example.com";
pub const API_KEY: &str = "e2eS3CRETglobalkey0123456789abcdef";

/// The two credential schemes, with names for assertion messages.
pub fn schemes() -> [(&'static str, Credentials); 2] {
    [
        ("api_token", Credentials::api_token(API_TOKEN).expect("valid token")),
        ("api_key", Credentials::api_key(EMAIL, API_KEY).expect("valid key")),
    ]
}

pub fn token_credentials() -> Credentials {
    Credentials::api_token(API_TOKEN).expect("valid token")
}

/// A client for `server` with short timeouts.
pub fn client(server: &MockServer, credentials: Credentials) -> Client {
    client_for(&server.base_url(), credentials)
}

pub fn client_for(base_url: &str, credentials: Credentials) -> Client {
    builder(base_url, credentials).build().expect("client builds")
}

/// A builder for `base_url` with the default retries but millisecond backoff, so tests that
/// retry stay fast.
pub fn builder(base_url: &str, credentials: Credentials) -> ClientBuilder {
    let mut builder = Client::builder();
    builder
        .credentials(credentials)
        .base_url(base_url)
        .timeout(Duration::from_secs(10))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5));
    builder
}

/// The token Cloudflare returns from a delete, as the live API sends it (with fields the
/// spec does not describe, which must be ignored).
pub fn token_json(id: &str) -> Value {
    json!({
        "id": id,
        "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
        "name": "CI/CD token",
        "duration": "8760h",
        "created_at": "2014-01-01T05:20:00.12345Z",
        "updated_at": "2014-01-01T05:20:00.12345Z",
        "expires_at": "2015-01-01T05:20:00.12345Z",
        "last_seen_at": null,
        "client_secret_version": 1
    })
}

pub fn success_json(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// Cloudflare's failure envelope with one error.
pub fn failure_json(code: i64, message: &str) -> Value {
    json!({
        "success": false,
        "errors": [{
            "code": code,
            "message": message,
            "documentation_url": "https://developers.cloudflare.com/api/",
            "source": { "pointer": "/service_token_id" }
        }],
        "messages": [],
        "result": null
    })
}

/// The typed form of [`success_json`] around [`token_json`], for the generated mocks.
pub fn token_response(id: &str) -> cloudflare_client::access::types::ServiceTokenResponse {
    serde_json::from_value(success_json(token_json(id))).expect("fixture matches the spec")
}

/// A mock that answers anything: after a test, `calls() == 0` proves nothing was sent.
pub fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(599);
    })
}

/// Panics if `text` contains any secret.
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_MARKER), "a secret leaked: {text}");
}

/// What the raw server does with one request.
#[derive(Debug, Clone)]
pub enum RawReply {
    /// Close the connection without answering (as a reset after the request went out).
    Close,
    /// Never answer (and keep the connection open).
    Stall,
    /// Send these bytes, then close.
    Bytes(Vec<u8>),
    /// Send a 200 head (with a `Content-Length` when `declare_length`), then `length` bytes
    /// of body, then close.
    Huge { length: usize, declare_length: bool },
}

impl RawReply {
    /// A complete HTTP/1.1 answer with a JSON body.
    pub fn json(status: u16, extra_headers: &str, body: &Value) -> Self {
        let body = body.to_string();
        Self::Bytes(
            format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }
}

/// One request as the raw server saw it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub at: std::time::Instant,
    pub head: String,
}

/// A bare HTTP/1.1 server on loopback for failures httpmock cannot produce. `reply` gets the
/// request's index (0 for the first) and head.
#[derive(Debug)]
pub struct RawServer {
    pub url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub async fn start(reply: impl Fn(usize, &str) -> RawReply + Send + Sync + 'static) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::<RawRequest>::new()));
        let reply = std::sync::Arc::new(reply);
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let (seen, reply) = (seen.clone(), reply.clone());
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => head.extend_from_slice(&buffer[..read]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let index = {
                        let mut seen = seen.lock().unwrap();
                        seen.push(RawRequest { at: std::time::Instant::now(), head: head.clone() });
                        seen.len() - 1
                    };
                    match reply(index, &head) {
                        RawReply::Close => {}
                        RawReply::Stall => std::future::pending::<()>().await,
                        RawReply::Bytes(bytes) => {
                            let _ = socket.write_all(&bytes).await;
                        }
                        RawReply::Huge { length, declare_length } => {
                            let head = if declare_length {
                                format!(
                                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
                                )
                            } else {
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                                    .to_owned()
                            };
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = vec![b' '; 64 * 1024];
                            let mut sent = 0;
                            while sent < length {
                                let size = chunk.len().min(length - sent);
                                if socket.write_all(&chunk[..size]).await.is_err() {
                                    return;
                                }
                                sent += size;
                            }
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { url, requests, task }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Cloudflare's whole HTTP/1.1 answer to a delete (status line, headers, body).
pub fn delete_answer() -> String {
    let body = success_json(token_json(TOKEN_ID)).to_string();
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncf-ray: 8c0ffee-SJC\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A keep-alive HTTP/1.1 server on loopback that gives every request `answer`, on a thread
/// and runtime of its own (so that it competes with no client for a runtime). For benchmarks.
pub fn keep_alive_server(answer: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking listener");
    let url = format!("http://{}", listener.local_addr().expect("bound address"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut pending = Vec::new();
                    let mut buffer = [0u8; 8192];
                    loop {
                        while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
                            pending.drain(..end + 4);
                            if socket.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => pending.extend_from_slice(&buffer[..read]),
                        }
                    }
                });
            }
        })
    });
    url
}

/// A loopback server answering every request like a successful delete, that enforces
/// `quota` requests per sliding `window` as Cloudflare does: past it, 429 with `Retry-After`.
/// With `headers`, every answer carries Cloudflare's `Ratelimit` and `Ratelimit-Policy`.
#[derive(Debug)]
pub struct LimitedServer {
    pub server: RawServer,
    /// Answers of 429.
    pub refused: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

pub async fn limited_server(quota: usize, window: std::time::Duration, headers: bool) -> LimitedServer {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    let sent: Arc<Mutex<std::collections::VecDeque<Instant>>> = Arc::default();
    let refused = Arc::new(AtomicUsize::new(0));
    let counter = refused.clone();
    let server = RawServer::start(move |_, _| {
        let now = Instant::now();
        let mut sent = sent.lock().unwrap();
        while sent.front().is_some_and(|at| now.duration_since(*at) >= window) {
            sent.pop_front();
        }
        let admitted = sent.len() < quota;
        if admitted {
            sent.push_back(now);
        }
        let frees_in = sent.front().map_or(window, |oldest| window.saturating_sub(now.duration_since(*oldest)));
        let reset = frees_in.as_secs_f64().ceil().max(1.0) as u64;
        let mut extra = String::new();
        if headers {
            extra = format!(
                "ratelimit: \"default\";r={};t={reset}\r\nratelimit-policy: \"burst\";q={quota};w={}\r\n",
                quota - sent.len(),
                window.as_secs().max(1)
            );
        }
        if admitted {
            RawReply::json(200, &extra, &success_json(token_json("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")))
        } else {
            counter.fetch_add(1, Ordering::SeqCst);
            extra += &format!("retry-after: {reset}\r\n");
            RawReply::json(429, &extra, &failure_json(971, "Please wait and consider throttling your request speed"))
        }
    })
    .await;
    LimitedServer { server, refused }
}

/// The longest an end-to-end test may run: one that hangs fails instead.
pub const TEST_DEADLINE: Duration = Duration::from_secs(120);

/// Runs a test's body within [`TEST_DEADLINE`] (real time): a client or server that hangs
/// makes the test fail, never the suite hang.
pub async fn deadline<T>(body: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(TEST_DEADLINE, body).await {
        Ok(output) => output,
        Err(_) => panic!("the test did not finish within {TEST_DEADLINE:?}"),
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "did not finish within")]
    async fn a_test_that_hangs_fails() {
        super::deadline(std::future::pending::<()>()).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_test_that_finishes_returns_its_output() {
        assert_eq!(super::deadline(async { 7 }).await, 7);
    }
}
