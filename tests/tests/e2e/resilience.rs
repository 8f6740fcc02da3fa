//! Retries, Retry-After, the shared 429 pause, the client-side limiter, timeouts, connection
//! resets, "already gone" deletes and bounded bodies, over real HTTP.
//!
//! Waits are kept to milliseconds (tiny backoff, `retry-after-ms`), and no test sleeps
//! itself: where a test needs time to pass it is because the client under test waits.

use std::num::NonZeroU32;
use std::time::Duration;

use cloudflare_client::{Error, Scope, ServiceTokenId};
use cloudflare_tests::*;
use httpmock::MockServer;
use serde_json::json;

fn account() -> Scope {
    Scope::Account(ACCOUNT_ID.parse().unwrap())
}

fn token_id() -> ServiceTokenId {
    TOKEN_ID.parse().unwrap()
}

/// A mock answering `status` (with `body`) `times` times, then a success.
async fn failing_then_ok<'a>(
    server: &'a MockServer,
    status: u16,
    content_type: &str,
    body: &str,
    times: usize,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let failing = server
        .mock_async(|_, then| {
            then.status(status).header("content-type", content_type).body(body).up_to_n_times(times);
        })
        .await;
    let ok = server
        .mock_async(|_, then| {
            then.status(200).json_body(success_json(token_json(TOKEN_ID)));
        })
        .await;
    (failing, ok)
}

#[tokio::test]
async fn each_retryable_status_is_retried_then_succeeds() {
    cloudflare_tests::deadline(async move {
        let failure = failure_json(10_001, "transient").to_string();
        for (status, content_type, body) in [
            (408, "application/json", failure.as_str()),
            (409, "application/json", failure.as_str()),
            (429, "application/json", failure.as_str()),
            (500, "application/json", failure.as_str()),
            (502, "text/html", "<html><title>502 Bad Gateway</title></html>"),
            (503, "text/html", "<html>Service Unavailable</html>"),
            (504, "text/plain", ""),
            (520, "text/html", "<html>Web server is returning an unknown error</html>"),
        ] {
            let server = MockServer::start_async().await;
            let (failing, ok) = failing_then_ok(&server, status, content_type, body, 2).await;
            let client = client(&server, token_credentials());
            let token = client.delete_service_token(&account(), &token_id()).await;
            assert_eq!(token.unwrap_or_else(|error| panic!("{status}: {error}")).id.as_deref(), Some(TOKEN_ID));
            assert_eq!(failing.calls_async().await, 2, "{status}: two failed attempts");
            assert_eq!(ok.calls_async().await, 1, "{status}: then one success");
        }
    })
    .await
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_the_error_counts_attempts() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let (failing, ok) =
            failing_then_ok(&server, 503, "application/json", &failure_json(10_001, "down").to_string(), 10).await;
        let error =
            client(&server, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(error.is_server_error(), "{error}");
        assert_no_secret(&format!("{error} {error:?}"));
        assert_eq!(error.attempts(), 3);
        assert!(error.to_string().contains("after 3 attempts"), "{error}");
        assert_eq!(failing.calls_async().await, 3, "1 attempt + 2 retries by default");
        assert_eq!(ok.calls_async().await, 0);

        for retries in [0, 1, 4] {
            let server = MockServer::start_async().await;
            let (failing, _) = failing_then_ok(&server, 500, "text/html", "<html>", 10).await;
            let client = builder(&server.base_url(), token_credentials()).max_retries(retries).build().unwrap();
            let error = client.delete_service_token(&account(), &token_id()).await.unwrap_err();
            assert_eq!(failing.calls_async().await, retries as usize + 1, "max_retries({retries})");
            assert_eq!(error.attempts(), retries + 1);
        }
    })
    .await
}

