//! The wrapper's credentials and error mapping reach every generated operation through
//! `Client::api()` and `Client::call`, with no per-operation code.

use cloudflare_client::Error;
use cloudflare_tests::*;
use httpmock::{Method::DELETE, MockServer};

#[tokio::test]
async fn generated_operations_carry_credentials_even_without_call() {
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
    let response =
        client.api().delete_zone_service_token().zone_id(ZONE_ID).service_token_id(TOKEN_ID).send().await.unwrap();
    assert_eq!(response.into_inner().result.unwrap().id.as_deref(), Some(TOKEN_ID));
    mock.assert_async().await;
}

#[tokio::test]
async fn call_unwraps_any_operation_and_maps_its_errors() {
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

    let token = client.call(api.delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID)).await;
    assert_eq!(token.unwrap().name.as_deref(), Some("CI/CD token"));

    let error =
        client.call(api.delete_zone_service_token().zone_id(ZONE_ID).service_token_id(TOKEN_ID)).await.unwrap_err();
    assert!(matches!(error, Error::Api(_)) && error.is_auth(), "{error:?}");
    assert_eq!(error.cf_ray(), Some("77-AMS"));
    ok.assert_async().await;
    denied.assert_async().await;
}

#[tokio::test]
async fn clones_share_configuration_and_work_concurrently() {
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
}
