//! The `cloudflare` command. The binary (`src/main.rs`) only calls [`main`]: this crate is a
//! command, and its library has no stable API. `args`, `bulk` and `report` are public only so
//! that the bulk benchmark (tests/benches/bulk.rs) can drive the bulk path without a process;
//! they are hidden from the docs and may change in any release.

mod api;
#[doc(hidden)]
pub mod args;
#[doc(hidden)]
pub mod bulk;
mod delete;
mod input;
mod output;
#[doc(hidden)]
pub mod report;
mod table;
mod tokens;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::FromArgMatches;
use cloudflare_client::{Client, Credentials, Scope};

use crate::args::{Cli, Command, ConnectionArgs, ScopeArgs, ServiceTokensCommand};

/// Usage or configuration error, detected before anything is sent.
const USAGE: u8 = 2;
/// Interrupted (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Parses the command line and runs it.
pub async fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&args::command().get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    match cli.command {
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
            clap_complete::generate(shell, &mut args::command(), "cloudflare", &mut script);
            write_stdout(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(args::command()).render(&mut page) {
                Ok(()) => write_stdout(&page),
                Err(error) => {
                    eprintln!("error: rendering the man page: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Writes `bytes` to stdout; a reader that went away (`| head`) ends the output quietly.
fn write_stdout(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let text = String::from_utf8_lossy(bytes);
    match stdout.write_all(output::redacted(&text).as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: writing the output: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints `problems` as errors; the usage exit status.
fn usage_error(problems: impl IntoIterator<Item = String>) -> ExitCode {
    for problem in problems {
        eprintln!("error: {}", output::text(&problem));
    }
    ExitCode::from(USAGE)
}

/// Prints Cloudflare's (or the network's) error; the failure exit status.
fn api_error(error: &cloudflare_client::Error) -> ExitCode {
    eprintln!("error: {}", output::text(&error.to_string()));
    if error.is_invalid_input() { ExitCode::from(USAGE) } else { ExitCode::FAILURE }
}

/// A client from the credentials (file or environment) and connection flags.
fn client(connection: &ConnectionArgs) -> Result<Client, String> {
    let credentials = credentials(connection.api_token_file.as_deref())?;
    output::protect(&credentials);
    let mut builder = Client::builder();
    builder
        .credentials(credentials)
        .max_retries(connection.max_retries)
        .timeout(Duration::from_secs(connection.timeout))
        .connect_timeout(Duration::from_secs(connection.timeout.min(5)));
    if let Some(base_url) = connection.base_url.as_deref() {
        builder.base_url(base_url);
    }
    builder.build().map_err(|error| error.to_string())
}

/// The scope from the flags, else from CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID.
fn scope(args: &ScopeArgs) -> Result<Scope, String> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let (account, zone, origin) = match (&args.account_id, &args.zone_id) {
        (None, None) => (from_env("CLOUDFLARE_ACCOUNT_ID"), from_env("CLOUDFLARE_ZONE_ID"), "environment"),
        (account, zone) => (account.clone(), zone.clone(), "flags"),
    };
    match (account, zone) {
        (Some(account), None) => account.parse().map(Scope::Account).map_err(|error| error.to_string()),
        (None, Some(zone)) => zone.parse().map(Scope::Zone).map_err(|error| error.to_string()),
        (Some(_), Some(_)) => {
            Err(format!("both an account and a zone are given ({origin}): pass --account-id or --zone-id to choose"))
        }
        (None, None) => {
            Err("no scope: pass --account-id ID or --zone-id ID (or set CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID)"
                .to_owned())
        }
    }
}

/// Credentials from `--api-token-file`, else from the environment. Never from a flag's value.
fn credentials(token_file: Option<&Path>) -> Result<Credentials, String> {
    let Some(path) = token_file else { return Credentials::from_env().map_err(|error| error.to_string()) };
    let text =
        read_token_file(path).map_err(|error| format!("reading --api-token-file {}: {error}", path.display()))?;
    warn_if_readable_by_others(path);
    // The first line, without the line ending an editor or `echo` adds.
    let token = text.lines().next().unwrap_or_default().trim();
    Credentials::api_token(token).map_err(|error| format!("--api-token-file {}: {error}", path.display()))
}

/// The longest token file read: an API token is 40 characters; a path such as /dev/zero must
/// not be read until memory runs out.
const MAX_TOKEN_FILE: u64 = 4096;

fn read_token_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_TOKEN_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(std::io::Error::other(format!("longer than {MAX_TOKEN_FILE} bytes: not an API token")));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not text: not an API token"))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        eprintln!("warning: {} is readable by other users; consider `chmod 600`", path.display());
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}
