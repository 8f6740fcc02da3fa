//! The `cloudflare` command. The binary (`src/main.rs`) only calls [`main`]: this crate is a
//! command, and its library has no stable API. `args`, `bulk` and `report` are public only so
//! that the bulk benchmark (tests/benches/bulk.rs) can drive the bulk path without a process;
//! they are hidden from the docs and may change in any release.

mod api;
#[doc(hidden)]
pub mod args;
mod body;
#[doc(hidden)]
pub mod bulk;
mod config;
mod delete;
mod download;
mod error;
mod generated;
mod input;
mod output;
#[doc(hidden)]
pub mod report;
mod table;
mod tokens;
mod values;

use std::process::ExitCode;

use clap::FromArgMatches;

use crate::args::{Cli, Command, ServiceTokensCommand};
pub use crate::error::CliError;

/// Interrupted (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Parses the command line and runs it: a usage error on the command line is clap's (with the
/// flag's name), any other error is reported in one place ([`CliError::report`]).
pub async fn main() -> ExitCode {
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A family's command (`cloudflare dns records list`): only that family's commands are built,
    // and only the leaf named gets its flags (see `generated`).
    if let Some(family) = arguments.get(1).and_then(|word| word.to_str()).and_then(generated::family_of) {
        let words: Vec<String> = arguments[2..]
            .iter()
            .map_while(|word| word.to_str())
            .take_while(|word| !word.starts_with('-'))
            .map(str::to_owned)
            .collect();
        let command = args::command_base().subcommand(generated::tree(family, &words, false));
        let matches = command.get_matches_from(arguments);
        let Some((_, family_matches)) = matches.subcommand() else { return ExitCode::from(error::USAGE) };
        return generated::run(family, family_matches).await.unwrap_or_else(CliError::report);
    }
    let cli = match Cli::from_arg_matches(&args::command().get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    run(cli.command).await.unwrap_or_else(CliError::report)
}

async fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::ServiceTokens(command) => match command {
            ServiceTokensCommand::Delete(args) => delete::run(args).await,
            ServiceTokensCommand::List(args) => tokens::list(args).await,
            ServiceTokensCommand::Get(args) => tokens::get(args).await,
            ServiceTokensCommand::Create(args) => tokens::create(args).await,
            ServiceTokensCommand::Rotate(args) => tokens::rotate(args).await,
            ServiceTokensCommand::Refresh(args) => tokens::refresh(args).await,
            ServiceTokensCommand::Update(args) => tokens::update(args).await,
        },
        Command::Api(args) => api::run(args).await,
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut args::command_full(), "cloudflare", &mut script);
            write_stdout(&script)
        }
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
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let text = String::from_utf8_lossy(bytes);
    match stdout.write_all(output::redacted(&text).as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Output(format!("writing the output: {error}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
