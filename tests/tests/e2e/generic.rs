//! The wrapper's credentials and error mapping reach every generated operation through
//! `Client::api()` and `Client::call`, with no per-operation code.

use cloudflare_client::Error;
use cloudflare_client::prelude::*;
use cloudflare_tests::*;
use httpmock::{Method::DELETE, MockServer};

#[tokio::test]
async fn a_generated_builder_is_sent_by_call_with_the_credentials_and_no_api_version() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(DELETE)
                    .path(format!("/zones/{ZONE_ID}/access/service_tokens/{TOKEN_ID}"))
                    .header("x-auth-email", EMAIL)
                    .header("x-auth-key", API_KEY)
                    .header_missing("authorization")
                    .header_missing("api-version");
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let [_, (_, key)] = schemes();
        let client = client(&server, key);
        // The builders have no `send()` of their own (see the compile_fail example of
        // `cloudflare_openapi::Request`): `call` is the one path to the wire.
        let token = client
            .call(client.api().delete_zone_service_token().zone_id(ZONE_ID).service_token_id(TOKEN_ID))
            .await
            .unwrap();
        assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
        mock.assert_async().await;
    })
    .await
}

#[tokio::test]
async fn call_unwraps_any_operation_and_maps_its_errors() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let ok = server
            .mock_async(|when, then| {
                when.path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"))
                    .header("authorization", format!("Bearer {API_TOKEN}"));
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let denied = server
            .mock_async(|when, then| {
                when.path_prefix("/zones/");
                then.status(403).header("cf-ray", "77-AMS").json_body(failure_json(10000, "Authentication error"));
            })
            .await;
        let client = client(&server, token_credentials());
        let api = client.api();

        let token =
            client.call(api.delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID)).await;
        assert_eq!(token.unwrap().name.as_deref(), Some("CI/CD token"));

        let error =
            client.call(api.delete_zone_service_token().zone_id(ZONE_ID).service_token_id(TOKEN_ID)).await.unwrap_err();
        assert!(matches!(error, Error::Api(_)) && error.is_auth(), "{error:?}");
        assert_eq!(error.cf_ray(), Some("77-AMS"));
        ok.assert_async().await;
        denied.assert_async().await;
    })
    .await
}

#[tokio::test]
async fn clones_share_configuration_and_work_concurrently() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.header("authorization", format!("Bearer {API_TOKEN}"));
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let client = client(&server, token_credentials());
        let scope = cloudflare_client::Scope::Account(ACCOUNT_ID.parse().unwrap());
        let id = TOKEN_ID.parse().unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (client, scope) = (client.clone(), scope.clone());
                tokio::spawn(async move { client.delete_service_token(&scope, &id).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        mock.assert_calls_async(8).await;
    })
    .await
}

#[tokio::test]
async fn an_operation_built_with_api_reports_attempts_and_errors_as_the_convenience_methods() {
    cloudflare_tests::deadline(async move {
        // 503, then 403: the same call through `call(builder)` and through the convenience method.
        let server = RawServer::start(|index, _| {
            if index % 2 == 0 {
                RawReply::json(503, "", &failure_json(10000, "unavailable"))
            } else {
                RawReply::json(403, "cf-ray: 77-AMS\r\n", &failure_json(10000, "Authentication error"))
            }
        })
        .await;
        let client = client_for(&server.url, token_credentials());
        let through_api = client
            .call(client.api().delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID))
            .await
            .unwrap_err();
        let scope = cloudflare_client::Scope::Account(ACCOUNT_ID.parse().unwrap());
        let convenience = client.delete_service_token(&scope, &TOKEN_ID.parse().unwrap()).await.unwrap_err();
        for error in [&through_api, &convenience] {
            assert_eq!(error.attempts(), 2, "{error}");
            assert!(error.is_auth() && error.cf_ray() == Some("77-AMS"), "{error}");
        }
        assert_eq!(through_api.to_string(), convenience.to_string());
        assert_eq!(server.requests().len(), 4);
    })
    .await
}

