//! A JSON body as flags: a flag per field a client sends (`--name`, `--ttl`, `--proxied`, a
//! repeated `--tags` for a list, `--data.priority` for a field of a nested object), read from
//! the operation's body schema, and the body the flags make (merged over `--body`, the flags
//! winning).
//!
//! A union body (`oneOf`/`anyOf`, or the variants the import kept beside an untyped one,
//! `x-variants`) takes its discriminator as a flag: the property its schema declares
//! (`discriminator.propertyName`), or one that every variant has with an `enum` no other variant
//! shares (a DNS record's `type`). The chosen variant says which fields apply and which are
//! required: a flag of another variant, or a required field missing, is a usage error naming
//! it. A union that nothing tells apart takes `--body` only.
//!
//! No flag is made for a field the server assigns (`readOnly`) or a secret (`x-sensitive`,
//! `x-sensitive-input`, or a secret's name): a secret is not put on a command line, where
//! `ps` and shell history show it; it goes in `--body @FILE` or `--body -`.

use serde_json::{Map, Value};

/// How deep a nested object's fields become dotted flags: `--data.priority`, not deeper.
const MAX_DEPTH: usize = 2;

/// A field that a flag sets.
#[derive(Clone, Debug)]
pub struct Field {
    /// Its place in the body: `["data", "priority"]`.
    pub path: Vec<String>,
    /// Its schema, references resolved.
    pub schema: Value,
    /// A list of scalars: the flag is given once per item.
    pub list: bool,
    /// Required in its variant (and so are the objects it is in).
    pub required: bool,
}

impl Field {
    /// The schema its values follow: an item's, for a list.
    fn value_schema(&self) -> &Value {
        if self.list { &self.schema["items"] } else { &self.schema }
    }

    /// `data.priority`.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// The JSON value of `raw` as this field takes it: a number, a boolean, one of its enum's
    /// values, or the text.
    ///
    /// # Errors
    /// Why `raw` is not such a value, in words.
    pub fn value(&self, raw: &str) -> Result<Value, String> {
        let schema = self.value_schema();
        let value = match schema["type"].as_str() {
            Some("integer") => raw.parse::<i64>().map(Value::from).map_err(|_| format!("an integer, not {raw:?}"))?,
            Some("number") => serde_json::from_str::<serde_json::Number>(raw)
                .map(Value::Number)
                .map_err(|_| format!("a number, not {raw:?}"))?,
            Some("boolean") => {
                raw.parse::<bool>().map(Value::Bool).map_err(|_| format!("true or false, not {raw:?}"))?
            }
            _ => Value::String(raw.to_owned()),
        };
        if let Some(values) = schema["enum"].as_array()
            && !values.is_empty()
            && !values.contains(&value)
        {
            let listed: Vec<String> = values.iter().map(crate::output::plain).collect();
            return Err(format!("one of {}, not {raw:?}", listed.join(", ")));
        }
        Ok(value)
    }
}

/// One shape the body may take: a variant of a union, or the one object of a plain body.
#[derive(Clone, Debug, Default)]
pub struct Variant {
    /// The discriminator's values that choose it (`["MX"]`); none for a plain body.
    pub tags: Vec<String>,
    /// Its fields that flags set.
    pub fields: Vec<Field>,
    /// Its properties that only `--body` gives (a list of objects, a secret), and whether
    /// each is required.
    pub body_only: Vec<(String, bool)>,
    /// Its required objects whose fields are flags (an SRV record's `data`).
    pub required_objects: Vec<Vec<String>>,
}

impl Variant {
    pub fn field(&self, path: &[String]) -> Option<&Field> {
        self.fields.iter().find(|field| field.path == path)
    }
}

/// A body as flags.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The property that chooses the variant, for a union.
    pub discriminator: Option<String>,
    pub variants: Vec<Variant>,
}

/// What a body schema comes to on the command line.
pub enum Fields {
    /// Flags, as [`Shape`] says.
    Flags(Shape),
    /// A union that no property tells apart: `--body` only.
    Untold,
    /// No object body (none, a list, a scalar, free-form JSON): `--body` only.
    None,
}