#[tokio::test]
async fn other_client_errors_are_tried_once() {
    cloudflare_tests::deadline(async move {
        for status in [400, 401, 403, 404, 405, 422] {
            let server = MockServer::start_async().await;
            let (failing, ok) =
                failing_then_ok(&server, status, "application/json", &failure_json(1000, "no").to_string(), 10).await;
            let error =
                client(&server, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap_err();
            assert_eq!(failing.calls_async().await, 1, "{status} must not be retried");
            assert_eq!(ok.calls_async().await, 0);
            assert_eq!(error.attempts(), 1);
            assert!(!error.is_already_gone(), "a first-attempt {status} is not 'already gone'");
        }
    })
    .await
}

#[tokio::test]
async fn retry_after_is_honoured_in_milliseconds_seconds_and_as_a_date() {
    cloudflare_tests::deadline(async move {
        for header in ["retry-after-ms: 40", "retry-after: 0", "retry-after: Thu, 01 Jan 1970 00:00:00 GMT"] {
            let (name, value) = header.split_once(": ").unwrap();
            let server = MockServer::start_async().await;
            let failing = server
                .mock_async(|_, then| {
                    then.status(429).header(name, value).json_body(failure_json(971, "slow down")).up_to_n_times(1);
                })
                .await;
            let ok = server
                .mock_async(|_, then| {
                    then.status(200).json_body(success_json(token_json(TOKEN_ID)));
                })
                .await;
            // Backoff that would take a minute: only the server's wait can let this finish.
            let client = builder(&server.base_url(), token_credentials())
                .retry_backoff(Duration::from_secs(60), Duration::from_secs(60))
                .build()
                .unwrap();
            let result =
                tokio::time::timeout(Duration::from_secs(20), client.delete_service_token(&account(), &token_id()))
                    .await;
            let token = result.unwrap_or_else(|_| panic!("{header} was not honoured")).unwrap();
            assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
            assert_eq!((failing.calls_async().await, ok.calls_async().await), (1, 1), "{header}");
        }
    })
    .await
}

#[tokio::test]
async fn a_wait_beyond_the_cap_fails_at_once_with_the_servers_retry_after() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let (failing, ok) = {
            let failing = server
                .mock_async(|_, then| {
                    then.status(429).header("retry-after", "3600").json_body(failure_json(971, "slow down"));
                })
                .await;
            let ok = server.mock_async(|_, then| {
                then.status(200);
            });
            (failing, ok.await)
        };
        let client = client(&server, token_credentials());
        let error = tokio::time::timeout(Duration::from_secs(20), client.delete_service_token(&account(), &token_id()))
            .await
            .expect("no sleeping past the cap")
            .unwrap_err();
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
        assert_eq!(failing.calls_async().await, 1);

        // The pause now covers the client and its clones: they answer at once, sending nothing.
        let clone = client.clone();
        let again = clone.delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(again.is_rate_limited() && again.retry_after().unwrap() > Duration::from_secs(3500), "{again}");
        assert_eq!(again.attempts(), 0, "nothing was sent");
        assert!(again.to_string().contains("not sent"), "{again}");
        assert_eq!(failing.calls_async().await + ok.calls_async().await, 1, "the paused client sent nothing");
    })
    .await
}

#[tokio::test]
async fn a_retry_after_beyond_the_clock_is_a_clean_rate_limited_error() {
    cloudflare_tests::deadline(async move {
        for absurd in ["18446744073709551615", "9300000000000000000"] {
            let server = MockServer::start_async().await;
            let failing = server
                .mock_async(|_, then| {
                    then.status(429).header("retry-after", absurd).json_body(failure_json(971, "slow down"));
                })
                .await;
            let client = client(&server, token_credentials());
            let error = client.delete_service_token(&account(), &token_id()).await.unwrap_err();
            assert!(error.is_rate_limited(), "{absurd}: {error}");
            assert_eq!(error.retry_after(), Some(Duration::from_secs(absurd.parse().unwrap())));
            // Every later call, from any clone, is refused at once without sending or panicking.
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.delete_service_token(&account(), &token_id()).await })
                })
                .collect();
            for handle in handles {
                let error = handle.await.expect("no task panicked").unwrap_err();
                assert!(error.is_rate_limited() && error.attempts() == 0, "{error}");
            }
            assert_eq!(failing.calls_async().await, 1, "{absurd}");
        }
    })
    .await
}

