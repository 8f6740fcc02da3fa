//! `cargo xtask cost`: what the generated code costs, measured here and printed (docs/adding-an-endpoint.md, "Cost"):
//! - generated lines per operation (client, and client with mocks);
//! - a clean debug build of the generated crates (cloudflare-openapi, its runtime and the family
//!   crates; their dependencies already built) with every family, and with one family alone,
//!   each with its wall time and peak memory (the largest process, one rustc, as
//!   `/usr/bin/time` reports it where it is installed; cargo runs two at once on two cores);
//! - `cargo test --workspace` wall time (rebuilding from the generated crates up, then warm);
//! - a release build of the `cloudflare` command, its time and the binary's size.
//!
//! Goals (issue "The whole Cloudflare API"): one family alone at most 15 s; every family at
//! most 4 minutes and 4 GiB; the release binary at most 30 MB.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The family measured alone: DNS where the spec has it, else the first one.
const ALONE: &str = "dns";

pub fn run(root: &Path) -> Result<(), String> {
    let families = families(root)?;
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC)).map_err(|error| error.to_string())?;
    let spec: serde_json::Value = serde_yaml_ng::from_str(&spec).map_err(|error| error.to_string())?;
    let operations = crate::codegen::table::count(&spec);
    let client = lines(&root.join(crate::codegen::FAMILY_CRATES))?
        + lines(&root.join("crates/cloudflare-openapi/src"))?
        + lines(&root.join("crates/cloudflare-openapi-runtime/src"))?;
    let mocks = lines(&root.join("crates/cloudflare-mock/src/families"))?;
    println!("families: {} ({})", families.len(), families.join(", "));
    println!("operations: {operations}");
    println!("generated client lines: {client}, per operation {:.0}", client as f64 / operations as f64);
    println!("generated mock lines: {mocks}, per operation {:.0}", mocks as f64 / operations as f64);

    let alone = if families.iter().any(|family| family == ALONE) { ALONE } else { &families[0] };
    let full = ["build", "-p", "cloudflare-openapi", "--no-default-features", "--features", "full"];
    let one = ["build", "-p", "cloudflare-openapi", "--no-default-features", "--features", alone];
    let mut clean = vec!["clean", "-p", "cloudflare-openapi", "-p", "cloudflare-openapi-runtime"];
    let crates: Vec<String> = families.iter().map(|family| crate::codegen::family_crate_of(family)).collect();
    for krate in &crates {
        clean.extend(["-p", krate]);
    }
    for (what, args) in [("every family", &full[..]), (alone, &one[..])] {
        cargo(root, args)?;
        cargo(root, &clean)?;
        let measured = cargo(root, args)?;
        println!("clean debug build of the generated crates, {what}: {measured}");
    }

    cargo(root, &clean)?;
    let test = cargo(root, &["test", "--workspace", "--quiet"])?;
    println!("cargo test --workspace, rebuilding the generated crates and all that depends on them: {test}");
    let warm = cargo(root, &["test", "--workspace", "--quiet"])?;
    println!("cargo test --workspace, everything built: {warm}");

    let release = cargo(root, &["build", "--release", "-p", "cloudflare-cli"])?;
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), Into::into);
    let size = std::fs::metadata(target.join("release/cloudflare")).map_err(|error| error.to_string())?.len();
    println!("release build of cloudflare (every family): {release}, binary {:.1} MB", size as f64 / 1e6);
    Ok(())
}

/// The families of the spec, from cloudflare-openapi's manifest (`full`).
fn families(root: &Path) -> Result<Vec<String>, String> {
    let manifest = std::fs::read_to_string(root.join("crates/cloudflare-openapi/Cargo.toml"))
        .map_err(|error| format!("reading the manifest: {error}"))?;
    let full = manifest.lines().find_map(|line| line.strip_prefix("full = [")).ok_or("no `full` feature")?;
    let names: Vec<String> =
        full.trim_end_matches(']').split(',').map(|name| name.trim().trim_matches('"').to_owned()).collect();
    if names.iter().all(String::is_empty) {
        return Err("the spec has no families".into());
    }
    Ok(names)
}

/// The lines of every `.rs` file under `dir`.
fn lines(dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(|error| format!("reading {}: {error}", dir.display()))?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += lines(&path)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            let text = std::fs::read_to_string(&path).map_err(|error| error.to_string())?;
            if text.starts_with("// @generated") {
                total += text.lines().count();
            }
        }
    }
    Ok(total)
}

/// A run's wall time and, where `/usr/bin/time` is installed, peak memory.
struct Measured {
    wall: Duration,
    peak_kib: Option<u64>,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1} s", self.wall.as_secs_f64())?;
        match self.peak_kib {
            Some(kib) => write!(f, ", peak {:.0} MiB", kib as f64 / 1024.0),
            None => write!(f, ", peak memory unknown (no /usr/bin/time)"),
        }
    }
}

/// Runs `cargo ARGS` in `root`, its output hidden, and measures it.
fn cargo(root: &Path, args: &[&str]) -> Result<Measured, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let timed = Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut command = Command::new("/usr/bin/time");
        command.args(["-f", "peak-kib=%M", &cargo]);
        command
    } else {
        Command::new(&cargo)
    };
    let start = Instant::now();
    let output = command
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|error| format!("running cargo {}: {error}", args.join(" ")))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let peak_kib = stderr.lines().rev().find_map(|line| line.strip_prefix("peak-kib=")?.trim().parse().ok());
    Ok(Measured { wall, peak_kib })
}
