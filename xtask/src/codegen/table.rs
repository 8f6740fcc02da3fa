//! The operations table and the dispatch by name, emitted into crates/cloudflare-openapi.
//!
//! This is the one place that walks the spec's operations for code that works on all of them:
//! `OPERATIONS` (id, method, path, summary, success status, paginated, parameters, body, and
//! example values) is read by the generic test and by `cloudflare api`; `dispatch` calls any
//! operation by name with string parameters and a JSON body, parsed into the types the
//! generated builders take (found by reading those builders, not by guessing names).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use crate::rules::resolve;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The number of operations of the spec `raw`.
pub fn count(raw: &Value) -> usize {
    let paths = raw["paths"].as_object().into_iter().flatten();
    paths.map(|(_, item)| METHODS.iter().filter(|method| item.get(**method).is_some()).count()).sum()
}

/// `OPERATIONS`, `dispatch` and `schema` of the family `family`, for its spec `raw` and
/// progenitor's output `file`.
pub fn tokens(raw: &Value, family: &str, file: &syn::File) -> Result<TokenStream, String> {
    let mut builders = Builders::read(file);
    builders.envelopes = super::support::envelope_names(file)?;
    let mut rows = Vec::new();
    let mut arms = Vec::new();
    let mut schemas = Vec::new();
    for (path, item) in raw["paths"].as_object().ok_or("the spec has no paths")? {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let id = operation["operationId"].as_str().ok_or(format!("{method} {path} has no operationId"))?;
            let (row, arm, schema) = operation_tokens(raw, &builders, family, path, method, id, operation)
                .map_err(|error| format!("{id}: {error}"))?;
            rows.push(row);
            arms.push(arm);
            schemas.push(schema);
        }
    }
    let definitions = schema_text(raw.pointer("/components/schemas").unwrap_or(&json!({})));
    Ok(quote! {
        //! The family's operations table, and its operations called by name.
        #[allow(unused_imports)]
        use super::{types, Client};
        // The family's trait: its operations are `Client` methods.
        #[allow(unused_imports)]
        use super::client::*;

        /// Every operation of the family, in the spec's order.
        pub const OPERATIONS: &[crate::Operation] = &[#(#rows),*];

        /// The request of operation `id` on `client` with `arguments` (already checked against
        /// its table row), built by its builder.
        pub fn dispatch(
            client: &Client,
            id: &str,
            arguments: &crate::Arguments,
        ) -> ::std::result::Result<crate::Prepared, crate::ArgumentError> {
            match id {
                #(#arms)*
                _ => ::std::result::Result::Err(crate::ArgumentError::UnknownOperation(id.to_owned())),
            }
        }

        /// The family's schemas as the spec gives them (`{name: schema}`, JSON), which the
        /// operations' schemas refer to as `#/definitions/NAME`.
        const DEFINITIONS: &str = #definitions;

        /// The JSON Schemas of the operation `id`'s parameters, body and result, as the spec
        /// gives them, each with the definitions it refers to.
        pub fn schema(id: &str) -> ::std::option::Option<crate::OperationSchema> {
            match id {
                #(#schemas)*
                _ => ::std::option::Option::None,
            }
        }
    })
}