#[tokio::test]
async fn one_429_pauses_every_request_of_the_client_until_retry_after() {
    cloudflare_tests::deadline(async move {
        const PAUSE: Duration = Duration::from_millis(300);
        let server = RawServer::start(|index, _| {
            if index == 0 {
                RawReply::json(
                    429,
                    &format!("retry-after-ms: {}\r\n", PAUSE.as_millis()),
                    &failure_json(971, "slow down"),
                )
            } else {
                RawReply::json(200, "", &success_json(token_json(TOKEN_ID)))
            }
        })
        .await;
        // Without retries the first call returns as soon as its 429 is handled, so everything
        // started afterwards is started while the pause is known.
        let client = builder(&server.url, token_credentials()).max_retries(0).build().unwrap();
        let first = client.delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(first.is_rate_limited(), "{first}");
        let rate_limited_at = server.requests()[0].at;
        let others: Vec<_> = (0..5)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.delete_service_token(&account(), &token_id()).await })
            })
            .collect();
        for other in others {
            other.await.unwrap().expect("the others succeed after the pause");
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 6, "1 rate-limited + 5 others");
        for request in &requests[1..] {
            let after = request.at.duration_since(rate_limited_at);
            assert!(
                after >= PAUSE - Duration::from_millis(20),
                "a request was sent {after:?} into the {PAUSE:?} pause"
            );
        }
    })
    .await
}

#[tokio::test]
async fn client_side_limiter_holds_requests_beyond_the_quota() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let ok = server
            .mock_async(|_, then| {
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let client = builder(&server.base_url(), token_credentials())
            .client_rate_limit(NonZeroU32::new(2).unwrap(), Duration::from_secs(3600))
            .build()
            .unwrap();
        client.delete_service_token(&account(), &token_id()).await.unwrap();
        client.clone().delete_service_token(&account(), &token_id()).await.unwrap();
        let third =
            tokio::time::timeout(Duration::from_millis(300), client.delete_service_token(&account(), &token_id()))
                .await;
        assert!(third.is_err(), "the third request in the window must wait");
        assert_eq!(ok.calls_async().await, 2);
    })
    .await
}

#[tokio::test]
async fn a_connection_reset_mid_request_is_retried() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|index, _| {
            if index == 0 { RawReply::Close } else { RawReply::json(200, "", &success_json(token_json(TOKEN_ID))) }
        })
        .await;
        let token =
            client_for(&server.url, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap();
        assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
        assert_eq!(server.requests().len(), 2);
    })
    .await
}

#[tokio::test]
async fn a_body_cut_off_mid_answer_is_retried_for_a_read() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|index, _| {
            if index == 0 {
                RawReply::Bytes(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"success\":"
                        .to_vec(),
                )
            } else {
                RawReply::json(200, "", &success_json(token_json(TOKEN_ID)))
            }
        })
        .await;
        let token =
            client_for(&server.url, token_credentials()).get_service_token(&account(), &token_id()).await.unwrap();
        assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
        assert_eq!(server.requests().len(), 2);
    })
    .await
}

#[tokio::test]
async fn a_2xx_to_a_delete_stands_even_when_its_body_is_cut_off() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|_, _| {
            RawReply::Bytes(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"success\":"
                    .to_vec(),
            )
        })
        .await;
        let error = client_for(&server.url, token_credentials())
            .delete_service_token(&account(), &token_id())
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(reqwest::StatusCode::OK), "{error}");
        assert!(error.to_string().contains("cut off"), "{error}");
        assert_eq!(server.requests().len(), 1, "a delete that happened is not sent again");
    })
    .await
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_and_then_404s_is_already_gone() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|index, _| {
            if index == 0 {
                RawReply::Close
            } else {
                RawReply::json(404, "", &failure_json(1001, "Access service token not found"))
            }
        })
        .await;
        let error = client_for(&server.url, token_credentials())
            .delete_service_token(&account(), &token_id())
            .await
            .unwrap_err();
        assert!(error.is_already_gone(), "{error:?}");
        assert_no_secret(&format!("{error} {error:?}"));
        assert!(!error.is_not_found(), "already gone is not a plain not-found");
        assert!(matches!(error, Error::AlreadyGone(_)));
        assert_eq!(error.status().unwrap().as_u16(), 404);
        assert_eq!(error.attempts(), 2);
        assert!(error.to_string().contains("earlier attempt"), "{error}");

        // After a 5xx the delete may also have happened.
        let server = MockServer::start_async().await;
        failing_then_ok(&server, 502, "text/html", "<html>bad gateway</html>", 1).await.1.delete_async().await;
        server
            .mock_async(|_, then| {
                then.status(404).json_body(failure_json(1001, "Access service token not found"));
            })
            .await;
        let error =
            client(&server, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(error.is_already_gone(), "{error:?}");
    })
    .await
}