impl Fields {
    /// The flags of `schema`, a body schema as [`cloudflare_client::operation_schema`] gives it
    /// (its references into `definitions`).
    pub fn of(schema: Option<&Value>) -> Self {
        let Some(schema) = schema else { return Self::None };
        let resolver = Resolver { definitions: &schema["definitions"] };
        let root = resolver.resolve(schema);
        let variants: Option<Vec<Value>> = ["x-variants", "oneOf", "anyOf"]
            .iter()
            .find_map(|key| root.get(*key)?.as_array())
            .map(|variants| variants.iter().map(|variant| resolver.resolve(variant)).collect());
        match variants {
            Some(variants) => {
                if !variants.iter().all(|variant| variant.get("properties").is_some_and(Value::is_object)) {
                    return Self::None;
                }
                let declared = root["discriminator"]["propertyName"].as_str().map(str::to_owned);
                let Some(discriminator) = declared.or_else(|| told_apart_by(&resolver, &variants)) else {
                    return Self::Untold;
                };
                let variants = variants
                    .iter()
                    .map(|variant| {
                        let mut out = resolver.variant(variant);
                        let tag = resolver.resolve(&variant["properties"][&discriminator]);
                        out.tags = tag["enum"].as_array().into_iter().flatten().map(crate::output::plain).collect();
                        out
                    })
                    .collect();
                Self::Flags(Shape { discriminator: Some(discriminator), variants })
            }
            None if root.get("properties").is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty())) => {
                let variant = resolver.variant(&root);
                if variant.fields.is_empty() {
                    return Self::None;
                }
                Self::Flags(Shape { discriminator: None, variants: vec![variant] })
            }
            None => Self::None,
        }
    }
}

impl Shape {
    /// Every field of every variant, once by its path (the first variant's), with the tags of
    /// the variants that have it.
    pub fn fields(&self) -> Vec<(&Field, Vec<&str>)> {
        let mut out: Vec<(&Field, Vec<&str>)> = Vec::new();
        for variant in &self.variants {
            for field in &variant.fields {
                let tags = variant.tags.iter().map(String::as_str);
                match out.iter_mut().find(|(seen, _)| seen.path == field.path) {
                    Some((_, seen)) => seen.extend(tags),
                    None => out.push((field, tags.collect())),
                }
            }
        }
        out
    }

    /// The variant the tag `tag` chooses.
    pub fn variant(&self, tag: &str) -> Option<&Variant> {
        self.variants.iter().find(|variant| variant.tags.iter().any(|t| t == tag))
    }

    /// Whether the field at `path` has one schema in every variant that has it (so its flag
    /// can be typed by it).
    pub fn one_type(&self, path: &[String]) -> bool {
        let mut schemas = self.variants.iter().filter_map(|variant| variant.field(path)).map(|field| {
            let schema = field.value_schema();
            (schema["type"].clone(), schema["enum"].clone(), field.list)
        });
        let first = schemas.next();
        schemas.all(|other| Some(&other) == first.as_ref())
    }

    /// Every tag, in the variants' order.
    pub fn tags(&self) -> Vec<&str> {
        self.variants.iter().flat_map(|variant| variant.tags.iter().map(String::as_str)).collect()
    }

