//! `tracing` output: spans per operation and attempt with the useful fields, and never a
//! secret or a header value, at any level.
//!
//! A test binary of its own: `tracing` caches per call site whether anyone listens, and other
//! tests running on other threads without a subscriber would race with the one set here.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_client::Scope;
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

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_no_secret(&output);
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
