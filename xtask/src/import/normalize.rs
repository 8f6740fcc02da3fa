//! The normalization pass: upstream Cloudflare operations and schemas, rewritten into the
//! shapes this project generates well and safely. Each rule is a function below, listed (with
//! its one-line description) in [`RULES`], which `import` writes into the spec header.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::rules::{
    API_MESSAGES, FAILURE, FAILURE_SCHEMA, IDENTIFIER, PATH_SEGMENT, RESULT_INFO, SECRET, SECRET_INPUT, UNTYPED, UUID,
    is_secret, is_server_assigned, is_text, ref_name, schema_ref,
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
    "a JSON answer without a schema is the house envelope with an `Untyped` result, as is one whose schema is \
     only an example of an envelope (Pages deletes)",
    "an answer that is a `oneOf`/`anyOf` of envelopes and `result`s (audit logs: a collection or the common \
     envelope; WAF packages; memberships, with or without policies) is the envelope they describe together: \
     the variants merged in order, a `result` that says nothing of its own (the common envelope's `anyOf` of \
     an object, a list and a string) giving way to one that does",
    "an answer that declares no body (a 204: rulesets, Page Shield deletes) is the house envelope with a \
     free-form result that may be absent: no body at all is the answer, `null` to `Client::call`",
    "path-level `parameters` are copied into each operation of the path (an operation's own win)",
    "every 4xx answer (`4XX`, `4xx`, `default`, per-family `*_api-response-common-failure`) becomes \
     `#/components/responses/Failure`; only the first 2xx answer is kept",
    "path parameters get a validated shape: `Identifier` (32 lowercase hex) for account, zone and other \
     Cloudflare identifiers, `Uuid` (`format: uuid`) for UUIDs, `PathSegment` (no `/`, `\\`, `.` or `..`) \
     for any other string; a `oneOf` of them keeps each shape; where upstream says more (an `enum`, a \
     `pattern`), the parameter keeps upstream's example (or first value), and a number (a Logpush job id) \
     keeps a number as its example",
    "`allOf` compositions are merged into one schema (properties merged, later parts win, `required` united)",
    "a `oneOf`/`anyOf` of objects that no required property tells apart becomes `Untyped` JSON (`x-escape`): \
     serde would decode every answer as its first variant and drop fields silently; a named one keeps an \
     example of its first variant, and its object variants inlined (`x-variants`: references and `allOf` \
     resolved, no field the server assigns, no secret), from which the command line takes its flags",
    "an `anyOf` with no object among its variants (`ipv4` or `ipv6` strings) becomes a `oneOf`: typify makes \
     an `anyOf` a struct of optional variants, which refused every string",
    "a `default` that its own schema refuses is corrected where one reading fits (`\"bytes\"` for the enum \
     `BYTES`, `\"0\"` for the integer `0`) and dropped otherwise (`\"200\"` for a list of codes, \
     `\"<6 hours ago>\"` for a `date-time`), each listed below: typify refused the whole family for one (healthchecks, load_balancers, kv, radar)",
    "a `pattern` that the schema's own `example` does not match is dropped, with a note in the description \
     (the generated client would refuse what the API takes: an image variant id `^[a-zA-Z0-9]$` for `hero`)",
    "a text property that holds a secret (`client_secret`, `secret`, `password`, `private_key`, `token`, \
     `api_key`, `x-sensitive`, `format: password`; DLP's boolean `secret` flag is none) becomes `Secret` in \
     answers and `SecretInput` (sent as its value, never shown by `Debug`) in request bodies, where a \
     component that holds one is a copy of its own (`{name}_input`)",
    "a field the server assigns is optional in a request body: one that upstream marks `readOnly` (OpenAPI \
     3.0: its `required` holds for the answer only) or one of `id`, `created_on`, `modified_on`, \
     `created_at`, `updated_at`, `modified_at`, `updated_on`, `last_updated`, `last_modified` that has no \
     `pattern` or `minLength` (an AI gateway's `id` has: the client names it), beside fields the client \
     gives, where a schema shared by a request and its answer requires it (a TSIG's `id`: \
     Cloudflare's own example create sends none; an object that requires nothing but ids, `id` and \
     `*_id`, refers to something and keeps them required); a component that requires one is a copy of its own on \
     the request side (`{name}_input`), the answer keeping it required; each is listed below",
    "a JSON request body without a schema becomes a free-form object",
    "a `multipart/form-data` request body is one object of its parts (a `oneOf` of forms, a Worker upload's, \
     is the parts of all, required where every variant requires them; a secret part is `SecretInput`), a part \
     of any name (upstream's `<any part name>`: a Worker's modules) its `additionalProperties`, and the parts' \
     `encoding` kept; where a form is one of several media types (a Worker upload also takes \
     `application/javascript`), the form is kept: codegen generates one body per operation",
    "a request body of another media type (`application/octet-stream`, `application/x-ndjson`, \
     `application/javascript`) keeps it, as binary text (`@file` is no example)",
    "an answer that is not JSON (CSV, PDF, PNG, pcap, VTT, plain text, a script) keeps its media type, as \
     binary text (a media type that is none, `string` or `undefined` upstream, is `application/octet-stream`); \
     an answer declared JSON whose own example is not one JSON document is that text: `text/html` (a Stream \
     embed) or `application/x-ndjson` (Logpull's JSON lines)",
    "header parameters are kept (Stream's `Tus-Resumable` and `Upload-Creator`, a Worker upload's \
     `CF-WORKER-MAIN-MODULE-PART`), their schemas normalized as a query parameter's",
    "a query or header parameter typed `number` whose example, default and bounds are whole numbers \
     (`page`, `per_page`, `limit`, `offset`: 106 of them) is an `integer`: the generated code sent \
     `page=2.0`",
    "a query parameter whose schema gives no type is a string (an integer where it has a `minimum` or \
     `maximum`), inline: typify made it free-form JSON, with no example and no text form (load balancer \
     `monitor`, `page`, Workers domains' `zone_id`, Intel's `domain`)",
    "operation-level `security` is dropped: the spec-wide `security` (API token, or email + Global API key) applies",
    "an inline enum of a query parameter (or of its array's items) that several operations of a family \
     share becomes one component named after the family and the parameter (`radar_format`; `_2`, `_3` for \
     other enums of the same name): typify made one type per operation (Radar: 869 enum parameters, 58 \
     distinct)",
    "a component that is a bare `string`, `integer`, `number` or `boolean` (a `format`, `nullable`, a \
     description and an example at most) is written where it is used, with its own description: merged by \
     shape, every boolean of the API was one type named after the first (`AaaReady`), every string the \
     service tokens' `Duration`, each with that one's description",
    "structurally identical schemas (ignoring `description`, `example`, `title`) are merged into one, \
     keeping the shortest name (a hand-written schema wins); a parameter keeps its schema's description as \
     its own (the merged schema's may be another's)",
    "a component whose Rust type name another has (`stream_liveInput`, `stream_live_input`) is renamed with \
     `_2`, `_3` (the later in order; a hand-written one keeps its name)",
    "an object whose property names would be one Rust field (Radar's TTL buckets `<=1y` and `>1y`) is a \
     map of its values, described as such",
    "a query parameter whose schema is an object is the query parameters of its properties, as OpenAPI's \
     default `style: form, explode: true` sends it (Intel's `start_end_params` is `start` and `end`)",
    "a string enum two of whose values would be one Rust variant name (`\"\"` and `\"*\"`) is a string, its \
     values in the description: typify panicked on it",
    "an `enum` without `type` takes its values' type (firewall's `mode`, with a `maxLength`: typify panicked)",
    "an `anyOf` beside a `oneOf` (from one `allOf`) whose variants only require properties is a sentence of \
     the description (\"Requires at least one of: `breakout`; `priority`.\"): typify asserts a schema has not \
     both, and the server still checks it",
    "a query parameter with a path parameter's Rust name is dropped, the path giving its value (Radar's \
     `httpProtocol` beside the path's `http_protocol`)",
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
    /// Upstream defaults their own schema refuses, corrected or dropped (`reason` says which).
    pub defaults: Vec<Escape>,
    /// Required fields the server assigns, optional in a request body (`reason` names them).
    pub relaxed: Vec<Escape>,
}

/// Normalizes `selected` operations of the upstream document `upstream`. `taken_ids` are the
/// operationIds already in the spec; `house` the hand-written schemas (a merge target).
pub fn normalize(
    upstream: &Value,
    selected: Vec<Selected>,
    taken_ids: &BTreeSet<String>,
    house: &BTreeMap<String, Value>,
) -> Result<Normalized, String> {
    let mut pass = Pass {
        upstream,
        schemas: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        escapes: Vec::new(),
        defaults: Vec::new(),
        relaxed: Vec::new(),
        request_side: false,
    };
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
    let mut normalized = Normalized {
        operations,
        skipped,
        schemas: pass.schemas,
        escapes: pass.escapes,
        merged: Vec::new(),
        defaults: pass.defaults,
        relaxed: pass.relaxed,
    };
    hoist_parameter_enums(&mut normalized, house);
    inline_primitives(&mut normalized);
    merge_identical(&mut normalized, house);
    rename_colliding(&mut normalized, house);
    normalized.escapes.sort();
    normalized.escapes.dedup();
    normalized.defaults.sort();
    normalized.defaults.dedup();
    normalized.relaxed.sort();
    normalized.relaxed.dedup();
    Ok(normalized)
}

/// Whether every number a `type: number` schema gives (`example`, `default`, `minimum`,
/// `maximum`, `multipleOf`) is whole: the parameter counts (a page, a limit).
fn whole_numbers(flat: &Map<String, Value>) -> bool {
    ["example", "default", "minimum", "maximum", "multipleOf"].iter().filter_map(|key| flat.get(*key)).all(|value| {
        value.as_f64().is_some_and(|number| number.fract() == 0.0)
            || value.as_str().is_some_and(|text| text.parse::<i64>().is_ok())
    })
}