#[tokio::test]
async fn update_sends_only_the_fields_set_to_the_scope_chosen_and_checks_the_duration_first() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let update = server
            .mock_async(|when, then| {
                when.method(httpmock::Method::PUT)
                    .path(format!("/zones/{ZONE_ID}/access/service_tokens/{TOKEN_ID}"))
                    .json_body(serde_json::json!({"name": "ci-deploy", "client_secret_version": 2}));
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let client = client(&server, token_credentials());
        let scope = cloudflare_client::Scope::Zone(ZONE_ID.parse().unwrap());
        let id = TOKEN_ID.parse().unwrap();
        let fields = cloudflare_client::access::types::UpdateServiceToken {
            name: Some("ci-deploy".to_owned().into()),
            client_secret_version: Some(2),
            ..Default::default()
        };
        let token = client.update_service_token(&scope, &id, &fields).await.unwrap();
        assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
        update.assert_async().await;

        assert!(
            "90d".parse::<cloudflare_client::access::types::TokenDuration>().is_err(),
            "the type refuses what Go does not take"
        );
        // The pattern cannot tell how long is too long for Go: the method does.
        let too_long = cloudflare_client::access::types::UpdateServiceToken {
            duration: Some("999999999999h".parse().unwrap()),
            ..fields.clone()
        };
        let error = client.update_service_token(&scope, &id, &too_long).await.unwrap_err();
        assert!(error.is_invalid_input() && error.to_string().contains("too long"), "{error}");
        let negative =
            cloudflare_client::access::types::UpdateServiceToken { client_secret_version: Some(-5), ..fields };
        let error = client.update_service_token(&scope, &id, &negative).await.unwrap_err();
        assert!(error.is_invalid_input(), "{error}");
        assert_eq!(update.calls_async().await, 1, "nothing sent for a duration or version Cloudflare does not take");
    })
    .await
}

/// `Client::invoke` keeps the answer as sent: fields the spec lacks, the fields' order, the text
/// of numbers and strings; its `Debug` shows no secret of it.
#[tokio::test]
async fn invoke_keeps_the_result_as_sent_and_its_debug_shows_no_secret() {
    cloudflare_tests::deadline(async move {
        let item = format!(
            r#"{{"name":"ci","id":"{TOKEN_ID}","client_secret":"{SECRET_MARKER}-client-secret","expires_at":"2027-01-01T00:00:00.12345Z","newer_than_the_spec":[1.10,1e3]}}"#
        );
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
                then.status(200).header("content-type", "application/json").body(format!(
                    r#"{{"result": [ {item} ], "success": true, "errors": [], "messages": [],
                        "result_info": {{"page": 1, "per_page": 50, "count": 1, "total_count": 1, "total_pages": 1}}}}"#
                ));
            })
            .await;
        let client = client(&server, token_credentials());
        let mut arguments = cloudflare_client::Arguments::new();
        arguments.parameter("account_id", ACCOUNT_ID);
        let answer = client.invoke("list_account_service_tokens", &arguments).await.unwrap();
        assert_eq!(answer.result_text().get(), format!("[ {item} ]"));
        assert_eq!(answer.result.as_json()[0]["newer_than_the_spec"][1], 1000.0);
        assert_no_secret(&format!("{answer:?}"));

        let items: Vec<Box<serde_json::value::RawValue>> = futures_util::TryStreamExt::try_collect(
            client.invoke_items_as_sent("list_account_service_tokens", &arguments),
        )
        .await
        .unwrap();
        assert_eq!(items.iter().map(|item| item.get()).collect::<Vec<_>>(), [item.as_str()]);
    })
    .await
}

