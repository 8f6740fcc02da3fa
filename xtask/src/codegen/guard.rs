//! Bounds on codegen: progenitor and typify can take minutes and tens of GB on some unions
//! (the Access application `anyOf` of 8 `allOf` variants did: 10 minutes, 20 GB). A watchdog
//! thread stops the process with a message naming the schemas most likely at fault, instead.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::rules::ref_name;

/// Limits for one codegen run. `XTASK_CODEGEN_MAX_SECONDS` and `XTASK_CODEGEN_MAX_MIB` override
/// the defaults (60 s, 2 GiB: the budget for the whole Access family on 2 cores).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub memory_bytes: u64,
}

impl Limits {
    pub fn from_env() -> Self {
        let number = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
        Self {
            time: Duration::from_secs(number("XTASK_CODEGEN_MAX_SECONDS").unwrap_or(60)),
            memory_bytes: number("XTASK_CODEGEN_MAX_MIB").unwrap_or(2048) * 1024 * 1024,
        }
    }

    /// Why a run that has taken `elapsed` and holds `resident` bytes must stop, if it must.
    pub fn breach(&self, elapsed: Duration, resident: Option<u64>) -> Option<String> {
        if elapsed > self.time {
            return Some(format!("codegen ran over {} s", self.time.as_secs()));
        }
        match resident {
            Some(bytes) if bytes > self.memory_bytes => {
                Some(format!("codegen used over {} MiB of memory", self.memory_bytes / (1024 * 1024)))
            }
            _ => None,
        }
    }
}

/// Stops the watchdog when dropped.
#[derive(Debug)]
pub struct Guard(Arc<AtomicBool>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Watches this process until the returned guard is dropped; on a breach it prints why, with
/// `suspects`, and exits with status 1.
pub fn watch(limits: Limits, suspects: String) -> Guard {
    let done = Arc::new(AtomicBool::new(false));
    let watching = done.clone();
    let start = Instant::now();
    std::thread::spawn(move || {
        while !watching.load(Ordering::Relaxed) {
            if let Some(why) = limits.breach(start.elapsed(), resident_bytes()) {
                eprintln!(
                    "error: {why}, and was stopped. The largest schemas (expanded through $ref, allOf \
                     and unions) are the likely cause: {suspects}. Give such a union an escape \
                     (`x-escape`, see the import's normalization) or simplify it."
                );
                std::process::exit(1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    Guard(done)
}

/// This process's resident memory, where the system tells (Linux).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The three component schemas with the largest expansion, as `name (size)`.
pub fn suspects(raw: &Value) -> String {
    let schemas = raw.pointer("/components/schemas").and_then(Value::as_object);
    let mut sizes = BTreeMap::new();
    for (name, schema) in schemas.into_iter().flatten() {
        if schema.get("x-escape").is_none() {
            sizes.insert(name.clone(), expansion(raw, schema, &mut Vec::new()));
        }
    }
    let mut ranked: Vec<(&String, &u64)> = sizes.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let named: Vec<String> = ranked.iter().take(3).map(|(name, size)| format!("{name} ({size})")).collect();
    named.join(", ")
}

/// How many schema nodes `schema` expands to through `$ref`s (each reference followed once
/// per path), capped so that the count itself stays cheap.
fn expansion(raw: &Value, schema: &Value, path: &mut Vec<String>) -> u64 {
    const CAP: u64 = 1_000_000;
    match schema {
        Value::Object(object) => {
            if let Some(name) = ref_name(schema) {
                if path.iter().any(|seen| seen == name) || path.len() > 32 {
                    return 1;
                }
                path.push(name.to_owned());
                let size = expansion(raw, &raw["components"]["schemas"][name], path);
                path.pop();
                return size;
            }
            let inner: u64 = object
                .iter()
                .filter(|(key, _)| *key != "example")
                .map(|(_, value)| expansion(raw, value, path))
                .fold(0, |sum, size| (sum + size).min(CAP));
            let factor = object.get("allOf").and_then(Value::as_array).map_or(1, |parts| parts.len().max(1) as u64);
            (1 + inner).saturating_mul(factor).min(CAP)
        }
        Value::Array(items) => {
            items.iter().map(|item| expansion(raw, item, path)).fold(0, |sum, size| (sum + size).min(CAP))
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breach_is_time_or_memory_past_the_limit() {
        let limits = Limits { time: Duration::from_secs(60), memory_bytes: 2048 * 1024 * 1024 };
        assert_eq!(limits.breach(Duration::from_secs(60), Some(2048 * 1024 * 1024)), None, "at the limit");
        assert_eq!(limits.breach(Duration::from_secs(1), None), None, "memory unknown");
        let slow = limits.breach(Duration::from_millis(60_001), None).unwrap();
        assert!(slow.contains("over 60 s"), "{slow}");
        let big = limits.breach(Duration::ZERO, Some(2048 * 1024 * 1024 + 1)).unwrap();
        assert!(big.contains("over 2048 MiB"), "{big}");
    }

    #[test]
    fn suspects_are_the_largest_expansions() {
        let raw = serde_json::json!({ "components": { "schemas": {
            "Leaf": { "type": "string" },
            "Small": { "type": "object", "properties": { "a": { "$ref": "#/components/schemas/Leaf" } } },
            "Union": { "anyOf": [
                { "allOf": [ { "$ref": "#/components/schemas/Small" }, { "$ref": "#/components/schemas/Small" } ] },
                { "allOf": [ { "$ref": "#/components/schemas/Small" }, { "$ref": "#/components/schemas/Small" } ] }
            ] },
            "Escaped": { "x-escape": "reviewed", "anyOf": [] }
        } } });
        let named = suspects(&raw);
        assert!(named.starts_with("Union ("), "{named}");
        assert!(!named.contains("Escaped"), "{named}");
    }
}
