//! Malformed ids are refused with a typed error before anything reaches the network, both
//! through the wrapper's ids and through the generated client directly.

use cloudflare_client::prelude::*;
use cloudflare_client::{AccountId, ServiceTokenId, ZoneId};
use cloudflare_tests::*;
use httpmock::MockServer;

/// Ids that would change the request path, or that Cloudflare cannot have issued.
const MALFORMED: &[&str] = &[
    "..",
    ".",
    "a/b",
    "a\\b",
    "",
    "023E105F4ECEF8AD9CA31A8372D0C353",
    "023e105f4ecef8ad9ca31a8372d0c35",
    "023e105f4ecef8ad9ca31a8372d0c3533",
    "../../../user/tokens/x",
    "%2e%2e",
    "023e105f4ecef8ad9ca31a8372d0c35?",
    "023e105f4ecef8ad9ca31a8372d0c35#",
];

#[test]
fn wrapper_ids_refuse_malformed_values() {
    for bad in MALFORMED {
        for error in [
            bad.parse::<AccountId>().unwrap_err(),
            bad.parse::<ZoneId>().unwrap_err(),
            bad.parse::<ServiceTokenId>().unwrap_err(),
        ] {
            assert!(error.is_invalid_input(), "{bad:?}: {error:?}");
        }
    }
    assert!("F174E90A-FAFE-4643-BBBC-4A0ED4FC8415".parse::<ServiceTokenId>().is_err());
}

#[tokio::test]
async fn generated_client_refuses_path_changing_ids_without_sending() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let anything = catch_all(&server);
        let client = client(&server, token_credentials());
        for bad in MALFORMED {
            let account = client
                .call(client.api().delete_account_service_token().account_id(*bad).service_token_id(TOKEN_ID))
                .await
                .unwrap_err();
            let zone = client
                .call(client.api().delete_zone_service_token().zone_id(*bad).service_token_id(TOKEN_ID))
                .await
                .unwrap_err();
            for error in [account, zone] {
                assert!(error.is_invalid_input(), "{bad:?}: {error:?}");
            }
            // The generated client types service-token ids as `uuid::Uuid`: what it accepts
            // (such as 32 hex digits without hyphens) is sent in canonical form, and anything
            // else is refused.
            if bad.parse::<uuid::Uuid>().is_err() {
                let token = client
                    .call(client.api().delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(*bad))
                    .await
                    .unwrap_err();
                assert!(token.is_invalid_input(), "{bad:?}: {token:?}");
            }
        }
        assert_eq!(anything.calls_async().await, 0, "a malformed id reached the network");
    })
    .await
}

#[tokio::test]
async fn a_token_duration_cloudflare_does_not_take_is_refused_before_sending() {
    cloudflare_tests::deadline(async move {
        let server = httpmock::MockServer::start_async().await;
        let anything = catch_all(&server);
        let client = client(&server, token_credentials());
        let scope = cloudflare_client::Scope::Account(ACCOUNT_ID.parse().unwrap());
        for bad in ["1y", "90d", "", "8760"] {
            let error = client.create_service_token(&scope, "ci", Some(bad)).await.unwrap_err();
            assert!(error.is_invalid_input(), "{bad}: {error}");
            assert!(error.to_string().contains("Go duration"), "{error}");
        }
        assert_eq!(anything.calls_async().await, 0);
    })
    .await
}
