//! `cargo xtask import --from PATH [--path-prefix P | --tag T | --operation ID]...`: copies
//! operations, and the schemas they reach, from an upstream Cloudflare OpenAPI file into
//! `spec/cloudflare.yaml`, normalized ([`normalize::RULES`]), then runs codegen.
//!
//! The selections are recorded in the spec (`x-imports`), and every import re-derives all
//! imported operations from them: importing twice changes nothing, and importing a newer
//! upstream file shows what changed as a diff of the spec. Imported operations carry
//! `x-imported-from`; everything else in the spec is hand-written and wins: an upstream
//! operation whose method and path the hand-written part has is not imported.

pub mod normalize;
pub mod skips;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::codegen::SPEC;
use crate::rules::HOUSE_SCHEMAS;
use normalize::{Normalized, Selected};
use skips::Skip;

/// What to import: an operation matches if any selection does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Selection {
    /// Paths starting with this, such as `/accounts/{account_id}/access/`.
    PathPrefix(String),
    /// Operations with this tag.
    Tag(String),
    /// One operation, by its upstream or its snake_case operationId.
    Operation(String),
    /// Every operation of a family ([`crate::families`]).
    Family(String),
}

impl Selection {
    fn to_json(&self) -> Value {
        match self {
            Self::PathPrefix(prefix) => json!({ "path-prefix": prefix }),
            Self::Tag(tag) => json!({ "tag": tag }),
            Self::Operation(id) => json!({ "operation": id }),
            Self::Family(name) => json!({ "family": name }),
        }
    }

