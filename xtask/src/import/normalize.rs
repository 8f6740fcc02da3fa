//! The normalization pass: upstream Cloudflare operations and schemas, rewritten into the
//! shapes this project generates well and safely. Each rule is a function below, listed (with
//! its one-line description) in [`RULES`], which `import` writes into the spec header.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::rules::{
    API_MESSAGES, FAILURE, IDENTIFIER, PATH_SEGMENT, RESULT_INFO, SECRET, UNTYPED, UUID, is_secret, ref_name,
    schema_ref,
};

/// Every rule, in the words written into the spec header and README.
pub const RULES: &[&str] = &[
    "operationIds become snake_case (`access-groups-list-access-groups` -> `access_groups_list_access_groups`), \
     deduplicated against each other and the hand-written ones with `_2`, `_3`",
    "envelopes (`allOf` of `*_api-response-*`, `success: enum [true]`, required `errors`/`messages`, \
     per-family `*_messages`/`*_result_info`) become the house envelope: optional boolean `success`, \
     `ApiMessages`, a nullable `result`, `ResultInfo` where there was one",
    "an answer that is an object with a `result` and no `success` (`{result: {id}}`, as upstream describes DNS \
     record deletes) is an envelope too: the live API sends the envelope's other fields, which the house \
     envelope has as optional",
    "`title` is dropped (kept as the description where there is none): typify names inline types after it, \
     and upstream gives different shapes one title",
    "a JSON answer without a schema is the house envelope with an `Untyped` result",
    "path-level `parameters` are copied into each operation of the path (an operation's own win)",
    "every 4xx answer (`4XX`, `4xx`, `default`, per-family `*_api-response-common-failure`) becomes \
     `#/components/responses/Failure`; only the first 2xx answer is kept",
    "path parameters get a validated shape: `Identifier` (32 lowercase hex) for account, zone and other \
     Cloudflare identifiers, `Uuid` (`format: uuid`) for UUIDs, `PathSegment` (no `/`, `\\`, `.` or `..`) \
     for any other string; a `oneOf` of them keeps each shape; where upstream says more (an `enum`, a \
     `pattern`), the parameter keeps upstream's example (or first value)",
    "`allOf` compositions are merged into one schema (properties merged, later parts win, `required` united)",
    "a `oneOf`/`anyOf` of objects that no required property tells apart becomes `Untyped` JSON (`x-escape`): \
     serde would decode every answer as its first variant and drop fields silently; a named one keeps an \
     example of its first variant",
    "an `anyOf` with no object among its variants (`ipv4` or `ipv6` strings) becomes a `oneOf`: typify makes \
     an `anyOf` a struct of optional variants, which refused every string",
    "a `pattern` that the schema's own `example` does not match is dropped, with a note in the description \
     (the generated client would refuse what the API takes: an image variant id `^[a-zA-Z0-9]$` for `hero`)",
    "a property that holds a secret (`client_secret`, `secret`, `password`, `private_key`, `token`, `api_key`, \
     `x-sensitive`, `format: password`) becomes `Secret`",
    "a JSON request body without a schema becomes a free-form object",
    "operation-level `security` is dropped: the spec-wide `security` (API token, or email + Global API key) applies",
    "an inline enum of a query parameter (or of its array's items) that several operations of a family \
     share becomes one component named after the family and the parameter (`radar_format`; `_2`, `_3` for \
     other enums of the same name): typify made one type per operation (Radar: 869 enum parameters, 58 \
     distinct)",
    "structurally identical schemas (ignoring `description`, `example`, `title`) are merged into one, \
     keeping the shortest name (a hand-written schema wins)",
];

/// A union replaced by `Untyped`, for the record kept in the spec header.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Escape {
    /// The component, or `<operationId>: <where>` for an inline union.
    pub place: String,
    pub reason: String,
}

/// One operation selected for import.
#[derive(Debug, Clone)]
pub struct Selected {
    pub path: String,
    pub method: String,
    pub operation: Value,
}

/// The outcome: normalized operations and the schemas they reach.
#[derive(Debug, Default)]
pub struct Normalized {
    pub operations: Vec<Selected>,
    /// The selected operations normalization cannot serve, with why (the first rule that
    /// refused them); the others are imported all the same.
    pub skipped: Vec<(Selected, String)>,
    pub schemas: BTreeMap<String, Value>,
    pub escapes: Vec<Escape>,
    /// Merged duplicates: (removed, kept).
    pub merged: Vec<(String, String)>,
}