#[tokio::test]
async fn a_404_after_a_429_is_a_plain_not_found() {
    cloudflare_tests::deadline(async move {
        // A 429 is refused before anything happens: the delete cannot have been carried out.
        let server = MockServer::start_async().await;
        server
            .mock_async(|_, then| {
                then.status(429)
                    .header("retry-after-ms", "1")
                    .json_body(failure_json(971, "slow down"))
                    .up_to_n_times(1);
            })
            .await;
        server
            .mock_async(|_, then| {
                then.status(404).json_body(failure_json(1001, "Access service token not found"));
            })
            .await;
        let error =
            client(&server, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(error.is_not_found() && !error.is_already_gone(), "{error:?}");
        assert_eq!(error.attempts(), 2);
    })
    .await
}

#[tokio::test]
async fn a_stalled_server_times_out_and_is_retried() {
    cloudflare_tests::deadline(async move {
        let server = RawServer::start(|_, _| RawReply::Stall).await;
        let client = builder(&server.url, token_credentials())
            .timeout(Duration::from_millis(150))
            .max_retries(1)
            .build()
            .unwrap();
        let error = client.delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(error.is_transport() && error.is_timeout(), "{error:?}");
        assert_no_secret(&format!("{error} {error:?}"));
        assert_eq!(error.attempts(), 2);
        assert_eq!(server.requests().len(), 2);
        assert!(error.to_string().contains("timed out"), "{error}");
    })
    .await
}

#[tokio::test]
async fn a_64_mib_body_is_refused_without_being_held() {
    cloudflare_tests::deadline(async move {
        for declare_length in [true, false] {
            let server =
                RawServer::start(move |_, _| RawReply::Huge { length: 64 * 1024 * 1024, declare_length }).await;
            let client = builder(&server.url, token_credentials()).max_response_bytes(1024 * 1024).build().unwrap();
            let error = client.delete_service_token(&account(), &token_id()).await.unwrap_err();
            let Error::ResponseTooLarge(inner) = &error else { panic!("declare_length={declare_length}: {error:?}") };
            assert_eq!(inner.limit(), 1024 * 1024);
            assert_eq!(inner.status().as_u16(), 200);
            assert_eq!(server.requests().len(), 1, "a 200 is final: not retried");
            assert!(error.to_string().contains("1048576-byte limit"), "{error}");
            assert_no_secret(&format!("{error} {error:?}"));
        }
    })
    .await
}

#[tokio::test]
async fn bodies_within_the_limit_are_read_whole() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mut token = token_json(TOKEN_ID);
        token["name"] = json!("n".repeat(100_000));
        server
            .mock_async(|_, then| {
                then.status(200).json_body(success_json(token));
            })
            .await;
        let client = builder(&server.base_url(), token_credentials()).max_response_bytes(200_000).build().unwrap();
        let token = client.delete_service_token(&account(), &token_id()).await.unwrap();
        assert_eq!(token.name.unwrap().len(), 100_000);
    })
    .await
}

