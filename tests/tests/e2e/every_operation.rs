//! Every operation in the spec, called by name through the wrapper (`Client::invoke`, built on
//! the generated operations table): each carries the credentials (and only them), is retried
//! once after a 503, maps a 4XX envelope to a typed error, and refuses `..` as any path
//! parameter with nothing sent. The operations come from the generated table, so an operation
//! added to the spec (and generated) is covered without touching this file.

use cloudflare_client::{Arguments, Error, FAMILIES, Location, Operation, operations};
use cloudflare_tests::*;
use httpmock::MockServer;

#[test]
fn the_table_holds_the_whole_access_family() {
    let mut ids: Vec<&str> = operations().map(|operation| operation.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), operations().count(), "operationIds are unique");
    assert_eq!(
        FAMILIES.iter().map(|family| family.name).collect::<Vec<_>>(),
        cloudflare_client::ALL_FAMILIES,
        "the tests run with every family enabled"
    );
    for family in FAMILIES {
        assert!(!family.operations.is_empty(), "{}", family.name);
        assert!(family.operations.iter().all(|operation| operation.family == family.name), "{}", family.name);
    }
    let access = operations()
        .filter(|operation| {
            operation.path.starts_with("/accounts/{account_id}/access/")
                || operation.path.starts_with("/zones/{zone_id}/access/")
        })
        .count();
    assert_eq!(access, 116, "every Zero Trust Access operation of the reference schema");
    for operation in operations() {
        for parameter in operation.parameters.iter().filter(|parameter| parameter.location == Location::Path) {
            assert!(parameter.required, "{}: path parameter {} is required", operation.id, parameter.name);
            assert!(operation.path.contains(&format!("{{{}}}", parameter.name)), "{}", operation.id);
        }
    }
}

/// The mock's expectations for one operation and credential scheme: the method, the path, the
/// example's header parameters, its body with its media type, and the credentials.
fn expect(operation: &Operation, scheme: &str, when: httpmock::When) -> httpmock::When {
    let mut when = when.method(operation.method).path(operation.example_path()).header_missing("api-version");
    for parameter in operation.parameters.iter().filter(|parameter| parameter.required) {
        if parameter.location == Location::Header {
            when = when.header(parameter.name, parameter.example);
        }
    }
    match operation.body {
        Some(body) if body.is_raw() => {
            when = when.header("content-type", body.media_type).body(body.example);
        }
        Some(body @ cloudflare_client::Body { form: Some(_), .. }) => {
            when = when.header_prefix("content-type", "multipart/form-data; boundary=");
            let parts: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body.example).unwrap();
            for name in parts.keys() {
                when = when.body_includes(format!("name=\"{name}\""));
            }
        }
        Some(_) => when = when.header("content-type", "application/json"),
        None => {}
    }
    if scheme == "api_token" {
        when.header("authorization", format!("Bearer {API_TOKEN}"))
            .header_missing("x-auth-key")
            .header_missing("x-auth-email")
    } else {
        when.header("x-auth-email", EMAIL).header("x-auth-key", API_KEY).header_missing("authorization")
    }
}

/// Lanes of operations checked at once. Each lane has a mock server and a client per credential
/// scheme for all its operations: building a client loads the platform's root certificates
/// (rustls-platform-verifier), which in a debug build is most of the cost of a check, so a client
/// per operation took over 120 s for the whole API (1,363 operations) here.
const LANES: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_carries_credentials_retries_and_typed_errors() {
    cloudflare_tests::deadline(async move {
        let all: Vec<&'static Operation> = operations().collect();
        let lanes = all.chunks(all.len().div_ceil(LANES)).map(|lane| async move {
            for (scheme, credentials) in schemes() {
                let server = MockServer::start_async().await;
                let client = client(&server, credentials);
                for operation in lane {
                    server.reset_async().await;
                    check_operation(&server, &client, scheme, operation).await;
                }
            }
        });
        futures_util::future::join_all(lanes).await;
    })
    .await
}

