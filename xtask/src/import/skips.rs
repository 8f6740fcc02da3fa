//! What the import leaves out, and why: an operation it cannot serve yet is skipped, with its
//! reason, and every other operation of its family is imported all the same. Three sieves,
//! in order:
//! 1. normalization refuses it (a request body or an answer that is not JSON, an answer declared
//!    JSON whose own example is text, ...);
//! 2. the imported spec says the generated code could not serve it ([`unserved`]: a parameter
//!    without an example or outside the path and query, and whatever codegen's safety checks
//!    refuse, such as a secret in a request body);
//! 3. progenitor or typify fail on it ([`probe_families`]: each family is generated in a child
//!    process under the codegen watchdog; a family that fails is generated operation by
//!    operation, and the operations that fail alone are skipped with the generator's error).
//!
//! The skips are written to `spec/skipped.md` (grouped by reason, with counts) and counted in
//! the spec's import header; the import prints the counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::codegen::checks;
use crate::rules::resolve;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Where the skip list is written, relative to the workspace root.
pub const SKIPPED: &str = "spec/skipped.md";

/// One operation left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skip {
    /// Why, in a few words that group it with others (`the request body is not JSON`).
    pub kind: String,
    pub family: String,
    pub method: String,
    pub path: String,
    /// The upstream operationId.
    pub upstream: String,
    /// The full reason.
    pub reason: String,
}

impl Skip {
    pub fn new(path: &str, method: &str, operation: &Value, reason: &str) -> Self {
        let family = crate::families::family_of(path).map_or_else(|_| "?".to_owned(), |family| family.name.to_owned());
        let upstream = operation.get("x-imported-from").or_else(|| operation.get("operationId"));
        Self {
            kind: kind(reason),
            family,
            method: method.to_uppercase(),
            path: path.to_owned(),
            upstream: upstream.and_then(Value::as_str).unwrap_or_default().to_owned(),
            reason: reason.to_owned(),
        }
    }
}

/// The group a reason belongs to, for the counts.
fn kind(reason: &str) -> String {
    const KINDS: [(&str, &str); 9] = [
        ("not a Cloudflare envelope", "a JSON answer that is not a Cloudflare envelope"),
        ("though declared JSON", "an answer declared JSON that is text"),
        ("the request body is", "a request body that is not JSON"),
        ("the answer is", "an answer that is not JSON"),
        ("has no example", "a parameter without an example"),
        ("is in ", "a parameter outside the path and query"),
        ("reaches `", "a request body that holds a secret"),
        ("panicked", "a panic in progenitor or typify"),
        ("ran over", "over the codegen bound of time or memory"),
    ];
    KINDS
        .iter()
        .find(|(needle, _)| reason.contains(needle))
        .map_or("an error of progenitor or typify", |(_, kind)| kind)
        .to_owned()
}

/// The imported operations of `spec` that the generated code could not serve, each as
/// (path, method, reason).
pub fn unserved(spec: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let problems = checks::problems(spec);
    for (path, method, operation) in super::operations(spec) {
        if operation.get("x-imported-from").is_none() {
            continue;
        }
        let id = operation["operationId"].as_str().unwrap_or_default();
        let prefix = format!("{id}: ");
        let reason = parameter_problem(spec, operation)
            .or_else(|| problems.iter().find_map(|problem| problem.strip_prefix(&prefix)).map(str::to_owned));
        if let Some(reason) = reason {
            found.push((path.clone(), method.to_owned(), reason));
        }
    }
    found
}

/// Why a parameter of `operation` cannot be called by name, if one cannot.
fn parameter_problem(spec: &Value, operation: &Value) -> Option<String> {
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(spec, parameter);
        let name = parameter["name"].as_str().unwrap_or_default();
        match parameter["in"].as_str() {
            Some("path" | "query" | "header") => {}
            other => return Some(format!("parameter `{name}` is in {}", other.unwrap_or("nowhere"))),
        }
        if crate::codegen::table::scalar_example(spec, &parameter["schema"]).is_none() {
            return Some(format!("parameter `{name}` has no example in its schema"));
        }
    }
    None
}

/// One operation: path, method, the operation.
type Operation = (String, String, Value);

