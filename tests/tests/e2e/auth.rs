//! Both scopes × both credential schemes: exactly one scheme's headers, on the exact path.

use cloudflare_client::{Scope, ServiceTokenId, USER_AGENT};
use cloudflare_mock::access::MockServerExt;
use cloudflare_tests::*;
use httpmock::{Method::DELETE, MockServer};

fn scopes() -> [(Scope, String); 2] {
    [
        (
            Scope::Account(ACCOUNT_ID.parse().unwrap()),
            format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"),
        ),
        (Scope::Zone(ZONE_ID.parse().unwrap()), format!("/zones/{ZONE_ID}/access/service_tokens/{TOKEN_ID}")),
    ]
}

#[tokio::test]
async fn each_scope_and_scheme_sends_exactly_its_headers_to_the_exact_path() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let token_id: ServiceTokenId = TOKEN_ID.parse().unwrap();
        for (scope, path) in scopes() {
            for (scheme, credentials) in schemes() {
                let mock = server
                    .mock_async(|when, then| {
                        let when = when
                            .method(DELETE)
                            .path(path.as_str())
                            .header("accept", "application/json")
                            .header("user-agent", USER_AGENT)
                            .header_missing("api-version")
                            .header_missing("x-auth-user-service-key");
                        if scheme == "api_token" {
                            when.header("authorization", format!("Bearer {API_TOKEN}"))
                                .header_missing("x-auth-email")
                                .header_missing("x-auth-key");
                        } else {
                            when.header("x-auth-email", EMAIL)
                                .header("x-auth-key", API_KEY)
                                .header_missing("authorization");
                        }
                        then.status(200)
                            .header("content-type", "application/json")
                            .json_body(success_json(token_json(TOKEN_ID)));
                    })
                    .await;
                let others = catch_all(&server);

                let token = client(&server, credentials).delete_service_token(&scope, &token_id).await;

                let token = token.unwrap_or_else(|error| panic!("{scope} with {scheme}: {error}"));
                assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
                assert_eq!(token.name.as_deref(), Some("CI/CD token"));
                assert_eq!(token.client_id.as_deref(), Some("88bf3b6d86161464f6509f7219099e57.access.example.com"));
                assert_eq!(token.expires_at.unwrap().time().unwrap().to_rfc3339(), "2015-01-01T05:20:00.123450+00:00");
                assert!(token.last_seen_at.is_none());
                mock.assert_calls_async(1).await;
                assert_eq!(
                    others.calls_async().await,
                    0,
                    "{scope} with {scheme}: a request missed the exact expectations"
                );
                mock.delete_async().await;
                others.delete_async().await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(DELETE).path(format!("/client/v4/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
                then.status(200).json_body(success_json(token_json(TOKEN_ID)));
            })
            .await;
        let client = client_for(&server.url("/client/v4/"), token_credentials());
        let scope = Scope::Account(ACCOUNT_ID.parse().unwrap());
        client.delete_service_token(&scope, &TOKEN_ID.parse().unwrap()).await.unwrap();
        mock.assert_async().await;
    })
    .await
}

#[tokio::test]
async fn generated_typed_mocks_serve_the_client() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let account = ACCOUNT_ID.parse().unwrap();
        let zone = ZONE_ID.parse().unwrap();
        let uuid = TOKEN_ID.parse().unwrap();
        let account_mock = server.delete_account_service_token(|when, then| {
            when.account_id(&account).service_token_id(&uuid);
            then.ok(&token_response(TOKEN_ID));
        });
        let zone_mock = server.delete_zone_service_token(|when, then| {
            when.zone_id(&zone).service_token_id(&uuid);
            then.client_error(404, &serde_json::from_value(failure_json(1001, "Service token not found")).unwrap());
        });
        let client = client(&server, token_credentials());
        let id = TOKEN_ID.parse().unwrap();

        let deleted = client.delete_service_token(&Scope::Account(ACCOUNT_ID.parse().unwrap()), &id).await.unwrap();
        assert_eq!(deleted.id.as_deref(), Some(TOKEN_ID));
        let missing = client.delete_service_token(&Scope::Zone(ZONE_ID.parse().unwrap()), &id).await.unwrap_err();
        assert!(missing.is_not_found(), "{missing}");
        assert_eq!(missing.api_errors()[0].code, 1001);
        account_mock.assert_calls(1);
        zone_mock.assert_calls(1);
    })
    .await
}