    /// The body `given` (from `--body`, if any) with the flags `set` (each field's path and its
    /// raw values) put in, for an operation of method `method`: the variant chosen by the
    /// discriminator's flag or `--body`'s value, each flag a field of it, its value of the
    /// field's type, and (unless the method is PATCH, which changes only what it names) every
    /// required field there.
    ///
    /// # Errors
    /// What is wrong, naming the flag (`flag` gives a path's flag name): a usage error.
    pub fn body(
        &self,
        method: &str,
        given: Option<Value>,
        set: &[(Vec<String>, Vec<String>)],
        flag: &dyn Fn(&[String]) -> String,
    ) -> Result<Value, String> {
        let mut body = match given {
            None => Value::Object(Map::new()),
            Some(body @ Value::Object(_)) => body,
            Some(_) => return Err("--body is not a JSON object, so the body's flags cannot go into it".to_owned()),
        };
        let patch = method.eq_ignore_ascii_case("PATCH");
        let variant = match &self.discriminator {
            None => self.variants.first(),
            Some(name) => {
                let path = vec![name.clone()];
                let tag = set
                    .iter()
                    .find(|(at, _)| *at == path)
                    .and_then(|(_, values)| values.last().cloned())
                    .or_else(|| body.get(name).map(crate::output::plain));
                match tag {
                    Some(tag) => Some(self.variant(&tag).ok_or_else(|| {
                        format!("--{} {tag:?} is none of the body's kinds: {}", flag(&path), self.tags().join(", "))
                    })?),
                    None if patch => None,
                    None => {
                        return Err(format!(
                            "--{} is required: one of {} (or `{name}` in --body)",
                            flag(&path),
                            self.tags().join(", ")
                        ));
                    }
                }
            }
        };
        for (path, values) in set {
            let field = match variant {
                Some(variant) => variant.field(path).ok_or_else(|| {
                    let kind = variant.tags.first().map(|tag| format!(" of {} {tag}", self.kind_name()));
                    let own: Vec<String> =
                        variant.fields.iter().map(|field| format!("--{}", flag(&field.path))).collect();
                    format!(
                        "--{} is not a field of this body{} (its flags: {})",
                        flag(path),
                        kind.unwrap_or_default(),
                        own.join(", ")
                    )
                })?,
                None => self
                    .fields()
                    .into_iter()
                    .map(|(field, _)| field)
                    .find(|field| field.path == *path)
                    .ok_or_else(|| format!("--{} is not a field of this body", flag(path)))?,
            };
            let parsed: Vec<Value> = values
                .iter()
                .map(|raw| field.value(raw).map_err(|why| format!("--{} takes {why}", flag(path))))
                .collect::<Result<_, _>>()?;
            let value =
                if field.list { Value::Array(parsed) } else { parsed.into_iter().last().unwrap_or(Value::Null) };
            put(&mut body, path, value).map_err(|at| format!("--{}: `{at}` in --body is not an object", flag(path)))?;
        }
        if let (Some(variant), false) = (variant, patch) {
            let kind = variant.tags.first().map(|tag| format!(" for {} {tag}", self.kind_name())).unwrap_or_default();
            for field in variant.fields.iter().filter(|field| field.required) {
                if pointer(&body, &field.path).is_none() {
                    return Err(format!(
                        "--{} is required{kind} (or `{}` in --body)",
                        flag(&field.path),
                        field.dotted()
                    ));
                }
            }
            for path in &variant.required_objects {
                if pointer(&body, path).is_none() {
                    let dotted = path.join(".");
                    return Err(format!(
                        "`{dotted}` is required{kind}: give its fields (--{}.…) or `{dotted}` in --body",
                        flag(path)
                    ));
                }
            }
            for (name, _) in variant.body_only.iter().filter(|(_, required)| *required) {
                if body.get(name).is_none() {
                    return Err(format!("`{name}` is required{kind}: give it in --body (it has no flag)"));
                }
            }
        }
        Ok(body)
    }

    /// `type` as the kind of a body: "type A".
    fn kind_name(&self) -> &str {
        self.discriminator.as_deref().unwrap_or("kind")
    }
}

/// The value at `path` of `body`, if there.
fn pointer<'a>(body: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(body, |value, name| value.get(name)).filter(|value| !value.is_null())
}

