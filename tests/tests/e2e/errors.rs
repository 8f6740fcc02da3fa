//! Each documented failure, as the real API (or the edge in front of it) sends it.

use std::time::Duration;

use cloudflare_client::{Error, Scope, ServiceTokenId};
use cloudflare_tests::*;
use httpmock::MockServer;
use serde_json::json;

const RAY: &str = "8c0ffee1a2b3c4d5-SJC";

/// Serves one answer to a delete and returns the client's error.
async fn fail_with(status: u16, content_type: &str, body: &str, extra: &[(&str, &str)]) -> Error {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            let mut then = then.status(status).header("content-type", content_type).header("cf-ray", RAY).body(body);
            for (name, value) in extra {
                then = then.header(*name, *value);
            }
        })
        .await;
    let mut errors = Vec::new();
    for (_, credentials) in schemes() {
        // Retries have their own tests (resilience.rs): here each answer is final.
        let client = builder(&server.base_url(), credentials).max_retries(0).build().unwrap();
        let scope = Scope::Account(ACCOUNT_ID.parse().unwrap());
        let id: ServiceTokenId = TOKEN_ID.parse().unwrap();
        let error = client.delete_service_token(&scope, &id).await.expect_err("the answer is a failure");
        assert_no_secret(&format!("{error} {error:?} {error:#?}"));
        assert!(!error.to_string().contains('\n'), "Display is one line: {error}");
        errors.push(error);
    }
    mock.assert_calls_async(2).await;
    errors.pop().unwrap()
}

async fn fail_with_json(status: u16, body: serde_json::Value, extra: &[(&str, &str)]) -> Error {
    fail_with(status, "application/json", &body.to_string(), extra).await
}

fn api(error: &Error) -> &cloudflare_client::ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn unexpected(error: &Error) -> &cloudflare_client::UnexpectedResponse {
    match error {
        Error::UnexpectedResponse(unexpected) => unexpected,
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_request_400_keeps_every_error_field() {
    cloudflare_tests::deadline(async move {
        let body = json!({
            "success": false,
            "errors": [
                {"code": 7003, "message": "Could not route to /accounts/x, perhaps your object identifier is invalid?",
                 "documentation_url": "https://developers.cloudflare.com/api/", "source": {"pointer": "/account_id"}},
                {"code": 1_000_042, "message": "second error"}
            ],
            "messages": [{"code": 10_500, "message": "informational"}],
            "result": null
        });
        let error = fail_with_json(400, body, &[]).await;
        let inner = api(&error);
        assert_eq!(inner.status().as_u16(), 400);
        assert_eq!(inner.errors().len(), 2);
        assert_eq!(inner.errors()[0].code, 7003);
        assert_eq!(inner.errors()[0].documentation_url.as_deref(), Some("https://developers.cloudflare.com/api/"));
        assert_eq!(inner.errors()[0].source.as_ref().and_then(|s| s.pointer.as_deref()), Some("/account_id"));
        assert_eq!(inner.errors()[1].code, 1_000_042);
        assert_eq!(inner.messages()[0].code, 10_500);
        assert_eq!(error.cf_ray(), Some(RAY));
        let text = error.to_string();
        assert!(
            text.contains("HTTP 400") && text.contains("7003 Could not route") && text.contains("1000042 second error"),
            "{text}"
        );
        assert!(!error.is_not_found() && !error.is_auth() && !error.is_server_error() && !error.is_rate_limited());
    })
    .await
}

#[tokio::test]
async fn unauthorized_401_is_an_auth_error() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(401, failure_json(10000, "Authentication error"), &[]).await;
        assert!(error.is_auth(), "{error}");
        assert_eq!(error.status().unwrap().as_u16(), 401);
    })
    .await
}

#[tokio::test]
async fn forbidden_403_code_10000_is_an_auth_error_with_actionable_text() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(403, failure_json(10000, "Authentication error"), &[]).await;
        assert!(error.is_auth());
        assert_eq!(error.api_errors()[0].code, 10000);
        let text = error.to_string();
        assert!(text.contains("403 Forbidden") && text.contains("10000 Authentication error"), "{text}");
        assert!(text.contains("credentials") && text.contains(RAY), "{text}");
    })
    .await
}

#[tokio::test]
async fn not_found_404() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(404, failure_json(1001, "Access service token not found"), &[]).await;
        assert!(error.is_not_found() && !error.is_auth(), "{error}");
        assert!(error.to_string().contains("1001 Access service token not found"));
    })
    .await
}

#[tokio::test]
async fn rate_limited_429_carries_retry_after() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(
            429,
            failure_json(971, "Please wait and consider throttling your request speed"),
            &[("retry-after", "30")],
        )
        .await;
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
        assert!(error.to_string().contains("retry after 30s"), "{error}");
    })
    .await
}

#[tokio::test]
async fn rate_limited_429_as_html_still_counts() {
    cloudflare_tests::deadline(async move {
        let error = fail_with(429, "text/html", "<html>Too many requests</html>", &[("retry-after", "5")]).await;
        assert!(error.is_rate_limited() && matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    })
    .await
}

#[tokio::test]
async fn server_error_500_with_envelope_is_an_api_error() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(500, failure_json(10001, "Internal server error"), &[]).await;
        assert!(error.is_server_error(), "{error}");
        assert_eq!(api(&error).errors()[0].code, 10001);
        assert!(error.to_string().contains("10001 Internal server error"));
    })
    .await
}

