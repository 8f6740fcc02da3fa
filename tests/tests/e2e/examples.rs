//! Answers built from Cloudflare's own examples (the reference schema checked in under
//! `spec/reference/`), which contradict their own schemas in places (`"false"` for a boolean):
//! every one decodes through `Client::invoke`, as sent, and the typed path keeps what fits and
//! names what does not.

use std::collections::BTreeMap;

use cloudflare_client::prelude::*;
use cloudflare_client::{Arguments, Operation, operations};
use cloudflare_tests::*;
use httpmock::MockServer;
use serde_json::{Map, Value, json};

const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/reference/cloudflare-openapi-cca3064f.json");

fn reference() -> Value {
    serde_json::from_slice(&std::fs::read(REFERENCE).expect("the reference schema")).expect("JSON")
}

/// `value` with its `$ref`s followed.
fn resolve<'a>(reference: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else { break };
        value = reference.pointer(&target[1..]).unwrap_or(&Value::Null);
    }
    value
}

/// An example of `schema` as Cloudflare's schema gives it, as an example generator (Prism's)
/// builds one: a schema's own `example` wherever it has one, whether it fits the schema or not;
/// else its first `enum` value, every property's example, the first variant of a union, the parts
/// of an `allOf` merged.
fn example(reference: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(reference, schema);
    if depth > 24 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match example(reference, part, depth + 1) {
                Value::Object(object) => merged.extend(object),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)?.as_array()?.first()) {
        return example(reference, first, depth + 1);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        return Value::Object(
            properties.iter().map(|(name, property)| (name.clone(), example(reference, property, depth + 1))).collect(),
        );
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => json!([example(reference, &schema["items"], depth + 1)]),
        Some("string") => json!("string"),
        Some("integer" | "number") => json!(0),
        Some("boolean") => json!(true),
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

/// Each operation's successful JSON answer in the reference schema, as its examples give it
/// (the media type's own `example` or first `examples`, else one built from the schema), by
/// method and path.
fn answer_examples(reference: &Value) -> BTreeMap<(String, String), Value> {
    let mut found = BTreeMap::new();
    for (path, item) in reference["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some((_, answer)) =
                operation["responses"].as_object().into_iter().flatten().find(|(status, _)| status.starts_with('2'))
            else {
                continue;
            };
            let Some(media) = resolve(reference, answer).pointer("/content/application~1json") else { continue };
            let own = media.get("example").cloned().or_else(|| {
                let examples = media.get("examples")?.as_object()?;
                Some(resolve(reference, examples.values().next()?).get("value")?.clone())
            });
            let Some(value) = own.or_else(|| media.get("schema").map(|schema| example(reference, schema, 0))) else {
                continue;
            };
            found.insert((method.to_uppercase(), path.clone()), value);
        }
    }
    found
}

/// The result a client should see of `answer`: for an operation whose answer upstream describes
/// without the envelope (`bare`), the answer itself unless it is an envelope; else the
/// envelope's `result` (`null` where it has none).
fn result_of(answer: &Value, bare: bool) -> &Value {
    if bare && !cloudflare_openapi::is_envelope(answer) { answer } else { answer.get("result").unwrap_or(&Value::Null) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_answer_example_of_the_reference_schema_decodes_through_invoke_as_sent() {
    cloudflare_tests::deadline(async move {
        let reference = reference();
        let examples = answer_examples(&reference);
        let checked: Vec<(&'static Operation, Value)> = operations()
            .filter(|operation| operation.answer_media_type == "application/json")
            .filter_map(|operation| {
                let example = examples.get(&(operation.method.to_owned(), operation.path.to_owned()))?;
                Some((operation, example.clone()))
            })
            .collect();
        let lanes = checked.chunks(checked.len().div_ceil(8)).map(|lane| async move {
            let server = MockServer::start_async().await;
            let client = client(&server, token_credentials());
            for (operation, answer) in lane {
                server.reset_async().await;
                server
                    .mock_async(|when, then| {
                        when.method(operation.method).path(operation.example_path());
                        then.status(200).header("content-type", "application/json").json_body(answer.clone());
                    })
                    .await;
                let arguments = Arguments::example(operation);
                let bare = cloudflare_openapi::prepare(client.api(), operation.id, &arguments).unwrap().bare_answer();
                let decoded = client
                    .invoke(operation.id, &arguments)
                    .await
                    .unwrap_or_else(|error| panic!("{}: Cloudflare's example answer: {error}\n{answer}", operation.id));
                let as_sent: Value = serde_json::from_str(decoded.result_text().get()).unwrap();
                assert_eq!(&as_sent, result_of(answer, bare), "{}: the result as sent", operation.id);
            }
        });
        futures_util::future::join_all(lanes).await;
        // Every operation with a JSON answer, but those the reference schema describes no 2xx
        // JSON answer of (a 204, or an answer the import describes otherwise).
        let json_answers = operations().filter(|operation| operation.answer_media_type == "application/json").count();
        assert!(checked.len() * 100 >= json_answers * 98, "{} of {json_answers} checked", checked.len());
        eprintln!("{} of {json_answers} JSON answers checked against Cloudflare's examples", checked.len());
    })
    .await
}

#[tokio::test]
async fn a_typed_answer_keeps_what_fits_and_names_what_does_not_and_what_it_lacks() {
    cloudflare_tests::deadline(async move {
        let reference = reference();
        let path = "/accounts/{account_id}/access/organizations";
        let mut answer = answer_examples(&reference)[&("GET".to_owned(), path.to_owned())].clone();
        // Cloudflare's own example sends a string for these two booleans.
        assert_eq!(answer["result"]["allow_authenticate_via_warp"], "false");
        assert_eq!(answer["result"]["is_ui_read_only"], "false");
        answer["result"]["added_in_2026"] = json!({ "enabled": true });
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path(format!("/accounts/{ACCOUNT_ID}/access/organizations"));
                then.status(200).json_body(answer.clone());
            })
            .await;
        let client = client(&server, token_credentials());
        let request = || client.api().zero_trust_organization_get_your_zero_trust_organization().account_id(ACCOUNT_ID);

        let organization = client.call(request()).await.expect("one odd field does not fail the call");
        assert_eq!(organization.name.as_deref(), answer["result"]["name"].as_str(), "the rest is read");
        assert!(organization.allow_authenticate_via_warp.is_none(), "left out: it did not fit");

        let typed = client.call_with_json(request()).await.unwrap();
        let unfit: Vec<&str> = typed.unfit().iter().map(|unfit| unfit.pointer.as_str()).collect();
        assert_eq!(unfit, ["/allow_authenticate_via_warp", "/is_ui_read_only"]);
        assert_eq!(typed.field("/allow_authenticate_via_warp"), Some(json!("false")), "kept as sent");
        assert_eq!(typed.unknown_fields(), ["/added_in_2026"], "the field the spec lacks");
        assert_eq!(typed.field("/added_in_2026/enabled"), Some(json!(true)));
        let sent: Value = serde_json::from_str(typed.json().get()).unwrap();
        assert_eq!(sent, answer["result"], "the result, byte for byte");
    })
    .await
}