/// Normalizes `selected` operations of the upstream document `upstream`. `taken_ids` are the
/// operationIds already in the spec; `house` the hand-written schemas (a merge target).
pub fn normalize(
    upstream: &Value,
    selected: Vec<Selected>,
    taken_ids: &BTreeSet<String>,
    house: &BTreeMap<String, Value>,
) -> Result<Normalized, String> {
    let mut pass = Pass { upstream, schemas: BTreeMap::new(), in_progress: BTreeSet::new(), escapes: Vec::new() };
    let mut ids = taken_ids.clone();
    let mut operations = Vec::new();
    let mut skipped = Vec::new();
    for Selected { path, method, operation } in selected {
        let id = unique_id(&snake_case(operation["operationId"].as_str().unwrap_or(&path)), &mut ids);
        match pass.operation(&id, &operation) {
            Ok(normalized) => operations.push(Selected { path, method, operation: normalized }),
            Err(why) => {
                // A skipped operation takes no id: serving it later renames nothing.
                ids.remove(&id);
                skipped.push((Selected { path, method, operation }, why));
            }
        }
    }
    let mut normalized =
        Normalized { operations, skipped, schemas: pass.schemas, escapes: pass.escapes, merged: Vec::new() };
    hoist_parameter_enums(&mut normalized, house);
    merge_identical(&mut normalized, house);
    normalized.escapes.sort();
    normalized.escapes.dedup();
    Ok(normalized)
}

/// The media types of a `content` object, as `a, b`.
fn media_types(content: &Value) -> String {
    let types: Vec<&str> = content.as_object().into_iter().flatten().map(|(media, _)| media.as_str()).collect();
    if types.is_empty() { "empty".to_owned() } else { types.join(", ") }
}

/// `access-groups-list-access-groups` -> `access_groups_list_access_groups`; any run of
/// characters that cannot be in a Rust identifier becomes one `_`.
pub fn snake_case(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("op_{out}") } else { out }
}

/// `id`, or `id_2`, `id_3`, … when taken; the result is taken from then on.
fn unique_id(id: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = id.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

struct Pass<'a> {
    upstream: &'a Value,
    /// Normalized components, by upstream name.
    schemas: BTreeMap<String, Value>,
    /// Components being normalized (a reference back to one is left as a reference).
    in_progress: BTreeSet<String>,
    escapes: Vec<Escape>,
}

