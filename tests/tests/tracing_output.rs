//! `tracing` output: spans per operation and attempt with the useful fields, and never a
//! secret (the credential, or one a request sends) or a header value, at any level.
//!
//! A test binary of its own: `tracing` caches per call site whether anyone listens, and other
//! tests running on other threads without a subscriber would race with the one set here.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_client::Scope;
use cloudflare_client::prelude::DnsOperations;
use cloudflare_tests::*;
use httpmock::MockServer;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const TSIG_SECRET: &str = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab";
const HYPERDRIVE_PASSWORD: &str = "Pa55-w0rd-of-the-origin-db-42";

#[tokio::test]
async fn trace_output_has_the_fields_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(503).header("cf-ray", "7a7a7a-LHR").header("retry-after-ms", "1").body("busy").up_to_n_times(1);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path_prefix("/zones/");
            then.status(403).json_body(failure_json(10000, &format!("echo {API_TOKEN} {API_KEY}")));
        })
        .await;
    server
        .mock_async(|_, then| {
            then.status(200).json_body(success_json(token_json(TOKEN_ID)));
        })
        .await;
    for (_, credentials) in schemes() {
        let client = client(&server, credentials);
        let id = TOKEN_ID.parse().unwrap();
        let _ = client.delete_service_token(&Scope::Account(ACCOUNT_ID.parse().unwrap()), &id).await;
        let _ = client.delete_service_token(&Scope::Zone(ZONE_ID.parse().unwrap()), &id).await;
    }

    // A request that sends a secret (`SecretInput`), refused by a server that quotes it back in
    // its error, a header and its body: by name (`Client::invoke`) and typed (`Client::call`).
    let quoting = MockServer::start_async().await;
    quoting
        .mock_async(|_, then| {
            then.status(400)
                .header("x-echo", format!("got {TSIG_SECRET}"))
                .header("cf-ray", format!("{TSIG_SECRET}-LHR"))
                .json_body(failure_json(1000, &format!("bad secret {TSIG_SECRET} for {HYPERDRIVE_PASSWORD}")));
        })
        .await;
    let client = client(&quoting, token_credentials());
    let mut arguments = cloudflare_client::Arguments::new();
    arguments.parameter("account_id", ACCOUNT_ID).body(serde_json::json!({
        "name": "example-hyperdrive",
        "origin": {"database": "postgres", "host": "db.example.com", "password": HYPERDRIVE_PASSWORD,
                   "scheme": "postgres", "user": "postgres", "port": 5432}
    }));
    let by_name = client.invoke("create_hyperdrive", &arguments).await.unwrap_err();
    let body = cloudflare_client::openapi::dns::types::SecondaryDnsTsigInput {
        algo: "hmac-sha512.".into(),
        id: None,
        name: "tsig.customer.cf.".into(),
        secret: cloudflare_client::openapi::SecretInput::new(TSIG_SECRET),
    };
    let typed =
        client.call(client.api().secondary_dns_tsig_create_tsig().account_id(ACCOUNT_ID).body(body)).await.unwrap_err();
    // Each request's own secret: the server quoted both, and each request sent one.
    for (error, secret) in [(by_name, HYPERDRIVE_PASSWORD), (typed, TSIG_SECRET)] {
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("[REDACTED]"), "the server's message, redacted: {shown}");
        assert!(!shown.contains(secret), "{shown}");
    }

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_no_secret(&output);
    for secret in [TSIG_SECRET, HYPERDRIVE_PASSWORD] {
        assert!(!output.contains(secret), "a secret the request sent, in the trace:\n{output}");
    }
    for expected in [
        "cloudflare.operation",
        "cloudflare.attempt",
        "operation=\"delete_account_service_token\"",
        "method=DELETE",
        "path=\"/accounts/{account_id}/access/service_tokens/{service_token_id}\"",
        "status=503",
        "status=200",
        "status=403",
        "attempt=2",
        "wait_ms=1",
        "cf_ray=\"7a7a7a-LHR\"",
        "retrying",
    ] {
        assert!(output.contains(expected), "missing {expected:?} in:\n{output}");
    }
    for header in ["authorization", "x-auth-key", "x-auth-email", "Bearer", EMAIL] {
        assert!(!output.to_ascii_lowercase().contains(&header.to_ascii_lowercase()), "{header} in:\n{output}");
    }
}
