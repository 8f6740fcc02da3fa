//! Shared fixtures for the end-to-end tests: ids, credentials with recognisable secrets,
//! Cloudflare-shaped bodies, and clients pointed at an httpmock server.

use cloudflare_client::{Client, Credentials, types};
use httpmock::MockServer;
use serde_json::{Value, json};

pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

/// Every secret below contains this marker: no output may ever contain it.
pub const SECRET_MARKER: &str = "S3CRET";
pub const API_TOKEN: &str = "e2e_S3CRET_api_token_Yk2x";
pub const EMAIL: &str = "ops@example.com";
pub const API_KEY: &str = "e2eS3CRETglobalkey0123456789abcdef";

/// The two credential schemes, with names for assertion messages.
pub fn schemes() -> [(&'static str, Credentials); 2] {
    [
        ("api_token", Credentials::api_token(API_TOKEN).expect("valid token")),
        ("api_key", Credentials::api_key(EMAIL, API_KEY).expect("valid key")),
    ]
}

pub fn token_credentials() -> Credentials {
    Credentials::api_token(API_TOKEN).expect("valid token")
}

/// A client for `server` with short timeouts.
pub fn client(server: &MockServer, credentials: Credentials) -> Client {
    client_for(&server.base_url(), credentials)
}

pub fn client_for(base_url: &str, credentials: Credentials) -> Client {
    Client::builder()
        .credentials(credentials)
        .base_url(base_url)
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client builds")
}

/// The token Cloudflare returns from a delete, as the live API sends it (with fields the
/// spec does not describe, which must be ignored).
pub fn token_json(id: &str) -> Value {
    json!({
        "id": id,
        "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
        "name": "CI/CD token",
        "duration": "8760h",
        "created_at": "2014-01-01T05:20:00.12345Z",
        "updated_at": "2014-01-01T05:20:00.12345Z",
        "expires_at": "2015-01-01T05:20:00.12345Z",
        "last_seen_at": null,
        "client_secret_version": 1
    })
}

pub fn success_json(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// Cloudflare's failure envelope with one error.
pub fn failure_json(code: i64, message: &str) -> Value {
    json!({
        "success": false,
        "errors": [{
            "code": code,
            "message": message,
            "documentation_url": "https://developers.cloudflare.com/api/",
            "source": { "pointer": "/service_token_id" }
        }],
        "messages": [],
        "result": null
    })
}

/// The typed form of [`success_json`] around [`token_json`], for the generated mocks.
pub fn token_response(id: &str) -> types::ServiceTokenResponse {
    serde_json::from_value(success_json(token_json(id))).expect("fixture matches the spec")
}

/// A mock that answers anything: after a test, `calls() == 0` proves nothing was sent.
pub fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(599);
    })
}

/// Panics if `text` contains any secret.
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_MARKER), "a secret leaked: {text}");
}