impl Pass<'_> {
    fn operation(&mut self, id: &str, operation: &Value) -> Result<Value, String> {
        let mut out = Map::new();
        for key in ["tags", "summary", "description", "deprecated"] {
            if let Some(value) = operation.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        out.insert("operationId".into(), id.into());
        if let Some(original) = operation.get("operationId") {
            out.insert("x-imported-from".into(), original.clone());
        }

        let mut parameters = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let parameter = self.resolve_component(parameter, "parameters")?;
            parameters.push(self.parameter(id, &parameter)?);
        }
        // Path parameters first, then the rest, each in upstream order.
        parameters.sort_by_key(|parameter| parameter["in"] != "path");
        if !parameters.is_empty() {
            out.insert("parameters".into(), parameters.into());
        }

        if let Some(body) = operation.get("requestBody") {
            let body = self.resolve_component(body, "requestBodies")?;
            out.insert("requestBody".into(), self.request_body(id, &body)?);
        }

        out.insert("responses".into(), self.responses(id, &operation["responses"])?);
        Ok(Value::Object(out))
    }

    fn parameter(&mut self, id: &str, parameter: &Value) -> Result<Value, String> {
        let name = parameter["name"].as_str().ok_or("a parameter has no name")?;
        let mut out = parameter.as_object().cloned().unwrap_or_default();
        let schema = parameter.get("schema").ok_or(format!("parameter {name} has no schema"))?;
        let schema = if parameter["in"] == "path" {
            out.insert("required".into(), true.into());
            if let Some(example) = self.path_example(parameter, schema) {
                out.insert("example".into(), example.into());
            }
            self.path_parameter(name, schema)?
        } else {
            self.schema(schema, &format!("{id}: parameter {name}"))
        };
        out.insert("schema".into(), schema);
        Ok(Value::Object(out))
    }

    /// The example of a path parameter whose upstream schema says more than its shape keeps (an
    /// `enum`, a `pattern`): upstream's example, else its first value, where the shape takes it.
    fn path_example(&self, parameter: &Value, schema: &Value) -> Option<String> {
        let flat = self.flatten(schema).ok()?;
        if !flat.contains_key("enum") && !flat.contains_key("pattern") {
            return None;
        }
        let example = parameter
            .get("example")
            .or_else(|| flat.get("example"))
            .or_else(|| flat.get("enum").and_then(Value::as_array).and_then(|values| values.first()))?;
        let text = match example {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            _ => return None,
        };
        let safe = !text.is_empty() && text != "." && text != ".." && !text.contains(['/', '\\']);
        safe.then_some(text)
    }

    /// The validated shape for path parameter `name` with upstream schema `schema`.
    fn path_parameter(&mut self, name: &str, schema: &Value) -> Result<Value, String> {
        // A named union keeps its name (one type for every operation that uses it).
        if let Some(component) = ref_name(schema) {
            let flat = self.flatten(schema)?;
            if flat.contains_key("oneOf") || flat.contains_key("anyOf") {
                if !self.schemas.contains_key(component) {
                    let shape = self.path_union(name, &flat)?;
                    self.schemas.insert(component.to_owned(), shape);
                }
                return Ok(schema_ref(component));
            }
        }
        let flat = self.flatten(schema)?;
        if flat.contains_key("oneOf") || flat.contains_key("anyOf") {
            return self.path_union(name, &flat);
        }
        Ok(schema_ref(path_shape(name, &flat)))
    }

    fn path_union(&mut self, name: &str, flat: &Map<String, Value>) -> Result<Value, String> {
        let variants = flat.get("oneOf").or_else(|| flat.get("anyOf")).and_then(Value::as_array).unwrap();
        let mut shapes = Vec::new();
        for variant in variants {
            let shape = schema_ref(path_shape(name, &self.flatten(variant)?));
            if !shapes.contains(&shape) {
                shapes.push(shape);
            }
        }
        let mut out = Map::new();
        if let Some(description) = flat.get("description") {
            out.insert("description".into(), description.clone());
        }
        if shapes.len() == 1 {
            return Ok(shapes.remove(0));
        }
        out.insert("oneOf".into(), shapes.into());
        Ok(Value::Object(out))
    }

    fn request_body(&mut self, id: &str, body: &Value) -> Result<Value, String> {
        let media = body["content"]
            .get("application/json")
            .ok_or_else(|| format!("the request body is {}, not application/json", media_types(&body["content"])))?;
        let schema = match media.get("schema") {
            None => json!({ "type": "object", "description": "Free-form JSON (the upstream schema gives none)." }),
            Some(schema) => self.schema(schema, &format!("{id}: request body")),
        };
        let mut out = Map::new();
        out.insert("required".into(), body.get("required").cloned().unwrap_or(Value::Bool(false)));
        out.insert("content".into(), json!({ "application/json": { "schema": schema } }));
        Ok(Value::Object(out))
    }

    fn responses(&mut self, id: &str, responses: &Value) -> Result<Value, String> {
        let responses = responses.as_object().ok_or("no responses")?;
        let (status, success) = responses.iter().find(|(status, _)| status.starts_with('2')).ok_or("no 2xx answer")?;
        let success = self.resolve_component(success, "responses")?;
        let mut answer = Map::new();
        answer.insert("description".into(), success.get("description").cloned().unwrap_or_else(|| "Success".into()));
        match success.get("content") {
            Some(content) if content.get("application/json").is_none() => {
                return Err(format!("the answer is {}, not JSON", media_types(content)));
            }
            None => return Err("the answer declares no body".into()),
            Some(_) => {}
        }
        let schema = match success.pointer("/content/application~1json/schema") {
            Some(schema) => self.schema(schema, &format!("{id}: answer")),
            // JSON the schema does not describe: the envelope the live API sends, its result untyped.
            None => json!({ "type": "object", "properties": {
                "success": { "type": "boolean" },
                "errors": schema_ref(API_MESSAGES),
                "messages": schema_ref(API_MESSAGES),
                "result": schema_ref(UNTYPED),
            } }),
        };
        answer.insert("content".into(), json!({ "application/json": { "schema": schema } }));
        let mut out = Map::new();
        out.insert(status.clone(), Value::Object(answer));
        out.insert("4XX".into(), json!({ "$ref": format!("#/components/responses/{FAILURE}") }));
        Ok(Value::Object(out))
    }

    /// Follows a `#/components/{section}/…` reference in the upstream document.
    fn resolve_component(&self, value: &Value, section: &str) -> Result<Value, String> {
        match value.get("$ref").and_then(Value::as_str) {
            None => Ok(value.clone()),
            Some(reference) => {
                let name = reference
                    .strip_prefix(&format!("#/components/{section}/"))
                    .ok_or(format!("unexpected reference {reference}"))?;
                let found = self.upstream["components"][section].get(name).ok_or(format!("dangling {reference}"))?;
                self.resolve_component(found, section)
            }
        }
    }

    fn upstream_schema(&self, name: &str) -> Result<&Value, String> {
        self.upstream["components"]["schemas"].get(name).ok_or(format!("dangling #/components/schemas/{name}"))
    }

    /// `schema` with references followed and `allOf` merged, in upstream form.
    fn flatten(&self, schema: &Value) -> Result<Map<String, Value>, String> {
        if let Some(name) = ref_name(schema) {
            return self.flatten(self.upstream_schema(name)?);
        }
        let Some(object) = schema.as_object() else { return Ok(Map::new()) };
        let mut out = Map::new();
        for part in object.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            merge_into(&mut out, self.flatten(part)?);
        }
        let mut own = object.clone();
        own.remove("allOf");
        merge_into(&mut out, own);
        Ok(out)
    }

    /// The normalized form of an upstream schema found at `place`.
    fn schema(&mut self, schema: &Value, place: &str) -> Value {
        if let Some(name) = ref_name(schema) {
            return schema_ref(&self.component(name));
        }
        let Ok(flat) = self.flatten(schema) else { return schema_ref(UNTYPED) };
        self.flat_schema(flat, place)
    }

    /// Normalizes the upstream component `name` (once), returning its name.
    fn component(&mut self, name: &str) -> String {
        if self.schemas.contains_key(name) || self.in_progress.contains(name) {
            return name.to_owned();
        }
        let Ok(upstream) = self.upstream_schema(name).cloned() else { return UNTYPED.to_owned() };
        self.in_progress.insert(name.to_owned());
        let flat = self.flatten(&upstream).unwrap_or_default();
        let normalized = match self.union_escape(&flat) {
            Some(reason) => {
                self.escapes.push(Escape { place: name.to_owned(), reason: reason.clone() });
                let mut escaped = Map::new();
                if let Some(description) = flat.get("description").or_else(|| flat.get("title")) {
                    escaped.insert("description".into(), description.clone());
                }
                escaped.insert("x-escape".into(), reason.into());
                // A value of one of its variants, for the operations table's examples (the
                // escape keeps no variant to build one from).
                let example = crate::codegen::table::example(self.upstream, &Value::Object(flat.clone()), 0);
                if example.is_object() && example.as_object().is_some_and(|object| !object.is_empty()) {
                    escaped.insert("example".into(), example);
                }
                Value::Object(escaped)
            }
            None => self.flat_schema(flat, name),
        };
        self.in_progress.remove(name);
        self.schemas.insert(name.to_owned(), normalized);
        name.to_owned()
    }

    fn flat_schema(&mut self, mut flat: Map<String, Value>, place: &str) -> Value {
        // typify names an inline type after its `title`, and upstream gives different shapes
        // one title (`Ruleset` for a request and for an answer): one Rust type would stand for
        // both. The title is documentation: it becomes the description where there is none.
        if let Some(title) = flat.remove("title")
            && !flat.contains_key("description")
        {
            flat.insert("description".into(), title);
        }
        if let Some(envelope) = self.envelope(&flat, place) {
            return envelope;
        }
        if let Some(reason) = self.union_escape(&flat) {
            self.escapes.push(Escape { place: place.to_owned(), reason });
            return schema_ref(UNTYPED);
        }
        // typify makes an `anyOf` a struct of flattened optional variants, which only an object
        // can fill: an `anyOf` of strings (`ipv4` or `ipv6`) refused every value. Without an
        // object among its variants, it is a `oneOf` (serde's untagged enum takes the first
        // variant that fits, which is what `anyOf` asks of a scalar).
        if flat.get("anyOf").and_then(Value::as_array).is_some_and(|variants| {
            !flat.contains_key("oneOf")
                && variants.iter().all(|variant| !is_object_map(&self.flatten(variant).unwrap_or_default()))
        }) {
            let variants = flat.remove("anyOf").unwrap();
            flat.insert("oneOf".into(), variants);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = flat.remove(key) {
                let variants: Vec<Value> = variants.iter().map(|variant| self.schema(variant, place)).collect();
                flat.insert(key.into(), variants.into());
            }
        }
        if let Some(Value::Object(properties)) = flat.remove("properties") {
            let mut out = Map::new();
            for (name, property) in properties {
                let value = if is_secret(name.as_str(), &property) && !is_object_like(&property) {
                    schema_ref(SECRET)
                } else {
                    self.schema(&property, &format!("{place}.{name}"))
                };
                out.insert(name, value);
            }
            flat.insert("properties".into(), Value::Object(out));
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(inner) = flat.get(key).filter(|inner| inner.is_object()).cloned() {
                let inner = self.schema(&inner, &format!("{place}[]"));
                flat.insert(key.into(), inner);
            }
        }
        // A pattern that its own example does not match is an upstream error (an image variant
        // id: `^[a-zA-Z0-9]$`, one character, for the example `hero`): the generated client would
        // refuse the values the API takes. The pattern goes; Cloudflare still checks the value.
        if let (Some(Value::String(pattern)), Some(Value::String(example))) = (flat.get("pattern"), flat.get("example"))
            && regress::Regex::new(pattern).is_ok_and(|regex| regex.find(example).is_none())
        {
            let description = flat.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
            let note = format!("Upstream's pattern `{pattern}` refuses upstream's own example `{example}`; dropped.");
            flat.insert("description".into(), Value::String(format!("{description}\n\n{note}").trim().to_owned()));
            flat.remove("pattern");
        }
        // typify cannot express `enum: [null]` on a typed schema; such a field is null or absent.
        if flat.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().all(Value::is_null)) {
            return json!({ "nullable": true, "description": "Always null." });
        }
        Value::Object(flat)
    }

    /// The house envelope for an (already flattened) upstream envelope, or `None` for any other
    /// schema. An envelope is an object with `success` and `errors`, `messages` or `result`.
    fn envelope(&mut self, flat: &Map<String, Value>, place: &str) -> Option<Value> {
        let properties = flat.get("properties")?.as_object()?;
        let envelope_field = ["errors", "messages", "result"].iter().any(|field| properties.contains_key(*field));
        // An answer described by its `result` alone (the live API sends the rest).
        let bare_answer = place.ends_with(": answer")
            && properties.contains_key("result")
            && properties.keys().all(|key| key == "result" || key == "result_info");
        let house = properties.contains_key("success") && envelope_field;
        if !house && !bare_answer {
            return None;
        }
        let result = match properties.get("result") {
            None => json!({ "nullable": true, "description": "Not described upstream." }),
            Some(result) => nullable(self.schema(result, &format!("{place}.result"))),
        };
        let mut out = json!({
            "type": "object",
            "properties": {
                "success": { "type": "boolean" },
                "errors": schema_ref(API_MESSAGES),
                "messages": schema_ref(API_MESSAGES),
                "result": result,
            }
        });
        if properties.contains_key("result_info") {
            out["properties"]["result_info"] = schema_ref(RESULT_INFO);
        }
        if let Some(description) = flat.get("description") {
            out["description"] = description.clone();
        }
        Some(out)
    }

    /// Why a `oneOf`/`anyOf` of objects must be escaped, or `None` when it may be typed: a
    /// union of scalars, or of objects each of which requires a property no other requires.
    fn union_escape(&self, flat: &Map<String, Value>) -> Option<String> {
        let (key, variants) = ["oneOf", "anyOf"].into_iter().find_map(|key| Some((key, flat.get(key)?.as_array()?)))?;
        let flattened: Vec<Map<String, Value>> =
            variants.iter().map(|variant| self.flatten(variant).unwrap_or_default()).collect();
        if !flattened.iter().any(is_object_map) {
            return None;
        }
        let required: Vec<BTreeSet<&str>> = flattened
            .iter()
            .map(|variant| {
                variant
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect()
            })
            .collect();
        let distinguished = required.iter().enumerate().all(|(i, own)| {
            own.iter().any(|name| required.iter().enumerate().all(|(j, other)| i == j || !other.contains(name)))
        });
        if distinguished && flattened.iter().all(is_object_map) {
            return None;
        }
        Some(format!(
            "`{key}` of {} variants that no required property tells apart (decoded as untyped JSON)",
            variants.len()
        ))
    }
}

