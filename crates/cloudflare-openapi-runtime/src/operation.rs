//! The operations table: what the spec says of each operation, for code that works on all of
//! them (the generic tests, `cloudflare api`). Written by codegen as each family crate's
//! `OPERATIONS`, gathered in `cloudflare_openapi::FAMILIES`.

/// One family of the API, as this build enables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Family {
    /// The module and cargo feature name, such as `access`.
    pub name: &'static str,
    /// What it covers, in one line.
    pub title: &'static str,
    /// Its operations, in the spec's order.
    pub operations: &'static [Operation],
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The `operationId`, also the name of the `Client` method.
    pub id: &'static str,
    /// The family it belongs to (its module and cargo feature).
    pub family: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/accounts/{account_id}/access/service_tokens`.
    pub path: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// The status of a successful answer (200, 201, 202 or 204).
    pub success_status: u16,
    /// The answer has `result_info`: its `result` is one page of a list.
    pub paginated: bool,
    /// The answer's `result` is a list (paginated or not): the operation lists, rather than
    /// gets one thing.
    pub list: bool,
    /// Path parameters first, then query parameters.
    pub parameters: &'static [Parameter],
    /// The request body, if the operation takes one.
    pub body: Option<Body>,
    /// The media type of a successful answer: `application/json`, or another for an answer
    /// that is not JSON (`text/csv`, `image/png`, ...: a [`crate::Download`]).
    pub answer_media_type: &'static str,
    /// A successful answer of the operation's shape, built from the spec's examples (for tests
    /// and documentation); empty for a 204 (No Content).
    pub example_answer: &'static str,
}

impl Operation {
    /// The parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|parameter| parameter.name == name)
    }

    /// The path with every path parameter replaced by its example.
    pub fn example_path(&self) -> String {
        self.parameters
            .iter()
            .filter(|parameter| parameter.location == Location::Path)
            .fold(self.path.to_owned(), |path, parameter| {
                path.replace(&format!("{{{}}}", parameter.name), parameter.example)
            })
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A segment of the path, validated before anything is sent.
    Path,
    /// The query string.
    Query,
    /// A request header (Stream's `Upload-Creator`, a Worker upload's
    /// `CF-WORKER-MAIN-MODULE-PART`).
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// The name, as in the spec and in the builder's setter.
    pub name: &'static str,
    /// Path or query.
    pub location: Location,
    /// The operation cannot be sent without it.
    pub required: bool,
    /// The spec's example value, as text.
    pub example: &'static str,
}

/// An operation's request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Body {
    /// The operation cannot be sent without it.
    pub required: bool,
    /// A body of the right shape built from the spec's examples: for JSON, a JSON value
    /// (required fields only); for a form, a JSON object of its required parts' example
    /// values; for a raw body, its text.
    pub example: &'static str,
    /// Its media type: `application/json`, `multipart/form-data`, or a raw one
    /// (`application/octet-stream`, `application/x-ndjson`, `application/javascript`).
    pub media_type: &'static str,
    /// The parts of a `multipart/form-data` body; `None` for any other.
    pub form: Option<crate::FormShape>,
}

impl Body {
    /// Whether the body is JSON.
    pub fn is_json(&self) -> bool {
        self.media_type == "application/json"
    }

    /// Whether the body is bytes sent as they are (neither JSON nor a form).
    pub fn is_raw(&self) -> bool {
        !self.is_json() && self.form.is_none()
    }
}

/// The JSON Schemas of one operation's inputs and output, as the spec gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSchema {
    /// Each parameter's schema, in the operation's order.
    pub parameters: Vec<(&'static str, serde_json::Value)>,
    /// The request body's schema, if it takes one.
    pub body: Option<serde_json::Value>,
    /// The schema of the answer's `result`.
    pub result: serde_json::Value,
}

impl OperationSchema {
    /// As one JSON object: `{"parameters": {name: schema}, "body": schema, "result": schema}`.
    pub fn to_json(&self) -> serde_json::Value {
        let parameters: serde_json::Map<String, serde_json::Value> =
            self.parameters.iter().map(|(name, schema)| ((*name).to_owned(), schema.clone())).collect();
        serde_json::json!({ "parameters": parameters, "body": self.body, "result": self.result })
    }
}

/// One JSON Schema document for a schema of the spec: `text` (written by codegen) whose
/// `$ref`s point into `definitions` (the family's schemas, `{name: schema}` as text), with
/// the definitions it reaches, and none other, under `definitions`. A schema that is only a
/// reference (or an `allOf` of one reference, with keywords such as `nullable` beside it) is
/// replaced by what it refers to, those keywords kept (over the referred schema's own), so that
/// its `properties` are at the top.
#[doc(hidden)] // called by each family's generated table
pub fn spec_schema(text: &str, definitions: &'static str) -> serde_json::Value {
    use serde_json::Value;
    let all = Definitions::of(definitions);
    let mut root: Value = serde_json::from_str(text).unwrap_or_default();
    // A reference to a reference: at most as many as there are definitions.
    for _ in 0..=all.len() {
        let Some(object) = root.as_object() else { break };
        // `{"$ref": X}`, or `{"allOf": [{"$ref": X}], ...}` (how the spec writes a nullable or
        // described reference: an envelope's `result`), whose other keywords are kept.
        let (target, rest) = match (object.get("$ref"), object.get("allOf").and_then(Value::as_array)) {
            (Some(target), _) if object.len() == 1 => (target, serde_json::Map::new()),
            (None, Some(all_of)) if all_of.len() == 1 => match all_of[0].as_object() {
                Some(only) if only.len() == 1 && only.contains_key("$ref") => {
                    let mut rest = object.clone();
                    rest.remove("allOf");
                    (&only["$ref"], rest)
                }
                _ => break,
            },
            _ => break,
        };
        let Some(Value::Object(mut schema)) = target.as_str().and_then(reference).and_then(|name| all.get(name)) else {
            break;
        };
        // The keywords beside the reference are the use site's: they win (a parameter's own
        // description over its shared schema's).
        for (key, value) in rest {
            schema.insert(key, value);
        }
        root = Value::Object(schema);
    }
    // The definitions it reaches, each read from the family's text when first reached.
    let mut reached = serde_json::Map::new();
    let mut names = Vec::new();
    references(&root, &mut names);
    while let Some(name) = names.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        if let Some(schema) = all.get(&name) {
            references(&schema, &mut names);
            reached.insert(name, schema);
        }
    }
    if let (Value::Object(object), false) = (&mut root, reached.is_empty()) {
        object.insert("definitions".to_owned(), Value::Object(reached));
    }
    root
}

/// `NAME` of `#/definitions/NAME`.
fn reference(target: &str) -> Option<&str> {
    target.strip_prefix("#/definitions/")
}