/// An answer in a header: Stream's tus upload answers `201 Created`, no body, and the URL to
/// upload to in `Location`; `invoke` and `call_with_json` give the status and the headers beside
/// the (null) result.
#[tokio::test]
async fn invoke_gives_the_status_and_headers_of_an_answer_that_is_a_header() {
    cloudflare_tests::deadline(async move {
        let location = "https://upload.videodelivery.net/tus/90c68cb5cd4fd5350b1962279c90bec0?tusv2=true";
        let server = MockServer::start_async().await;
        let initiated = server
            .mock_async(|when, then| {
                when.method(httpmock::Method::POST)
                    .path(format!("/accounts/{ACCOUNT_ID}/stream"))
                    .header("tus-resumable", "1.0.0")
                    .header("upload-length", "1000");
                then.status(201)
                    .header("location", location)
                    .header("stream-media-id", "90c68cb5cd4fd5350b1962279c90bec0");
            })
            .await;
        let client = client(&server, token_credentials());
        let mut arguments = cloudflare_client::Arguments::new();
        arguments.parameter("account_id", ACCOUNT_ID);
        arguments.parameter("Tus-Resumable", "1.0.0");
        arguments.parameter("Upload-Length", "1000");
        arguments.body(serde_json::json!({}));
        let answer = client.invoke("stream_videos_initiate_video_uploads_using_tus", &arguments).await.unwrap();
        assert_eq!(answer.status(), cloudflare_client::reqwest::StatusCode::CREATED);
        assert_eq!(answer.location(), Some(location));
        assert_eq!(answer.headers()["stream-media-id"], "90c68cb5cd4fd5350b1962279c90bec0");
        assert!(answer.result.as_json().is_null(), "{:?}", answer.result);
        assert_eq!(answer.result_text().get(), "null");

        // The typed builder, through `call_with_json`: the same head.
        let typed = client
            .call_with_json(
                client
                    .api()
                    .stream_videos_initiate_video_uploads_using_tus()
                    .account_id(ACCOUNT_ID)
                    .tus_resumable("1.0.0")
                    .upload_length(1000u64)
                    .body(serde_json::Map::new()),
            )
            .await
            .unwrap();
        assert_eq!(typed.status(), cloudflare_client::reqwest::StatusCode::CREATED);
        assert_eq!(typed.location(), Some(location));
        assert_eq!(typed.headers()["stream-media-id"], "90c68cb5cd4fd5350b1962279c90bec0");
        initiated.assert_calls_async(2).await;

        // Any answer has its status and headers: the 200 of a list, with Cloudflare's cf-ray.
        server
            .mock_async(|when, then| {
                when.path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
                then.status(200)
                    .header("cf-ray", "8c0ffee0c0ffee00-LHR")
                    .json_body(success_json(serde_json::json!([])));
            })
            .await;
        let mut arguments = cloudflare_client::Arguments::new();
        arguments.parameter("account_id", ACCOUNT_ID);
        let answer = client.invoke("list_account_service_tokens", &arguments).await.unwrap();
        assert_eq!(answer.status(), cloudflare_client::reqwest::StatusCode::OK);
        assert_eq!(answer.headers()["cf-ray"], "8c0ffee0c0ffee00-LHR");
        assert_eq!(answer.location(), None);
    })
    .await
}