/// Whether a property schema is an object or array (a secret is a string).
fn is_object_like(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str).is_some_and(|kind| kind == "object" || kind == "array")
        || schema.get("properties").is_some()
}

fn is_object_map(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object") || schema.contains_key("properties")
}

/// Merges an `allOf` part into the schema built so far: properties merge (the later wins),
/// `required` unites, any other keyword is replaced.
pub(crate) fn merge_into(out: &mut Map<String, Value>, part: Map<String, Value>) {
    for (key, value) in part {
        match (key.as_str(), out.get_mut(&key), value) {
            ("properties", Some(Value::Object(properties)), Value::Object(more)) => properties.extend(more),
            ("required", Some(Value::Array(required)), Value::Array(more)) => {
                for name in more {
                    if !required.contains(&name) {
                        required.push(name);
                    }
                }
            }
            (_, _, value) => {
                out.insert(key, value);
            }
        }
    }
}

/// `schema`, made nullable (a reference is wrapped in `allOf`, as the house envelope does).
fn nullable(schema: Value) -> Value {
    if schema.get("$ref").is_some() {
        return json!({ "allOf": [schema], "nullable": true });
    }
    let mut schema = schema;
    if let Some(object) = schema.as_object_mut() {
        object.insert("nullable".into(), true.into());
    }
    schema
}

