//! The `cloudflare` command. The binary (`src/main.rs`) only calls [`main`]: this crate is a
//! command, and its library has no stable API. `args`, `bulk` and `report` are public only so
//! that the bulk benchmark (tests/benches/bulk.rs) can drive the bulk path without a process,
//! and `context` and `run_in` so that the tests run commands in-process; they are hidden from
//! the docs and may change in any release.
//!
//! The layout: a folder per noun of the hand-written commands (`service_tokens/`, `api/`), one
//! place for the generated commands (`generated/`), and what they share: the command line
//! (`args.rs`: the connection and output flags declared once), where settings come from
//! (`config.rs`), the context a command runs with (`context.rs`), what it prints
//! (`output.rs`) and how it fails (`error.rs`).

mod api;
mod api_tokens;
#[doc(hidden)]
pub mod args;
mod audit;
mod auth;
mod completions;
mod config;
#[doc(hidden)]
pub mod context;
mod echo;
mod error;
mod generated;
mod names;
mod output;
mod service_tokens;
mod values;
mod zonefile;

// The bulk runner and its reporter, for the bulk benchmark (tests/benches/bulk.rs).
#[doc(hidden)]
pub use service_tokens::{bulk, report};

use std::process::ExitCode;

use clap::FromArgMatches;

use crate::args::{Cli, Command};
pub use crate::error::CliError;

/// Interrupted (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Parses the command line and runs it: a usage error on the command line is clap's (with the
/// flag's name), any other error is reported in one place ([`CliError::report`]).
pub async fn main() -> ExitCode {
    // A shell asking for candidates (`COMPLETE=bash cloudflare -- ...`): answered, then exit.
    completions::answer_if_asked();
    run_in(std::env::args_os().collect(), context::Context::process()).await
}

/// Runs the command line `arguments` (the program's name first) with `context`: what [`main`]
/// does with the process's, and what tests do with their own, in-process.
#[doc(hidden)]
pub async fn run_in(arguments: Vec<std::ffi::OsString>, context: context::Context) -> ExitCode {
    context.scope(run_line(arguments)).await
}

async fn run_line(arguments: Vec<std::ffi::OsString>) -> ExitCode {
    // A family's command (`cloudflare dns records list`): only that family's commands are built,
    // and only the leaf named gets its flags (see `generated`).
    if let Some(family) = arguments.get(1).and_then(|word| word.to_str()).and_then(generated::family_of) {
        let words: Vec<String> = arguments[2..]
            .iter()
            .map_while(|word| word.to_str())
            .take_while(|word| !word.starts_with('-'))
            .map(str::to_owned)
            .collect();
        let commands = generated::commands_of(family);
        let mut command = args::command_base().subcommand(generated::tree_of(family, &commands, &words));
        let matches = match command.try_get_matches_from_mut(arguments) {
            Ok(matches) => matches,
            Err(error) => {
                // The command the words name, as far as they name one: the scopes it takes.
                let mut leaf = command.find_subcommand(generated::naming::family_word(family));
                for word in &words {
                    match leaf.and_then(|level| level.find_subcommand(word)) {
                        Some(next) => leaf = Some(next),
                        None => break,
                    }
                }
                return clap_error(&error, leaf, None);
            }
        };
        let Some((_, family_matches)) = matches.subcommand() else { return ExitCode::from(error::USAGE) };
        return generated::run(family, &commands, family_matches).await.unwrap_or_else(CliError::report);
    }
    let first = arguments.get(1).and_then(|word| word.to_str()).map(str::to_owned);
    let cli = match args::command().try_get_matches_from(arguments).and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(error) => return clap_error(&error, None, first.as_deref()),
    };
    run(cli.command).await.unwrap_or_else(CliError::report)
}

/// What clap says of a command line it did not run (a usage error, `--help`, `--version`), said
/// where it belongs (help and version on stdout), and its exit status. `leaf` is the generated
/// command the line names (its scope flags say what a misplaced one should have been), `first`
/// the line's first word (a mistyped one gets the nearest command).
fn clap_error(error: &clap::Error, leaf: Option<&clap::Command>, first: Option<&str>) -> ExitCode {
    let mut text = error.render().to_string();
    // The other scope's flag: say which scope the command takes (an account's command given a
    // zone id, or a zone's an account id), which clap's own tip cannot.
    let takes = |id: &str| leaf.is_some_and(|leaf| leaf.get_arguments().any(|arg| arg.get_id() == id));
    if let Some(clap::error::ContextValue::String(given)) = error.get(clap::error::ContextKind::InvalidArg) {
        let other = match given.split('=').next() {
            Some("--account-id") if takes("zone-id") => {
                Some(("an account", "a zone's command: it takes --zone-id (or CLOUDFLARE_ZONE_ID)"))
            }
            Some("--zone-id") if takes("account-id") => {
                Some(("a zone", "an account's command: it takes --account-id (or CLOUDFLARE_ACCOUNT_ID)"))
            }
            _ => None,
        };
        if let Some((what, takes)) = other {
            text.push_str(&format!("\nnote: {given} names {what}, and this is {takes}\n"));
        }
    }
    // A word of the first level mistyped (`dsn`, `wokers`): clap's own tip misses a short word's
    // swapped letters.
    if error.kind() == clap::error::ErrorKind::InvalidSubcommand
        && error.get(clap::error::ContextKind::SuggestedSubcommand).is_none()
        && let Some(clap::error::ContextValue::String(given)) = error.get(clap::error::ContextKind::InvalidSubcommand)
        && first == Some(given.as_str())
        && let Some(near) = nearest_word(given)
    {
        text.push_str(&format!("\n  tip: a similar command exists: 'cloudflare {near}'\n"));
    }
    let context = context::current();
    if error.use_stderr() {
        context.write_err(&text);
    } else {
        let _ = context.write_out(&text);
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(error::USAGE))
}

/// The first-level word (a family, `api`, `service-tokens`) nearest to `given`, at most two edits
/// away (a swap of two letters is one).
fn nearest_word(given: &str) -> Option<String> {
    let command = args::command();
    command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .map(|name| (strsim::damerau_levenshtein(given, &name), name))
        .filter(|(distance, name)| *distance <= 2.min(name.len() / 2))
        .min()
        .map(|(_, name)| name)
}

async fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::ServiceTokens(command) => service_tokens::run(command).await,
        Command::Api(args) => api::run(args).await,
        Command::Audit(args) => audit::run(args).await,
        Command::ApiTokens(command) => api_tokens::run(command).await,
        Command::Auth(command) => auth::run(command).await,
        Command::Completions { shell } => write_stdout(&completions::script(shell)?),
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(args::command_full())
                .render(&mut page)
                .map_err(|error| CliError::Output(format!("rendering the man page: {error}")))?;
            write_stdout(&page)
        }
    }
}

/// Writes `bytes` to stdout; a reader that went away (`| head`) ends the output quietly.
fn write_stdout(bytes: &[u8]) -> Result<ExitCode, CliError> {
    match context::current().write_out(&String::from_utf8_lossy(bytes)) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Output(format!("writing the output: {error}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