/// Sets `path` of `body` to `value`, making the objects on the way; `Err` names a part of the
/// way that is there and no object.
fn put(body: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let (last, way) = path.split_last().expect("a field has a name");
    let mut at = body;
    for (depth, name) in way.iter().enumerate() {
        let object = at.as_object_mut().ok_or_else(|| path[..depth].join("."))?;
        at = object.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    at.as_object_mut().ok_or_else(|| way.join("."))?.insert(last.clone(), value);
    Ok(())
}

/// The property every variant has with an `enum` of values no other variant's shares.
fn told_apart_by(resolver: &Resolver<'_>, variants: &[Value]) -> Option<String> {
    let first = variants.first()?["properties"].as_object()?;
    let mut names: Vec<&String> = first.keys().collect();
    // `type` first, where it tells them apart: the name people know.
    names.sort_by_key(|name| *name != "type");
    names
        .into_iter()
        .find(|name| {
            let mut seen: Vec<&Value> = Vec::new();
            let mut owned: Vec<Value> = Vec::new();
            for variant in variants {
                let tag = resolver.resolve(&variant["properties"][name.as_str()]);
                let Some(values) = tag["enum"].as_array().filter(|values| !values.is_empty()) else { return false };
                owned.extend(values.iter().cloned());
            }
            for value in &owned {
                if seen.contains(&value) {
                    return false;
                }
                seen.push(value);
            }
            true
        })
        .cloned()
}

/// References into `definitions` followed, and `allOf` parts merged.
pub(crate) struct Resolver<'a> {
    pub(crate) definitions: &'a Value,
}

impl Resolver<'_> {
    /// `value` with its reference followed (the use site's keywords kept) and its `allOf`
    /// merged (properties united, `required` united), to a bounded depth of references.
    pub(crate) fn resolve(&self, value: &Value) -> Value {
        let mut value = value.clone();
        for _ in 0..16 {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else { break };
            let Some(name) = target.strip_prefix("#/definitions/") else { break };
            let mut target = self.definitions[name].clone();
            if let (Some(own), Some(object)) = (value.as_object(), target.as_object_mut()) {
                for (key, keyword) in own.iter().filter(|(key, _)| key.as_str() != "$ref") {
                    object.insert(key.clone(), keyword.clone());
                }
            }
            value = target;
        }
        if let Some(parts) = value.get("allOf").and_then(Value::as_array).cloned()
            && let Some(object) = value.as_object_mut()
        {
            object.remove("allOf");
            let mut merged = Map::new();
            for part in parts.iter().map(|part| self.resolve(part)) {
                if let Value::Object(part) = part {
                    merge(&mut merged, part);
                }
            }
            merge(&mut merged, std::mem::take(object));
            value = Value::Object(merged);
        }
        value
    }

    /// The fields of the object `schema` (resolved).
    fn variant(&self, schema: &Value) -> Variant {
        let mut variant = Variant::default();
        self.collect(schema, &[], true, 0, &mut variant);
        variant
    }

    /// Adds the fields of the object `schema` at `path` to `variant` (`required`: the object
    /// itself is).
    fn collect(&self, schema: &Value, path: &[String], required: bool, depth: usize, variant: &mut Variant) {
        let Some(properties) = schema["properties"].as_object() else { return };
        let needed: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (name, property) in properties {
            let property = self.resolve(property);
            let required = required && needed.contains(&name.as_str());
            let secret = cloudflare_client::openapi::SECRET_FIELDS.contains(&name.as_str())
                || ["x-sensitive", "x-sensitive-input"].iter().any(|key| property.get(*key).is_some());
            // OpenAPI 3.0: a `readOnly` field that is required is required in the answer only.
            if property.get("readOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let mut at = path.to_vec();
            at.push(name.clone());
            let items = property.get("items").map(|items| self.resolve(items));
            let kind = if secret {
                None
            } else if is_scalar(&property) {
                Some((property.clone(), false))
            } else if property["type"] == "array" && items.as_ref().is_some_and(is_scalar) {
                let mut list = property.clone();
                list["items"] = items.unwrap_or_default();
                Some((list, true))
            } else {
                None
            };
            match kind {
                Some((schema, list)) => variant.fields.push(Field { path: at, schema, list, required }),
                None if !secret
                    && depth + 1 < MAX_DEPTH
                    && property["properties"].as_object().is_some_and(|p| !p.is_empty())
                    && property.get("additionalProperties").is_none() =>
                {
                    if required {
                        variant.required_objects.push(at.clone());
                    }
                    self.collect(&property, &at, required, depth + 1, variant);
                }
                None if path.is_empty() => variant.body_only.push((name.clone(), required)),
                None => {}
            }
        }
    }
}