/// The schema of a body that is not JSON (raw bytes, an answer's file): binary text, with
/// upstream's description and an example where it is content (not `@file`).
fn raw_schema(upstream: &Map<String, Value>) -> Value {
    let mut out = json!({ "type": "string", "format": "binary" });
    if let Some(description) = upstream.get("description") {
        out["description"] = description.clone();
    }
    if let Some(Value::String(example)) =
        upstream.get("example").filter(|example| example.as_str().is_some_and(|text| !text.starts_with('@')))
    {
        out["example"] = example.clone().into();
    }
    out
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
    defaults: Vec<Escape>,
    relaxed: Vec<Escape>,
    /// A request body is being normalized: its secrets are sent ([`SECRET_INPUT`]).
    request_side: bool,
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

        let mut upstream_parameters = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            upstream_parameters.push(self.resolve_component(parameter, "parameters")?);
        }
        let mut parameters = Vec::new();
        for parameter in self.explode_objects(upstream_parameters)? {
            parameters.push(self.parameter(id, &parameter)?);
        }
        // Path parameters first, then the rest, each in upstream order.
        parameters.sort_by_key(|parameter| parameter["in"] != "path");
        // A query parameter with a path parameter's Rust name (see [`RULES`]).
        let path_names: BTreeSet<String> = parameters
            .iter()
            .filter(|parameter| parameter["in"] == "path")
            .filter_map(|parameter| Some(field_name(parameter["name"].as_str()?)))
            .collect();
        parameters.retain(|parameter| {
            parameter["in"] == "path"
                || !parameter["name"].as_str().is_some_and(|name| path_names.contains(&field_name(name)))
        });
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

    /// `parameters` (upstream form) with each query parameter whose schema is an object sent
    /// as OpenAPI's default says (`style: form`, `explode: true`: one query parameter per
    /// property, `?start=..&end=..` for `start_end_params`) replaced by those parameters; one
    /// of them that another parameter of the operation names is left to that one.
    fn explode_objects(&self, parameters: Vec<Value>) -> Result<Vec<Value>, String> {
        let named: BTreeSet<String> =
            parameters.iter().filter_map(|parameter| Some(parameter["name"].as_str()?.to_owned())).collect();
        let mut out = Vec::new();
        for parameter in parameters {
            let exploded = parameter["in"] == "query"
                && parameter.get("style").is_none_or(|style| style == "form")
                && parameter.get("explode").is_none_or(|explode| explode == true);
            let flat = match parameter.get("schema") {
                Some(schema) if exploded => self.flatten(schema)?,
                _ => Map::new(),
            };
            let properties = flat
                .get("properties")
                .and_then(Value::as_object)
                .filter(|properties| !properties.is_empty() && flat.get("type").is_none_or(|kind| kind == "object"));
            let Some(properties) = properties else {
                out.push(parameter);
                continue;
            };
            let required = required(&flat);
            for (name, schema) in properties.iter().filter(|(name, _)| !named.contains(*name)) {
                let mut one = json!({ "name": name, "in": "query", "schema": schema });
                if parameter["required"] == true && required.contains(name.as_str()) {
                    one["required"] = true.into();
                }
                if let Some(description) = self.flatten(schema)?.get("description") {
                    one["description"] = description.clone();
                }
                out.push(one);
            }
        }
        Ok(out)
    }

    fn parameter(&mut self, id: &str, parameter: &Value) -> Result<Value, String> {
        let name = parameter["name"].as_str().ok_or("a parameter has no name")?;
        let mut out = parameter.as_object().cloned().unwrap_or_default();
        let schema = parameter.get("schema").ok_or(format!("parameter {name} has no schema"))?;
        // The parameter's own words, which a merged schema may not keep (see [`RULES`]).
        if !out.contains_key("description")
            && let Some(description) = self.flatten(schema)?.get("description").filter(|text| text.is_string())
        {
            out.insert("description".into(), description.clone());
        }
        let schema = if parameter["in"] == "path" {
            out.insert("required".into(), true.into());
            if let Some(example) = self.path_example(parameter, schema) {
                out.insert("example".into(), example.into());
            }
            self.path_parameter(name, schema)?
        } else {
            let place = format!("{id}: parameter {name}");
            let mut flat = self.flatten(schema)?;
            // A query parameter is text on the wire; without a type, typify made it free-form
            // JSON, which has no example to build and no text form (see [`RULES`]).
            const TYPED: [&str; 7] = ["type", "enum", "items", "properties", "oneOf", "anyOf", "not"];
            if TYPED.iter().all(|key| !flat.contains_key(*key)) {
                let numeric = flat.contains_key("minimum") || flat.contains_key("maximum");
                flat.insert("type".into(), if numeric { "integer" } else { "string" }.into());
                self.flat_schema(flat, &place)
            } else if flat.get("type").and_then(Value::as_str) == Some("number") && whole_numbers(&flat) {
                // A count (`page`, `per_page`, `limit`) upstream types a number: the generated
                // code sent `page=2.0` (see [`RULES`]).
                flat.insert("type".into(), "integer".into());
                self.flat_schema(flat, &place)
            } else {
                self.schema(schema, &place)
            }
        };
        out.insert("schema".into(), schema);
        Ok(Value::Object(out))
    }

    /// The example of a path parameter whose upstream schema says more than its shape keeps (an
    /// `enum`, a `pattern`): upstream's example, else its first value, where the shape takes it.
    fn path_example(&self, parameter: &Value, schema: &Value) -> Option<String> {
        let flat = self.flatten(schema).ok()?;
        let name = parameter["name"].as_str().unwrap_or_default();
        // A number (a Logpush job id, an ASN): upstream's example, else its minimum, else 1,
        // where the shape is any segment (an account id upstream types as an integer is still
        // an identifier).
        if matches!(flat.get("type").and_then(Value::as_str), Some("integer" | "number"))
            && path_shape(name, &flat) == PATH_SEGMENT
        {
            let number = [parameter.get("example"), flat.get("example"), flat.get("minimum")]
                .into_iter()
                .flatten()
                .find(|value| value.is_number())
                .map_or_else(|| "1".to_owned(), Value::to_string);
            return Some(number);
        }
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
        let content = &body["content"];
        let mut out = Map::new();
        out.insert("required".into(), body.get("required").cloned().unwrap_or(Value::Bool(false)));
        if let Some(description) = body.get("description") {
            out.insert("description".into(), description.clone());
        }
        let Some(media) = content.get("application/json") else {
            // A form (multipart) before raw alternatives (a Worker upload takes both).
            let (kind, media) = content
                .get("multipart/form-data")
                .map(|media| ("multipart/form-data", media))
                .or_else(|| content.as_object()?.iter().next().map(|(kind, media)| (kind.as_str(), media)))
                .ok_or("the request body declares no content")?;
            let schema = if kind == "multipart/form-data" {
                self.form(id, &media["schema"])?
            } else {
                raw_schema(&self.flatten(&media["schema"]).unwrap_or_default())
            };
            let mut media_out = json!({ "schema": schema });
            if let Some(encoding) = media.get("encoding") {
                media_out["encoding"] = encoding.clone();
            }
            out.insert("content".into(), json!({ kind: media_out }));
            return Ok(Value::Object(out));
        };
        let schema = match media.get("schema") {
            None => json!({ "type": "object", "description": "Free-form JSON (the upstream schema gives none)." }),
            Some(schema) => {
                self.request_side = true;
                let schema = self.schema(schema, &format!("{id}: request body"));
                self.request_side = false;
                schema
            }
        };
        out.insert("content".into(), json!({ "application/json": { "schema": schema } }));
        Ok(Value::Object(out))
    }

    /// A `multipart/form-data` body's schema: one object of its parts (a `oneOf` of forms, a
    /// Worker upload's, is the parts of all, those every variant requires required), each part's
    /// schema normalized as a request's (a secret part is `SecretInput`); a part of any name
    /// (upstream's `<any part name>`, a Worker's modules) is `additionalProperties`.
    fn form(&mut self, id: &str, schema: &Value) -> Result<Value, String> {
        let flat = self.flatten(schema)?;
        let variants: Vec<Map<String, Value>> =
            match ["oneOf", "anyOf"].iter().find_map(|key| flat.get(*key)?.as_array()) {
                Some(variants) => variants.iter().map(|variant| self.flatten(variant)).collect::<Result<_, _>>()?,
                None => vec![flat.clone()],
            };
        let mut properties = Map::new();
        let mut required: Option<BTreeSet<String>> = None;
        let mut any_part = None;
        for variant in &variants {
            for (name, property) in variant.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if name.starts_with('<') {
                    any_part = Some(property.clone());
                } else if !properties.contains_key(name) {
                    properties.insert(name.clone(), property.clone());
                }
            }
            let mine: BTreeSet<String> = self::required(variant).into_iter().map(str::to_owned).collect();
            required = Some(match required {
                None => mine,
                Some(all) => all.intersection(&mine).cloned().collect(),
            });
        }
        let mut merged = Map::new();
        merged.insert("type".into(), "object".into());
        if let Some(description) = flat.get("description") {
            merged.insert("description".into(), description.clone());
        }
        merged.insert("properties".into(), Value::Object(properties));
        let required: Vec<Value> = required.unwrap_or_default().into_iter().map(Value::String).collect();
        if !required.is_empty() {
            merged.insert("required".into(), required.into());
        }
        // Normalized as a request's object: a secret part is `SecretInput`.
        self.request_side = true;
        let normalized = self.schema(&Value::Object(merged), &format!("{id}: form"));
        self.request_side = false;
        let Value::Object(mut out) = normalized else { return Err("a form is no object".into()) };
        if let Some(any) = any_part {
            let description = any.get("description").cloned().unwrap_or_else(|| "A part of any name.".into());
            out.insert("additionalProperties".into(), json!({ "description": description }));
        }
        Ok(Value::Object(out))
    }

    fn responses(&mut self, id: &str, responses: &Value) -> Result<Value, String> {
        let responses = responses.as_object().ok_or("no responses")?;
        let (status, success) = responses.iter().find(|(status, _)| status.starts_with('2')).ok_or("no 2xx answer")?;
        let success = self.resolve_component(success, "responses")?;
        let mut answer = Map::new();
        answer.insert("description".into(), success.get("description").cloned().unwrap_or_else(|| "Success".into()));
        if let Some(content) = success.get("content")
            && content.get("application/json").is_none()
        {
            // An answer that is not JSON (a CSV, an image, a PDF, a script): its bytes, as sent.
            let (kind, media) =
                content.as_object().and_then(|content| content.iter().next()).ok_or("an empty content")?;
            let kind = if kind.contains('/') { kind.clone() } else { "application/octet-stream".to_owned() };
            let schema = raw_schema(&self.flatten(&media["schema"]).unwrap_or_default());
            answer.insert("content".into(), json!({ kind: { "schema": schema } }));
            return Ok(self.with_failure(status, answer));
        }
        // Declared JSON, but upstream's own example is text that is not one JSON document (a
        // Stream embed's HTML, Logpull's JSON lines): that text, as sent.
        if let Some(text) = success
            .pointer("/content/application~1json/schema")
            .and_then(|schema| self.text_example(schema, &format!("{id}: answer")))
        {
            let kind = if text.trim_start().starts_with('<') { "text/html" } else { "application/x-ndjson" };
            let description = format!(
                "Upstream declares JSON, but its own example is {}: the answer is that text, as sent.",
                if kind == "text/html" { "HTML" } else { "JSON lines" }
            );
            answer.insert(
                "content".into(),
                json!({ kind: { "schema": { "type": "string", "format": "binary", "description": description } } }),
            );
            return Ok(self.with_failure(status, answer));
        }
        let schema = match (success.get("content"), success.pointer("/content/application~1json/schema")) {
            // No body (a 204: rulesets and Page Shield deletes), or one upstream leaves out (DEX
            // fleet status, a 200): the envelope with a free-form result, which may be absent.
            (None, _) => self.bare_envelope(json!({ "nullable": true,
                "description": "Upstream declares no body: none (a 204) is the answer, as JSON `null`." })),
            // JSON the schema does not describe: the envelope the live API sends, its result untyped.
            (Some(_), None) => self.bare_envelope(schema_ref(UNTYPED)),
            (Some(_), Some(schema)) => self.answer_schema(schema, &format!("{id}: answer"))?,
        };
        answer.insert("content".into(), json!({ "application/json": { "schema": schema } }));
        Ok(self.with_failure(status, answer))
    }

    /// The answers of an operation: its successful `answer` under `status`, and the shared
    /// failure for every 4xx.
    fn with_failure(&self, status: &str, answer: Map<String, Value>) -> Value {
        let mut out = Map::new();
        out.insert(status.to_owned(), Value::Object(answer));
        out.insert("4XX".into(), json!({ "$ref": format!("#/components/responses/{FAILURE}") }));
        Value::Object(out)
    }

    /// The text of an answer schema's `example` where it is not one JSON document (and the
    /// schema is no envelope): what upstream says the answer is, though it declares JSON.
    fn text_example(&mut self, schema: &Value, place: &str) -> Option<String> {
        let flat = self.flatten(schema).ok()?;
        match flat.get("example") {
            Some(Value::String(text))
                if serde_json::from_str::<Value>(text).is_err() && self.envelope(&flat, place).is_none() =>
            {
                Some(text.clone())
            }
            _ => None,
        }
    }

    /// The normalized schema of a JSON answer, `schema` upstream, found at `place`; or why it
    /// cannot be read.
    fn answer_schema(&mut self, schema: &Value, place: &str) -> Result<Value, String> {
        let flat = self.flatten(schema).unwrap_or_default();
        // A union of envelopes (audit logs: a collection or the common envelope; WAF packages:
        // the collection and its `result`): the envelope they describe together.
        if let Some(merged) = self.envelope_union(schema) {
            return Ok(self.flat_schema(merged, place));
        }
        // A schema that is only an example of an envelope (Pages deletes): the envelope with an
        // untyped result, as for an answer without a schema.
        if flat.keys().all(|key| key == "example" || key == "description")
            && flat.get("example").and_then(|example| example.get("success")).is_some()
        {
            return Ok(self.bare_envelope(schema_ref(UNTYPED)));
        }
        // A component that is an answer described by its `result` alone (SSL verification
        // details) is that answer's envelope, written inline.
        if ref_name(schema).is_some() && described_by_result_alone(&flat) {
            return Ok(self.flat_schema(flat, place));
        }
        Ok(self.schema(schema, place))
    }

    /// The envelope a `oneOf`/`anyOf` answer describes when each of its variants is an envelope
    /// or a `result` (see [`RULES`]), in upstream form: the variants merged in order, except a
    /// `result` that says nothing of its own (the common envelope's `anyOf` of an object, a list
    /// and a string, or a list of anything) where another variant describes one.
    fn envelope_union(&self, schema: &Value) -> Option<Map<String, Value>> {
        let flat = self.flatten(schema).ok()?;
        let variants = ["oneOf", "anyOf"].iter().find_map(|key| flat.get(*key)?.as_array())?;
        let variants: Vec<Map<String, Value>> =
            variants.iter().map(|variant| self.flatten(variant)).collect::<Result<_, _>>().ok()?;
        let envelope_like = |variant: &Map<String, Value>| {
            variant.get("properties").and_then(Value::as_object).is_some_and(|properties| {
                properties.contains_key("result")
                    || (properties.contains_key("success") && properties.contains_key("errors"))
            })
        };
        if variants.len() < 2 || !variants.iter().all(envelope_like) || !variants.iter().any(|v| self.is_house(v)) {
            return None;
        }
        let says_little = |variant: &Map<String, Value>| {
            variant
                .get("properties")
                .and_then(|properties| properties.get("result"))
                .is_none_or(|result| self.says_little(result))
        };
        let described = variants.iter().any(|variant| !says_little(variant));
        let mut merged = Map::new();
        for mut variant in variants {
            if described
                && says_little(&variant)
                && let Some(Value::Object(properties)) = variant.get_mut("properties")
            {
                properties.remove("result");
            }
            merge_into(&mut merged, variant);
        }
        for (key, value) in &flat {
            if key != "oneOf" && key != "anyOf" {
                merged.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        Some(merged)
    }

    /// Whether a flattened schema has the envelope's `success` and `errors`.
    fn is_house(&self, flat: &Map<String, Value>) -> bool {
        flat.get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| properties.contains_key("success") && properties.contains_key("errors"))
    }

    /// Whether a `result` schema says nothing of its own: no type, a list of anything, or a
    /// union of such (the common envelope's `anyOf` of an object, a list and a string).
    fn says_little(&self, schema: &Value) -> bool {
        let Ok(flat) = self.flatten(schema) else { return true };
        if let Some(variants) = ["oneOf", "anyOf"].iter().find_map(|key| flat.get(*key)?.as_array()) {
            return variants.iter().all(|variant| self.says_little(variant) || self.is_bare_type(variant));
        }
        if flat.contains_key("properties") || flat.contains_key("enum") {
            return false;
        }
        match flat.get("items") {
            Some(items) => self.says_little(items),
            None => !flat.contains_key("type"),
        }
    }

    /// Whether a schema is a type and nothing more (`{type: object}`, `{type: string}`).
    fn is_bare_type(&self, schema: &Value) -> bool {
        self.flatten(schema).is_ok_and(|flat| {
            flat.keys().all(|key| matches!(key.as_str(), "type" | "description" | "example" | "nullable"))
        })
    }

    /// The house envelope around `result`.
    fn bare_envelope(&self, result: Value) -> Value {
        json!({ "type": "object", "properties": {
            "success": { "type": "boolean" },
            "errors": schema_ref(API_MESSAGES),
            "messages": schema_ref(API_MESSAGES),
            "result": result,
        } })
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
        // A component that holds a secret has a copy of its own on the request side, whose
        // secrets are sent (`SecretInput`); answers keep the redacting `Secret`. So does one that
        // requires a field the server assigns: optional in the request, required in the answer.
        let key = if self.request_side && self.differs_as_input(&schema_ref(name), &mut BTreeSet::new()) {
            let upstream = &self.upstream["components"]["schemas"];
            (1..)
                .map(|n| if n == 1 { format!("{name}_input") } else { format!("{name}_input_{n}") })
                .find(|candidate| upstream.get(candidate).is_none())
                .expect("an unbounded range")
        } else {
            name.to_owned()
        };
        if self.schemas.contains_key(&key) || self.in_progress.contains(&key) {
            return key;
        }
        let Ok(upstream) = self.upstream_schema(name).cloned() else { return UNTYPED.to_owned() };
        self.in_progress.insert(key.clone());
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
                // Its variants, for the command line's flags (`--type A --name www`): no type is
                // generated from them.
                if let Some(variants) = self.inline_variants(&flat) {
                    escaped.insert("x-variants".into(), variants);
                }
                Value::Object(escaped)
            }
            None => self.flat_schema(flat, name),
        };
        let mut normalized = normalized;
        if key != name
            && let Some(object) = normalized.as_object_mut()
        {
            object.insert("x-imported-from".into(), name.into());
        }
        self.in_progress.remove(&key);
        self.schemas.insert(key.clone(), normalized);
        key
    }

    /// Whether an upstream schema is normalized otherwise in a request body: it holds a secret
    /// property (see [`Pass::is_text`]) or requires a field the server assigns
    /// ([`is_server_assigned`]), itself or in what it refers to.
    fn differs_as_input(&self, schema: &Value, seen: &mut BTreeSet<String>) -> bool {
        if let Some(name) = ref_name(schema) {
            return seen.insert(name.to_owned())
                && self.upstream_schema(name).is_ok_and(|schema| self.differs_as_input(schema, seen));
        }
        let Some(object) = schema.as_object() else { return false };
        if !self.server_assigned(object).is_empty() {
            return true;
        }
        let properties = object.get("properties").and_then(Value::as_object).into_iter().flatten();
        for (name, property) in properties {
            if (is_secret(name, property) && self.is_text(property)) || self.differs_as_input(property, seen) {
                return true;
            }
        }
        let inner = ["items", "additionalProperties", "not"].iter().filter_map(|key| object.get(*key));
        let variants =
            ["allOf", "oneOf", "anyOf"].iter().filter_map(|key| object.get(*key).and_then(Value::as_array)).flatten();
        inner.chain(variants).any(|inner| self.differs_as_input(inner, seen))
    }

    /// The required properties of `object` (upstream form, its own `required` and `properties`)
    /// that the server assigns ([`is_server_assigned`]). An object that requires nothing else
    /// but ids (an `id`, read-only or not, and `*_id`s) is a reference to something (an Access
    /// rule's `{group: {id}}` or `{azureAD: {id, identity_provider_id}}`, a policy's permission
    /// groups, a bulk delete's items): those ids are the client's to give.
    fn server_assigned(&self, object: &Map<String, Value>) -> Vec<String> {
        let required = required(object);
        let property = |name: &str| {
            let property = object.get("properties").and_then(|properties| properties.get(name));
            property.map(|property| self.flatten(property).unwrap_or_default()).unwrap_or_default()
        };
        let read_only = |name: &str| property(name).get("readOnly").and_then(Value::as_bool) == Some(true);
        // An id with rules for what it may be (a `pattern`, a `minLength`: an AI gateway's
        // `my-gateway`, an image variant's `hero`) is the client's choice, not the server's.
        let chosen = |name: &str| ["pattern", "minLength"].iter().any(|key| property(name).contains_key(*key));
        let assigned: Vec<String> = required
            .iter()
            .filter(|name| read_only(name) || (is_server_assigned(name, &Value::Null) && !chosen(name)))
            .map(|name| (*name).to_owned())
            .collect();
        // A reference: every field it requires is server-assigned or names something by id.
        let reference =
            required.iter().all(|name| assigned.iter().any(|a| a == name) || name.ends_with("_id") || *name == "id");
        if reference { Vec::new() } else { assigned }
    }

    /// Whether an upstream property's schema is text ([`is_text`], on its flattened form).
    fn is_text(&self, schema: &Value) -> bool {
        is_text(&Value::Object(self.flatten(schema).unwrap_or_default()))
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
        self.check_default(&mut flat, place);
        if self.request_side {
            self.relax_server_assigned(&mut flat, place);
        }
        // typify has no type for an `enum` without `type` beside string keywords (`maxLength`):
        // it panicked. The values say the type.
        if !flat.contains_key("type")
            && let Some(Value::Array(values)) = flat.get("enum")
        {
            let kind = if values.iter().all(Value::is_string) {
                Some("string")
            } else if values.iter().all(Value::is_i64) {
                Some("integer")
            } else if values.iter().all(Value::is_number) {
                Some("number")
            } else if values.iter().all(Value::is_boolean) {
                Some("boolean")
            } else {
                None
            };
            if let Some(kind) = kind {
                flat.insert("type".into(), kind.into());
            }
        }
        // An `allOf` of a `oneOf` and an `anyOf` that only requires (Magic's app config: an
        // account or a managed app, and a breakout or a priority): typify asserts a schema has
        // not both. The `anyOf` only validates; it goes, described, and Cloudflare still checks.
        if flat.contains_key("oneOf")
            && let Some(Value::Array(variants)) = flat.get("anyOf")
            && variants.iter().all(|variant| {
                variant.as_object().is_some_and(|variant| {
                    variant.keys().all(|key| matches!(key.as_str(), "required" | "title" | "description"))
                })
            })
        {
            let sets: Vec<String> = variants
                .iter()
                .map(|variant| {
                    let names: Vec<String> = variant["required"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|name| format!("`{name}`"))
                        .collect();
                    names.join(" and ")
                })
                .collect();
            let note = format!("Requires at least one of: {}.", sets.join("; "));
            append_note(&mut flat, &note);
            flat.remove("anyOf");
        }
        if let Some(reason) = self.union_escape(&flat) {
            self.escapes.push(Escape { place: place.to_owned(), reason });
            // Its variants beside the reference, for the command line's flags (the reference is
            // what codegen types).
            return match self.inline_variants(&flat) {
                Some(variants) => json!({ "allOf": [schema_ref(UNTYPED)], "x-variants": variants }),
                None => schema_ref(UNTYPED),
            };
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
        if let Some(Value::Object(properties)) = flat.get("properties")
            && let Some((one, other)) = colliding(properties.keys().map(String::as_str), field_name)
        {
            let note = format!(
                "A map: upstream's properties `{one}` and `{other}` would be one Rust field (`{}`).",
                field_name(&one)
            );
            let properties = properties.clone();
            let values: Vec<Value> =
                properties.iter().map(|(name, property)| self.schema(property, &format!("{place}.{name}"))).collect();
            let same = values.iter().all(|value| structure(value) == structure(&values[0]));
            append_note(&mut flat, &note);
            flat.remove("properties");
            flat.remove("required");
            flat.insert("type".into(), "object".into());
            flat.insert("additionalProperties".into(), if same { values[0].clone() } else { json!({}) });
        }
        if let Some(Value::Object(properties)) = flat.remove("properties") {
            let mut out = Map::new();
            for (name, property) in properties {
                let value = if is_secret(name.as_str(), &property) && self.is_text(&property) {
                    schema_ref(if self.request_side { SECRET_INPUT } else { SECRET })
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
            let note = format!("Upstream's pattern `{pattern}` refuses upstream's own example `{example}`; dropped.");
            append_note(&mut flat, &note);
            flat.remove("pattern");
        }
        // typify names an enum's variants after its values, and panics on two that make one name
        // (`""` and `"*"`, both empty): such an enum is a string, its values described.
        if let Some(Value::Array(values)) = flat.get("enum")
            && values.iter().all(Value::is_string)
            && let Some((one, other)) = colliding(values.iter().filter_map(Value::as_str), type_name)
        {
            let listed: Vec<String> = values.iter().map(Value::to_string).collect();
            let note = format!(
                "One of {} (upstream's enum, a string here: {one:?} and {other:?} would be one Rust name).",
                listed.join(", ")
            );
            append_note(&mut flat, &note);
            flat.remove("enum");
        }
        // typify cannot express `enum: [null]` on a typed schema; such a field is null or absent.
        if flat.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().all(Value::is_null)) {
            return json!({ "nullable": true, "description": "Always null." });
        }
        Value::Object(flat)
    }

    /// Makes the fields the server assigns optional in `flat`, a request body's schema (or a part
    /// of one), recording which at `place`.
    fn relax_server_assigned(&mut self, flat: &mut Map<String, Value>, place: &str) {
        let relaxed = self.server_assigned(flat);
        if relaxed.is_empty() {
            return;
        }
        let kept: Vec<Value> =
            required(flat).into_iter().filter(|name| !relaxed.iter().any(|r| r == name)).map(Value::from).collect();
        if kept.is_empty() {
            flat.remove("required");
        } else {
            flat.insert("required".into(), kept.into());
        }
        let names: Vec<String> = relaxed.iter().map(|name| format!("`{name}`")).collect();
        self.relaxed.push(Escape { place: place.to_owned(), reason: format!("{} optional", names.join(", ")) });
    }

    /// Corrects or drops a `default` of `flat` (upstream form) that `flat` itself refuses
    /// (see [`RULES`]), recording what it did at `place`.
    fn check_default(&mut self, flat: &mut Map<String, Value>, place: &str) {
        let Some(default) = flat.get("default").cloned() else { return };
        let schema = Value::Object(flat.clone());
        if self.conforms(&default, &schema) {
            return;
        }
        // One reading of a string that fits: an enum value in other case, or the JSON the
        // string spells (`"0"`, `"true"`).
        let readings: Vec<Value> = match &default {
            Value::String(text) => {
                let in_enum = flat.get("enum").and_then(Value::as_array).into_iter().flatten().filter(|value| {
                    value.as_str().is_some_and(|value| value.eq_ignore_ascii_case(text) && value != text)
                });
                in_enum.cloned().chain(serde_json::from_str::<Value>(text).ok()).collect()
            }
            _ => Vec::new(),
        };
        let what = match readings.into_iter().find(|reading| self.conforms(reading, &schema)) {
            Some(reading) => {
                let what = format!("default {default} corrected to {reading}");
                flat.insert("default".into(), reading);
                what
            }
            None => {
                flat.remove("default");
                format!("default {default} dropped")
            }
        };
        self.defaults.push(Escape { place: place.to_owned(), reason: format!("{what}: its schema refuses it") });
    }

    /// Whether `value` fits the upstream `schema`: its type, enum and bounds, and those of its
    /// items and properties (what typify checks a default against).
    fn conforms(&self, value: &Value, schema: &Value) -> bool {
        let Ok(mut flat) = self.flatten(schema) else { return true };
        // Upstream leaves `type` out at times (an `allOf` part that retypes a property): `items`
        // says array, as typify reads it.
        if !flat.contains_key("type") && flat.contains_key("items") {
            flat.insert("type".into(), "array".into());
        }
        let schema = Value::Object(flat);
        if !crate::codegen::table::fits(value, &schema) {
            return false;
        }
        match value {
            Value::Array(items) => {
                schema.get("items").is_none_or(|inner| items.iter().all(|item| self.conforms(item, inner)))
            }
            Value::Object(fields) => fields.iter().all(|(name, field)| {
                schema
                    .pointer(&format!("/properties/{}", name.replace('~', "~0").replace('/', "~1")))
                    .is_none_or(|inner| self.conforms(field, inner))
            }),
            Value::String(text) => text_conforms(text, &schema),
            _ => true,
        }
    }

    /// The house envelope for an (already flattened) upstream envelope, or `None` for any other
    /// schema. An envelope is an object with `success` and `errors`, `messages` or `result`.
    fn envelope(&mut self, flat: &Map<String, Value>, place: &str) -> Option<Value> {
        let properties = flat.get("properties")?.as_object()?;
        // A field the envelope names, as a property or only as required (waiting rooms' common
        // response requires `success`, `errors` and `messages` and describes none of them).
        let required = required(flat);
        let has = |field: &str| properties.contains_key(field) || required.contains(field);
        let envelope_field = ["errors", "messages", "result"].iter().any(|field| has(field));
        // An answer described by its `result` alone (the live API sends the rest).
        let bare_answer = place.ends_with(": answer") && described_by_result_alone(flat);
        let house = has("success") && envelope_field;
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

    /// The object variants of the union `flat`, each inlined ([`Pass::inline`]), or `None`
    /// where one is not an object.
    fn inline_variants(&self, flat: &Map<String, Value>) -> Option<Value> {
        let variants = ["oneOf", "anyOf"].into_iter().find_map(|key| flat.get(key)?.as_array())?;
        let inlined: Vec<Value> = variants.iter().map(|variant| self.inline(variant, 0)).collect();
        inlined.iter().all(|variant| variant.get("properties").is_some()).then(|| inlined.into())
    }

    /// `schema` with its references and `allOf` resolved, to a depth of three objects: the
    /// keywords that type and describe a value, the properties a client sends (none that the
    /// server assigns, and no secret: a secret is sent in `--body`, never as a flag).
    fn inline(&self, schema: &Value, depth: usize) -> Value {
        let flat = self.flatten(schema).unwrap_or_default();
        let mut out = Map::new();
        for key in ["type", "enum", "title", "format", "minimum", "maximum", "default", "pattern"] {
            if let Some(value) = flat.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        // A scalar's example, for the command's printed example.
        if let Some(example) = flat.get("example").filter(|example| !example.is_object() && !example.is_array()) {
            out.insert("example".into(), example.clone());
        }
        if let Some(Value::String(text)) = flat.get("description") {
            let first = text.split("\n\n").next().unwrap_or_default().trim();
            out.insert("description".into(), first.into());
        }
        // A union of scalars (a TTL: a number, or 1 for automatic) is typed by its first.
        if !out.contains_key("type")
            && let Some(first) = ["oneOf", "anyOf"].into_iter().find_map(|key| flat.get(key)?.as_array()?.first())
            && let Some(kind) = self.flatten(first).unwrap_or_default().get("type")
        {
            out.insert("type".into(), kind.clone());
        }
        if depth < 3 {
            if let Some(Value::Object(properties)) = flat.get("properties") {
                let mut kept = Map::new();
                for (name, property) in properties {
                    let resolved = Value::Object(self.flatten(property).unwrap_or_default());
                    // `readOnly`, or an id by its name whose values are not the client's to choose
                    // (a pattern or an enum says they are).
                    let chosen = ["pattern", "enum"].iter().any(|key| resolved.get(*key).is_some());
                    let read_only = resolved.get("readOnly").and_then(Value::as_bool) == Some(true);
                    let assigned = read_only || (is_server_assigned(name, &Value::Null) && !chosen);
                    if assigned || (is_secret(name, property) && self.is_text(property)) {
                        continue;
                    }
                    kept.insert(name.clone(), self.inline(property, depth + 1));
                }
                let required: Vec<Value> =
                    required(&flat).into_iter().filter(|name| kept.contains_key(*name)).map(Value::from).collect();
                out.insert("properties".into(), kept.into());
                if !required.is_empty() {
                    out.insert("required".into(), required.into());
                }
            }
            if let Some(items) = flat.get("items") {
                out.insert("items".into(), self.inline(items, depth + 1));
            }
        }
        Value::Object(out)
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
        let required: Vec<BTreeSet<&str>> = flattened.iter().map(required).collect();
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

/// Whether `text` has the `format` (those typify gives a type of its own) and matches the
/// `pattern` of `schema`: `"<6 hours ago>"` is no `date-time`.
fn text_conforms(text: &str, schema: &Value) -> bool {
    let matches = |pattern: &str| regress::Regex::new(pattern).is_ok_and(|regex| regex.find(text).is_some());
    let format = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => matches(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"),
        Some("date") => matches(r"^\d{4}-\d{2}-\d{2}$"),
        Some("uuid") => matches(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
        Some("ipv4") => text.parse::<std::net::Ipv4Addr>().is_ok(),
        Some("ipv6") => text.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => true,
    };
    format && schema.get("pattern").and_then(Value::as_str).is_none_or(matches)
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

/// Writes each upstream component that is a bare primitive ([`is_bare_primitive`]) where it is
/// referenced, and removes it: a Rust newtype per such component says nothing a `bool` or a
/// `String` does not, and merged by shape they became one type named after whichever came
/// first. A reference wrapped alone in `allOf` beside `nullable` (a nullable reference) is the
/// primitive made nullable: the keys beside a reference win over the component's.
fn inline_primitives(normalized: &mut Normalized) {
    let primitives: BTreeMap<String, Value> = normalized
        .schemas
        .iter()
        .filter(|(_, schema)| is_bare_primitive(schema))
        .map(|(name, schema)| {
            let mut inline = schema.clone();
            if let Some(object) = inline.as_object_mut() {
                object.remove("title");
                object.remove("x-imported-from");
            }
            (name.clone(), inline)
        })
        .collect();
    if primitives.is_empty() {
        return;
    }
    for schema in normalized.schemas.values_mut() {
        inline_refs(schema, &primitives);
    }
    for selected in &mut normalized.operations {
        inline_refs(&mut selected.operation, &primitives);
    }
    for name in primitives.keys() {
        normalized.schemas.remove(name);
    }
}

/// Whether `schema` is a bare `string`, `integer`, `number` or `boolean`: its type, and at most
/// a `format`, `nullable`, a description, an example, a title. A constraint (`enum`, `pattern`,
/// a bound, a length) makes it more than its Rust type, and it stays a component.
fn is_bare_primitive(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else { return false };
    matches!(object.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"))
        && object.keys().all(|key| {
            matches!(
                key.as_str(),
                "type" | "format" | "nullable" | "description" | "example" | "title" | "x-imported-from"
            )
        })
}

/// Replaces in `value` every reference to one of `primitives` by the primitive itself, the
/// reference's own keys winning ([`inline_primitives`]).
fn inline_refs(value: &mut Value, primitives: &BTreeMap<String, Value>) {
    let referenced = |schema: &Value| ref_name(schema).and_then(|name| primitives.get(name)).cloned();
    let alone = match value.get("allOf") {
        Some(Value::Array(parts)) if parts.len() == 1 => referenced(&parts[0]),
        _ => None,
    };
    if let Some(mut inline) = alone.or_else(|| referenced(value)) {
        for (key, own) in value.as_object().into_iter().flatten() {
            if !matches!(key.as_str(), "$ref" | "allOf") {
                inline[key] = own.clone();
            }
        }
        *value = inline;
        return;
    }
    match value {
        Value::Object(object) => object.values_mut().for_each(|value| inline_refs(value, primitives)),
        Value::Array(items) => items.iter_mut().for_each(|value| inline_refs(value, primitives)),
        _ => {}
    }
}

/// Merges structurally identical schemas until none are left, rewriting references. A group
/// keeps a hand-written schema if it has one, else its shortest name.
fn merge_identical(normalized: &mut Normalized, house: &BTreeMap<String, Value>) {
    loop {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, schema) in house.iter().chain(&normalized.schemas) {
            // Nothing is merged into the failure envelope: a success envelope of its shape (a
            // `result` always null: Workers' namespace deletes) would be answered as a failure.
            if name == UNTYPED || name == SECRET || name == FAILURE_SCHEMA {
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

/// `note` as a paragraph of `flat`'s description (the description, where there is none).
fn append_note(flat: &mut Map<String, Value>, note: &str) {
    let description = flat.get("description").and_then(Value::as_str).unwrap_or_default();
    let described = format!("{description}\n\n{note}").trim().to_owned();
    flat.insert("description".into(), Value::String(described));
}

/// The names `schema` lists as `required`.
fn required(schema: &Map<String, Value>) -> BTreeSet<&str> {
    schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
}

/// Whether a (flattened) schema is an object described by its `result` (and `result_info`)
/// alone, nothing saying it is an envelope: how upstream describes some answers.
fn described_by_result_alone(flat: &Map<String, Value>) -> bool {
    !required(flat).contains("success")
        && flat.get("properties").and_then(Value::as_object).is_some_and(|properties| {
            properties.contains_key("result") && properties.keys().all(|key| key == "result" || key == "result_info")
        })
}

/// The Rust field (or setter) name of a JSON property or parameter, as typify and progenitor
/// make it: `<=1y` and `>1y` are both `1y`, `httpProtocol` is `http_protocol`.
fn field_name(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

/// The Rust type name of a component: `stream_liveInput` and `stream_live_input` are both
/// `StreamLiveInput`.
fn type_name(name: &str) -> String {
    heck::ToPascalCase::to_pascal_case(name)
}

/// The first two of `names` that `rust` makes one name, if two do.
fn colliding<'a>(names: impl IntoIterator<Item = &'a str>, rust: fn(&str) -> String) -> Option<(String, String)> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in names {
        if let Some(first) = seen.insert(rust(name), name) {
            return Some((first.to_owned(), name.to_owned()));
        }
    }
    None
}

/// Renames the imported components whose Rust type name another component has (the later
/// name, in order, takes `_2`, `_3`; a hand-written one keeps its name), rewriting references.
fn rename_colliding(normalized: &mut Normalized, house: &BTreeMap<String, Value>) {
    let mut taken: BTreeSet<String> = house.keys().map(|name| type_name(name)).collect();
    // progenitor names an operation's inline answer and body after it (`vectorize_index_info`:
    // `VectorizeIndexInfoResponse`, which the component `vectorize_index-info-response` is too).
    for selected in &normalized.operations {
        let id = selected.operation["operationId"].as_str().unwrap_or_default();
        let inline = |schema: Option<&Value>| schema.is_some_and(|schema| ref_name(schema).is_none());
        let answer = selected.operation["responses"]
            .as_object()
            .and_then(|responses| responses.iter().find(|(status, _)| status.starts_with('2')))
            .and_then(|(_, answer)| answer.pointer("/content/application~1json/schema"));
        if inline(answer) {
            taken.insert(type_name(&format!("{id}_response")));
        }
        if inline(selected.operation.pointer("/requestBody/content/application~1json/schema")) {
            taken.insert(type_name(&format!("{id}_body")));
        }
    }
    let mut renames = BTreeMap::new();
    for name in normalized.schemas.keys().filter(|name| !house.contains_key(*name)) {
        if taken.insert(type_name(name)) {
            continue;
        }
        let renamed = (2..)
            .map(|n| format!("{name}_{n}"))
            .find(|candidate| {
                !normalized.schemas.contains_key(candidate)
                    && !house.contains_key(candidate)
                    && !taken.contains(&type_name(candidate))
            })
            .expect("an unbounded range");
        taken.insert(type_name(&renamed));
        renames.insert(name.clone(), renamed);
    }
    for (name, renamed) in &renames {
        let schema = normalized.schemas.remove(name).expect("listed above");
        normalized.schemas.insert(renamed.clone(), schema);
    }
    for schema in normalized.schemas.values_mut() {
        rename_refs(schema, &renames);
    }
    for selected in &mut normalized.operations {
        rename_refs(&mut selected.operation, &renames);
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

    /// The component `name`, or, where it was written where it is used (a bare primitive), the
    /// first operation's body property `property`.
    fn body_property<'a>(normalized: &'a Normalized, name: &str, property: &str) -> &'a Value {
        if let Some(schema) = normalized.schemas.get(name) {
            return schema;
        }
        let body = &normalized.operations[0].operation["requestBody"]["content"]["application/json"]["schema"];
        let body = match ref_name(body) {
            Some(component) => &normalized.schemas[component],
            None => body,
        };
        &body["properties"][property]
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
        // Without its pattern, a bare string: written where it is used.
        let id = body_property(&normalized, "variant_id", "id");
        assert!(id.get("pattern").is_none(), "{id}");
        assert!(id["description"].as_str().unwrap().contains("`^[a-zA-Z0-9]$`"), "{id}");
        assert_eq!(normalized.schemas["tag"]["pattern"], "^[a-z]+$");
    }

    #[test]
    fn a_default_its_own_schema_refuses_is_corrected_where_one_reading_fits_and_dropped_otherwise() {
        // Upstream's own contradictions: Radar's `format`, custom hostnames' `direction`,
        // health checks' `expected_codes`, KV analytics' `sort`; and defaults that fit.
        let upstream = json!({ "components": { "schemas": {
            "codes": { "type": "array", "items": { "type": "string" }, "default": "200" },
            "sort": { "type": "array", "items": { "type": "string" }, "default": "[]" },
            "kind": { "type": "string", "enum": ["BYTES", "BYTES_OLD"], "default": "bytes" },
            "direction": { "type": "number", "enum": [0, 1], "default": "0" },
            "enabled": { "type": "boolean", "default": "true" },
            "levels": { "type": "array", "items": { "type": "integer", "maximum": 3 }, "default": [1, 9] },
            "kept": { "type": "integer", "minimum": 1, "default": 5 },
            "metrics": { "items": { "enum": ["requests", "readKiB"] }, "default": "[\"requests\"]" },
            "since": { "type": "string", "format": "date-time", "default": "<6 hours ago>" },
            "at": { "type": "string", "format": "date-time", "default": "2019-01-02T02:20:00Z" },
            "code": { "type": "string", "pattern": "^[a-z]{2}$", "default": "USA" },
            "settings": { "type": "object", "properties": { "status": { "$ref": "#/components/schemas/kind" } },
                "default": { "status": "BYTES_OLD" } }
        } } });
        let names = [
            "codes",
            "sort",
            "kind",
            "direction",
            "enabled",
            "levels",
            "kept",
            "metrics",
            "since",
            "at",
            "code",
            "settings",
        ];
        let properties: Map<String, Value> = names.iter().map(|name| ((*name).to_owned(), schema_ref(name))).collect();
        let body = json!({ "type": "object", "properties": properties });
        let operation = json!({ "operationId": "create",
            "requestBody": { "content": { "application/json": { "schema": body } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "post".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let default = |name: &str| body_property(&normalized, name, name).get("default").cloned();
        assert_eq!(default("kind"), Some(json!("BYTES")), "the enum value in other case");
        assert_eq!(default("direction"), Some(json!(0)), "the number the string spells");
        assert_eq!(default("enabled"), Some(json!(true)));
        assert_eq!(default("codes"), None, "no reading fits a list: dropped");
        assert_eq!(default("sort"), Some(json!([])), "`[]` spells an empty list");
        assert_eq!(default("levels"), None, "an item above its maximum");
        assert_eq!(default("kept"), Some(json!(5)), "a default that fits stays");
        assert_eq!(default("metrics"), Some(json!(["requests"])), "`items` without `type` is a list");
        assert_eq!(default("since"), None, "no date-time");
        assert_eq!(default("at"), Some(json!("2019-01-02T02:20:00Z")));
        assert_eq!(default("code"), None, "its pattern refuses it");
        assert_eq!(default("settings"), Some(json!({ "status": "BYTES_OLD" })), "through a reference");
        let listed: Vec<String> =
            normalized.defaults.iter().map(|default| format!("{}: {}", default.place, default.reason)).collect();
        assert_eq!(
            listed,
            [
                "code: default \"USA\" dropped: its schema refuses it",
                "codes: default \"200\" dropped: its schema refuses it",
                "direction: default \"0\" corrected to 0: its schema refuses it",
                "enabled: default \"true\" corrected to true: its schema refuses it",
                "kind: default \"bytes\" corrected to \"BYTES\": its schema refuses it",
                "levels: default [1,9] dropped: its schema refuses it",
                "metrics: default \"[\\\"requests\\\"]\" corrected to [\"requests\"]: its schema refuses it",
                "since: default \"<6 hours ago>\" dropped: its schema refuses it",
                "sort: default \"[]\" corrected to []: its schema refuses it",
            ]
        );
    }

    #[test]
    fn a_query_parameter_without_a_type_is_a_string_or_an_integer_and_keeps_its_example() {
        let upstream = json!({ "components": { "schemas": {
            "zone_identifier": { "description": "Identifier of the zone.", "example": "593c9c94de529bbbfaac7c53ced0447d" }
        } } });
        let parameters = json!([
            { "name": "zone_id", "in": "query", "schema": { "$ref": "#/components/schemas/zone_identifier" } },
            { "name": "page", "in": "query", "schema": { "minimum": 1 } },
            { "name": "monitor", "in": "query", "schema": { "description": "The ID of the Monitor." } },
            { "name": "kind", "in": "query", "schema": { "enum": ["a", "b"] } }
        ]);
        let operation = json!({ "operationId": "list", "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "get".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let schema = |at: usize| normalized.operations[0].operation["parameters"][at]["schema"].clone();
        assert_eq!(
            schema(0),
            json!({ "type": "string", "description": "Identifier of the zone.",
                "example": "593c9c94de529bbbfaac7c53ced0447d" })
        );
        assert_eq!(schema(1), json!({ "type": "integer", "minimum": 1 }));
        assert_eq!(schema(2)["type"], "string");
        assert_eq!(schema(3), json!({ "type": "string", "enum": ["a", "b"] }), "an enum's values say its type");
        let spec = json!({ "components": { "schemas": {} } });
        assert_eq!(crate::codegen::table::scalar_example(&spec, &schema(1)).as_deref(), Some("1"));
        assert_eq!(crate::codegen::table::scalar_example(&spec, &schema(2)).as_deref(), Some("example"));
    }

    #[test]
    fn a_number_parameter_of_whole_numbers_counts() {
        let parameters = json!([
            { "name": "page", "in": "query", "schema": { "type": "number", "example": 1, "minimum": 1 } },
            { "name": "limit", "in": "query", "schema": { "type": "number" } },
            { "name": "sample", "in": "query", "schema": { "type": "number", "example": 0.1 } }
        ]);
        let operation = json!({ "operationId": "list", "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "get".into(), operation }];
        let normalized =
            normalize(&json!({ "components": { "schemas": {} } }), selected, &BTreeSet::new(), &BTreeMap::new())
                .unwrap();
        let kind = |at: usize| normalized.operations[0].operation["parameters"][at]["schema"]["type"].clone();
        assert_eq!([kind(0), kind(1), kind(2)], [json!("integer"), json!("integer"), json!("number")]);
    }

    #[test]
    fn names_that_would_be_one_rust_name_are_told_apart() {
        let upstream = json!({ "components": { "schemas": {
            "stream_liveInput": { "type": "object", "properties": { "uid": { "type": "string" } } },
            "stream_live_input": { "type": "object", "properties": { "created": { "type": "string" } } },
            "Failure": { "type": "object", "properties": { "code": { "type": "integer" } } },
            "failure": { "type": "object", "properties": { "reason": { "type": "string" } } },
            "ttl": { "type": "object", "required": ["<=1y"], "properties": {
                "<=1y": { "type": "string", "example": "20" }, ">1y": { "type": "string" } } },
            "mixed": { "type": "object", "properties": { "aB": { "type": "string" }, "a_b": { "type": "integer" } } },
            "top-response": { "type": "object", "properties": { "rank": { "type": "integer" } } }
        } } });
        let refs = ["stream_liveInput", "stream_live_input", "failure", "ttl", "mixed", "top-response"];
        // Property names that are not the components' (two of which would be one field).
        let properties: Map<String, Value> =
            refs.iter().enumerate().map(|(at, name)| (format!("p{at}"), schema_ref(name))).collect();
        let answer = json!({ "type": "object", "properties": properties });
        let parameters = json!([
            { "name": "http_protocol", "in": "path", "required": true, "schema": { "type": "string", "enum": ["HTTP", "HTTPS"] } },
            { "name": "httpProtocol", "in": "query", "schema": { "type": "string" } },
            { "name": "limit", "in": "query", "schema": { "type": "integer" } }
        ]);
        let operation = json!({ "operationId": "top", "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": answer } } } } });
        let selected = vec![Selected { path: "/radar/top/{http_protocol}".into(), method: "get".into(), operation }];
        let house: BTreeMap<String, Value> =
            [("Failure".to_owned(), upstream["components"]["schemas"]["Failure"].clone())].into();
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &house).unwrap();

        // Components: the later in order is renamed, a hand-written one never.
        assert!(normalized.schemas.contains_key("stream_liveInput"), "{:?}", normalized.schemas.keys());
        assert!(normalized.schemas.contains_key("stream_live_input_2"), "{:?}", normalized.schemas.keys());
        assert!(!normalized.schemas.contains_key("stream_live_input"));
        assert!(normalized.schemas.contains_key("failure_2") && !normalized.schemas.contains_key("failure"));
        let operation = &normalized.operations[0].operation;
        let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(answer["p1"], schema_ref("stream_live_input_2"), "references follow: {answer}");
        assert_eq!(answer["p2"], schema_ref("failure_2"));
        assert_eq!(answer["p5"], schema_ref("top-response_2"), "`TopResponse` is the operation's inline answer");

        // Properties that would be one field: a map of their values.
        let ttl = &normalized.schemas["ttl"];
        assert_eq!(ttl["additionalProperties"], json!({ "type": "string", "example": "20" }), "{ttl}");
        assert!(ttl.get("properties").is_none() && ttl.get("required").is_none(), "{ttl}");
        assert!(ttl["description"].as_str().unwrap().contains("`<=1y` and `>1y`"), "{ttl}");
        assert_eq!(normalized.schemas["mixed"]["additionalProperties"], json!({}), "values of two types: any JSON");

        // A query parameter with a path parameter's Rust name goes; the others stay.
        let names: Vec<&str> =
            operation["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["http_protocol", "limit"]);
    }

    #[test]
    fn an_object_query_parameter_is_its_properties_and_an_enum_typify_cannot_name_is_a_string() {
        let upstream = json!({ "components": { "schemas": {
            "start_end_params": { "type": "object", "required": ["start"], "properties": {
                "start": { "type": "string", "format": "date", "description": "From." },
                "end": { "type": "string", "format": "date" },
                "page": { "type": "integer" } } },
            "search_params": { "type": "object", "properties": {
                "references": { "type": "string", "enum": ["", "*", "referral"], "example": "*" } } }
        } } });
        let parameters = json!([
            { "name": "start_end_params", "in": "query", "required": true,
                "schema": { "$ref": "#/components/schemas/start_end_params" } },
            { "name": "search_params", "in": "query", "schema": { "$ref": "#/components/schemas/search_params" } },
            { "name": "page", "in": "query", "schema": { "type": "number", "description": "The operation's own." } },
            { "name": "filter", "in": "query", "style": "deepObject",
                "schema": { "type": "object", "properties": { "a": { "type": "string" } } } }
        ]);
        let operation = json!({ "operationId": "dns", "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "get".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let parameters = normalized.operations[0].operation["parameters"].as_array().unwrap().clone();
        let names: Vec<&str> = parameters.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["end", "start", "references", "page", "filter"], "the operation's own `page` wins");
        let start = &parameters[1];
        assert_eq!(start["required"], true, "required in a required object: {start}");
        assert_eq!(start["description"], "From.");
        assert!(parameters[0].get("required").is_none(), "{}", parameters[0]);
        assert_eq!(parameters[3]["schema"]["type"], "integer", "the operation's own `page` (a whole number counts)");
        assert_eq!(parameters[4]["style"], "deepObject", "another style is left as it is");

        let references = &parameters[2]["schema"];
        assert!(references.get("enum").is_none(), "{references}");
        assert_eq!(references["type"], "string");
        assert!(references["description"].as_str().unwrap().contains(r#"One of "", "*", "referral""#), "{references}");
    }

    #[test]
    fn an_untyped_enum_takes_its_values_type_and_a_requiring_any_of_beside_a_one_of_is_described() {
        let upstream = json!({ "components": { "schemas": {
            "mode": { "enum": ["block", "challenge"], "maxLength": 12 },
            "level": { "enum": [1, 2] },
            "mixed": { "enum": [1, "a"] },
            "app_config": { "type": "object", "allOf": [
                { "oneOf": [
                    { "properties": { "account_app_id": { "type": "string" } }, "required": ["account_app_id"] },
                    { "properties": { "managed_app_id": { "type": "string" } }, "required": ["managed_app_id"] } ] },
                { "anyOf": [ { "required": ["breakout"], "title": "Breakout" }, { "required": ["priority"] } ] },
                { "properties": { "breakout": { "type": "object" }, "priority": { "type": "integer" } } } ] }
        } } });
        let body = json!({ "type": "object", "properties": { "mode": schema_ref("mode"), "level": schema_ref("level"),
            "mixed": schema_ref("mixed"), "app": schema_ref("app_config") } });
        let operation = json!({ "operationId": "create",
            "requestBody": { "content": { "application/json": { "schema": body } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "post".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        assert_eq!(normalized.schemas["mode"]["type"], "string");
        assert_eq!(normalized.schemas["level"]["type"], "integer");
        assert!(normalized.schemas["mixed"].get("type").is_none(), "values of two types: as upstream wrote it");
        let app = &normalized.schemas["app_config"];
        assert!(app.get("anyOf").is_none(), "{app}");
        assert_eq!(app["oneOf"].as_array().map(Vec::len), Some(2), "{app}");
        assert_eq!(app["description"], "Requires at least one of: `breakout`; `priority`.");
    }

    #[test]
    fn a_success_envelope_of_the_failure_envelopes_shape_is_not_merged_into_it() {
        // Workers' namespace delete: `result: {enum: [null]}`, which is the house failure's shape.
        let upstream = json!({ "components": { "schemas": {
            "delete-response": { "type": "object", "properties": { "success": { "type": "boolean" },
                "errors": { "type": "array" }, "result": { "enum": [null], "nullable": true, "type": "object" } } }
        } } });
        let operation = json!({ "operationId": "delete", "responses": {
            "200": { "content": { "application/json": { "schema": schema_ref("delete-response") } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "delete".into(), operation }];
        let failure = json!({ "type": "object", "properties": { "success": { "type": "boolean" },
            "errors": schema_ref(API_MESSAGES), "messages": schema_ref(API_MESSAGES),
            "result": { "nullable": true, "description": "Always null or absent on failure." } } });
        let house: BTreeMap<String, Value> = [(FAILURE_SCHEMA.to_owned(), failure)].into();
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &house).unwrap();
        let answer = &normalized.operations[0].operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(answer, &schema_ref("delete-response"), "{:?}", normalized.merged);
        assert!(normalized.schemas.contains_key("delete-response"));
    }

    #[test]
    fn an_envelope_that_only_requires_its_fields_and_a_component_described_by_its_result_are_envelopes() {
        let upstream = json!({ "components": { "schemas": {
            // Waiting rooms: the common response requires the fields and describes none.
            "common": { "type": "object", "required": ["success", "errors", "messages", "result"] },
            "room": { "allOf": [ schema_ref("common"),
                { "properties": { "result": { "type": "object", "properties": { "id": { "type": "string" } } } } } ] },
            // SSL verification details: a component with `result` alone.
            "verification": { "properties": { "result": { "type": "array", "items": { "type": "string" } } } }
        } } });
        let answer = |schema: Value| json!({ "200": { "content": { "application/json": { "schema": schema } } } });
        let selected = vec![
            Selected {
                path: "/a".into(),
                method: "get".into(),
                operation: json!({ "operationId": "room", "responses": answer(schema_ref("room")) }),
            },
            Selected {
                path: "/b".into(),
                method: "get".into(),
                operation: json!({ "operationId": "verification", "responses": answer(schema_ref("verification")) }),
            },
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let room = &normalized.schemas["room"];
        assert_eq!(room["properties"]["errors"], schema_ref(API_MESSAGES), "{room}");
        assert_eq!(room["properties"]["result"]["properties"]["id"]["type"], "string", "{room}");
        let answer = &normalized.operations[1].operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(answer["properties"]["success"], json!({ "type": "boolean" }), "inline: {answer}");
        assert_eq!(answer["properties"]["result"]["items"]["type"], "string", "{answer}");
    }

    #[test]
    fn a_union_of_envelopes_is_the_envelope_they_describe_and_an_example_of_one_is_one() {
        let envelope = |result: Value| {
            json!({ "type": "object", "properties": { "success": { "type": "boolean" },
            "errors": { "type": "array" }, "messages": { "type": "array" }, "result": result } })
        };
        let log = json!({ "type": "object", "properties": { "id": { "type": "string" } } });
        let upstream = json!({ "components": { "schemas": {
            "common": envelope(json!({ "anyOf": [ { "type": "object" }, { "type": "array", "items": {} },
                { "type": "string" } ] })),
            "logs": { "oneOf": [ envelope(json!({ "type": "array", "items": schema_ref("log") })), schema_ref("common") ] },
            "log": log,
            "collection": { "allOf": [ schema_ref("common"), { "properties": {
                "result": { "type": "array", "items": {}, "nullable": true },
                "result_info": { "type": "object" } } } ] },
            "packages": { "anyOf": [ schema_ref("collection"),
                { "properties": { "result": { "type": "array", "items": schema_ref("log") } } } ] },
            "names": { "oneOf": [ { "type": "string" }, { "type": "integer" } ] }
        } } });
        let answer = |schema: Value| json!({ "200": { "content": { "application/json": { "schema": schema } } } });
        let operation = |id: &str, schema: Value| Selected {
            path: format!("/{id}"),
            method: "get".into(),
            operation: json!({ "operationId": id, "responses": answer(schema) }),
        };
        let selected = vec![
            operation("logs", schema_ref("logs")),
            operation("packages", schema_ref("packages")),
            operation(
                "delete",
                json!({ "example": { "errors": [], "messages": [], "result": null, "success": true } }),
            ),
            operation("names", schema_ref("names")),
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let schema = |at: usize| {
            normalized.operations[at].operation["responses"]["200"]["content"]["application/json"]["schema"].clone()
        };
        let logs = schema(0);
        assert_eq!(logs["properties"]["errors"], schema_ref(API_MESSAGES), "the house envelope: {logs}");
        assert_eq!(logs["properties"]["result"]["items"], schema_ref("log"), "the described result wins: {logs}");
        let packages = schema(1);
        assert_eq!(packages["properties"]["result"]["items"], schema_ref("log"), "{packages}");
        assert_eq!(packages["properties"]["result_info"], schema_ref(RESULT_INFO), "{packages}");
        assert_eq!(schema(2)["properties"]["result"], schema_ref(UNTYPED), "{}", schema(2));
        assert_eq!(schema(3), schema_ref("names"), "a union of other things is as it was");
    }

    #[test]
    fn a_numeric_path_parameter_keeps_a_number_as_its_example_unless_it_is_an_identifier() {
        let upstream = json!({ "components": { "schemas": {} } });
        let parameters = json!([
            { "name": "account_id", "in": "path", "schema": { "type": "integer" } },
            { "name": "job_id", "in": "path", "schema": { "type": "integer", "minimum": 1, "example": 12 } },
            { "name": "asn", "in": "path", "schema": { "type": "integer" } },
            { "name": "name", "in": "path", "schema": { "type": "string" } }
        ]);
        let operation = json!({ "operationId": "job", "parameters": parameters,
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected =
            vec![Selected { path: "/a/{account_id}/{job_id}/{asn}/{name}".into(), method: "get".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let parameters = normalized.operations[0].operation["parameters"].as_array().unwrap().clone();
        let examples: Vec<&Value> = parameters.iter().map(|parameter| &parameter["example"]).collect();
        assert_eq!(examples, [&Value::Null, &json!("12"), &json!("1"), &Value::Null]);
        assert_eq!(parameters[0]["schema"], schema_ref(IDENTIFIER), "an account id is an identifier");
        assert_eq!(parameters[1]["schema"], schema_ref(PATH_SEGMENT));
    }

    #[test]
    fn an_answer_declared_json_whose_own_example_is_text_is_that_text() {
        let upstream = json!({ "components": { "schemas": {
            "json_lines": { "anyOf": [{ "type": "string" }, { "type": "object" }],
                "example": "{\"RayID\":\"41dd\"}\n{\"RayID\":\"41de\"}" }
        } } });
        let answer = |schema: Value| json!({ "200": { "content": { "application/json": { "schema": schema } } } });
        let operation = |id: &str, schema: Value| Selected {
            path: format!("/{id}"),
            method: "get".into(),
            operation: json!({ "operationId": id, "responses": answer(schema) }),
        };
        let selected = vec![
            operation("received", schema_ref("json_lines")),
            operation("embed", json!({ "example": "<stream id=\"ea95\"></stream><script></script>" })),
            operation("group", json!({ "type": "object", "properties": { "id": { "type": "string" } } })),
            operation("quoted", json!({ "type": "string", "example": "\"a JSON string\"" })),
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        assert!(normalized.skipped.is_empty(), "{:?}", normalized.skipped);
        let media = |index: usize| -> Vec<String> {
            let content = normalized.operations[index].operation["responses"]["200"]["content"].as_object().unwrap();
            content.keys().cloned().collect()
        };
        assert_eq!(media(0), ["application/x-ndjson"], "JSON lines");
        assert_eq!(media(1), ["text/html"], "HTML");
        assert_eq!(media(2), ["application/json"]);
        assert_eq!(media(3), ["application/json"], "a JSON string is JSON (`Bare`)");
        let received = &normalized.operations[0].operation["responses"]["200"]["content"]["application/x-ndjson"];
        assert_eq!(received["schema"]["format"], "binary");
    }

    #[test]
    fn forms_raw_bodies_and_answers_that_are_not_json_keep_their_media_types() {
        let upstream = json!({ "components": { "schemas": {
            "metadata": { "type": "object", "properties": { "main_module": { "type": "string" } } }
        } } });
        // A Worker upload: a `oneOf` of forms, parts of any name, and a raw alternative.
        let upload = json!({ "operationId": "upload", "requestBody": { "required": true, "content": {
            "application/javascript": { "schema": { "type": "string" } },
            "multipart/form-data": {
                "encoding": { "<any part name>": { "contentType": "application/javascript+module" } },
                "schema": { "oneOf": [
                    { "type": "object", "required": ["metadata"], "properties": {
                        "<any part name>": { "type": "array", "items": { "type": "string", "format": "binary" },
                            "description": "A module." },
                        "metadata": schema_ref("metadata") } },
                    { "type": "object", "required": ["metadata", "message"], "properties": {
                        "message": { "type": "string" }, "secret": { "type": "string" } } }
                ] } } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let vectors = json!({ "operationId": "insert", "requestBody": { "content": { "application/x-ndjson": {
            "schema": { "type": "string", "format": "binary", "example": "@/path/to/vectors.ndjson" } } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let csv = json!({ "operationId": "export", "responses": { "200": { "content": { "text/csv": {} } } } });
        let script = json!({ "operationId": "script", "responses": { "200": { "content": { "undefined": {} } } } });
        let selected = vec![
            Selected { path: "/a".into(), method: "put".into(), operation: upload },
            Selected { path: "/b".into(), method: "post".into(), operation: vectors },
            Selected { path: "/c".into(), method: "get".into(), operation: csv },
            Selected { path: "/d".into(), method: "get".into(), operation: script },
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        assert!(normalized.skipped.is_empty(), "{:?}", normalized.skipped);
        let operation = |index: usize| &normalized.operations[index].operation;
        let body = &operation(0)["requestBody"];
        assert_eq!(body["required"], true);
        let content = body["content"].as_object().unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["multipart/form-data"], "the form, not the raw alternative");
        let form = &content["multipart/form-data"]["schema"];
        let parts: Vec<&String> = form["properties"].as_object().unwrap().keys().collect();
        assert_eq!(parts, ["message", "metadata", "secret"], "every variant's parts");
        assert_eq!(form["required"], json!(["metadata"]), "only what every variant requires");
        assert_eq!(form["additionalProperties"]["description"], "A module.", "parts of any name");
        assert_eq!(form["properties"]["secret"], schema_ref(SECRET_INPUT), "a secret a form sends");
        assert!(content["multipart/form-data"]["encoding"].is_object(), "the parts' content types are kept");
        let raw = &operation(1)["requestBody"]["content"]["application/x-ndjson"]["schema"];
        assert_eq!(raw, &json!({ "type": "string", "format": "binary" }), "`@file` is no example");
        assert!(operation(2)["responses"]["200"]["content"]["text/csv"]["schema"].is_object());
        assert!(
            operation(3)["responses"]["200"]["content"]["application/octet-stream"].is_object(),
            "a media type that is none is bytes"
        );
    }

    #[test]
    fn a_secret_is_sent_in_a_request_redacted_in_an_answer_and_a_boolean_secret_is_a_flag() {
        // Hyperdrive: one config schema, with its origin password, for the request and the answer.
        let upstream = json!({ "components": { "schemas": {
            "origin": { "type": "object", "properties": { "host": { "type": "string" },
                "password": { "type": "string" } } },
            "config": { "type": "object", "properties": { "name": { "type": "string" },
                "origin": schema_ref("origin"), "caching": schema_ref("caching") } },
            "caching": { "type": "object", "properties": { "max_age": { "type": "integer" } } },
            "dataset": { "type": "object", "properties": { "secret": { "type": "boolean" } } }
        } } });
        let operation = json!({ "operationId": "create",
            "requestBody": { "content": { "application/json": { "schema": schema_ref("config") } } },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object",
                "properties": { "config": schema_ref("config"), "dataset": schema_ref("dataset") } } } } } } });
        let selected = vec![Selected { path: "/a".into(), method: "post".into(), operation }];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let body = &normalized.operations[0].operation["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body, &schema_ref("config_input"), "the request's own copy");
        assert_eq!(normalized.schemas["config_input"]["properties"]["origin"], schema_ref("origin_input"));
        assert_eq!(
            normalized.schemas["config_input"]["properties"]["caching"],
            schema_ref("caching"),
            "no secret: shared"
        );
        assert_eq!(normalized.schemas["origin_input"]["properties"]["password"], schema_ref(SECRET_INPUT));
        assert_eq!(normalized.schemas["origin_input"]["x-imported-from"], "origin");
        assert_eq!(normalized.schemas["origin"]["properties"]["password"], schema_ref(SECRET), "answers redact");
        assert_eq!(normalized.schemas["dataset"]["properties"]["secret"], json!({ "type": "boolean" }), "a flag");
    }

    #[test]
    fn what_the_server_assigns_is_optional_in_a_request_and_required_in_its_answer() {
        // A TSIG (upstream: one schema for the create and its answer, `id` read-only), a DNS
        // Firewall cluster (`id` by name), an Access rule's `{group: {id}}` (a reference), and an
        // AI gateway whose `id` the client chooses (a `pattern`).
        let upstream = json!({ "components": { "schemas": {
            "tsig": { "type": "object", "required": ["id", "name", "secret"], "properties": {
                "id": { "type": "string", "readOnly": true }, "name": { "type": "string" },
                "secret": { "type": "string" } } },
            "cluster": { "type": "object", "required": ["id", "modified_on", "name", "rule"], "properties": {
                "id": { "type": "string", "maxLength": 32 }, "modified_on": { "type": "string" },
                "name": { "type": "string" }, "rule": schema_ref("rule") } },
            "rule": { "type": "object", "required": ["group"], "properties": {
                "group": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" } } } } },
            "gateway": { "type": "object", "required": ["id", "collect_logs"], "properties": {
                "id": { "type": "string", "pattern": "^[a-z0-9_]+$" }, "collect_logs": { "type": "boolean" } } }
        } } });
        let create = |id: &str, schema: &str| {
            json!({ "operationId": id,
                "requestBody": { "content": { "application/json": { "schema": schema_ref(schema) } } },
                "responses": { "200": { "content": { "application/json": { "schema": { "type": "object",
                    "properties": { "result": schema_ref(schema) } } } } } } })
        };
        let selected = ["tsig", "cluster", "gateway"]
            .iter()
            .map(|name| Selected { path: format!("/{name}"), method: "post".into(), operation: create(name, name) })
            .collect();
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let required = |name: &str| normalized.schemas[name]["required"].clone();
        assert_eq!(required("tsig_input"), json!(["name", "secret"]), "read-only: the answer's alone");
        assert_eq!(required("tsig"), json!(["id", "name", "secret"]), "the answer keeps it");
        assert_eq!(required("cluster_input"), json!(["name", "rule"]), "by name, beside what the client gives");
        assert_eq!(required("cluster"), json!(["id", "modified_on", "name", "rule"]));
        assert_eq!(normalized.schemas["rule"]["properties"]["group"]["required"], json!(["id"]), "a reference");
        assert_eq!(required("gateway"), json!(["id", "collect_logs"]), "an id the client chooses");
        assert!(!normalized.schemas.contains_key("gateway_input"));
        let listed: Vec<String> =
            normalized.relaxed.iter().map(|relaxed| format!("{}: {}", relaxed.place, relaxed.reason)).collect();
        assert_eq!(listed, ["cluster: `id`, `modified_on` optional", "tsig: `id` optional"]);
    }

    #[test]
    fn an_operation_normalization_refuses_is_skipped_with_why_and_takes_no_id() {
        let upstream = json!({ "components": { "schemas": {} } });
        let redirect = json!({ "operationId": "go", "responses": { "302": { "description": "elsewhere" } } });
        let empty = json!({ "operationId": "upload", "requestBody": { "content": {} },
            "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } });
        let selected = vec![
            Selected { path: "/a".into(), method: "get".into(), operation: redirect },
            Selected { path: "/b".into(), method: "post".into(), operation: empty },
            Selected {
                path: "/c".into(),
                method: "post".into(),
                operation: json!({ "operationId": "go",
                "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } }),
            },
        ];
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &BTreeMap::new()).unwrap();
        let reasons: Vec<&str> = normalized.skipped.iter().map(|(_, why)| why.as_str()).collect();
        assert_eq!(reasons, ["no 2xx answer", "the request body declares no content"]);
        assert_eq!(normalized.operations[0].operation["operationId"], "go", "a skipped operation took no id");
    }

    #[test]
    fn a_bare_primitive_component_is_written_where_it_is_used_with_its_own_description() {
        let upstream = json!({ "components": { "schemas": {
            "aaa_ready": { "type": "boolean", "description": "Whether the mechanism is ready." },
            "access_visible": { "type": "boolean", "description": "Whether the launcher is visible." },
            "aaa_sent": { "type": "string", "format": "date-time", "example": "2021-10-08T17:52:17.111Z" },
            "stream_label": { "type": "string", "description": "The caption's label." },
            "stream_kind": { "type": "string", "enum": ["live", "vod"] },
            "stream_name": { "type": "string", "maxLength": 64, "description": "At most 64 characters." }
        } } });
        let properties = json!({
            "ready": schema_ref("aaa_ready"),
            "visible": schema_ref("access_visible"),
            "sent": { "allOf": [schema_ref("aaa_sent")], "nullable": true },
            "label": schema_ref("stream_label"),
            "kind": schema_ref("stream_kind"),
            "name": schema_ref("stream_name")
        });
        let answer = json!({ "type": "object", "properties": properties });
        let operation = json!({ "operationId": "captions",
            "responses": { "200": { "content": { "application/json": { "schema": answer } } } } });
        let selected = vec![Selected { path: "/captions".into(), method: "get".into(), operation }];
        // The hand-written `Duration` is a bare string too: nothing is merged into it.
        let house: BTreeMap<String, Value> =
            [("Duration".to_owned(), json!({ "type": "string", "description": "A service token's duration." }))].into();
        let normalized = normalize(&upstream, selected, &BTreeSet::new(), &house).unwrap();

        let operation = &normalized.operations[0].operation;
        let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(answer["ready"], json!({ "type": "boolean", "description": "Whether the mechanism is ready." }));
        assert_eq!(answer["visible"], json!({ "type": "boolean", "description": "Whether the launcher is visible." }));
        assert_eq!(
            answer["sent"],
            json!({ "type": "string", "format": "date-time", "example": "2021-10-08T17:52:17.111Z", "nullable": true })
        );
        assert_eq!(answer["label"], json!({ "type": "string", "description": "The caption's label." }));
        // A constraint makes a component more than its Rust type: it stays one.
        assert_eq!(answer["kind"], schema_ref("stream_kind"));
        assert_eq!(answer["name"], schema_ref("stream_name"));
        let names: Vec<&String> = normalized.schemas.keys().collect();
        assert_eq!(names, ["stream_kind", "stream_name"], "the primitives are gone");
        assert!(normalized.merged.is_empty(), "nothing merged into the hand-written Duration: {:?}", normalized.merged);
    }
}