/// Adds to `names` the definition each `$ref` below `value` names.
fn references(value: &serde_json::Value, names: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(object) => {
            if let Some(name) = object.get("$ref").and_then(serde_json::Value::as_str).and_then(reference) {
                names.push(name.to_owned());
            }
            object.values().for_each(|value| references(value, names));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|value| references(value, names)),
        _ => {}
    }
}

/// A family's definitions (its `DEFINITIONS` text): each schema's text found once per process,
/// and read as JSON only when a schema reaches it (an operation's schemas reach a few of a
/// family's hundreds; reading them all, for every schema of an operation, was most of a
/// generated command's own start-up).
struct Definitions {
    raw: std::collections::HashMap<&'static str, &'static serde_json::value::RawValue>,
}

impl Definitions {
    /// The definitions of `text`, a `'static` constant (its address names it).
    fn of(text: &'static str) -> std::sync::Arc<Self> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock};
        static FOUND: OnceLock<Mutex<HashMap<usize, Arc<Definitions>>>> = OnceLock::new();
        let mut found = FOUND.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let definitions = found
            .entry(text.as_ptr() as usize)
            .or_insert_with(|| Arc::new(Self { raw: serde_json::from_str(text).unwrap_or_default() }));
        definitions.clone()
    }

    fn len(&self) -> usize {
        self.raw.len()
    }

    /// The schema `name`, read.
    fn get(&self, name: &str) -> Option<serde_json::Value> {
        self.raw.get(name).and_then(|raw| serde_json::from_str(raw.get()).ok())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::spec_schema;

    const DEFINITIONS: &str = r##"{
        "group": {"type": "object", "properties": {"name": {"$ref": "#/definitions/name"}, "rules": {"$ref": "#/definitions/rules"}}},
        "name": {"type": "string", "maxLength": 50},
        "rules": {"type": "array", "items": {"$ref": "#/definitions/rule"}},
        "rule": {"oneOf": [{"$ref": "#/definitions/rule"}, {"type": "string"}]},
        "unrelated": {"type": "integer"},
        "alias": {"$ref": "#/definitions/group"}
    }"##;

    #[test]
    fn a_schema_takes_the_definitions_it_reaches_and_no_other() {
        let schema = spec_schema(r##"{"$ref": "#/definitions/alias"}"##, DEFINITIONS);
        assert_eq!(schema["type"], "object", "a reference to a reference is what it refers to: {schema}");
        assert_eq!(schema["properties"]["name"], json!({"$ref": "#/definitions/name"}));
        let mut names: Vec<&String> = schema["definitions"].as_object().unwrap().keys().collect();
        names.sort();
        assert_eq!(names, ["name", "rule", "rules"], "a recursive definition once, an unreached one not");
    }

    #[test]
    fn a_nullable_reference_is_what_it_refers_to_and_stays_nullable() {
        let schema = spec_schema(r##"{"allOf": [{"$ref": "#/definitions/name"}], "nullable": true}"##, DEFINITIONS);
        assert_eq!(schema, json!({"type": "string", "maxLength": 50, "nullable": true}));
        let two = r##"{"allOf": [{"$ref": "#/definitions/name"}, {"$ref": "#/definitions/rule"}]}"##;
        assert!(spec_schema(two, DEFINITIONS).get("allOf").is_some(), "an allOf of two stays one");
        let described = r##"{"allOf": [{"$ref": "#/definitions/name"}], "description": "The group's name."}"##;
        assert_eq!(spec_schema(described, DEFINITIONS)["description"], "The group's name.", "the use site's words win");
    }

    #[test]
    fn a_schema_without_references_is_as_written() {
        let text = r#"{"type": "string", "pattern": "^[0-9a-f]{32}$"}"#;
        assert_eq!(spec_schema(text, DEFINITIONS), serde_json::from_str::<serde_json::Value>(text).unwrap());
        assert_eq!(
            spec_schema(r##"{"$ref": "#/definitions/missing"}"##, "{}"),
            json!({"$ref": "#/definitions/missing"})
        );
    }
}