#[tokio::test]
async fn no_body_is_the_answer_where_the_spec_gives_the_result_no_type_and_an_error_where_it_does() {
    cloudflare_tests::deadline(async move {
        const RULESET_ID: &str = "2f2feab2026849078ba485f918791bdc";
        let server = MockServer::start_async().await;
        // Cloudflare answers a ruleset delete with a 204 and no body (upstream declares none).
        let ruleset = server
            .mock_async(|when, then| {
                when.method(DELETE).path(format!("/accounts/{ACCOUNT_ID}/rulesets/{RULESET_ID}"));
                then.status(204);
            })
            .await;
        let token = server
            .mock_async(|when, then| {
                when.method(DELETE).path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
                then.status(204);
            })
            .await;
        let client = client(&server, token_credentials());
        let api = client.api();
        let deleted = client.call(api.deleteaccountruleset().account_id(ACCOUNT_ID).ruleset_id(RULESET_ID)).await;
        assert_eq!(deleted.unwrap(), serde_json::Value::Null, "no body: the answer, as JSON null");
        ruleset.assert_async().await;

        // An answer upstream gives no schema (`Untyped`): Stream answers a video's delete with a
        // 200 and no body, and a Worker's delete with `"result": null`. Each is the answer.
        const VIDEO_ID: &str = "ea95132c15732412d22c1476fa83f27a";
        let video = server
            .mock_async(|when, then| {
                when.method(DELETE).path(format!("/accounts/{ACCOUNT_ID}/stream/{VIDEO_ID}"));
                then.status(200);
            })
            .await;
        let worker = server
            .mock_async(|when, then| {
                when.method(DELETE).path(format!("/accounts/{ACCOUNT_ID}/workers/scripts/my-worker"));
                then.status(200).json_body(success_json(serde_json::Value::Null));
            })
            .await;
        let deleted = client
            .call(
                api.stream_videos_delete_video()
                    .account_id(ACCOUNT_ID)
                    .identifier(VIDEO_ID)
                    .body(serde_json::Map::new()),
            )
            .await;
        assert_eq!(deleted.unwrap().0, serde_json::Value::Null, "no body: the answer");
        let deleted = client
            .call(
                api.worker_script_delete_worker()
                    .account_id(ACCOUNT_ID)
                    .script_name("my-worker")
                    .body(serde_json::Map::new()),
            )
            .await;
        assert_eq!(deleted.unwrap().0, serde_json::Value::Null, "`result: null`: the answer");
        video.assert_async().await;
        worker.assert_async().await;

        // A service token's delete answers with the token: no body is no answer.
        let error = client
            .call(api.delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
        assert!(error.to_string().contains("no `result`"), "{error}");
        token.assert_async().await;
    })
    .await
}

#[tokio::test]
async fn an_answer_upstream_describes_without_the_envelope_is_read_bare_or_wrapped() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let path = format!("/zones/{ZONE_ID}/url_normalization");
        // Upstream describes URL normalization settings as the settings themselves; the live
        // API may wrap them in the envelope all the same. Both are the answer.
        let answers = [
            r#"{"scope":"incoming","type":"cloudflare"}"#,
            r#"{"success":true,"errors":[],"messages":[],"result":{"scope":"both","type":"rfc3986"}}"#,
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#,
        ];
        let client = client(&server, token_credentials());
        let api = client.api();
        let mut scopes = Vec::new();
        let mut texts = Vec::new();
        for answer in answers {
            let mock = server
                .mock_async(|when, then| {
                    when.method(httpmock::Method::GET).path(&path);
                    then.status(200).header("content-type", "application/json").body(answer);
                })
                .await;
            let typed = client.call(api.url_normalization_get_url_normalization_settings().zone_id(ZONE_ID)).await;
            let mut arguments = cloudflare_client::Arguments::new();
            arguments.parameter("zone_id", ZONE_ID);
            let named = client.invoke("url_normalization_get_url_normalization_settings", &arguments).await;
            match (typed, named) {
                (Ok(settings), Ok(named)) => {
                    scopes.push(settings.scope);
                    texts.push(named.result_text().get().to_owned());
                }
                (Err(typed), Err(named)) => {
                    assert!(matches!(typed, Error::Api(_)) && typed.is_auth(), "{typed:?}");
                    assert!(matches!(named, Error::Api(_)), "{named:?}");
                    texts.push("failed".to_owned());
                }
                other => panic!("the typed and the named call disagree: {other:?}"),
            }
            mock.delete_async().await;
        }
        assert_eq!(scopes, [Some("incoming".to_owned()), Some("both".to_owned())]);
        assert_eq!(
            texts,
            [r#"{"scope":"incoming","type":"cloudflare"}"#, r#"{"scope":"both","type":"rfc3986"}"#, "failed"],
            "the result as sent: the whole body, or the envelope's result"
        );
    })
    .await
}
