//! Shapes the spec must have, shared by `import` (which produces them) and `codegen` (which
//! refuses a spec without them): the house components, which fields hold secrets, and what a
//! path parameter must refuse.

use std::collections::BTreeSet;

use serde_json::Value;

/// 32 lowercase hex: account, zone and other Cloudflare identifiers.
pub const IDENTIFIER: &str = "Identifier";
/// `format: uuid`.
pub const UUID: &str = "Uuid";
/// Any other path segment: no `/` or `\`, and not `.` or `..`.
pub const PATH_SEGMENT: &str = "PathSegment";
/// A secret in an answer: `x-sensitive`, generated as `crate::Secret`.
pub const SECRET: &str = "Secret";
/// A secret a request sends: `x-sensitive-input`, generated as `crate::SecretInput`.
pub const SECRET_INPUT: &str = "SecretInput";
/// Free-form JSON for a union codegen cannot type: `x-escape`, generated as `crate::Untyped`.
pub const UNTYPED: &str = "Untyped";
/// The envelope's `errors` and `messages`.
pub const API_MESSAGES: &str = "ApiMessages";
/// The envelope's `result_info`.
pub const RESULT_INFO: &str = "ResultInfo";
/// The failure answer every operation shares (`#/components/responses/Failure`).
pub const FAILURE: &str = "Failure";
/// The schema of that failure answer: Cloudflare's envelope with `success: false`.
pub const FAILURE_SCHEMA: &str = "ApiFailure";

/// Components every imported operation may refer to; the hand-written part of the spec
/// defines them.
pub const HOUSE_SCHEMAS: [&str; 8] =
    [IDENTIFIER, UUID, PATH_SEGMENT, SECRET, SECRET_INPUT, UNTYPED, API_MESSAGES, RESULT_INFO];

/// Property names that hold a secret whatever their schema says.
pub const SECRET_NAMES: [&str; 6] = ["client_secret", "secret", "password", "private_key", "token", "api_key"];

/// Whether a property's schema (resolved) is text, which a secret is: a string, or no type and
/// no structure (DLP's boolean `secret` flag, "generate a secret dataset", is none).
pub fn is_text(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind == "string",
        None => !["properties", "items", "oneOf", "anyOf", "enum"].iter().any(|key| schema.get(*key).is_some()),
    }
}

/// Whether the property `name` with schema `schema` (unresolved) holds a secret: by name,
/// or because its schema says so (`x-sensitive`, or `format: password`).
pub fn is_secret(name: &str, schema: &Value) -> bool {
    SECRET_NAMES.contains(&name)
        || schema.get("x-sensitive").and_then(Value::as_bool) == Some(true)
        || schema.get("format").and_then(Value::as_str) == Some("password")
}

/// Fields the server assigns, by name: a schema that upstream shares between a request and its
/// answer requires them (a TSIG's `id`, a DNS record's `created_on`), and a request that lacks
/// them is what Cloudflare documents.
pub const SERVER_ASSIGNED: [&str; 9] = [
    "id",
    "created_on",
    "modified_on",
    "created_at",
    "updated_at",
    "modified_at",
    "updated_on",
    "last_updated",
    "last_modified",
];

/// Whether the required property `name` (its schema `schema`, flattened) is assigned by the
/// server: `readOnly` (OpenAPI 3.0: "if the property is marked as readOnly being true and is in
/// the required list, the required will take effect on the response only") or one of
/// [`SERVER_ASSIGNED`].
pub fn is_server_assigned(name: &str, schema: &Value) -> bool {
    SERVER_ASSIGNED.contains(&name) || schema.get("readOnly").and_then(Value::as_bool) == Some(true)
}

/// Values a path parameter must refuse: each would change which URL a request goes to. (`%`
/// is percent-encoded by the generated client, so `%2e%2e` arrives as a literal name.)
pub const HOSTILE_SEGMENTS: [&str; 7] = ["", ".", "..", "a/b", "../x", "a\\b", "..\\x"];

/// `#/components/schemas/{name}`.
pub fn schema_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The component name a `#/components/schemas/…` reference points to.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// Follows `$ref`s within the document `raw` (to `null` when one dangles).
pub fn resolve<'a>(raw: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            raw.pointer(reference.trim_start_matches('#')).map_or(&Value::Null, |found| resolve(raw, found))
        }
        None => value,
    }
}

/// Every component (`(kind, name)`, such as `("schemas", "ApiMessages")`) that `roots` reach
/// through `$ref`s within the document `raw`, transitively.
pub fn reach<'a>(raw: &'a Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<(String, String)> {
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&Value> = roots.into_iter().collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str)
                    && let Some(rest) = reference.strip_prefix("#/components/")
                    && let Some((kind, name)) = rest.split_once('/')
                    && reached.insert((kind.to_owned(), name.to_owned()))
                    && let Some(target) = raw["components"].get(kind).and_then(|kind| kind.get(name))
                {
                    pending.push(target);
                }
                pending.extend(object.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    reached
}

/// The names of the component schemas `roots` reach (see [`reach`]).
pub fn reach_schemas<'a>(raw: &'a Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    reach(raw, roots).into_iter().filter(|(kind, _)| kind == "schemas").map(|(_, name)| name).collect()
}
