//! Cloudflare's API never redirects: a redirect is reported, not followed, and no credential
//! reaches the redirect's target (reqwest would forward X-Auth-Key across origins).

use cloudflare_client::{Error, Scope};
use cloudflare_tests::*;
use httpmock::MockServer;

#[tokio::test]
async fn redirect_to_another_origin_is_not_followed() {
    cloudflare_tests::deadline(async move {
        let api = MockServer::start_async().await;
        let elsewhere = MockServer::start_async().await;
        let trap = catch_all(&elsewhere);
        for status in [301, 302, 307, 308] {
            let redirect = api
                .mock_async(|_, then| {
                    then.status(status).header("location", elsewhere.url("/steal")).header("cf-ray", "abc-SJC");
                })
                .await;
            for (scheme, credentials) in schemes() {
                let client = client(&api, credentials);
                let error = client
                    .delete_service_token(&Scope::Account(ACCOUNT_ID.parse().unwrap()), &TOKEN_ID.parse().unwrap())
                    .await
                    .unwrap_err();
                let Error::UnexpectedResponse(inner) = &error else { panic!("{status} with {scheme}: {error:?}") };
                assert_eq!(inner.status().as_u16(), status);
                assert!(inner.reason().contains("redirect") && inner.reason().contains("/steal"), "{}", inner.reason());
                assert_no_secret(&format!("{error} {error:?}"));
            }
            redirect.assert_calls_async(2).await;
            redirect.delete_async().await;
        }
        assert_eq!(trap.calls_async().await, 0, "a redirect was followed");
    })
    .await
}
