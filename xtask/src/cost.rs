//! `cargo xtask cost`: what the generated code costs to compile, measured here and printed:
//! generated lines per operation, a clean debug build of cloudflare-openapi (its dependencies
//! already built), and the wall time of `cargo test --workspace` (build included, then again
//! with everything built). Goals (issue 8): at most 600 lines per operation, at most 60 s.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const GENERATED: [&str; 2] = ["crates/cloudflare-openapi/src/generated.rs", "crates/cloudflare-mock/src/generated.rs"];

pub fn run(root: &Path) -> Result<(), String> {
    let operations = cloudflare_operations(root)?;
    let mut total = 0;
    for path in GENERATED {
        let lines = std::fs::read_to_string(root.join(path))
            .map_err(|error| format!("reading {path}: {error}"))?
            .lines()
            .count();
        println!("{path}: {lines} lines");
        total += lines;
    }
    let client = std::fs::read_to_string(root.join(GENERATED[0])).map_err(|error| error.to_string())?.lines().count();
    println!("operations: {operations}");
    println!("generated client lines per operation: {:.0} (goal <= 600)", client as f64 / operations as f64);
    println!("generated lines per operation, client and mocks: {:.0}", total as f64 / operations as f64);

    cargo(root, &["build", "-p", "cloudflare-openapi"])?;
    cargo(root, &["clean", "-p", "cloudflare-openapi"])?;
    let build = cargo(root, &["build", "-p", "cloudflare-openapi"])?;
    println!("clean debug build of cloudflare-openapi: {:.1} s (goal <= 60 s)", build.as_secs_f64());

    cargo(root, &["clean", "-p", "cloudflare-openapi"])?;
    let test = cargo(root, &["test", "--workspace", "--quiet"])?;
    println!(
        "cargo test --workspace, rebuilding cloudflare-openapi and all that depends on it: {:.1} s",
        test.as_secs_f64()
    );
    let warm = cargo(root, &["test", "--workspace", "--quiet"])?;
    println!("cargo test --workspace, everything built: {:.1} s", warm.as_secs_f64());
    Ok(())
}

/// The number of operations in the spec.
fn cloudflare_operations(root: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(root.join(crate::codegen::SPEC)).map_err(|error| error.to_string())?;
    Ok(text.lines().filter(|line| line.trim_start().starts_with("operationId:")).count())
}

/// Runs `cargo ARGS` in `root`, its output hidden, and returns how long it took.
fn cargo(root: &Path, args: &[&str]) -> Result<Duration, String> {
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|error| format!("running cargo {}: {error}", args.join(" ")))?;
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{}", args.join(" "), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(start.elapsed())
}
