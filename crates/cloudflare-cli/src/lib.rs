//! The `cloudflare` command. The binary (`src/main.rs`) only calls [`main`]; the pieces are
//! public for the benchmark.

pub mod args;
pub mod bulk;
mod input;
pub mod report;

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use cloudflare_client::{Client, Credentials, Scope};
use tokio::sync::mpsc;

use crate::args::{Cli, Command, DeleteArgs, Output, ServiceTokensCommand};
use crate::report::Reporter;

/// Usage or configuration error, detected before anything is sent.
const USAGE: u8 = 2;
/// Interrupted (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Parses the command line and runs it.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::ServiceTokens(ServiceTokensCommand::Delete(args)) => delete(args).await,
    }
}

/// Prints `problems` as errors; the usage exit status.
fn usage_error(problems: impl IntoIterator<Item = String>) -> ExitCode {
    for problem in problems {
        eprintln!("error: {problem}");
    }
    ExitCode::from(USAGE)
}

async fn delete(args: DeleteArgs) -> ExitCode {
    // Everything is checked before anything is sent: scope, ids, credentials, settings.
    let scope = match scope(&args) {
        Ok(scope) => scope,
        Err(problem) => return usage_error([problem]),
    };
    let ids = match input::collect(&args.token_ids, read_stdin) {
        Ok(ids) if ids.ids.is_empty() => return usage_error(["no service token ids given".to_owned()]),
        Ok(ids) => ids,
        Err(problems) => {
            let count = problems.len();
            return usage_error(problems.into_iter().chain([format!("{count} invalid id(s): nothing was sent")]));
        }
    };
    if ids.repeats > 0 {
        eprintln!("note: ignoring {} repeated id(s)", ids.repeats);
    }
    let credentials = match credentials(args.api_token_file.as_deref()) {
        Ok(credentials) => credentials,
        Err(problem) => return usage_error([problem]),
    };
    let mut builder = Client::builder();
    builder
        .credentials(credentials)
        .max_retries(args.max_retries)
        .timeout(Duration::from_secs(args.timeout))
        .connect_timeout(Duration::from_secs(args.timeout.min(5)));
    if let Some(base_url) = args.base_url.as_deref().filter(|url| !url.is_empty()) {
        builder.base_url(base_url);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => return usage_error([error.to_string()]),
    };

    if args.dry_run {
        for id in &ids.ids {
            match args.output {
                Output::Text => println!("would delete {id}"),
                Output::Json => println!("{}", serde_json::json!({ "id": id.to_string(), "status": "would_delete" })),
            }
        }
        eprintln!("dry run: {} service token(s) would be deleted from {scope}; nothing was sent", ids.ids.len());
        return ExitCode::SUCCESS;
    }

    let (interrupt, interrupts) = mpsc::channel(4);
    let signals = tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if interrupt.send(()).await.is_err() {
                break;
            }
        }
    });
    let mut reporter = Reporter::new(std::io::stdout().lock(), args.output, ids.ids.len());
    let interrupted =
        bulk::delete_all(&client, &scope, &ids.ids, usize::from(args.concurrency), interrupts, |index, outcome| {
            reporter.record(index, outcome)
        })
        .await;
    signals.abort();
    let (counts, elapsed) = reporter.finish();
    eprintln!("{}", counts.summary(elapsed));

    if interrupted {
        ExitCode::from(INTERRUPTED)
    } else if counts.failed > 0 || (counts.missing > 0 && !args.ignore_missing) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The scope from the flags, else from CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID.
fn scope(args: &DeleteArgs) -> Result<Scope, String> {
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
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("reading --api-token-file {}: {error}", path.display()))?;
    warn_if_readable_by_others(path);
    // The first line, without the line ending an editor or `echo` adds.
    let token = text.lines().next().unwrap_or_default().trim();
    Credentials::api_token(token).map_err(|error| format!("--api-token-file {}: {error}", path.display()))
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

fn read_stdin() -> Box<dyn BufRead> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading service token ids from standard input, one per line (end with Ctrl-D)");
    }
    Box::new(stdin.lock())
}
