//! Request bodies and answers that are not JSON, which progenitor 0.15 does not generate as the
//! spec gives them:
//! - a `multipart/form-data` request body (progenitor: "unexpected content type") is handed
//!   to progenitor as a JSON body of the component [`FORM`], which typify replaces with the
//!   runtime's `Form`; each builder then attaches the form (`Form::attach`: part names checked
//!   against the operation's, encoded, sendable again when held in memory) where progenitor's
//!   `.json(&body)` was;
//! - a raw request body of another media type than `application/octet-stream`
//!   (`application/x-ndjson`, `application/javascript`) is handed to progenitor as an octet
//!   stream (a `reqwest::Body`), and the builder sends it with its own media type;
//! - an answer that is not JSON is progenitor's `ByteStream`, which the builder's `Request`
//!   answers as the runtime's `Download` (the body as sent, with its content type), asking for
//!   it with an `Accept` of its media type.
//!
//! The spec itself keeps the media types and schemas as they are (the operations table and
//! `--schema` show them); only the copy progenitor reads is changed.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use crate::rules::resolve;

/// The component a multipart body is handed to progenitor as, replaced by the runtime's `Form`.
pub const FORM: &str = "MultipartForm";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";
const OCTETS: &str = "application/octet-stream";

/// What is not JSON about one operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Media {
    /// The request body's media type, where it is not JSON.
    pub body: Option<String>,
    /// The multipart body's schema (a form), as the spec gives it.
    pub form: Option<Value>,
    /// The successful answer's media type, where it is not JSON.
    pub answer: Option<String>,
}

/// The request body's media type and schema, the first the spec gives (the import leaves one).
pub fn request_body<'a>(spec: &'a Value, operation: &'a Value) -> Option<(&'a str, &'a Value)> {
    let body = resolve(spec, operation.get("requestBody")?);
    let (media, content) = body["content"].as_object()?.iter().next()?;
    Some((media.as_str(), &content["schema"]))
}

/// The successful answer's media type, where it is not JSON; `None` for JSON or no body.
pub fn answer_media(spec: &Value, operation: &Value) -> Option<String> {
    let (_, answer) = operation["responses"].as_object()?.iter().find(|(status, _)| status.starts_with('2'))?;
    let content = resolve(spec, answer).get("content")?.as_object()?;
    if content.contains_key(JSON) {
        return None;
    }
    content.keys().next().cloned()
}

/// Every operation of `spec` that has a body or an answer that is not JSON, by operationId.
pub fn media(spec: &Value) -> BTreeMap<String, Media> {
    let mut found = BTreeMap::new();
    for (_, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
            let mut media = Media { answer: answer_media(spec, operation), ..Media::default() };
            if let Some((kind, schema)) = request_body(spec, operation)
                && kind != JSON
            {
                media.body = Some(kind.to_owned());
                if kind == MULTIPART {
                    media.form = Some(schema.clone());
                }
            }
            if media != Media::default() {
                found.insert(id, media);
            }
        }
    }
    found
}

/// `spec` as progenitor is given it: a multipart body is a JSON body of [`FORM`] (which the
/// settings replace with the runtime's `Form`), any other body that is not JSON an octet
/// stream.
pub fn for_progenitor(spec: &Value) -> Value {
    let mut spec = spec.clone();
    let mut forms = false;
    let components = spec.get("components").cloned().unwrap_or_default();
    let lookup = json!({ "components": components });
    for (_, item) in spec["paths"].as_object_mut().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get_mut(method) else { continue };
            let Some(kind) = request_body(&lookup, operation).map(|(kind, _)| kind.to_owned()) else { continue };
            let required = resolve(&lookup, &operation["requestBody"])["required"].clone();
            let content = match kind.as_str() {
                JSON => continue,
                MULTIPART => {
                    forms = true;
                    json!({ JSON: { "schema": { "$ref": format!("#/components/schemas/{FORM}") } } })
                }
                _ => json!({ OCTETS: { "schema": { "type": "string", "format": "binary" } } }),
            };
            operation["requestBody"] = json!({ "required": required, "content": content });
        }
    }
    if forms {
        spec["components"]["schemas"][FORM] =
            json!({ "type": "object", "description": "A multipart/form-data body (the runtime's `Form`)." });
    }
    spec
}

