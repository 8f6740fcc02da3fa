//! Safety properties codegen enforces on the spec, so they do not depend on a convention:
//! - every path parameter has a validated shape: `format: uuid`, or a `pattern` that refuses
//!   every value in [`HOSTILE_SEGMENTS`] (tested here with the regex engine the generated
//!   code uses), or a `oneOf`/`anyOf` of such shapes;
//! - every text property that holds a secret ([`is_secret`]) is a `$ref` to an `x-sensitive`
//!   schema, generated as the redacting `Secret`, or to an `x-sensitive-input` one, generated
//!   as `SecretInput` (sent as its value, never shown by `Debug`);
//! - no request body reaches a `Secret` (its `Serialize` writes `[REDACTED]`, so the secret
//!   would not be sent), and no answer reaches a `SecretInput` (its `Serialize` writes the
//!   value: a secret in an answer must be one that `Serialize` redacts).

use serde_json::Value;

use crate::rules::{HOSTILE_SEGMENTS, is_secret, is_text, reach_schemas, ref_name, resolve};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every problem found in the spec `raw`, one line each; empty when it is safe to generate.
pub fn problems(raw: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, item) in raw["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let id = operation["operationId"].as_str().unwrap_or(path);
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = resolve(raw, parameter);
                if parameter["in"] != "path" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap_or_default();
                if let Err(why) = validated(raw, &parameter["schema"], 0) {
                    problems.push(format!(
                        "{id}: path parameter `{name}` has no validated shape ({why}); give it `format: uuid` \
                         or a `pattern` that refuses {HOSTILE_SEGMENTS:?} (see the `Identifier` and \
                         `PathSegment` schemas)"
                    ));
                }
            }
            let mut walk = Walk { raw, problems: &mut problems };
            walk.schemas(&operation["parameters"], &format!("{id}.parameters"));
            walk.schemas(&operation["requestBody"], &format!("{id}.requestBody"));
            walk.schemas(&operation["responses"], &format!("{id}.responses"));
            if let Some(body) = operation.get("requestBody") {
                for name in reach_schemas(raw, [resolve(raw, body)]) {
                    if is_sensitive(&raw["components"]["schemas"][&name]) {
                        problems.push(format!(
                            "{id}: the request body reaches `{name}`, a secret that serializes as [REDACTED] and \
                             would not be sent; give the request its own schema"
                        ));
                    }
                }
            }
            let answers = operation["responses"].as_object().into_iter().flatten().map(|(_, answer)| answer);
            for name in reach_schemas(raw, answers.map(|answer| resolve(raw, answer))) {
                if is_sensitive_input(&raw["components"]["schemas"][&name]) {
                    problems.push(format!(
                        "{id}: an answer reaches `{name}`, a secret to send, whose `Serialize` writes its value; \
                         a secret in an answer is `Secret`"
                    ));
                }
            }
        }
    }
    for (name, schema) in raw.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        Walk { raw, problems: &mut problems }.schemas(schema, &format!("components.schemas.{name}"));
    }
    problems
}

/// Whether a path parameter's schema refuses every hostile segment.
fn validated(raw: &Value, schema: &Value, depth: usize) -> Result<(), String> {
    let schema = resolve(raw, schema);
    if depth > 8 {
        return Err("its schema nests too deeply".into());
    }
    if let Some(variants) = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)?.as_array()) {
        return variants.iter().try_for_each(|variant| validated(raw, variant, depth + 1));
    }
    if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return validated(raw, only, depth + 1);
    }
    if schema.get("format").and_then(Value::as_str) == Some("uuid") {
        return Ok(());
    }
    let pattern = schema.get("pattern").and_then(Value::as_str).ok_or("no `format: uuid` and no `pattern`")?;
    let regex = regress::Regex::new(pattern).map_err(|error| format!("its pattern does not compile: {error}"))?;
    // The generated code searches (it does not anchor): a valid value inside a longer path
    // must be refused too.
    let example = schema.get("example").and_then(Value::as_str).unwrap_or("x");
    let around = [format!("../{example}"), format!("{example}/.."), format!("{example}\\x")];
    let candidates = HOSTILE_SEGMENTS.iter().copied().chain(around.iter().map(String::as_str));
    match candidates.into_iter().find(|hostile| regex.find(hostile).is_some()) {
        Some(hostile) => Err(format!("its pattern accepts {hostile:?}")),
        None => Ok(()),
    }
}

/// Looks at every schema below a value for secret fields that are not `Secret`.
struct Walk<'a> {
    raw: &'a Value,
    problems: &'a mut Vec<String>,
}

impl Walk<'_> {
    fn schemas(&mut self, value: &Value, place: &str) {
        let Some(object) = value.as_object() else {
            if let Some(items) = value.as_array() {
                for (i, item) in items.iter().enumerate() {
                    self.schemas(item, &format!("{place}[{i}]"));
                }
            }
            return;
        };
        if object.contains_key("x-escape") || is_sensitive(value) || is_sensitive_input(value) {
            return;
        }
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let place = format!("{place}.properties.{name}");
                if is_secret(name, property) && is_text(resolve(self.raw, property)) && !self.is_secret_type(property) {
                    self.problems.push(format!(
                        "{place}: `{name}` holds a secret but is not the redacting `Secret`; make it \
                         `$ref: '#/components/schemas/Secret'` (or mark its schema `x-sensitive: true`), or \
                         `SecretInput` in a request body"
                    ));
                }
                self.schemas(property, &place);
            }
        }
        for (key, inner) in object {
            if key != "properties" && key != "example" && (inner.is_object() || inner.is_array()) {
                self.schemas(inner, &format!("{place}.{key}"));
            }
        }
    }

    /// A `$ref` (possibly inside a one-part `allOf`) to an `x-sensitive` or `x-sensitive-input`
    /// schema.
    fn is_secret_type(&self, property: &Value) -> bool {
        let target = match property.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            Some([only]) => only,
            _ => property,
        };
        ref_name(target).is_some_and(|name| {
            let schema = &self.raw["components"]["schemas"][name];
            is_sensitive(schema) || is_sensitive_input(schema)
        })
    }
}