/// A value a flag gives: text, a number, a boolean, one of an enum (a union of scalars is
/// typed by its first variant).
fn is_scalar(schema: &Value) -> bool {
    let scalar_type =
        |schema: &Value| matches!(schema["type"].as_str(), Some("string" | "integer" | "number" | "boolean"));
    if schema.get("properties").is_some() || schema.get("items").is_some() {
        return false;
    }
    // No type and no structure: text (upstream's CNAME `content`, "a valid hostname").
    // Free-form JSON (`x-escape`) is none.
    let untyped = ["type", "oneOf", "anyOf", "allOf", "additionalProperties", "$ref", "x-escape", "x-variants"]
        .iter()
        .all(|key| schema.get(*key).is_none())
        && schema.get("example").is_none_or(Value::is_string);
    scalar_type(schema)
        || untyped
        || schema.get("enum").is_some()
        || ["oneOf", "anyOf"].iter().any(|key| {
            schema[*key].as_array().is_some_and(|variants| !variants.is_empty() && variants.iter().all(scalar_type))
        })
}

/// Merges an `allOf` part into the schema built so far: properties united (a later part's
/// win), `required` united, any other keyword replaced.
fn merge(out: &mut Map<String, Value>, part: Map<String, Value>) {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn dns() -> Value {
        json!({ "x-variants": [
            { "title": "A Record", "required": ["type", "name", "content"], "properties": {
                "type": { "type": "string", "enum": ["A"] },
                "name": { "type": "string" }, "content": { "type": "string" },
                "ttl": { "type": "number" }, "proxied": { "type": "boolean" },
                "tags": { "type": "array", "items": { "type": "string" } } } },
            { "title": "MX Record", "required": ["type", "name", "content", "priority"], "properties": {
                "type": { "type": "string", "enum": ["MX"] },
                "name": { "type": "string" }, "content": { "type": "string" },
                "priority": { "type": "number" } } },
            { "title": "SRV Record", "required": ["type", "name", "data"], "properties": {
                "type": { "type": "string", "enum": ["SRV"] }, "name": { "type": "string" },
                "data": { "type": "object", "properties": {
                    "port": { "type": "number" }, "target": { "type": "string" } } } } }
        ] })
    }

    fn shape(schema: &Value) -> Shape {
        match Fields::of(Some(schema)) {
            Fields::Flags(shape) => shape,
            _ => panic!("flags"),
        }
    }

    fn set(pairs: &[(&str, &str)]) -> Vec<(Vec<String>, Vec<String>)> {
        pairs
            .iter()
            .map(|(path, value)| (path.split('.').map(str::to_owned).collect(), vec![(*value).to_owned()]))
            .collect()
    }

    fn flag(path: &[String]) -> String {
        path.join(".")
    }

    #[test]
    fn a_union_told_apart_by_an_enum_takes_its_discriminator_and_its_variant_s_fields() {
        let shape = shape(&dns());
        assert_eq!(shape.discriminator.as_deref(), Some("type"));
        assert_eq!(shape.tags(), ["A", "MX", "SRV"]);
        let fields: Vec<(String, Vec<&str>)> =
            shape.fields().into_iter().map(|(field, tags)| (field.dotted(), tags)).collect();
        assert!(fields.contains(&("priority".to_owned(), vec!["MX"])), "{fields:?}");
        assert!(fields.contains(&("data.port".to_owned(), vec!["SRV"])), "nested: {fields:?}");
        assert!(fields.contains(&("name".to_owned(), vec!["A", "MX", "SRV"])), "{fields:?}");

        let body = shape
            .body(
                "POST",
                None,
                &set(&[("type", "MX"), ("name", "@"), ("content", "mx.example"), ("priority", "10")]),
                &flag,
            )
            .unwrap();
        assert_eq!(body, json!({ "type": "MX", "name": "@", "content": "mx.example", "priority": 10 }));
        let body = shape
            .body("POST", None, &set(&[("type", "SRV"), ("name", "_sip._tcp"), ("data.port", "5060")]), &flag)
            .unwrap();
        assert_eq!(body["data"], json!({ "port": 5060 }));
    }

    #[test]
    fn another_variant_s_field_a_missing_one_or_a_wrong_value_is_refused_by_its_flag() {
        let shape = shape(&dns());
        let refused = |method: &str, given: Option<Value>, pairs: &[(&str, &str)]| {
            shape.body(method, given, &set(pairs), &flag).unwrap_err()
        };
        let error =
            refused("POST", None, &[("type", "A"), ("name", "www"), ("content", "192.0.2.1"), ("priority", "1")]);
        assert!(error.starts_with("--priority is not a field of this body of type A"), "{error}");
        let error = refused("POST", None, &[("type", "MX"), ("name", "@"), ("content", "mx.example")]);
        assert_eq!(error, "--priority is required for type MX (or `priority` in --body)");
        let error = refused("POST", None, &[("type", "SRV"), ("name", "_sip._tcp")]);
        assert!(error.starts_with("`data` is required for type SRV: give its fields (--data.…)"), "{error}");
        let error = refused("POST", None, &[("name", "www")]);
        assert!(error.starts_with("--type is required: one of A, MX, SRV"), "{error}");
        let error = refused("POST", None, &[("type", "A"), ("name", "www"), ("content", "x"), ("ttl", "soon")]);
        assert_eq!(error, "--ttl takes a number, not \"soon\"");
        let error = refused("POST", Some(json!([1])), &[("name", "www")]);
        assert!(error.contains("not a JSON object"), "{error}");
        // A PATCH changes what it names: nothing is required, not even the kind.
        let body = shape.body("PATCH", None, &set(&[("ttl", "300")]), &flag).unwrap();
        assert_eq!(body, json!({ "ttl": 300 }));
    }

    #[test]
    fn flags_go_over_the_body_and_the_body_may_choose_the_variant() {
        let shape = shape(&dns());
        let given = json!({ "type": "A", "name": "www", "content": "192.0.2.1", "comment": "kept" });
        let body =
            shape.body("PUT", Some(given), &set(&[("content", "192.0.2.2"), ("proxied", "true")]), &flag).unwrap();
        assert_eq!(
            body,
            json!({ "type": "A", "name": "www", "content": "192.0.2.2", "comment": "kept", "proxied": true })
        );
        let mut tags = set(&[("type", "A"), ("name", "www"), ("content", "192.0.2.1")]);
        tags.push((vec!["tags".to_owned()], vec!["a:1".to_owned(), "b:2".to_owned()]));
        assert_eq!(shape.body("POST", None, &tags, &flag).unwrap()["tags"], json!(["a:1", "b:2"]));
    }

    #[test]
    fn a_union_nothing_tells_apart_takes_the_body_only_and_secrets_have_no_flag() {
        let untold = json!({ "oneOf": [
            { "properties": { "prompt": { "type": "string" } } },
            { "properties": { "messages": { "type": "array", "items": { "type": "object" } } } } ] });
        assert!(matches!(Fields::of(Some(&untold)), Fields::Untold));
        let plain = json!({ "type": "object", "required": ["name", "secret"], "properties": {
            "name": { "type": "string" }, "secret": { "$ref": "#/definitions/SecretInput" },
            "id": { "type": "string", "readOnly": true },
            "rules": { "type": "array", "items": { "$ref": "#/definitions/rule" } } },
            "definitions": { "SecretInput": { "type": "string", "x-sensitive-input": true },
                "rule": { "type": "object", "properties": { "a": { "type": "string" } } } } });
        let shape = shape(&plain);
        let names: Vec<String> = shape.fields().into_iter().map(|(field, _)| field.dotted()).collect();
        assert_eq!(names, ["name"]);
        assert_eq!(shape.variants[0].body_only, [("rules".to_owned(), false), ("secret".to_owned(), true)]);
        let error = shape.body("POST", None, &set(&[("name", "n")]), &flag).unwrap_err();
        assert_eq!(error, "`secret` is required: give it in --body (it has no flag)");
    }
}