/// A create (POST) is not idempotent: retrying it after Cloudflare may have acted could make
/// a second token. It is retried only when Cloudflare certainly did nothing.
#[tokio::test]
async fn a_create_is_retried_only_when_cloudflare_certainly_did_nothing() {
    cloudflare_tests::deadline(async move {
        let created = success_json(json!({"id": TOKEN_ID, "client_secret": "s"}));
        for (status, retried) in
            [(500, false), (502, false), (504, false), (409, false), (503, true), (429, true), (408, true)]
        {
            let server = MockServer::start_async().await;
            let failing = server
                .mock_async(|when, then| {
                    when.method("POST");
                    then.status(status).header("retry-after-ms", "1").body("x").up_to_n_times(1);
                })
                .await;
            let ok = server
                .mock_async(|when, then| {
                    when.method("POST");
                    then.status(201).json_body(created.clone());
                })
                .await;
            let result = client(&server, token_credentials()).create_service_token(&account(), "ci", None).await;
            assert_eq!(result.is_ok(), retried, "{status}: {result:?}");
            assert_eq!(failing.calls_async().await, 1);
            assert_eq!(ok.calls_async().await, usize::from(retried), "{status}");
        }

        // A connection cut after the request went out: the create may have happened.
        let server = RawServer::start(|_, _| RawReply::Close).await;
        let error = client_for(&server.url, token_credentials())
            .create_service_token(&account(), "ci", None)
            .await
            .unwrap_err();
        assert!(error.is_transport(), "{error:?}");
        assert_eq!(server.requests().len(), 1, "not retried");
    })
    .await
}

#[tokio::test]
async fn a_404_after_a_503_is_a_plain_not_found() {
    cloudflare_tests::deadline(async move {
        // With a 503 Cloudflare refuses the request: the delete cannot have been carried out.
        let server = MockServer::start_async().await;
        server
            .mock_async(|_, then| {
                then.status(503).header("retry-after-ms", "1").body("busy").up_to_n_times(1);
            })
            .await;
        server
            .mock_async(|_, then| {
                then.status(404).json_body(failure_json(1001, "Access service token not found"));
            })
            .await;
        let error =
            client(&server, token_credentials()).delete_service_token(&account(), &token_id()).await.unwrap_err();
        assert!(error.is_not_found() && !error.is_already_gone(), "{error:?}");
    })
    .await
}

#[tokio::test]
async fn cloudflare_rate_limit_headers_pace_a_bulk_run_with_no_429() {
    cloudflare_tests::deadline(async move {
        use futures_util::StreamExt;
        // 60 deletes under 20 per second (the floor is 2 s), 8 at a time, and 32 at a time: more
        // than the quota, so that the requests before the first answer would exceed it.
        for concurrency in [8, 32] {
            let limited = limited_server(20, Duration::from_secs(1), true).await;
            let client = client_for(&limited.server.url, token_credentials());
            let started = std::time::Instant::now();
            let results: Vec<_> = futures_util::stream::iter(0..60)
                .map(|_| {
                    let client = client.clone();
                    async move { client.delete_service_token(&account(), &token_id()).await }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
            let elapsed = started.elapsed();
            assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|result| result.is_err()));
            let refused = limited.refused.load(std::sync::atomic::Ordering::SeqCst);
            assert_eq!(refused, 0, "concurrency {concurrency}: no 429, paced by the headers");
            assert_eq!(limited.server.requests().len(), 60, "no request was needed twice");
            assert!(elapsed < Duration::from_secs(30), "{elapsed:?}: no deadlock");
        }
    })
    .await
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_read_and_one_byte_more_is_not() {
    cloudflare_tests::deadline(async move {
        let body = success_json(token_json(TOKEN_ID)).to_string();
        for declare_length in [true, false] {
            let answer = body.clone();
            let server = RawServer::start(move |_, _| {
                let length =
                    if declare_length { format!("content-length: {}\r\n", answer.len()) } else { String::new() };
                RawReply::Bytes(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n{answer}"
                    )
                    .into_bytes(),
                )
            })
            .await;
            for (limit, fits) in [(body.len(), true), (body.len() - 1, false)] {
                let mut builder = builder(&server.url, token_credentials());
                builder.max_response_bytes(limit).max_retries(0);
                let result = builder.build().unwrap().get_service_token(&account(), &token_id()).await;
                match (fits, result) {
                    (true, Ok(token)) => assert_eq!(token.id.as_deref(), Some(TOKEN_ID)),
                    (false, Err(error)) => {
                        assert!(matches!(error, Error::ResponseTooLarge(_)), "length {declare_length}: {error}")
                    }
                    (fits, other) => panic!("limit {limit}, length declared {declare_length}, fits {fits}: {other:?}"),
                }
            }
        }
    })
    .await
}
