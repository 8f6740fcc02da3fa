//! A created or rotated token's Client Secret: never in `Debug` or `Serialize`, reachable on purpose.

use cloudflare_client::Scope;
use cloudflare_client::prelude::*;
use cloudflare_tests::*;
use httpmock::MockServer;
use serde_json::json;

const CLIENT_SECRET: &str = "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5";

fn created() -> serde_json::Value {
    success_json(json!({
        "id": TOKEN_ID,
        "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
        "client_secret": CLIENT_SECRET,
        "name": "CI/CD token",
        "duration": "8760h"
    }))
}

#[tokio::test]
async fn create_and_rotate_hide_the_client_secret_until_asked() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let create = server
            .mock_async(|when, then| {
                when.method("POST")
                    .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"))
                    .json_body(json!({"name": "CI/CD token", "duration": "24h"}));
                then.status(201).json_body(created());
            })
            .await;
        let rotate = server
            .mock_async(|when, then| {
                when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}/rotate"));
                then.status(200).json_body(created());
            })
            .await;
        let client = client(&server, token_credentials());

        let token = client
            .create_service_token(&Scope::Account(ACCOUNT_ID.parse().unwrap()), "CI/CD token", Some("24h"))
            .await
            .unwrap();
        let shown = format!("{token:?} {token:#?}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
        let serialized = serde_json::to_string(&token).unwrap();
        assert!(!serialized.contains(CLIENT_SECRET), "serialized without asking: {serialized}");
        assert!(serialized.contains(r#""client_secret":"[REDACTED]""#), "{serialized}");
        let asked = cloudflare_client::Secret::exposing(|| serde_json::to_string(&token)).unwrap();
        assert!(asked.contains(CLIENT_SECRET), "serialized when asked: {asked}");
        assert_eq!(token.client_secret.as_ref().unwrap().expose_secret(), CLIENT_SECRET);

        let rotated = client
            .call(client.api().rotate_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID))
            .await
            .unwrap();
        assert!(!format!("{rotated:?}").contains(CLIENT_SECRET));
        assert_eq!(rotated.client_secret.unwrap().expose_secret(), CLIENT_SECRET);
        create.assert_async().await;
        rotate.assert_async().await;
    })
    .await
}

#[tokio::test]
async fn invoke_returns_the_secret_it_was_given_and_debug_hides_it() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}/rotate"));
                then.status(200).json_body(created());
            })
            .await;
        let client = client(&server, token_credentials());
        let mut arguments = cloudflare_client::Arguments::new();
        arguments.parameter("account_id", ACCOUNT_ID).parameter("service_token_id", TOKEN_ID);
        let answer = client.invoke("rotate_account_service_token", &arguments).await.unwrap();
        assert_eq!(answer.result.as_json()["client_secret"], CLIENT_SECRET, "the answer as Cloudflare sent it");
        let shown = format!("{answer:?}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    })
    .await
}

/// A secret a request sends (a secondary DNS TSIG secret): its value on the wire, `[REDACTED]`
/// in the body's `Debug`; the answer's copy of it is the redacting `Secret`.
#[tokio::test]
async fn a_secret_in_a_request_body_is_sent_as_its_value_and_never_debugged() {
    use cloudflare_client::SecretInput;
    use cloudflare_client::openapi::dns::types::SecondaryDnsTsigInput;
    const TSIG: &str = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab";
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(httpmock::Method::POST)
                    .path(format!("/accounts/{ACCOUNT_ID}/secondary_dns/tsigs"))
                    .json_body(json!({ "algo": "hmac-sha512.", "name": "tsig.customer.cf.", "secret": TSIG }));
                then.status(200).json_body(success_json(json!({ "algo": "hmac-sha512.",
                    "id": "69cd1e104af3e6ed3cb344f263fd0d5a", "name": "tsig.customer.cf.", "secret": TSIG })));
            })
            .await;
        let body = SecondaryDnsTsigInput {
            algo: "hmac-sha512.".into(),
            // The server assigns it: Cloudflare's own example create sends none.
            id: None,
            name: "tsig.customer.cf.".into(),
            secret: SecretInput::new(TSIG),
        };
        let debugged = format!("{body:?}");
        assert!(!debugged.contains("caf79a78") && debugged.contains("[REDACTED]"), "{debugged}");
        let client = client(&server, token_credentials());
        let created =
            client.call(client.api().secondary_dns_tsig_create_tsig().account_id(ACCOUNT_ID).body(body)).await.unwrap();
        mock.assert_async().await;
        assert_eq!(created.secret.expose_secret(), TSIG, "the answer's secret is there, on purpose");
        let shown = format!("{created:?}");
        assert!(!shown.contains("caf79a78"), "{shown}");
    })
    .await
}