    fn from_json(value: &Value) -> Result<Self, String> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        text("path-prefix")
            .map(Self::PathPrefix)
            .or_else(|| text("tag").map(Self::Tag))
            .or_else(|| text("operation").map(Self::Operation))
            .or_else(|| text("family").map(Self::Family))
            .ok_or(format!("x-imports: cannot read {value}"))
    }

    fn matches(&self, path: &str, operation: &Value) -> bool {
        match self {
            Self::PathPrefix(prefix) => path.starts_with(prefix.as_str()),
            Self::Tag(tag) => operation["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == tag.as_str())),
            Self::Operation(id) => operation["operationId"]
                .as_str()
                .is_some_and(|upstream| upstream == id || normalize::snake_case(upstream) == *id),
            Self::Family(name) => crate::families::family_of(path).is_ok_and(|family| family.name == name),
        }
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The first line of the header block that `import` writes (and rewrites) in the spec.
const IMPORT_HEADER: &str = "# Imported by `cargo xtask import`";

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The spec's new text.
    pub spec: String,
    /// One paragraph for the terminal, with the counts.
    pub report: String,
    /// The operations left out, sorted.
    pub skips: Vec<Skip>,
}

/// Imports into the spec under `root` from the upstream file `from`, then runs codegen.
pub fn run(root: &Path, from: &Path, selections: Vec<Selection>) -> Result<(), String> {
    let upstream_text = fs::read_to_string(from).map_err(|error| format!("reading {}: {error}", from.display()))?;
    let upstream: Value =
        serde_json::from_str(&upstream_text).map_err(|error| format!("parsing {}: {error}", from.display()))?;
    let spec_path = root.join(SPEC);
    let text = fs::read_to_string(&spec_path).map_err(|error| format!("reading {SPEC}: {error}"))?;
    let source = from.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let imported = import(&text, &upstream, &source, selections, &probe_in_child)?;
    if imported.spec != text {
        fs::write(&spec_path, &imported.spec).map_err(|error| format!("writing {SPEC}: {error}"))?;
    }
    let skipped = root.join(skips::SKIPPED);
    fs::write(&skipped, skips::report(&imported.skips, &source))
        .map_err(|error| format!("writing {}: {error}", skips::SKIPPED))?;
    eprintln!("{}", imported.report);
    crate::codegen::run(root, false)
}

/// Generates `spec` in a child process (`cargo xtask probe`), under the codegen watchdog, so
/// that a panic or a breached bound costs that family, not the import.
fn probe_in_child(spec: &Value) -> Result<(), String> {
    let file = std::env::temp_dir().join(format!("xtask-probe-{}.json", std::process::id()));
    fs::write(&file, serde_json::to_vec(spec).map_err(|error| error.to_string())?)
        .map_err(|error| format!("writing {}: {error}", file.display()))?;
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = std::process::Command::new(exe)
        .arg("probe")
        .arg(&file)
        .output()
        .map_err(|error| format!("running the probe: {error}"))?;
    let _ = fs::remove_file(&file);
    if output.status.success() {
        return Ok(());
    }
    // The probe's error line (`error: ...`) says why: a panic, placed, or the generator's error.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let why = stderr.lines().find_map(|line| line.strip_prefix("error: ")).map(str::to_owned);
    Err(why.unwrap_or_else(|| format!("the probe failed ({})", output.status)))
}

/// The spec `text` with the selected operations of `upstream` imported (and the ones recorded
/// in it re-imported), and a one-paragraph report.
pub fn import(
    text: &str,
    upstream: &Value,
    source: &str,
    selections: Vec<Selection>,
    probe: &dyn Fn(&Value) -> Result<(), String>,
) -> Result<Imported, String> {
    let (header, _) = split_header(text);
    let mut spec: Value = serde_yaml_ng::from_str(text).map_err(|error| format!("parsing {SPEC}: {error}"))?;

    let mut recorded: BTreeSet<Selection> = spec
        .get("x-imports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(Selection::from_json)
        .collect::<Result<_, _>>()?;
    recorded.extend(selections);
    if recorded.is_empty() {
        return Err("nothing to import: give --path-prefix, --tag or --operation".into());
    }

    remove_imported(&mut spec);
    let curated_ops = operation_keys(&spec);
    let taken_ids: BTreeSet<String> =
        operations(&spec).filter_map(|(_, _, op)| op["operationId"].as_str()).map(str::to_owned).collect();
    let house: BTreeMap<String, Value> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.iter().map(|(name, schema)| (name.clone(), schema.clone())).collect())
        .unwrap_or_default();
    for name in HOUSE_SCHEMAS {
        if !house.contains_key(name) {
            return Err(format!("{SPEC} must define the house schema `{name}` that imported operations use"));
        }
    }

    let mut selected = Vec::new();
    for (path, item) in upstream["paths"].as_object().ok_or("the upstream file has no paths")? {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            if recorded.iter().any(|selection| selection.matches(path, operation))
                && !curated_ops.contains(&(path.clone(), method.to_owned()))
            {
                let mut operation = operation.clone();
                inherit_parameters(upstream, item, &mut operation);
                selected.push(Selected { path: path.clone(), method: method.to_owned(), operation });
            }
        }
    }
    let selected_count = selected.len();
    let normalized = normalize::normalize(upstream, selected, &taken_ids, &house)?;
    let mut skips: Vec<Skip> = normalized
        .skipped
        .iter()
        .map(|(selected, why)| Skip::new(&selected.path, &selected.method, &selected.operation, why))
        .collect();
    merge(&mut spec, &normalized, &recorded)?;
    // What the generated code could not serve, until nothing is left (a removal can leave a
    // schema unreached, and its problem gone).
    loop {
        let found = skips::unserved(&spec);
        if found.is_empty() {
            break;
        }
        skip_all(&mut spec, found, &mut skips);
    }
    let found = skips::probe_families(&spec, probe);
    skip_all(&mut spec, found, &mut skips);
    let problems = crate::codegen::checks::problems(&spec);
    if !problems.is_empty() {
        return Err(format!("the imported spec is not safe to generate:\n  {}", problems.join("\n  ")));
    }
    skips.sort();

    let operations = operations(&spec).filter(|(_, _, op)| op.get("x-imported-from").is_some()).count();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |schemas| schemas.values().filter(|schema| schema.get("x-imported-from").is_some()).count());
    let header = import_header(header, source, &recorded, &normalized, operations, schemas, &skips);
    let body = serde_yaml_ng::to_string(&spec).map_err(|error| format!("writing YAML: {error}"))?;
    let mut report = format!(
        "selected {selected_count} operations: imported {operations} ({schemas} schemas, {} duplicates merged, {} \
         unions escaped, {} defaults corrected or dropped, {} request schemas with server-assigned fields made \
         optional), skipped {} (listed in {}) from {source}",
        normalized.merged.len(),
        normalized.escapes.len(),
        normalized.defaults.len(),
        normalized.relaxed.len(),
        skips.len(),
        skips::SKIPPED
    );
    for (kind, count) in skips::counts(&skips) {
        let _ = write!(report, "\n  skipped, {kind}: {count}");
    }
    Ok(Imported { spec: format!("{header}{body}"), report, skips })
}

