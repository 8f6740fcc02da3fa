//! Every operation in `spec/cloudflare.yaml`, called through the wrapper: each carries the
//! credentials (and only them), is retried once after a 503, and maps a 4XX envelope to a typed
//! error. The list of operations comes from the spec itself, so an operation added to the spec
//! (and generated) is covered without touching this file.

use cloudflare_client::Error;
use cloudflare_tests::*;
use httpmock::MockServer;
use serde_json::{Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// One operation as the spec describes it.
struct Operation {
    id: String,
    method: String,
    /// The path with every parameter replaced by its example.
    path: String,
    /// The success status and an answer of the operation's success shape.
    status: u16,
    body: Value,
}

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/cloudflare.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

/// Follows `$ref`s within the spec.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(spec, spec.pointer(pointer).unwrap_or_else(|| panic!("dangling {reference}")))
        }
        None => value,
    }
}

/// Whether a schema (through `$ref` and `allOf`) is an array.
fn is_array(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    schema.get("type").and_then(Value::as_str) == Some("array")
        || schema.get("allOf").and_then(Value::as_array).is_some_and(|all| all.iter().any(|part| is_array(spec, part)))
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let mut path = template.clone();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = resolve(spec, parameter);
                if parameter["in"] == "path" {
                    let example =
                        resolve(spec, &parameter["schema"])["example"].as_str().expect("path parameters have examples");
                    path = path.replace(&format!("{{{}}}", parameter["name"].as_str().unwrap()), example);
                }
            }
            let (status, response) = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .expect("every operation has a success answer");
            let schema = &resolve(spec, response)["content"]["application/json"]["schema"];
            let result = &resolve(spec, schema)["properties"]["result"];
            let result = if is_array(spec, result) { json!([]) } else { json!({}) };
            operations.push(Operation {
                id: operation["operationId"].as_str().unwrap().to_owned(),
                method: method.to_uppercase(),
                path,
                status: status.parse().unwrap(),
                body: success_json(result),
            });
        }
    }
    operations
}

#[test]
fn the_spec_lists_every_generated_operation() {
    let spec = spec();
    let ids: Vec<String> = operations(&spec).into_iter().map(|operation| operation.id).collect();
    let generated: Vec<&str> = cloudflare_client::openapi::OPERATIONS.iter().map(|operation| operation.id).collect();
    assert_eq!(ids, generated, "run `cargo xtask codegen`");
    assert!(ids.len() >= 12, "{ids:?}");
}

#[tokio::test]
async fn every_operation_carries_credentials_retries_and_typed_errors() {
    let spec = spec();
    let operations = operations(&spec);
    for operation in &operations {
        for (scheme, credentials) in schemes() {
            let server = MockServer::start_async().await;
            let expect = |when: httpmock::When| {
                let when =
                    when.method(operation.method.as_str()).path(operation.path.as_str()).header_missing("api-version");
                if scheme == "api_token" {
                    when.header("authorization", format!("Bearer {API_TOKEN}"))
                        .header_missing("x-auth-key")
                        .header_missing("x-auth-email")
                } else {
                    when.header("x-auth-email", EMAIL).header("x-auth-key", API_KEY).header_missing("authorization")
                }
            };
            let unavailable = server
                .mock_async(|when, then| {
                    expect(when);
                    then.status(503).body("<html>busy</html>").up_to_n_times(1);
                })
                .await;
            let ok = server
                .mock_async(|when, then| {
                    expect(when);
                    then.status(operation.status).json_body(operation.body.clone());
                })
                .await;
            let client = client(&server, credentials.clone());
            let invocation = invokers::invoke(&client, &operation.id)
                .unwrap_or_else(|| panic!("{} has no invoker: run `cargo xtask codegen`", operation.id));
            invocation.await.unwrap_or_else(|error| panic!("{} with {scheme}: {error}", operation.id));
            assert_eq!(unavailable.calls_async().await, 1, "{} with {scheme}: the 503 was not seen", operation.id);
            assert_eq!(ok.calls_async().await, 1, "{} with {scheme}: not retried after a 503", operation.id);

            ok.delete_async().await;
            server
                .mock_async(|when, then| {
                    expect(when);
                    then.status(403)
                        .header("cf-ray", "every-SJC")
                        .json_body(failure_json(10000, "Authentication error"));
                })
                .await;
            let error = invokers::invoke(&client, &operation.id).unwrap().await.unwrap_err();
            assert!(matches!(error, Error::Api(_)) && error.is_auth(), "{} with {scheme}: {error:?}", operation.id);
            assert_eq!(error.api_errors()[0].code, 10000);
            assert_eq!(error.cf_ray(), Some("every-SJC"));
            assert_eq!(error.attempts(), 1, "{}: a 403 is not retried", operation.id);
        }
    }
}
