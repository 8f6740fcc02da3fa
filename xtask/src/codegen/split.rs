//! The spec, split for generation: one sub-spec per family (its operations and exactly the
//! components they reach), and the common part every family shares (the house schemas and the
//! failure answer), generated once as `cloudflare_openapi_runtime::types`.
//!
//! Generating family by family bounds each run of progenitor and typify by the family's size,
//! and makes a build without a family compile none of its code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::families::{self, Family};
use crate::rules::{FAILURE, HOUSE_SCHEMAS, reach, reach_schemas, schema_ref};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const COMPONENT_KINDS: [&str; 4] = ["schemas", "parameters", "responses", "requestBodies"];

/// The schemas every family refers to and none generates: the house schemas, the failure
/// answer's, and what they reach.
pub fn common_schemas(raw: &Value) -> BTreeSet<String> {
    let mut roots: Vec<Value> = HOUSE_SCHEMAS.iter().map(|name| schema_ref(name)).collect();
    roots.push(serde_json::json!({ "$ref": format!("#/components/responses/{FAILURE}") }));
    reach_schemas(raw, &roots)
}

/// The spec for the common types: no operations, the common schemas.
pub fn common_spec(raw: &Value) -> Value {
    let names = common_schemas(raw);
    let mut spec = skeleton(raw);
    let schemas: Map<String, Value> =
        names.iter().map(|name| (name.clone(), raw["components"]["schemas"][name].clone())).collect();
    spec["components"]["schemas"] = Value::Object(schemas);
    spec
}

/// Every family that has operations in the spec, in name order, with its sub-spec.
pub fn families(raw: &Value) -> Result<Vec<(&'static Family, Value)>, String> {
    let mut paths: BTreeMap<&'static str, Map<String, Value>> = BTreeMap::new();
    for (path, item) in raw["paths"].as_object().ok_or("the spec has no paths")? {
        if !METHODS.iter().any(|method| item.get(*method).is_some()) {
            continue;
        }
        let family = families::family_of(path)?;
        paths.entry(family.name).or_default().insert(path.clone(), item.clone());
    }
    let common = common_schemas(raw);
    let mut out = Vec::new();
    for (name, paths) in paths {
        let family = families::by_name(name).expect("family_of returns a listed family");
        let paths = Value::Object(paths);
        let mut spec = skeleton(raw);
        for (kind, component) in reach(raw, [&paths]) {
            spec["components"][kind.as_str()][component.as_str()] =
                raw["components"][kind.as_str()][&component].clone();
        }
        // The common schemas are replaced by `cloudflare_openapi_runtime::types`, but typify resolves
        // their references, so their definitions come along.
        for name in &common {
            spec["components"]["schemas"][name.as_str()] = raw["components"]["schemas"][name].clone();
        }
        spec["paths"] = paths;
        out.push((family, spec));
    }
    Ok(out)
}

/// The spec `raw` without paths and components, keeping what every part shares (info,
/// servers, security, securitySchemes).
fn skeleton(raw: &Value) -> Value {
    let mut spec = Map::new();
    for (key, value) in raw.as_object().into_iter().flatten() {
        if key != "paths" && key != "components" {
            spec.insert(key.clone(), value.clone());
        }
    }
    spec.insert("paths".into(), Value::Object(Map::new()));
    let mut components = Map::new();
    for kind in COMPONENT_KINDS {
        components.insert(kind.into(), Value::Object(Map::new()));
    }
    if let Some(schemes) = raw.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".into(), schemes.clone());
    }
    spec.insert("components".into(), Value::Object(components));
    Value::Object(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/accounts/{account_id}/access/apps": { "get": { "operationId": "a", "responses": {
                    "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/App" } } } },
                    "4XX": { "$ref": "#/components/responses/Failure" } } } },
                "/zones/{zone_id}/dns_records": { "get": { "operationId": "d",
                    "parameters": [ { "$ref": "#/components/parameters/zone_id" } ],
                    "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Record" } } } } } } }
            },
            "components": {
                "parameters": { "zone_id": { "name": "zone_id", "in": "path", "schema": { "$ref": "#/components/schemas/Identifier" } } },
                "responses": { "Failure": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiFailure" } } } } },
                "schemas": {
                    "App": { "type": "object", "properties": { "inner": { "$ref": "#/components/schemas/Inner" } } },
                    "Inner": { "type": "string" },
                    "Record": { "type": "object" },
                    "Unused": { "type": "string" },
                    "ApiFailure": { "type": "object", "properties": { "errors": { "$ref": "#/components/schemas/ApiMessages" } } },
                    "Identifier": { "type": "string" }, "Uuid": { "type": "string" }, "PathSegment": { "type": "string" },
                    "Secret": { "type": "string" }, "Untyped": {}, "ApiMessages": { "type": "array", "items": { "$ref": "#/components/schemas/ApiMessage" } },
                    "ApiMessage": { "type": "object" }, "ResultInfo": { "type": "object" }
                }
            }
        })
    }

    #[test]
    fn each_family_gets_its_operations_and_exactly_the_components_they_reach() {
        let raw = spec();
        let split = families(&raw).unwrap();
        let names: Vec<&str> = split.iter().map(|(family, _)| family.name).collect();
        assert_eq!(names, ["access", "dns"]);
        let access = &split[0].1;
        assert!(access["paths"].get("/accounts/{account_id}/access/apps").is_some());
        assert!(access["paths"].get("/zones/{zone_id}/dns_records").is_none());
        let schemas = access["components"]["schemas"].as_object().unwrap();
        assert!(schemas.contains_key("App") && schemas.contains_key("Inner"), "reached transitively");
        assert!(!schemas.contains_key("Record") && !schemas.contains_key("Unused"), "not reached");
        assert!(
            schemas.contains_key("ApiMessage") && schemas.contains_key("ApiFailure"),
            "the common part comes along"
        );
        assert!(access["components"]["responses"].get("Failure").is_some());
        let dns = &split[1].1;
        assert!(dns["components"]["parameters"].get("zone_id").is_some());
        assert!(dns["components"]["schemas"].get("App").is_none());
    }

    #[test]
    fn the_common_part_is_the_house_schemas_and_the_failure() {
        let common = common_schemas(&spec());
        assert!(common.contains("ApiFailure") && common.contains("ApiMessage") && common.contains("Identifier"));
        assert!(!common.contains("App") && !common.contains("Unused"));
    }

    #[test]
    fn a_path_of_no_family_is_an_error() {
        let mut raw = spec();
        raw["paths"]["/accounts/{account_id}/nowhere"] = json!({ "get": { "operationId": "n" } });
        assert!(families(&raw).unwrap_err().contains("`nowhere`"));
    }
}
