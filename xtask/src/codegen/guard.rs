//! Bounds on codegen: progenitor and typify can take minutes and tens of GB on some unions
//! (the Access application `anyOf` of 8 `allOf` variants did: 10 minutes, 20 GB). A watchdog
//! thread stops the process with a message naming the family and the schemas most likely at
//! fault, instead. Each family has its own bound, and the whole run another.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::rules::ref_name;

/// Limits for codegen: each family (`XTASK_CODEGEN_MAX_SECONDS`, `XTASK_CODEGEN_MAX_MIB`;
/// 60 s and 2 GiB, the budget of the whole Access family on 2 cores, measured as the memory
/// grown since the family began) and the whole run (`XTASK_CODEGEN_TOTAL_SECONDS`,
/// `XTASK_CODEGEN_TOTAL_MIB`; 10 minutes and 4 GiB, for the whole published API).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub memory_bytes: u64,
}

impl Limits {
    /// The limits of one family.
    pub fn family_from_env() -> Self {
        Self::from_env("XTASK_CODEGEN_MAX_SECONDS", 60, "XTASK_CODEGEN_MAX_MIB", 2048)
    }

    /// The limits of a whole run.
    pub fn total_from_env() -> Self {
        Self::from_env("XTASK_CODEGEN_TOTAL_SECONDS", 600, "XTASK_CODEGEN_TOTAL_MIB", 4096)
    }

    fn from_env(seconds: &str, default_seconds: u64, mib: &str, default_mib: u64) -> Self {
        let number = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
        Self {
            time: Duration::from_secs(number(seconds).unwrap_or(default_seconds)),
            memory_bytes: number(mib).unwrap_or(default_mib) * 1024 * 1024,
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

/// What the watchdog is watching: the family being generated, since when, and the memory
/// the process held when it began.
#[derive(Debug)]
struct Phase {
    family: String,
    since: Instant,
    baseline: u64,
}

/// Stops the watchdog when dropped; [`Guard::family`] starts the bound of one family.
#[derive(Debug)]
pub struct Guard {
    done: Arc<AtomicBool>,
    phase: Arc<Mutex<Phase>>,
}

impl Guard {
    /// From now on the family `name` is being generated, under the family limits.
    pub fn family(&self, name: &str) {
        let mut phase = self.phase.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *phase = Phase { family: name.to_owned(), since: Instant::now(), baseline: resident_bytes().unwrap_or(0) };
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Watches this process until the returned guard is dropped: over a family's limits or the
/// total's, it prints why, naming the family and the largest schemas of `raw` (the likely
/// cause), and exits with status 1.
pub fn watch(family: Limits, total: Limits, raw: Arc<Value>) -> Guard {
    let done = Arc::new(AtomicBool::new(false));
    let phase = Arc::new(Mutex::new(Phase { family: String::new(), since: Instant::now(), baseline: 0 }));
    let (watching, current) = (done.clone(), phase.clone());
    let start = Instant::now();
    std::thread::spawn(move || {
        while !watching.load(Ordering::Relaxed) {
            let resident = resident_bytes();
            let why = {
                let phase = current.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let grown = resident.map(|bytes| bytes.saturating_sub(phase.baseline));
                total.breach(start.elapsed(), resident).or_else(|| {
                    let why = family.breach(phase.since.elapsed(), grown)?;
                    Some(format!("{why} on the family `{}`", phase.family))
                })
            };
            if let Some(why) = why {
                eprintln!(
                    "error: {why}, and was stopped. The largest schemas (expanded through $ref, allOf \
                     and unions) are the likely cause: {}. Give such a union an escape \
                     (`x-escape`, see the import's normalization) or simplify it.",
                    suspects(&raw)
                );
                std::process::exit(1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    Guard { done, phase }
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