/// The house shape for a path parameter called `name` whose upstream schema is `flat`.
fn path_shape(name: &str, flat: &Map<String, Value>) -> &'static str {
    let example = flat.get("example").and_then(Value::as_str).unwrap_or_default();
    let is_hex32 = example.len() == 32 && example.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let is_uuid = example.len() == 36
        && example
            .bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() });
    if name == "account_id" || name == "zone_id" || is_hex32 {
        IDENTIFIER
    } else if flat.get("format").and_then(Value::as_str) == Some("uuid") || is_uuid {
        UUID
    } else {
        PATH_SEGMENT
    }
}

/// The inline enum schemas of an operation's query parameters, as JSON pointers into it with
/// the parameter's name: the parameter's schema, or its array's `items`.
fn parameter_enums(operation: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, parameter) in operation["parameters"].as_array().into_iter().flatten().enumerate() {
        let (Some(name), Some("query")) = (parameter["name"].as_str(), parameter["in"].as_str()) else { continue };
        let schema = &parameter["schema"];
        let pointer = if schema.get("enum").is_some() {
            format!("/parameters/{at}/schema")
        } else if schema["type"] == "array" && schema["items"].get("enum").is_some() {
            format!("/parameters/{at}/schema/items")
        } else {
            continue;
        };
        found.push((pointer, name.to_owned()));
    }
    found
}