/// One operation with one credential scheme: the credentials (and only them) on the wire, one
/// retry after a 503, the result as sent, and a 403 envelope as a typed error tried once.
async fn check_operation(server: &MockServer, client: &cloudflare_client::Client, scheme: &str, operation: &Operation) {
    let arguments = Arguments::example(operation);
    let unavailable = server
        .mock_async(|when, then| {
            expect(operation, scheme, when);
            then.status(503).body("<html>busy</html>").up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            expect(operation, scheme, when);
            then.status(operation.success_status)
                .header("content-type", operation.answer_media_type)
                .body(operation.example_answer);
        })
        .await;
    let answer = client
        .invoke(operation.id, &arguments)
        .await
        .unwrap_or_else(|error| panic!("{} with {scheme}: {error}", operation.id));
    assert_eq!(unavailable.calls_async().await, 1, "{} with {scheme}: the 503 was not seen", operation.id);
    assert_eq!(ok.calls_async().await, 1, "{} with {scheme}: not retried after a 503", operation.id);
    if operation.answer_media_type != "application/json" {
        // An answer that is not JSON: its bytes and content type, as sent.
        let download = answer.download().unwrap_or_else(|| panic!("{}: no download", operation.id));
        assert_eq!(download.bytes().as_ref(), operation.example_answer.as_bytes(), "{}", operation.id);
        assert_eq!(download.content_type(), Some(operation.answer_media_type), "{}", operation.id);
        assert!(answer.result.as_json().is_null(), "{}", operation.id);
        return check_failure(server, client, scheme, operation, &arguments, ok).await;
    }
    assert!(answer.download().is_none(), "{}: a JSON answer is no download", operation.id);
    // The result as the server sent it (null where the schema's result is always
    // null: a DLP integration delete; and for no body at all: a ruleset delete's 204).
    // An answer upstream describes without the envelope is the result itself (IAM resource
    // groups, a Zaraz export).
    let sent: serde_json::Value = match operation.example_answer {
        "" => serde_json::Value::Null,
        answer => serde_json::from_str(answer).unwrap(),
    };
    let result = if cloudflare_openapi::is_envelope(&sent) { &sent["result"] } else { &sent };
    assert_eq!(answer.result.as_json(), result, "{}: the answer's result", operation.id);
    let text: serde_json::Value = serde_json::from_str(answer.result_text().get()).unwrap();
    assert_eq!(&text, result, "{}: the answer's result as sent", operation.id);
    check_failure(server, client, scheme, operation, &arguments, ok).await;
}

/// A 403 envelope to `operation` is a typed error with its code and cf-ray, tried once.
async fn check_failure(
    server: &MockServer,
    client: &cloudflare_client::Client,
    scheme: &str,
    operation: &Operation,
    arguments: &Arguments,
    ok: httpmock::Mock<'_>,
) {
    ok.delete_async().await;
    server
        .mock_async(|when, then| {
            expect(operation, scheme, when);
            then.status(403).header("cf-ray", "every-SJC").json_body(failure_json(10000, "Authentication error"));
        })
        .await;
    let error = client.invoke(operation.id, arguments).await.unwrap_err();
    assert!(matches!(error, Error::Api(_)) && error.is_auth(), "{} with {scheme}: {error:?}", operation.id);
    assert_eq!(error.api_errors()[0].code, 10000);
    assert_eq!(error.cf_ray(), Some("every-SJC"));
    assert_eq!(error.attempts(), 1, "{}: a 403 is not retried", operation.id);
}

#[tokio::test]
async fn every_path_parameter_refuses_dot_dot_with_nothing_sent() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let anything = catch_all(&server);
        let client = client(&server, token_credentials());
        let mut checked = 0;
        for operation in operations() {
            for parameter in operation.parameters.iter().filter(|parameter| parameter.location == Location::Path) {
                for hostile in ["..", ".", "a/b", "a\\b", ""] {
                    let mut arguments = Arguments::example(operation);
                    arguments.parameter(parameter.name, hostile);
                    let error = client.invoke(operation.id, &arguments).await.unwrap_err();
                    assert!(error.is_invalid_input(), "{} {}={hostile:?}: {error}", operation.id, parameter.name);
                    checked += 1;
                }
            }
        }
        assert_eq!(anything.calls_async().await, 0, "nothing was sent");
        assert!(checked > 5 * 116, "{checked}");
    })
    .await
}

#[tokio::test]
async fn arguments_that_do_not_fit_are_refused_before_sending() {
    cloudflare_tests::deadline(async move {
        let server = MockServer::start_async().await;
        let anything = catch_all(&server);
        let client = client(&server, token_credentials());
        let list = "list_account_service_tokens";
        let mut unknown = Arguments::new();
        unknown.parameter("account_id", ACCOUNT_ID).parameter("acount", "x");
        let mut missing = Arguments::new();
        missing.parameter("per_page", "5");
        let mut bad_number = Arguments::new();
        bad_number.parameter("account_id", ACCOUNT_ID).parameter("per_page", "many");
        let mut body_where_none = Arguments::new();
        body_where_none.parameter("account_id", ACCOUNT_ID).body(serde_json::json!({}));
        let mut no_body = Arguments::new();
        no_body.parameter("account_id", ACCOUNT_ID);
        let mut wrong_body = no_body.clone();
        wrong_body.body(serde_json::json!({ "name": 5 }));
        for (operation, arguments, expected) in [
            ("no_such_operation", Arguments::new(), "no operation is called"),
            (list, unknown, "has no parameter \"acount\""),
            (list, missing, "needs parameter \"account_id\""),
            (list, bad_number, "parameter \"per_page\""),
            (list, body_where_none, "takes no body"),
            ("create_account_service_token", no_body, "needs a body"),
            ("create_account_service_token", wrong_body, "the body does not fit"),
        ] {
            let error = client.invoke(operation, &arguments).await.unwrap_err();
            assert!(error.is_invalid_input(), "{operation}: {error}");
            assert!(error.to_string().contains(expected), "{operation}: {error}");
        }
        assert_eq!(anything.calls_async().await, 0, "nothing was sent");
    })
    .await
}