#[tokio::test]
async fn bad_gateway_502_html_keeps_status_type_and_snippet() {
    cloudflare_tests::deadline(async move {
        let page = format!(
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
            "cloudflare ".repeat(2000)
        );
        let error = fail_with(502, "text/html; charset=UTF-8", &page, &[]).await;
        let inner = unexpected(&error);
        assert_eq!(inner.status().as_u16(), 502);
        assert_eq!(inner.content_type(), Some("text/html; charset=UTF-8"));
        assert!(inner.snippet().starts_with("<html> <head><title>502 Bad Gateway</title>"), "{}", inner.snippet());
        assert!(inner.snippet().len() < 300, "the snippet is bounded");
        assert!(error.is_server_error() && error.cf_ray() == Some(RAY));
        let text = error.to_string();
        assert!(text.contains("502 Bad Gateway") && text.contains("text/html"), "{text}");
    })
    .await
}

#[tokio::test]
async fn success_false_with_200_is_an_error() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(200, failure_json(12_000, "Something went wrong"), &[]).await;
        let inner = api(&error);
        assert_eq!(inner.status().as_u16(), 200);
        assert_eq!(inner.errors()[0].code, 12_000);
        assert!(error.to_string().contains("success: false"), "{error}");
    })
    .await
}

#[tokio::test]
async fn truncated_json_with_200_is_an_unexpected_response() {
    cloudflare_tests::deadline(async move {
        let body = success_json(token_json(TOKEN_ID)).to_string();
        let error = fail_with(200, "application/json", &body[..body.len() / 2], &[]).await;
        let inner = unexpected(&error);
        assert_eq!(inner.status().as_u16(), 200);
        assert_eq!(inner.content_type(), Some("application/json"));
        assert!(
            inner.snippet().starts_with(r#"{"errors":[]"#) || inner.snippet().starts_with('{'),
            "{}",
            inner.snippet()
        );
        assert!(inner.reason().contains("EOF"), "{}", inner.reason());
        assert_eq!(error.cf_ray(), Some(RAY));
    })
    .await
}

#[tokio::test]
async fn truncated_json_with_404_keeps_the_status() {
    cloudflare_tests::deadline(async move {
        let error = fail_with(404, "application/json", r#"{"success":false,"errors":[{"code":10"#, &[]).await;
        assert!(matches!(error, Error::UnexpectedResponse(_)) && error.is_not_found(), "{error:?}");
    })
    .await
}

#[tokio::test]
async fn success_without_result_is_an_error() {
    cloudflare_tests::deadline(async move {
        for body in [
            json!({"success": true, "errors": [], "messages": []}),
            json!({"success": true, "errors": [], "messages": [], "result": null}),
        ] {
            let error = fail_with_json(200, body, &[]).await;
            assert!(unexpected(&error).reason().contains("no `result`"), "{error}");
        }
    })
    .await
}

#[tokio::test]
async fn failure_without_result_field_or_messages_is_tolerated() {
    cloudflare_tests::deadline(async move {
        let error = fail_with_json(
            403,
            json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]}),
            &[],
        )
        .await;
        assert!(error.is_auth());
        assert!(api(&error).messages().is_empty());
    })
    .await
}

#[tokio::test]
async fn error_status_without_envelope_is_an_unexpected_response() {
    cloudflare_tests::deadline(async move {
        for (status, body) in [(503, ""), (504, "upstream timed out"), (500, "{\"unrelated\": true}")] {
            let error = fail_with(status, "text/plain", body, &[]).await;
            assert_eq!(unexpected(&error).status().as_u16(), status);
            assert!(error.is_server_error());
        }
    })
    .await
}

#[tokio::test]
async fn secrets_echoed_by_a_server_are_redacted() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        for (scheme, credentials) in schemes() {
            let secret = if scheme == "api_token" { API_TOKEN } else { API_KEY };
            for (status, content_type, body) in [
                (400, "application/json", failure_json(6003, &format!("bad credentials {secret}")).to_string()),
                (502, "text/html", format!("<p>echo: {secret}</p>")),
            ] {
                let mock = server
                    .mock_async(|_, then| {
                        then.status(status).header("content-type", content_type).body(body.as_str());
                    })
                    .await;
                let error = builder(&server.base_url(), credentials.clone())
                    .max_retries(0)
                    .build()
                    .unwrap()
                    .delete_service_token(&Scope::Account(ACCOUNT_ID.parse().unwrap()), &TOKEN_ID.parse().unwrap())
                    .await
                    .unwrap_err();
                let shown = format!("{error} {error:?}");
                assert!(!shown.contains(secret), "{scheme}: {shown}");
                assert!(error.to_string().contains("[REDACTED]"), "{error}");
                mock.delete_async().await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error_without_secrets() {
    cloudflare_tests::deadline(async move {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        for (_, credentials) in schemes() {
            let client = client_for(&format!("http://{address}"), credentials);
            let error = client
                .delete_service_token(&Scope::Zone(ZONE_ID.parse().unwrap()), &TOKEN_ID.parse().unwrap())
                .await
                .unwrap_err();
            assert!(error.is_transport() && error.status().is_none(), "{error:?}");
            assert_eq!(error.attempts(), 3, "a refused connection is retried twice by default");
            assert!(error.to_string().contains("after 3 attempts"), "{error}");
            assert_no_secret(&format!("{error} {error:?}"));
        }
    })
    .await
}