/// Removes each of `found` (path, method, reason) from `spec` into `skips`.
fn skip_all(spec: &mut Value, found: Vec<(String, String, String)>, skips: &mut Vec<Skip>) {
    for (path, method, reason) in found {
        if let Some(operation) = skips::remove(spec, &path, &method) {
            skips.push(Skip::new(&path, &method, &operation, &reason));
        }
    }
    collect_garbage(spec);
}

/// Copies the path item's `parameters` into `operation` (OpenAPI: they apply to every
/// operation of the path, and one of the operation's own with the same name and location wins).
fn inherit_parameters(upstream: &Value, item: &Value, operation: &mut Value) {
    let Some(shared) = item.get("parameters").and_then(Value::as_array) else { return };
    let key = |parameter: &Value| {
        let parameter = crate::rules::resolve(upstream, parameter);
        (
            parameter["name"].as_str().unwrap_or_default().to_owned(),
            parameter["in"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let own: BTreeSet<(String, String)> = operation["parameters"].as_array().into_iter().flatten().map(&key).collect();
    let inherited: Vec<Value> = shared.iter().filter(|parameter| !own.contains(&key(parameter))).cloned().collect();
    if inherited.is_empty() {
        return;
    }
    let mut all = inherited;
    all.extend(operation["parameters"].as_array().into_iter().flatten().cloned());
    operation["parameters"] = Value::Array(all);
}

/// The leading comment block of the spec, without the import block, and the rest.
fn split_header(text: &str) -> (&str, &str) {
    let end = text.lines().take_while(|line| line.starts_with('#')).map(|line| line.len() + 1).sum::<usize>();
    let (header, rest) = text.split_at(end.min(text.len()));
    let curated = header.find(IMPORT_HEADER).map_or(header, |start| &header[..start]);
    (curated, rest)
}

fn operations(spec: &Value) -> impl Iterator<Item = (&String, &'static str, &Value)> {
    spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| METHODS.into_iter().filter_map(move |method| Some((path, method, item.get(method)?))))
}

fn operation_keys(spec: &Value) -> BTreeSet<(String, String)> {
    operations(spec).map(|(path, method, _)| (path.clone(), method.to_owned())).collect()
}

/// Removes every imported operation and schema (both carry `x-imported-from`).
fn remove_imported(spec: &mut Value) {
    let imported = |value: &Value| value.get("x-imported-from").is_some();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|_, operation| !imported(operation));
            }
        }
        paths.retain(|_, item| item.as_object().is_some_and(|item| METHODS.iter().any(|m| item.contains_key(*m))));
    }
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.retain(|_, schema| !imported(schema));
    }
}

/// Drops imported schemas that no operation, other component section or house schema reaches
/// (hand-written ones are kept whatever reaches them).
fn collect_garbage(spec: &mut Value) {
    let house: Vec<Value> = HOUSE_SCHEMAS.iter().map(|name| crate::rules::schema_ref(name)).collect();
    let sections = ["responses", "requestBodies", "parameters"].map(|section| &spec["components"][section]);
    let roots = std::iter::once(&spec["paths"]).chain(sections).chain(&house);
    let reached = crate::rules::reach_schemas(spec, roots);
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.retain(|name, schema| reached.contains(name) || schema.get("x-imported-from").is_none());
    }
}