fn is_sensitive(schema: &Value) -> bool {
    schema.get("x-sensitive").and_then(Value::as_bool) == Some(true)
}

fn is_sensitive_input(schema: &Value) -> bool {
    schema.get("x-sensitive-input").and_then(Value::as_bool) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(parameter: Value, schemas: Value, body: Option<Value>) -> Value {
        let mut operation = json!({
            "operationId": "op",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": parameter }],
            "responses": {}
        });
        if let Some(body) = body {
            operation["requestBody"] = json!({ "content": { "application/json": { "schema": body } } });
        }
        json!({ "paths": { "/things/{id}": { "post": operation } }, "components": { "schemas": schemas } })
    }

    fn house() -> Value {
        json!({
            "Identifier": { "type": "string", "pattern": "^[0-9a-f]{32}$", "example": "023e105f4ecef8ad9ca31a8372d0c353" },
            "Uuid": { "type": "string", "format": "uuid" },
            "Secret": { "type": "string", "x-sensitive": true },
            "SecretInput": { "type": "string", "x-sensitive-input": true }
        })
    }

    #[test]
    fn validated_shapes_pass() {
        for schema in [
            json!({ "$ref": "#/components/schemas/Identifier" }),
            json!({ "$ref": "#/components/schemas/Uuid" }),
            json!({ "oneOf": [{ "$ref": "#/components/schemas/Identifier" }, { "$ref": "#/components/schemas/Uuid" }] }),
            json!({ "allOf": [{ "$ref": "#/components/schemas/Identifier" }] }),
        ] {
            assert_eq!(problems(&spec(schema.clone(), house(), None)), Vec::<String>::new(), "{schema}");
        }
    }

    #[test]
    fn an_unvalidated_path_parameter_is_refused_naming_it() {
        for (schema, why) in [
            (json!({ "type": "string", "maxLength": 32 }), "no `format: uuid` and no `pattern`"),
            (json!({ "type": "string", "pattern": "^[a-z.]+$" }), "its pattern accepts \".\""),
            (
                json!({ "type": "string", "pattern": "[0-9a-f]{32}", "example": "023e105f4ecef8ad9ca31a8372d0c353" }),
                "its pattern accepts \"../023e105f4ecef8ad9ca31a8372d0c353\"",
            ),
            (json!({ "oneOf": [{ "$ref": "#/components/schemas/Uuid" }, { "type": "string" }] }), "no `format: uuid`"),
        ] {
            let found = problems(&spec(schema.clone(), house(), None));
            assert_eq!(found.len(), 1, "{schema}: {found:?}");
            assert!(found[0].starts_with("op: path parameter `id` has no validated shape"), "{}", found[0]);
            assert!(found[0].contains(why), "{schema}: {}", found[0]);
        }
    }

    #[test]
    fn a_plain_secret_field_is_refused_naming_it() {
        let mut schemas = house();
        schemas["Scim"] = json!({ "type": "object", "properties": {
            "password": { "type": "string" },
            "client_secret": { "$ref": "#/components/schemas/Secret" },
            "token_url": { "type": "string" },
            "key": { "type": "string", "format": "password" },
            "nested": { "type": "object", "properties": { "secret": { "type": "string" } } }
        } });
        let found = problems(&spec(json!({ "$ref": "#/components/schemas/Uuid" }), schemas, None));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("components.schemas.Scim.properties.key: `key` holds a secret"), "{}", found[0]);
        assert!(found[1].starts_with("components.schemas.Scim.properties.nested.properties.secret:"), "{}", found[1]);
        assert!(found[2].starts_with("components.schemas.Scim.properties.password:"), "{}", found[2]);
    }

    #[test]
    fn a_request_body_that_reaches_a_secret_is_refused() {
        let mut schemas = house();
        schemas["Rotate"] =
            json!({ "type": "object", "properties": { "secret": { "$ref": "#/components/schemas/Secret" } } });
        let found = problems(&spec(
            json!({ "$ref": "#/components/schemas/Uuid" }),
            schemas,
            Some(json!({ "$ref": "#/components/schemas/Rotate" })),
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("the request body reaches `Secret`"), "{}", found[0]);
    }

    #[test]
    fn a_secret_input_is_taken_in_a_request_refused_in_an_answer_and_a_flag_is_no_secret() {
        let mut schemas = house();
        schemas["NewTsig"] = json!({ "type": "object", "properties": {
            "secret": { "$ref": "#/components/schemas/SecretInput" },
            "flags": { "type": "object", "properties": { "secret": { "type": "boolean" } } }
        } });
        let mut raw = spec(
            json!({ "$ref": "#/components/schemas/Uuid" }),
            schemas,
            Some(json!({ "$ref": "#/components/schemas/NewTsig" })),
        );
        assert_eq!(problems(&raw), Vec::<String>::new(), "sent as its value, and a boolean `secret` is a flag");
        raw["paths"]["/things/{id}"]["post"]["responses"] = json!({ "200": { "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/NewTsig" } } } } });
        let found = problems(&raw);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("op: an answer reaches `SecretInput`"), "{}", found[0]);
    }
}