fn operation_tokens(
    raw: &Value,
    builders: &Builders,
    family: &str,
    path: &str,
    method: &str,
    id: &str,
    operation: &Value,
) -> Result<(TokenStream, TokenStream, TokenStream), String> {
    let builder = builders.by_operation.get(id).ok_or("progenitor generated no builder for it")?;
    let summary = operation["summary"].as_str().unwrap_or_default();
    let method_upper = method.to_ascii_uppercase();

    let mut parameters = Vec::new();
    let mut setters = Vec::new();
    let mut parameter_schemas = Vec::new();
    let mut body_schema = quote! { ::std::option::Option::None };
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(raw, parameter);
        let name = parameter["name"].as_str().ok_or("a parameter has no name")?;
        let location = match parameter["in"].as_str() {
            Some("path") => quote! { crate::Location::Path },
            Some("query") => quote! { crate::Location::Query },
            Some("header") => quote! { crate::Location::Header },
            other => {
                return Err(format!("parameter {name} is in {other:?}; only path, query and header are supported"));
            }
        };
        let required = parameter["required"].as_bool().unwrap_or(false);
        // The parameter's own example first (the import keeps upstream's where the path shape
        // loses an `enum` or a `pattern`), else one from its schema.
        // Not one outside the schema's `enum` (Radar's `metric` example `latency` for the
        // values `BANDWIDTH`, `DNS`, `LATENCY`).
        let values = resolve(raw, &parameter["schema"]).get("enum").and_then(Value::as_array);
        let own = match &parameter["example"] {
            example if values.is_some_and(|values| !values.contains(example)) => None,
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        };
        let example = own
            .or_else(|| scalar_example(raw, &parameter["schema"]))
            .ok_or(format!("parameter {name}: give its schema (or the one it refers to) an example"))?;
        // A required list needs an item (Radar's `domain`, Zaraz history's `ids`): an example
        // of none gives a command line that lacks the parameter.
        // (Upstream gives some lists a scalar example, Radar's `domain` `google.com`: the item.)
        let list = resolve(raw, &parameter["schema"]);
        let example = match list.get("items") {
            Some(items) if required && example == "[]" => {
                let item = match list.get("example") {
                    Some(own) if !own.is_array() && fits(own, resolve(raw, items)) => own.clone(),
                    _ => self::example(raw, items, 1),
                };
                Value::Array(vec![item]).to_string()
            }
            _ => example,
        };
        parameters.push(quote! {
            crate::Parameter { name: #name, location: #location, required: #required, example: #example }
        });
        let setter = format_ident!("{}", rust_name(name));
        let ty = builders.setter(builder, &setter.to_string()).ok_or(format!("no setter for parameter {name}"))?;
        setters.push(quote! {
            if let ::std::option::Option::Some(value) = arguments.parameter_as::<#ty>(#name)? {
                builder = builder.#setter(value);
            }
        });
        // The parameter's own description wins over its schema's (a merged schema's may be
        // another parameter's).
        let described = match (parameter["description"].as_str(), &parameter["schema"]) {
            (Some(description), Value::Object(schema)) if schema.contains_key("$ref") => {
                json!({ "allOf": [parameter["schema"]], "description": description })
            }
            (Some(description), Value::Object(schema)) => {
                let mut schema = schema.clone();
                schema.insert("description".into(), description.into());
                Value::Object(schema)
            }
            (_, schema) => schema.clone(),
        };
        let schema = schema_text(&described);
        parameter_schemas.push(quote! { (#name, crate::spec_schema(#schema, DEFINITIONS)) });
    }

    let body = match super::bodies::request_body(raw, operation) {
        None => quote! { ::std::option::Option::None },
        Some((media, schema)) => {
            let required = resolve(raw, &operation["requestBody"])["required"].as_bool().unwrap_or(false);
            let (example, form) = match media {
                "application/json" => {
                    let ty = builders.setter(builder, "body").ok_or("no setter for the request body")?;
                    setters.push(quote! {
                        if let ::std::option::Option::Some(body) = arguments.body_as::<#ty>()? {
                            builder = builder.body(body);
                        }
                    });
                    (serde_json::to_string(&example(raw, schema, 0)).unwrap(), quote! { ::std::option::Option::None })
                }
                "multipart/form-data" => {
                    setters.push(quote! {
                        if let ::std::option::Option::Some(form) = arguments.form() {
                            builder = builder.body(form);
                        }
                    });
                    let shape = super::bodies::form_shape(raw, schema);
                    (form_example(raw, schema), quote! { ::std::option::Option::Some(#shape) })
                }
                _ => {
                    setters.push(quote! {
                        if let ::std::option::Option::Some(body) = arguments.raw_request_body() {
                            builder = builder.body(body);
                        }
                    });
                    (raw_example(media, schema), quote! { ::std::option::Option::None })
                }
            };
            let text = schema_text(schema);
            body_schema = quote! { ::std::option::Option::Some(crate::spec_schema(#text, DEFINITIONS)) };
            quote! {
                ::std::option::Option::Some(crate::Body {
                    required: #required,
                    example: #example,
                    media_type: #media,
                    form: #form,
                })
            }
        }
    };

    let (status, response) = operation["responses"]
        .as_object()
        .and_then(|responses| responses.iter().find(|(status, _)| status.starts_with('2')))
        .ok_or("no 2xx answer")?;
    let status: u16 = status.parse().map_err(|_| format!("answer {status} is not a status code"))?;
    let answer_media = super::bodies::answer_media(raw, operation);
    let schema = resolve(raw, response).pointer("/content/application~1json/schema").cloned().unwrap_or(Value::Null);
    let envelope = resolve(raw, &schema);
    // The answer type: an envelope, or `Bare<T>` for an answer upstream describes without one
    // (its example and its result's schema are the whole answer's).
    let answer_type = builders.answers.get(builder).ok_or("its builder has no `Request` impl")?;
    let name = last_ident(answer_type).unwrap_or_default();
    let bare = name == "Bare";
    let download = name == "Download";
    if download != answer_media.is_some() {
        return Err(format!("its answer type `{name}` does not fit its answer's media type {answer_media:?}"));
    }
    if !bare && !download && !builders.envelopes.contains(&name) {
        return Err(format!("its answer type `{name}` is not a Cloudflare envelope (two schemas may share its name)"));
    }
    let paginated = !bare && envelope.pointer("/properties/result_info").is_some();
    let result = if bare { &schema } else { envelope.pointer("/properties/result").unwrap_or(&Value::Null) };
    // A list: a page of one, or a result that is an array (a `oneOf` of arrays too).
    let list = paginated || is_array(raw, result);
    let answer = if let Some(media) = &answer_media {
        Value::String(download_example(media))
    } else if bare {
        example(raw, result, 0)
    } else {
        json!({ "success": true, "errors": [], "messages": [], "result": example(raw, result, 0) })
    };
    // A 204 has no body (HTTP says so: a server's body is dropped on the way); a download is
    // its bytes.
    let answer = match answer {
        _ if status == 204 => String::new(),
        Value::String(text) if answer_media.is_some() => text,
        answer => serde_json::to_string(&answer).unwrap(),
    };
    let answer_media = answer_media.unwrap_or_else(|| "application/json".to_owned());
    let any = json!({});
    let result_schema = schema_text(if result.is_null() { &any } else { result });

    let method_ident = format_ident!("{id}");
    let row = quote! {
        crate::Operation {
            id: #id,
            family: #family,
            method: #method_upper,
            path: #path,
            summary: #summary,
            success_status: #status,
            paginated: #paginated,
            list: #list,
            parameters: &[#(#parameters),*],
            body: #body,
            answer_media_type: #answer_media,
            example_answer: #answer,
        }
    };
    // Each arm is a function of its own, never inlined: a debug build gives a function's frame
    // a slot for every arm's locals, and one match over Radar's 191 operations overflowed a
    // 2 MiB thread stack (tokio's worker threads have 2 MiB).
    // An operation without parameters or body reads no arguments.
    let arguments = if setters.is_empty() { format_ident!("_arguments") } else { format_ident!("arguments") };
    let arm = quote! {
        #id => {
            #[inline(never)]
            fn prepare(
                client: &Client,
                #arguments: &crate::Arguments,
            ) -> ::std::result::Result<crate::Prepared, crate::ArgumentError> {
                let mut builder = client.#method_ident();
                #(#setters)*
                ::std::result::Result::Ok(crate::Prepared::new(builder))
            }
            prepare(client, arguments)
        }
    };
    // A function of its own, as the dispatch arm above.
    let schema = quote! {
        #id => {
            #[inline(never)]
            fn operation_schema() -> crate::OperationSchema {
                crate::OperationSchema {
                    parameters: ::std::vec![#(#parameter_schemas),*],
                    body: #body_schema,
                    result: crate::spec_schema(#result_schema, DEFINITIONS),
                }
            }
            ::std::option::Option::Some(operation_schema())
        }
    };
    Ok((row, arm, schema))
}

/// Whether `schema` describes an array (or a union of arrays, or is nullable one).
fn is_array(raw: &Value, schema: &Value) -> bool {
    let schema = resolve(raw, schema);
    if schema["type"] == "array" {
        return true;
    }
    let variants = ["allOf", "oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)?.as_array());
    variants.is_some_and(|variants| !variants.is_empty() && variants.iter().all(|variant| is_array(raw, variant)))
}

/// An example of the form `schema`: a JSON object of its required parts' example values (a
/// file's content as text), or of its first part where it requires none.
fn form_example(raw: &Value, schema: &Value) -> String {
    let schema = resolve(raw, schema);
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut parts = Map::new();
    let properties = schema["properties"].as_object().into_iter().flatten();
    // Its required parts; where none is, its first (a form is one part at least).
    let first = properties.clone().next().map(|(name, _)| name.clone()).filter(|_| required.is_empty());
    for (name, property) in properties {
        if !required.contains(&name.as_str()) && first.as_ref() != Some(name) {
            continue;
        }
        let value = match (super::bodies::part_kind(raw, name, property), example(raw, property, 0)) {
            // `@file` is how upstream writes "a file here": a file's content stands for it.
            ("file", Value::String(text)) if !text.starts_with('@') => Value::String(text),
            ("file", _) => Value::String(format!("example content of {name}")),
            ("json", Value::Null) => json!({}),
            (_, value) => value,
        };
        parts.insert(name.clone(), value);
    }
    if parts.is_empty() && schema.get("additionalProperties").is_some() {
        // A form of any part names (a Worker's modules) needs one.
        parts.insert("worker.js".into(), Value::String("export default {}".into()));
    }
    serde_json::to_string(&parts).unwrap()
}

/// An example of a raw body of `media`: the schema's own where it is content (not `@file`),
/// else a line of that media type.
fn raw_example(media: &str, schema: &Value) -> String {
    match schema["example"].as_str() {
        Some(text) if !text.starts_with('@') => text.to_owned(),
        _ if media.contains("ndjson") => "{\"id\":\"1\",\"values\":[0.1,0.2]}\n".to_owned(),
        _ if media.contains("javascript") => "export default {}".to_owned(),
        _ => "example bytes".to_owned(),
    }
}

/// The body of an example answer of `media`, which is not JSON.
fn download_example(media: &str) -> String {
    match media {
        media if media.contains("csv") => "name,value\nexample,1\n".to_owned(),
        media if media.starts_with("text/") => "example text\n".to_owned(),
        _ => "example bytes".to_owned(),
    }
}

/// A schema of the spec as JSON Schema text: references to the spec's schemas point into the
/// family's `DEFINITIONS` (`#/components/schemas/NAME` is `#/definitions/NAME`), and the
/// import's provenance marker is left out.
fn schema_text(schema: &Value) -> String {
    fn rewrite(value: &mut Value) {
        match value {
            Value::Object(object) => {
                object.remove("x-imported-from");
                if let Some(Value::String(target)) = object.get_mut("$ref")
                    && let Some(name) = target.strip_prefix("#/components/schemas/")
                {
                    *target = format!("#/definitions/{name}");
                }
                object.values_mut().for_each(rewrite);
            }
            Value::Array(items) => items.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let mut schema = schema.clone();
    rewrite(&mut schema);
    serde_json::to_string(&schema).unwrap()
}

/// The Rust name progenitor gives a parameter called `name` (progenitor-impl's `sanitize`:
/// heck's snake case of the name with `'` dropped and other non-identifier characters as
/// `-`, `_` in front of one that cannot start an identifier, `_` after a keyword), so that
/// `sortField` is `sort_field`.
pub fn rust_name(name: &str) -> String {
    use heck::ToSnakeCase;
    let cleaned: String =
        name.replace('\'', "").chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    let snake = cleaned.to_snake_case();
    let snake = match snake.chars().next() {
        None => "x".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => snake,
        Some(_) => format!("_{snake}"),
    };
    // typify's `accept_as_ident`: syn's keywords, and `gen` (reserved in edition 2024).
    if syn::parse_str::<syn::Ident>(&snake).is_ok() && snake != "gen" { snake } else { format!("{snake}_") }
}

/// A parameter's example as text: the schema's (or its first `oneOf` variant's) `example`.
pub fn scalar_example(raw: &Value, schema: &Value) -> Option<String> {
    match example(raw, schema, 0) {
        Value::String(text) => Some(text),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A value of `schema` with every required field present: its `example` where it has one,
/// else a plain value of its type.
pub fn example(raw: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(raw, schema);
    if depth > 12 {
        return Value::Null;
    }
    // The variants the import kept beside an escaped union: its first variant's example, where
    // the union has none of its own.
    if let Some(first) = schema.get("x-variants").and_then(Value::as_array).and_then(|variants| variants.first())
        && schema.get("example").is_none_or(|example| !example.is_object())
    {
        // With the property of one value that tells the variant apart (a rule's `action`), which
        // the variant need not require.
        let mut value = example(raw, first, depth + 1);
        if let (Some(object), Some(properties)) = (value.as_object_mut(), first["properties"].as_object()) {
            for (name, property) in properties {
                if let Some([only]) = property["enum"].as_array().map(Vec::as_slice) {
                    object.entry(name.clone()).or_insert_with(|| only.clone());
                }
            }
        }
        return value;
    }
    if schema.get("x-escape").is_some() {
        // The import keeps an example of an escaped union's first variant.
        return schema.get("example").filter(|example| example.is_object()).cloned().unwrap_or_else(|| json!({}));
    }
    // Upstream examples sometimes contradict their own schema (`null` for an array, `"false"`
    // for a boolean, an object without a field its schema requires): an example is used for a
    // scalar of the right type (or a list of them) only; objects are built from their schema.
    if let Some(example) = schema.get("example").filter(|example| {
        let scalars = |value: &Value| !value.is_object() && !value.is_array();
        let usable = match example {
            Value::Object(_) => false,
            Value::Array(items) => items.iter().all(scalars),
            _ => true,
        };
        usable && schema.get("properties").is_none() && fits(example, schema)
    }) {
        return example.clone();
    }
    if schema.get("allOf").is_some() {
        // The import's `allOf` merge (properties merged, `required` united), the schema's own
        // keys with it: a DNS A record's `required: [type, name, content]` beside an `allOf` of
        // its properties and the records' common ones.
        return example(raw, &Value::Object(merged_all_of(raw, schema, depth)), depth + 1);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|key| schema.get(*key)?.as_array()?.first()) {
        let variant = resolve(raw, first);
        // An object whose variants only add `required` (or properties) to its own properties
        // (upstream: "hostnames, or subnets, beside a required name"): the object with both.
        if let (Some(base), Some(extra)) = (schema.as_object(), variant.as_object())
            && base.contains_key("properties")
            && (extra.contains_key("required") || extra.contains_key("properties"))
        {
            let mut merged = base.clone();
            merged.remove("oneOf");
            merged.remove("anyOf");
            // The import's `allOf` merge: properties merged, `required` united.
            let mut variant = extra.clone();
            variant.retain(|key, _| key == "properties" || key == "required");
            crate::import::normalize::merge_into(&mut merged, variant);
            return example(raw, &Value::Object(merged), depth + 1);
        }
        return example(raw, first, depth + 1);
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return first.clone();
    }
    if let Some(default) = schema.get("default").filter(|value| !value.is_object() && !value.is_array())
        && fits(default, schema)
    {
        return default.clone();
    }
    // Upstream leaves `type` out at times: `items` says array.
    let declared = schema.get("type").and_then(Value::as_str).or(schema.get("items").map(|_| "array"));
    match declared {
        // `required` without `properties` (upstream does this): an object with those fields.
        Some("object") | None if schema.get("properties").is_some() || schema.get("required").is_some() => {
            let mut object = Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                object.insert(name.to_owned(), example(raw, &schema["properties"][name], depth + 1));
            }
            Value::Object(object)
        }
        Some("object") => json!({}),
        Some("array") => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            Value::Array((0..min).map(|_| example(raw, &schema["items"], depth + 1)).collect())
        }
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("f174e90a-fafe-4643-bbbc-4a0ed4fc8415"),
            Some("date-time") => json!("2014-01-01T05:20:00Z"),
            Some("date") => json!("2014-01-01"),
            _ => json!("example"),
        },
        Some("integer") => schema.get("minimum").cloned().unwrap_or(json!(1)),
        Some("number") => schema.get("minimum").cloned().unwrap_or(json!(1.0)),
        Some("boolean") => json!(false),
        _ if schema.get("nullable").and_then(Value::as_bool) == Some(true) => json!({}),
        _ => Value::Null,
    }
}

/// `schema` (resolved) with its `allOf` parts merged into it, as the import merges them.
fn merged_all_of(raw: &Value, schema: &Value, depth: usize) -> Map<String, Value> {
    let mut merged = Map::new();
    if depth > 12 {
        return merged;
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let part = resolve(raw, part);
        crate::import::normalize::merge_into(&mut merged, merged_all_of(raw, part, depth + 1));
    }
    let mut own = schema.as_object().cloned().unwrap_or_default();
    own.remove("allOf");
    crate::import::normalize::merge_into(&mut merged, own);
    merged
}

/// Whether `value` has the JSON type `schema` declares (any value, where it declares none).
pub fn fits(value: &Value, schema: &Value) -> bool {
    if value.is_null() {
        return schema.get("nullable").and_then(Value::as_bool) == Some(true) || schema.get("type").is_none();
    }
    // One of the schema's values, where it lists them (Radar's `metric` example `latency` for
    // `BANDWIDTH`, `DNS`, `LATENCY`).
    if schema.get("enum").and_then(Value::as_array).is_some_and(|values| !values.contains(value)) {
        return false;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some("string") => value.is_string(),
        Some("integer") => (value.is_i64() || value.is_u64()) && within(value, schema),
        Some("number") => value.is_number() && within(value, schema),
        Some("boolean") => value.is_boolean(),
        _ => true,
    }
}

/// Whether the number `value` is within `schema`'s `minimum` and `maximum`.
fn within(value: &Value, schema: &Value) -> bool {
    let value = value.as_f64().unwrap_or_default();
    schema.get("minimum").and_then(Value::as_f64).is_none_or(|minimum| value >= minimum)
        && schema.get("maximum").and_then(Value::as_f64).is_none_or(|maximum| value <= maximum)
}

/// The operation builders in progenitor's output: which builder each `Client` method returns,
/// and the type each builder setter converts its argument into.
struct Builders {
    by_operation: BTreeMap<String, String>,
    setters: BTreeMap<(String, String), syn::Type>,
    /// The success envelope (`Request::Success`), by builder.
    answers: BTreeMap<String, syn::Type>,
    /// The envelope types of the family.
    envelopes: std::collections::BTreeSet<String>,
}

impl Builders {
    fn read(file: &syn::File) -> Self {
        let mut builders = Self {
            by_operation: BTreeMap::new(),
            setters: BTreeMap::new(),
            answers: BTreeMap::new(),
            envelopes: Default::default(),
        };
        builders.items(&file.items, false);
        builders
    }

    fn items(&mut self, items: &[syn::Item], in_builder: bool) {
        for item in items {
            match item {
                syn::Item::Mod(module) if module.ident == "builder" && !in_builder => {
                    if let Some((_, items)) = &module.content {
                        self.items(items, true);
                    }
                }
                syn::Item::Impl(block) if in_builder && block.trait_.is_some() => {
                    let Some(self_name) = last_ident(&block.self_ty) else { continue };
                    for item in &block.items {
                        if let syn::ImplItem::Type(ty) = item
                            && ty.ident == "Success"
                        {
                            self.answers.insert(self_name.clone(), ty.ty.clone());
                        }
                    }
                }
                syn::Item::Impl(block) if block.trait_.is_none() => {
                    let Some(self_name) = last_ident(&block.self_ty) else { continue };
                    for item in &block.items {
                        let syn::ImplItem::Fn(function) = item else { continue };
                        let name = function.sig.ident.to_string();
                        if !in_builder && self_name == "Client" {
                            if let syn::ReturnType::Type(_, ty) = &function.sig.output
                                && let Some(builder) = last_ident(ty)
                            {
                                self.by_operation.insert(name, builder);
                            }
                        } else if in_builder && let Some(ty) = setter_target(&function.sig) {
                            self.setters.insert((self_name.clone(), name), ty);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn setter(&self, builder: &str, name: &str) -> Option<&syn::Type> {
        self.setters.get(&(builder.to_owned(), name.to_owned()))
    }
}

/// The name of the last segment of a type's path (`types::Answer` -> `Answer`).
pub(super) fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()),
        _ => None,
    }
}

/// `T` in a setter's `where V: TryInto<T>`.
fn setter_target(signature: &syn::Signature) -> Option<syn::Type> {
    for predicate in &signature.generics.where_clause.as_ref()?.predicates {
        let syn::WherePredicate::Type(predicate) = predicate else { continue };
        for bound in &predicate.bounds {
            let syn::TypeParamBound::Trait(bound) = bound else { continue };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments
                && let Some(syn::GenericArgument::Type(ty)) = args.args.first()
            {
                return Some(ty.clone());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn an_example_outside_its_enum_gives_way_to_the_first_value() {
        let raw = json!({});
        let metric = json!({ "type": "string", "enum": ["BANDWIDTH", "DNS", "LATENCY"], "example": "latency" });
        assert_eq!(super::example(&raw, &metric, 0), json!("BANDWIDTH"));
        let kept = json!({ "type": "string", "enum": ["BANDWIDTH", "DNS"], "example": "DNS" });
        assert_eq!(super::example(&raw, &kept, 0), json!("DNS"));
    }

    #[test]
    fn variants_that_only_require_fields_add_them_to_the_objects_own() {
        let raw = json!({});
        let app = json!({
            "type": "object",
            "required": ["name"],
            "properties": { "name": { "type": "string" }, "hostnames": { "type": "array", "items": { "type": "string" } } },
            "anyOf": [{ "required": ["hostnames"] }, { "required": ["ip_subnets"] }]
        });
        assert_eq!(super::example(&raw, &app, 0), json!({ "name": "example", "hostnames": [] }));
    }

    #[test]
    fn parameter_names_are_progenitors() {
        for (name, rust) in [
            ("sortField", "sort_field"),
            ("per_page", "per_page"),
            ("type", "type_"),
            ("gen", "gen_"),
            ("account.id", "account_id"),
            ("9lives", "_9lives"),
            ("name[contains]", "name_contains"),
        ] {
            assert_eq!(super::rust_name(name), rust, "{name}");
        }
    }
}