/// Adds the normalized operations, their schemas and tags, and the selections; returns the
/// number of imported schemas kept.
fn merge(spec: &mut Value, normalized: &Normalized, recorded: &BTreeSet<Selection>) -> Result<usize, String> {
    let schemas =
        spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut).ok_or("no components.schemas")?;
    let before: BTreeSet<String> = schemas.keys().cloned().collect();
    for (name, schema) in &normalized.schemas {
        if before.contains(name) {
            return Err(format!("upstream schema `{name}` has the name of a hand-written one"));
        }
        let mut schema = schema.clone();
        // A request-side copy (`{name}_input`) names the upstream schema it copies.
        if let Some(object) = schema.as_object_mut() {
            object.entry("x-imported-from").or_insert_with(|| name.clone().into());
        }
        schemas.insert(name.clone(), schema);
    }
    let paths = spec["paths"].as_object_mut().ok_or("no paths")?;
    let mut tags = BTreeSet::new();
    for Selected { path, method, operation } in &normalized.operations {
        let item = paths.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
        item[method.as_str()] = operation.clone();
        tags.extend(operation["tags"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
    }
    let known: BTreeSet<String> = spec["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tag| tag["name"].as_str())
        .map(str::to_owned)
        .collect();
    if let Some(list) = spec.get_mut("tags").and_then(Value::as_array_mut) {
        list.extend(tags.difference(&known).map(|tag| json!({ "name": tag })));
    }
    spec["x-imports"] = recorded.iter().map(Selection::to_json).collect();
    collect_garbage(spec);
    let after = spec["components"]["schemas"].as_object().map_or(0, Map::len);
    Ok(after.saturating_sub(before.len()))
}

/// The header block written above the spec's YAML: the hand-written header, then what was
/// imported and how.
fn import_header(
    curated: &str,
    source: &str,
    recorded: &BTreeSet<Selection>,
    normalized: &Normalized,
    operations: usize,
    schemas: usize,
    skips: &[Skip],
) -> String {
    let mut out = curated.to_owned();
    let _ = writeln!(out, "{IMPORT_HEADER} (this block is rewritten by every import; edit the part above).");
    let _ = writeln!(out, "#");
    let selections: Vec<String> = recorded
        .iter()
        .map(|selection| match selection {
            Selection::PathPrefix(prefix) => format!("--path-prefix '{prefix}'"),
            Selection::Tag(tag) => format!("--tag '{tag}'"),
            Selection::Operation(id) => format!("--operation {id}"),
            Selection::Family(name) => format!("--family {name}"),
        })
        .collect();
    wrap(
        &mut out,
        "",
        &format!(
            "Source: {source} (cloudflare/api-schemas), selections {} (recorded in `x-imports`). {} operations \
             (`x-imported-from` names the upstream operationId or schema), {schemas} schemas, {} duplicates merged.",
            selections.join(" "),
            operations,
            normalized.merged.len()
        ),
    );
    let counts: Vec<String> = skips::counts(skips).iter().map(|(kind, count)| format!("{kind}: {count}")).collect();
    wrap(
        &mut out,
        "",
        &format!(
            "Skipped: {} selected operations the generated code cannot serve yet, each with its reason in {} \
             ({}).",
            skips.len(),
            skips::SKIPPED,
            if counts.is_empty() { "none".to_owned() } else { counts.join("; ") }
        ),
    );
    let _ = writeln!(out, "#\n# Normalization (xtask/src/import/normalize.rs):");
    for rule in normalize::RULES {
        wrap(&mut out, "- ", rule);
    }
    let _ = writeln!(out, "#\n# Escapes: unions decoded as `Untyped` JSON (its Debug redacts secret-named fields):");
    for escape in &normalized.escapes {
        wrap(&mut out, "- ", &format!("{}: {}", escape.place, escape.reason));
    }
    let _ = writeln!(out, "#\n# Defaults: upstream defaults their own schema refuses, corrected or dropped:");
    for default in &normalized.defaults {
        wrap(&mut out, "- ", &format!("{}: {}", default.place, default.reason));
    }
    let _ = writeln!(out, "#\n# Server-assigned fields that upstream requires, optional in request bodies:");
    for relaxed in &normalized.relaxed {
        wrap(&mut out, "- ", &format!("{}: {}", relaxed.place, relaxed.reason));
    }
    out
}

/// Writes `text` as comment lines of at most 100 columns, the first prefixed by `bullet`.
fn wrap(out: &mut String, bullet: &str, text: &str) {
    let indent = " ".repeat(bullet.len());
    let mut line = format!("# {bullet}");
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > 100 {
            let _ = writeln!(out, "{line}");
            line = format!("# {indent}");
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPSTREAM: &str = include_str!("../fixtures/upstream-access.json");
    const SPEC: &str = include_str!("../fixtures/spec.yaml");

    fn imported() -> (String, Value) {
        let upstream: Value = serde_json::from_str(UPSTREAM).unwrap();
        let selection = vec![Selection::PathPrefix("/accounts/{account_id}/access/".into())];
        let text = import(SPEC, &upstream, "upstream-access.json", selection, &|_| Ok(())).unwrap().spec;
        let spec = serde_yaml_ng::from_str(&text).unwrap();
        (text, spec)
    }

    fn operation<'a>(spec: &'a Value, path: &str, method: &str) -> &'a Value {
        spec["paths"][path].get(method).unwrap_or_else(|| panic!("no {method} {path}"))
    }

    fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
        spec["components"]["schemas"].get(name).unwrap_or_else(|| panic!("no schema {name}"))
    }

    /// The component an operation's 2xx answer refers to.
    fn answer<'a>(spec: &'a Value, path: &str, method: &str) -> &'a Value {
        let responses = operation(spec, path, method)["responses"].as_object().unwrap();
        let (_, success) = responses.iter().find(|(status, _)| status.starts_with('2')).unwrap();
        crate::rules::resolve(spec, &success["content"]["application/json"]["schema"])
    }

    #[test]
    fn path_level_parameters_reach_each_operation_and_an_operations_own_wins() {
        let upstream = json!({ "components": { "parameters": {
            "zone": { "name": "zone_id", "in": "path", "required": true, "schema": { "type": "string" } } } } });
        let item = json!({ "parameters": [
            { "$ref": "#/components/parameters/zone" },
            { "name": "page", "in": "query", "schema": { "type": "integer" }, "description": "shared" }
        ] });
        let mut operation = json!({ "parameters": [
            { "name": "page", "in": "query", "schema": { "type": "integer" }, "description": "own" } ] });
        inherit_parameters(&upstream, &item, &mut operation);
        let parameters = operation["parameters"].as_array().unwrap();
        assert_eq!(parameters.len(), 2, "{parameters:?}");
        assert_eq!(parameters[0], json!({ "$ref": "#/components/parameters/zone" }));
        assert_eq!(parameters[1]["description"], "own");
    }

    #[test]
    fn importing_twice_changes_nothing_and_hand_written_parts_win() {
        let (text, spec) = imported();
        let upstream: Value = serde_json::from_str(UPSTREAM).unwrap();
        let again = import(&text, &upstream, "upstream-access.json", Vec::new(), &|_| Ok(())).unwrap().spec;
        assert_eq!(again, text, "a second import with the recorded selections is a no-op");

        let create = operation(&spec, "/accounts/{account_id}/access/groups", "post");
        assert_eq!(create["operationId"], "create_group", "the hand-written operation wins");
        assert!(create.get("x-imported-from").is_none());
        assert!(spec["paths"].get("/zones/{zone_id}/other").is_none(), "outside the selection");
        assert!(schema(&spec, "Unused").get("x-imported-from").is_none(), "hand-written schemas stay");
        assert_eq!(spec["x-imports"], json!([{ "path-prefix": "/accounts/{account_id}/access/" }]));
        assert!(text.starts_with("# A hand-written spec"), "the hand-written header stays on top");
        assert!(text.contains(IMPORT_HEADER));
    }

    #[test]
    fn operation_ids_become_snake_case_and_unique() {
        let (_, spec) = imported();
        let id = |path: &str, method: &str| operation(&spec, path, method)["operationId"].as_str().unwrap().to_owned();
        assert_eq!(id("/accounts/{account_id}/access/groups", "get"), "access_groups_list_access_groups");
        assert_eq!(id("/accounts/{account_id}/access/scim", "get"), "access_groups_list_access_groups_2");
        assert_eq!(
            id("/accounts/{account_id}/access/bookmarks/{bookmark_id}", "post"),
            "access_bookmark_applications_deprecated_create_a_bookmark_application"
        );
        assert_eq!(normalize::snake_case("9-lives"), "op_9_lives");
        let groups = operation(&spec, "/accounts/{account_id}/access/groups", "get");
        assert_eq!(groups["x-imported-from"], "access-groups-list-access-groups");
    }

    #[test]
    fn envelopes_become_the_house_envelope() {
        let (_, spec) = imported();
        let list = answer(&spec, "/accounts/{account_id}/access/groups", "get");
        let properties = list["properties"].as_object().unwrap();
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        assert_eq!(keys, ["errors", "messages", "result", "result_info", "success"]);
        assert_eq!(properties["success"], json!({ "type": "boolean" }), "no `enum: [true]`");
        assert_eq!(properties["errors"], crate::rules::schema_ref("ApiMessages"));
        assert_eq!(properties["result_info"], crate::rules::schema_ref("ResultInfo"));
        assert_eq!(properties["result"]["nullable"], true);
        assert!(list.get("required").is_none(), "errors and messages are not required");
        let single = answer(&spec, "/accounts/{account_id}/access/groups/{group_id}", "get");
        assert!(single["properties"].get("result_info").is_none());
        assert_eq!(
            single["properties"]["result"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/fx_groups" }], "nullable": true })
        );
        // Only `success` and `result`: still an envelope.
        let empty = answer(&spec, "/accounts/{account_id}/access/bookmarks/{bookmark_id}", "post");
        assert_eq!(empty["properties"]["errors"], crate::rules::schema_ref("ApiMessages"));
    }

    #[test]
    fn every_failure_is_the_house_failure_and_one_success_is_kept() {
        let (_, spec) = imported();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let statuses: Vec<&String> = operation["responses"].as_object().unwrap().keys().collect();
                assert_eq!(statuses.len(), 2, "{method} {path}: {statuses:?}");
                assert_eq!(operation["responses"]["4XX"], json!({ "$ref": "#/components/responses/Failure" }));
                assert!(operation.get("security").is_none(), "{method} {path}: the spec-wide security applies");
            }
        }
    }

    #[test]
    fn path_parameters_get_validated_shapes() {
        let (_, spec) = imported();
        let shape = |path: &str, method: &str, name: &str| {
            let parameters = operation(&spec, path, method)["parameters"].as_array().unwrap().clone();
            let parameter = parameters.into_iter().find(|parameter| parameter["name"] == name).unwrap();
            assert_eq!(parameter["required"], true);
            parameter["schema"].clone()
        };
        let get_app = "/accounts/{account_id}/access/apps/{app_id}";
        assert_eq!(shape(get_app, "get", "account_id"), crate::rules::schema_ref("Identifier"));
        assert_eq!(shape(get_app, "get", "app_id"), crate::rules::schema_ref("fx_app_id"));
        assert_eq!(
            schema(&spec, "fx_app_id")["oneOf"],
            json!([crate::rules::schema_ref("Identifier"), crate::rules::schema_ref("Uuid")]),
            "a oneOf keeps both shapes"
        );
        assert_eq!(
            shape("/accounts/{account_id}/access/groups/{group_id}", "get", "group_id"),
            crate::rules::schema_ref("Uuid")
        );
        assert_eq!(
            shape("/accounts/{account_id}/access/tags/{tag_name}", "delete", "tag_name"),
            crate::rules::schema_ref("PathSegment")
        );
        assert!(crate::codegen::checks::problems(&spec).is_empty(), "{:?}", crate::codegen::checks::problems(&spec));
    }

    #[test]
    fn all_of_is_merged_and_identical_schemas_are_one() {
        let (_, spec) = imported();
        let groups = schema(&spec, "fx_groups");
        assert!(groups.get("allOf").is_none());
        let keys: Vec<&String> = groups["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["created_at", "id", "include", "name"]);
        assert!(spec["components"]["schemas"].get("fx_groups_copy").is_none(), "merged into fx_groups");
        assert!(!serde_json::to_string(&spec).unwrap().contains("fx_groups_copy"), "no reference is left");
    }

    #[test]
    fn unions_no_required_property_tells_apart_are_escaped() {
        let (text, spec) = imported();
        let apps = schema(&spec, "fx_apps");
        assert!(apps["x-escape"].as_str().unwrap().contains("anyOf` of 2 variants"), "{apps}");
        assert!(apps.get("anyOf").is_none());
        assert!(text.contains("# - fx_apps: `anyOf` of 2 variants"), "the escape is listed in the header");
        let rule = schema(&spec, "fx_rule");
        assert_eq!(rule["oneOf"].as_array().unwrap().len(), 2, "told apart by `email` and `everyone`: typed");
        assert!(
            spec["components"]["schemas"].get("fx_saas_props").is_none(),
            "an escaped union's variants are not imported"
        );
    }

    #[test]
    fn secrets_become_secret_and_bodies_without_schema_become_objects() {
        let (_, spec) = imported();
        let scim = &schema(&spec, "fx_scim")["properties"];
        for name in ["secret", "password", "private"] {
            assert_eq!(scim[name], crate::rules::schema_ref("Secret"), "{name}");
        }
        assert_eq!(scim["token_url"]["type"], "string", "not a secret");
        let bookmark = operation(&spec, "/accounts/{account_id}/access/bookmarks/{bookmark_id}", "post");
        assert_eq!(bookmark["requestBody"]["content"]["application/json"]["schema"]["type"], "object");
        let create = operation(&spec, "/accounts/{account_id}/access/groups", "post");
        assert!(create.get("requestBody").is_none(), "the hand-written create has no body");
    }
}
