//! Project automation. `cargo xtask codegen` regenerates the client crates from `spec/`;
//! `cargo xtask codegen --check` fails, naming each stale file, when they are out of date;
//! `cargo xtask import` copies operations from Cloudflare's published schema into `spec/`;
//! `cargo xtask cost` measures what the generated code costs to compile.

mod codegen;
mod cost;
mod families;
mod import;
mod rules;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Project automation for the Cloudflare SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate crates/cloudflare-openapi and crates/cloudflare-mock from spec/cloudflare.yaml.
    Codegen {
        /// Write nothing; exit non-zero and name each generated file that is stale.
        #[arg(long)]
        check: bool,
    },
    /// Import operations from an upstream Cloudflare OpenAPI file into spec/cloudflare.yaml,
    /// normalized, then run codegen. Selections are recorded in the spec and re-applied by
    /// every import, so importing twice changes nothing.
    Import {
        /// The upstream file, such as Cloudflare's openapi.json.
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// Import the operations whose path starts with this.
        #[arg(long, value_name = "PREFIX")]
        path_prefix: Vec<String>,
        /// Import the operations with this tag.
        #[arg(long, value_name = "TAG")]
        tag: Vec<String>,
        /// Import this operation (upstream or snake_case operationId).
        #[arg(long, value_name = "ID")]
        operation: Vec<String>,
        /// Import every operation of this family (xtask/src/families.rs), such as `dns`.
        #[arg(long, value_name = "NAME")]
        family: Vec<String>,
    },
    /// Measure what the generated code costs: lines per operation, clean builds of
    /// cloudflare-openapi with every family and with one, `cargo test --workspace`, and the
    /// release binary (takes several minutes).
    Cost,
    /// Generate the spec in FILE (JSON) and write nothing: the import's check of one family or
    /// operation, run in a child process so that a panic or a breached bound costs only it.
    #[command(hide = true)]
    Probe { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let outcome = match cli.command {
        Command::Codegen { check } => codegen::run(&root, check),
        Command::Import { from, path_prefix, tag, operation, family } => {
            if let Some(unknown) = family.iter().find(|name| families::by_name(name).is_none()) {
                eprintln!("error: no family is called `{unknown}` (xtask/src/families.rs lists them)");
                return ExitCode::from(2);
            }
            let selections = (path_prefix.into_iter().map(import::Selection::PathPrefix))
                .chain(tag.into_iter().map(import::Selection::Tag))
                .chain(operation.into_iter().map(import::Selection::Operation))
                .chain(family.into_iter().map(import::Selection::Family))
                .collect();
            import::run(&root, &from, selections)
        }
        Command::Cost => cost::run(&root),
        Command::Probe { file } => codegen::probe(&file),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