/// One component for each inline query-parameter enum that several operations of a family
/// share (see [`RULES`]).
fn hoist_parameter_enums(normalized: &mut Normalized, house: &BTreeMap<String, Value>) {
    // (family, parameter, structure) -> uses, in first-seen order per family and parameter.
    let mut uses: BTreeMap<(&'static str, String), Vec<(String, usize)>> = BTreeMap::new();
    for selected in &normalized.operations {
        let Ok(family) = crate::families::family_of(&selected.path) else { continue };
        for (pointer, name) in parameter_enums(&selected.operation) {
            let shape = structure(&selected.operation.pointer(&pointer).cloned().unwrap_or_default()).to_string();
            let shapes = uses.entry((family.name, name)).or_default();
            match shapes.iter_mut().find(|(seen, _)| *seen == shape) {
                Some((_, count)) => *count += 1,
                None => shapes.push((shape, 1)),
            }
        }
    }
    let mut names: BTreeMap<(&'static str, String, String), String> = BTreeMap::new();
    for ((family, parameter), mut shapes) in uses {
        // The most used enum takes the plain name.
        shapes.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        let base = format!("{family}_{}", snake_case(&heck::ToSnakeCase::to_snake_case(parameter.as_str())));
        let mut n = 1;
        for (shape, count) in shapes {
            if count < 2 {
                continue;
            }
            let mut name = base.clone();
            while normalized.schemas.contains_key(&name)
                || house.contains_key(&name)
                || names.values().any(|taken| *taken == name)
            {
                n += 1;
                name = format!("{base}_{n}");
            }
            names.insert((family, parameter.clone(), shape), name);
        }
    }
    for selected in &mut normalized.operations {
        let Ok(family) = crate::families::family_of(&selected.path) else { continue };
        for (pointer, parameter) in parameter_enums(&selected.operation) {
            let schema = selected.operation.pointer_mut(&pointer).expect("found above");
            let shape = structure(schema).to_string();
            let Some(name) = names.get(&(family.name, parameter, shape)) else { continue };
            let mut component = std::mem::replace(schema, schema_ref(name));
            if let Some(object) = component.as_object_mut() {
                // Each operation words its parameter itself; the type is shared.
                object.remove("description");
            }
            normalized.schemas.entry(name.clone()).or_insert(component);
        }
    }
}

/// Merges structurally identical schemas until none are left, rewriting references. A group
/// keeps a hand-written schema if it has one, else its shortest name.
fn merge_identical(normalized: &mut Normalized, house: &BTreeMap<String, Value>) {
    loop {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, schema) in house.iter().chain(&normalized.schemas) {
            if name == UNTYPED || name == SECRET {
                continue;
            }
            groups.entry(structure(schema).to_string()).or_default().push(name.clone());
        }
        let mut renames = BTreeMap::new();
        for names in groups.into_values().filter(|names| names.len() > 1) {
            let keep = names
                .iter()
                .min_by_key(|name| (!house.contains_key(*name), name.len(), (*name).clone()))
                .unwrap()
                .clone();
            for name in names {
                if name != keep && !house.contains_key(&name) {
                    renames.insert(name, keep.clone());
                }
            }
        }
        if renames.is_empty() {
            return;
        }
        for (gone, kept) in &renames {
            normalized.schemas.remove(gone);
            normalized.merged.push((gone.clone(), kept.clone()));
        }
        for schema in normalized.schemas.values_mut() {
            rename_refs(schema, &renames);
        }
        for selected in &mut normalized.operations {
            rename_refs(&mut selected.operation, &renames);
        }
    }
}

/// A schema without the keywords that do not change its structure.
fn structure(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(key, _)| !matches!(key.as_str(), "description" | "example" | "title" | "x-imported-from"))
                .map(|(key, value)| {
                    let value = if key == "properties" {
                        Value::Object(
                            value
                                .as_object()
                                .into_iter()
                                .flatten()
                                .map(|(name, property)| (name.clone(), structure(property)))
                                .collect(),
                        )
                    } else {
                        structure(value)
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(structure).collect()),
        other => other.clone(),
    }
}

/// Rewrites every `$ref` to a renamed schema.
pub fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref")
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
                && let Some(kept) = renames.get(name)
            {
                *reference = format!("#/components/schemas/{kept}");
            }
            object.values_mut().for_each(|value| rename_refs(value, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| rename_refs(value, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_described_by_its_result_alone_is_an_envelope_and_a_nested_result_is_not() {
        let upstream = json!({ "components": { "schemas": {} } });
        let answer = json!({ "type": "object", "properties": { "result": { "type": "object", "properties": {
            "id": { "type": "string" },
            "nested": { "type": "object", "properties": { "result": { "type": "string" } } }
        } } } });
        let operation = json!({ "operationId": "dns-delete", "responses": {
            "200": { "content": { "application/json": { "schema": answer } } } } });
        let selected =
            vec![Selected { path: "/zones/{zone_id}/dns_records/{id}".into(), method: "delete".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let schema = &normalized.operations[0].operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["properties"]["success"], json!({ "type": "boolean" }), "{schema}");
        assert_eq!(schema["properties"]["errors"], schema_ref(API_MESSAGES));
        let nested = &schema["properties"]["result"]["properties"]["nested"];
        assert!(nested["properties"].get("success").is_none(), "only the answer itself: {nested}");
    }

    #[test]
    fn a_query_enum_several_operations_of_a_family_share_is_one_component() {
        let upstream = json!({ "components": { "schemas": {} } });
        let format = |description: &str| {
            json!({ "name": "format", "in": "query",
            "schema": { "type": "string", "enum": ["JSON", "CSV"], "description": description, "example": "CSV" } })
        };
        let versions = json!({ "name": "ipVersion", "in": "query",
            "schema": { "type": "array", "items": { "type": "string", "enum": ["IPv4", "IPv6"] } } });
        let answer = json!({ "200": { "content": { "application/json": { "schema": { "type": "object" } } } } });
        let operation = |id: &str, parameters: Value| Selected {
            path: format!("/radar/{id}"),
            method: "get".into(),
            operation: json!({ "operationId": id, "parameters": parameters, "responses": answer }),
        };
        let selected = vec![
            operation("a", json!([format("one"), versions.clone()])),
            operation("b", json!([format("two"), versions])),
            // One use of another enum named `format`: stays inline.
            operation(
                "c",
                json!([{ "name": "format", "in": "query", "schema": { "type": "string", "enum": ["PNG"] } }]),
            ),
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let parameters = |at: usize| normalized.operations[at].operation["parameters"].clone();
        assert_eq!(parameters(0)[0]["schema"], schema_ref("radar_format"));
        assert_eq!(parameters(1)[0]["schema"], schema_ref("radar_format"));
        assert_eq!(parameters(0)[1]["schema"]["items"], schema_ref("radar_ip_version"));
        assert_eq!(parameters(2)[0]["schema"]["enum"], json!(["PNG"]), "used once: inline");
        let component = &normalized.schemas["radar_format"];
        assert_eq!(component["enum"], json!(["JSON", "CSV"]));
        assert_eq!(component["example"], "CSV", "the example stays for codegen's table");
        assert!(component.get("description").is_none(), "each operation words its parameter");
    }

    #[test]
    fn an_any_of_without_objects_is_a_one_of_and_one_with_objects_stays() {
        let upstream = json!({ "components": { "schemas": {
            "upstream_ips": { "type": "array", "items": { "anyOf": [
                { "type": "string", "format": "ipv4" }, { "type": "string", "format": "ipv6" } ] } },
            "either": { "anyOf": [
                { "type": "object", "required": ["a"], "properties": { "a": { "type": "string" } } },
                { "type": "object", "required": ["b"], "properties": { "b": { "type": "string" } } } ] }
        } } });
        let body = json!({ "type": "object", "properties": {
            "upstream_ips": { "$ref": "#/components/schemas/upstream_ips" },
            "either": { "$ref": "#/components/schemas/either" } } });
        let operation = json!({ "operationId": "create",
            "requestBody": { "content": { "application/json": { "schema": body } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "post".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let items = &normalized.schemas["upstream_ips"]["items"];
        assert_eq!(items["oneOf"][1]["format"], "ipv6", "{items}");
        assert!(items.get("anyOf").is_none(), "{items}");
        let either = &normalized.schemas["either"];
        assert_eq!(either["anyOf"].as_array().map(Vec::len), Some(2), "objects: typify's struct serves it: {either}");
    }

    #[test]
    fn a_pattern_its_own_example_breaks_is_dropped_and_one_it_keeps_stays() {
        let upstream = json!({ "components": { "schemas": {
            "variant_id": { "type": "string", "pattern": "^[a-zA-Z0-9]$", "example": "hero" },
            "tag": { "type": "string", "pattern": "^[a-z]+$", "example": "hero" }
        } } });
        let body = json!({ "type": "object", "properties": {
            "id": { "$ref": "#/components/schemas/variant_id" }, "tag": { "$ref": "#/components/schemas/tag" } } });
        let operation = json!({ "operationId": "create",
            "requestBody": { "content": { "application/json": { "schema": body } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "post".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let id = &normalized.schemas["variant_id"];
        assert!(id.get("pattern").is_none(), "{id}");
        assert!(id["description"].as_str().unwrap().contains("`^[a-zA-Z0-9]$`"), "{id}");
        assert_eq!(normalized.schemas["tag"]["pattern"], "^[a-z]+$");
    }

    #[test]
    fn an_operation_normalization_refuses_is_skipped_with_why_and_takes_no_id() {
        let upstream = json!({ "components": { "schemas": {} } });
        let upload = json!({ "operationId": "upload", "requestBody": { "content": { "multipart/form-data": {} } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let csv = json!({ "operationId": "export", "responses": { "200": { "content": { "text/csv": {} } } } });
        let selected = vec![
            Selected { path: "/a".into(), method: "post".into(), operation: upload },
            Selected { path: "/b".into(), method: "get".into(), operation: csv },
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        assert!(normalized.operations.is_empty());
        let reasons: Vec<&str> = normalized.skipped.iter().map(|(_, why)| why.as_str()).collect();
        assert_eq!(
            reasons,
            ["the request body is multipart/form-data, not application/json", "the answer is text/csv, not JSON"]
        );
    }
}