/// Generates each family of `spec` with `probe` (in a child process, in `import::run`) and
/// returns the imported operations that fail, with the generator's error. A family that fails
/// is probed operation by operation; what is left, if it still fails together (two operations
/// whose types collide), is grown in chunks from the hand-written operations, a failing chunk
/// taken operation by operation. Hand-written operations are never returned.
pub fn probe_families(spec: &Value, probe: &dyn Fn(&Value) -> Result<(), String>) -> Vec<(String, String, String)> {
    let Ok(families) = crate::codegen::split::families(spec) else { return Vec::new() };
    let mut found = Vec::new();
    for (family, sub) in families {
        if probe(&sub).is_ok() {
            continue;
        }
        eprintln!("the family `{}` fails to generate; trying its operations one by one", family.name);
        let operations: Vec<Operation> = super::operations(&sub)
            .map(|(path, method, operation)| (path.clone(), method.to_owned(), operation.clone()))
            .collect();
        let is_imported = |operation: &&Operation| operation.2.get("x-imported-from").is_some();
        // The family's spec with only `kept` of its operations, generated.
        let with = |kept: &[&Operation]| {
            let mut paths = Map::new();
            for (path, method, operation) in kept {
                let item = paths.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
                item[method.as_str()] = operation.clone();
            }
            let mut part = sub.clone();
            part["paths"] = Value::Object(paths);
            match crate::codegen::split::families(&part) {
                Ok(mut parts) if !parts.is_empty() => probe(&parts.remove(0).1),
                _ => Ok(()),
            }
        };
        let mut failed = Vec::new();
        for operation in operations.iter().filter(is_imported) {
            if let Err(error) = with(&[operation]) {
                failed.push((operation.0.clone(), operation.1.clone(), first_line(&error)));
            }
        }
        let left: Vec<&Operation> = operations
            .iter()
            .filter(|(path, method, _)| !failed.iter().any(|(p, m, _)| p == path && m == method))
            .collect();
        if let Err(together) = with(&left) {
            let (mut kept, imported): (Vec<&Operation>, Vec<&Operation>) =
                left.into_iter().partition(|operation| !is_imported(operation));
            for chunk in imported.chunks(16) {
                let mut trial = kept.clone();
                trial.extend(chunk.iter().copied());
                if with(&trial).is_ok() {
                    kept = trial;
                    continue;
                }
                for &one in chunk {
                    let mut trial = kept.clone();
                    trial.push(one);
                    match with(&trial) {
                        Ok(()) => kept = trial,
                        Err(error) => failed.push((
                            one.0.clone(),
                            one.1.clone(),
                            format!("fails to generate with the rest of its family: {}", first_line(&error)),
                        )),
                    }
                }
            }
            eprintln!("  generated together: {}", first_line(&together));
        }
        found.extend(failed);
    }
    found
}

/// The first line of a generator's error, without the `error: ` cargo-style prefix, bounded.
fn first_line(error: &str) -> String {
    let line = error.lines().find(|line| !line.trim().is_empty()).unwrap_or(error).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    line.chars().take(300).collect()
}

/// Removes the operation `method` `path` from `spec`, and the path when it has no other.
pub fn remove(spec: &mut Value, path: &str, method: &str) -> Option<Value> {
    let paths = spec.get_mut("paths")?.as_object_mut()?;
    let item = paths.get_mut(path)?.as_object_mut()?;
    let removed = item.remove(method);
    if !METHODS.iter().any(|method| item.contains_key(*method)) {
        paths.remove(path);
    }
    removed
}