/// The parts of the form `schema` (a multipart body's), as the runtime's `FormShape`: the
/// properties, which are required, what each holds, and whether parts of other names are
/// taken (`additionalProperties`: a Worker's modules).
pub fn form_shape(spec: &Value, schema: &Value) -> TokenStream {
    let schema = resolve(spec, schema);
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let parts = schema["properties"].as_object().into_iter().flatten().map(|(name, property)| {
        let is_required = required.contains(&name.as_str());
        let kind = match part_kind(spec, name, property) {
            "file" => quote! { ::cloudflare_openapi_runtime::PartKind::File },
            "json" => quote! { ::cloudflare_openapi_runtime::PartKind::Json },
            _ => quote! { ::cloudflare_openapi_runtime::PartKind::Text },
        };
        quote! { ::cloudflare_openapi_runtime::FormPart { name: #name, required: #is_required, kind: #kind } }
    });
    let any_name = schema.get("additionalProperties").is_some_and(|extra| extra != &Value::Bool(false));
    quote! { ::cloudflare_openapi_runtime::FormShape { parts: &[#(#parts),*], any_name: #any_name } }
}

/// What the part `name` of schema `property` holds: `file` (binary, or a file by its name or
/// its example's `@file`), `json` (an object or a list), or `text`.
pub fn part_kind(spec: &Value, name: &str, property: &Value) -> &'static str {
    let property = resolve(spec, property);
    let example_is_file = property["example"].as_str().is_some_and(|example| example.starts_with('@'));
    if property["format"] == "binary" || example_is_file || ["file", "files"].contains(&name) {
        "file"
    } else if ["object", "array"].contains(&property["type"].as_str().unwrap_or_default())
        || property.get("properties").is_some()
    {
        "json"
    } else {
        "text"
    }
}

/// The `Accept` a download asks with: its media type first where it is one, anything after.
pub fn accept(media: &str) -> String {
    if media.contains('/') && media != "*/*" { format!("{media}, */*;q=0.8") } else { "*/*".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({
            "paths": {
                "/values/{key}": {
                    "put": {
                        "operationId": "write_value",
                        "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                            "type": "object",
                            "required": ["value"],
                            "properties": {
                                "value": { "type": "string", "format": "binary" },
                                "metadata": { "type": "object" },
                                "note": { "type": "string" }
                            }
                        } } } },
                        "responses": { "200": { "content": { "application/json": { "schema": {} } } } }
                    },
                    "get": {
                        "operationId": "read_value",
                        "responses": { "200": { "content": { "application/octet-stream": { "schema": {} } } } }
                    },
                    "post": {
                        "operationId": "insert_vectors",
                        "requestBody": { "content": { "application/x-ndjson": { "schema": { "type": "string", "format": "binary" } } } },
                        "responses": { "200": { "content": { "application/json": { "schema": {} } } } }
                    },
                    "patch": {
                        "operationId": "json_only",
                        "requestBody": { "content": { "application/json": { "schema": { "type": "object" } } } },
                        "responses": { "200": { "content": { "application/json": { "schema": {} } } } }
                    }
                }
            }
        })
    }

    #[test]
    fn what_is_not_json_is_found_and_json_is_left_alone() {
        let media = media(&spec());
        assert_eq!(media["write_value"].body.as_deref(), Some("multipart/form-data"));
        assert!(media["write_value"].form.is_some());
        assert_eq!(media["read_value"].answer.as_deref(), Some("application/octet-stream"));
        assert_eq!(media["insert_vectors"].body.as_deref(), Some("application/x-ndjson"));
        assert!(!media.contains_key("json_only"));
    }

    #[test]
    fn progenitor_is_given_a_form_component_and_octet_streams() {
        let given = for_progenitor(&spec());
        let form = &given["paths"]["/values/{key}"]["put"]["requestBody"];
        assert_eq!(form["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/MultipartForm");
        assert_eq!(form["required"], true);
        assert!(given["components"]["schemas"]["MultipartForm"].is_object());
        let raw = &given["paths"]["/values/{key}"]["post"]["requestBody"]["content"];
        assert_eq!(raw["application/octet-stream"]["schema"]["format"], "binary");
        assert_eq!(given["paths"]["/values/{key}"]["patch"], spec()["paths"]["/values/{key}"]["patch"]);
    }

    #[test]
    fn a_form_shape_names_its_parts_and_what_they_hold() {
        let spec = spec();
        let schema = &spec["paths"]["/values/{key}"]["put"]["requestBody"]["content"]["multipart/form-data"]["schema"];
        let text = form_shape(&spec, schema).to_string();
        assert!(
            text.contains(
                "name : \"value\" , required : true , kind : :: cloudflare_openapi_runtime :: PartKind :: File"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "name : \"metadata\" , required : false , kind : :: cloudflare_openapi_runtime :: PartKind :: Json"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "name : \"note\" , required : false , kind : :: cloudflare_openapi_runtime :: PartKind :: Text"
            ),
            "{text}"
        );
        assert!(text.contains("any_name : false"), "{text}");
        let any = json!({ "type": "object", "additionalProperties": { "description": "modules" } });
        assert!(form_shape(&spec, &any).to_string().contains("any_name : true"));
        assert_eq!(part_kind(&spec, "loa_document", &json!({ "type": "string", "example": "@document.pdf" })), "file");
    }

    #[test]
    fn a_download_asks_for_its_type_first() {
        assert_eq!(accept("text/csv"), "text/csv, */*;q=0.8");
        assert_eq!(accept("image/*"), "image/*, */*;q=0.8");
        assert_eq!(accept("undefined"), "*/*");
    }
}