/// Counts by reason, most first: `(kind, operations)`.
pub fn counts(skips: &[Skip]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for skip in skips {
        *counts.entry(skip.kind.as_str()).or_default() += 1;
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().map(|(kind, n)| (kind.to_owned(), n)).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// `spec/skipped.md`: every skip, grouped by reason.
pub fn report(skips: &[Skip], source: &str) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "<!-- @generated by `cargo xtask import`: do not edit, it is rewritten by every import. -->\n");
    let _ = writeln!(out, "# Operations the import leaves out\n");
    if skips.is_empty() {
        let _ = writeln!(
            out,
            "None: every selected operation of {source} is in `spec/cloudflare.yaml`. An operation the \
             generated code cannot serve would be listed here, with its reason, and every other operation of \
             its family imported all the same."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} operations of the selected part of {source} are not in `spec/cloudflare.yaml`, because the \
         generated code cannot serve them. Every other operation of their families is imported. By reason:\n",
        skips.len()
    );
    for (kind, count) in counts(skips) {
        let _ = writeln!(out, "- {kind}: {count}");
    }
    let mut by_kind: BTreeMap<&str, Vec<&Skip>> = BTreeMap::new();
    for skip in skips {
        by_kind.entry(skip.kind.as_str()).or_default().push(skip);
    }
    for (kind, count) in counts(skips) {
        let _ = writeln!(out, "\n## {kind} ({count})\n");
        let _ = writeln!(out, "| family | operation | method and path | reason |");
        let _ = writeln!(out, "|---|---|---|---|");
        for skip in &by_kind[kind.as_str()] {
            let reason = skip.reason.replace('|', "\\|").replace('\n', " ");
            let _ =
                writeln!(out, "| {} | `{}` | `{} {}` | {reason} |", skip.family, skip.upstream, skip.method, skip.path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_grouped() {
        assert_eq!(
            kind("the request body is multipart/form-data, not application/json"),
            "a request body that is not JSON"
        );
        assert_eq!(kind("the answer is text/csv, not JSON"), "an answer that is not JSON");
        assert_eq!(
            kind("the answer is text, though declared JSON: upstream's own example is not one JSON document"),
            "an answer declared JSON that is text"
        );
        assert_eq!(kind("progenitor panicked: merge.rs"), "a panic in progenitor or typify");
        assert_eq!(kind("value does not conform to the given schema"), "an error of progenitor or typify");
    }

    /// A spec of one family (`dns`) with the given operations (`path` -> imported or not).
    fn family_spec(operations: &[(&str, bool)]) -> Value {
        let mut paths = Map::new();
        for (path, imported) in operations {
            let mut operation = serde_json::json!({ "operationId": path.trim_start_matches('/').replace('/', "_"),
                "responses": { "200": { "description": "ok" } } });
            if *imported {
                operation["x-imported-from"] = "upstream".into();
            }
            paths.insert(format!("/zones/{{zone_id}}/dns_records{path}"), serde_json::json!({ "get": operation }));
        }
        serde_json::json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths,
            "components": { "schemas": {} } })
    }

    /// The operations (last path segment) in a probed spec.
    fn probed(spec: &Value) -> Vec<String> {
        spec["paths"].as_object().unwrap().keys().map(|path| path.rsplit('/').next().unwrap().to_owned()).collect()
    }

    #[test]
    fn an_operation_that_fails_alone_is_skipped_and_the_rest_of_its_family_kept() {
        let spec = family_spec(&[("/a", true), ("/bad", true), ("/c", true)]);
        let probe = |spec: &Value| {
            if probed(spec).contains(&"bad".to_owned()) {
                Err("error: typify: value does not conform".into())
            } else {
                Ok(())
            }
        };
        let found = probe_families(&spec, &probe);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("/bad") && found[0].1 == "get", "{found:?}");
        assert_eq!(found[0].2, "typify: value does not conform", "the generator's words, without `error: `");
        assert!(
            probe_families(&family_spec(&[("/a", true)]), &probe).is_empty(),
            "a family that generates loses nothing"
        );
    }

    #[test]
    fn two_operations_that_fail_only_together_cost_one_and_a_hand_written_one_is_never_skipped() {
        let spec = family_spec(&[("/curated", false), ("/x", true), ("/y", true), ("/z", true)]);
        // `x` and `y` collide, each generates alone; `curated` collides with nothing.
        let probe = |spec: &Value| {
            let names = probed(spec);
            if names.contains(&"x".to_owned()) && names.contains(&"y".to_owned()) {
                Err("error: two types in the family::types are called `Rule`".into())
            } else {
                Ok(())
            }
        };
        let found = probe_families(&spec, &probe);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("/y"), "the later of the two: {found:?}");
        assert!(found[0].2.starts_with("fails to generate with the rest of its family: two types"), "{found:?}");

        let curated_fails = |spec: &Value| {
            if probed(spec).contains(&"curated".to_owned()) { Err("error: broken".into()) } else { Ok(()) }
        };
        let found = probe_families(&spec, &curated_fails);
        assert!(found.iter().all(|(path, _, _)| !path.ends_with("/curated")), "{found:?}");
    }

    #[test]
    fn the_report_lists_each_skip_under_its_reason_with_counts() {
        let operation = serde_json::json!({ "operationId": "workers-upload" });
        let skips = [
            Skip::new(
                "/accounts/{account_id}/workers/scripts/{name}",
                "put",
                &operation,
                "the request body is multipart/form-data, not application/json",
            ),
            Skip::new(
                "/zones/{zone_id}/dns_records/export",
                "get",
                &serde_json::json!({ "operationId": "export" }),
                "the answer is text/plain, not JSON",
            ),
            Skip::new(
                "/zones/{zone_id}/dns_records/import",
                "post",
                &serde_json::json!({ "operationId": "import" }),
                "the request body is multipart/form-data, not application/json",
            ),
        ];
        let report = report(&skips, "schema.json");
        assert!(report.contains("3 operations"), "{report}");
        assert!(report.contains("- a request body that is not JSON: 2\n- an answer that is not JSON: 1\n"), "{report}");
        assert!(
            report.contains("| workers | `workers-upload` | `PUT /accounts/{account_id}/workers/scripts/{name}` |"),
            "{report}"
        );
        assert!(report.contains("| dns | `export` |"), "{report}");
    }
}
