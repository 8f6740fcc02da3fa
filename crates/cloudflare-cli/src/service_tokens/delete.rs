//! `cloudflare service-tokens delete`, and the bulk run it shares with `refresh`: validate
//! everything, then act at a bounded concurrency, reporting each id once.

use std::io::BufRead;
use std::process::ExitCode;

use cloudflare_client::{Client, ServiceTokenId};
use tokio::sync::mpsc;

use crate::INTERRUPTED;
use crate::args::{BulkArgs, DeleteArgs, Output};
use crate::error::CliError;
use crate::service_tokens::bulk::Action;
use crate::service_tokens::report::Reporter;
use crate::service_tokens::{bulk, input};

pub async fn run(args: DeleteArgs) -> Result<ExitCode, CliError> {
    // Everything is checked before anything is sent: scope, ids, credentials, settings.
    let scope = args.scope.resolve(&args.connection)?;
    let ids = ids(&args.token_ids)?;
    let client = args.connection.client()?;
    let plan = Plan::new(Action::Delete(scope), &args.bulk, args.ignore_missing);
    Ok(run_bulk(&client, &ids, plan).await)
}

/// The ids from arguments and standard input, all valid, or the usage error listing every
/// invalid one.
pub(crate) fn ids(arguments: &[String]) -> Result<Vec<ServiceTokenId>, CliError> {
    match input::collect(arguments, read_stdin) {
        Ok(ids) if ids.ids.is_empty() => Err(CliError::usage("no service token ids given")),
        Ok(ids) => {
            if ids.repeats > 0 {
                crate::say!("note: ignoring {} repeated id(s)", ids.repeats);
            }
            Ok(ids.ids)
        }
        Err(mut problems) => {
            problems.push(format!("{} invalid id(s): nothing was sent", problems.len()));
            Err(CliError::Usage(problems))
        }
    }
}

/// How a bulk run goes.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) action: Action,
    pub(crate) concurrency: u16,
    pub(crate) dry_run: bool,
    pub(crate) output: Output,
    pub(crate) ignore_missing: bool,
}

impl Plan {
    pub(crate) fn new(action: Action, args: &BulkArgs, ignore_missing: bool) -> Self {
        Self {
            action,
            concurrency: args.concurrency,
            dry_run: args.dry_run,
            output: args.output.format(),
            ignore_missing,
        }
    }
}

/// Acts on `ids` in bulk: the dry run, or the run with its ordered report, summary, signals
/// and exit status.
pub(crate) async fn run_bulk(client: &Client, ids: &[ServiceTokenId], plan: Plan) -> ExitCode {
    let scope = plan.action.scope();
    let verb = plan.action.verb();
    if plan.dry_run {
        for id in ids {
            let line = match plan.output {
                Output::Text => format!("would {verb} {id}"),
                Output::Json => {
                    serde_json::json!({ "id": id.to_string(), "status": format!("would_{verb}") }).to_string()
                }
            };
            if crate::output::line(&line).is_err() {
                return ExitCode::SUCCESS;
            }
        }
        crate::say!(
            "dry run: {} service token(s) would be {} in {scope}; nothing was sent",
            ids.len(),
            plan.action.past()
        );
        return ExitCode::SUCCESS;
    }

    let (interrupt, interrupts) = mpsc::channel(4);
    let signals = tokio::spawn(forward_signals(interrupt));
    let mut reporter = Reporter::new(crate::context::Stdout, plan.output, ids.len());
    let end =
        bulk::run_all(client, ids, plan.action.clone(), usize::from(plan.concurrency), interrupts, |index, outcome| {
            reporter.record(index, outcome)
        })
        .await;
    signals.abort();
    let (counts, elapsed) = reporter.finish();
    crate::say!("{}", counts.summary(&plan.action, elapsed));

    match end {
        bulk::End::Interrupted(code) => ExitCode::from(code),
        bulk::End::RateLimited => ExitCode::FAILURE,
        // A skipped id (held by Cloudflare's rate limit, never sent) is not done either.
        bulk::End::Completed
            if counts.failed > 0 || counts.skipped > 0 || (counts.missing > 0 && !plan.ignore_missing) =>
        {
            ExitCode::FAILURE
        }
        bulk::End::Completed => ExitCode::SUCCESS,
    }
}

/// Sends the exit status each stopping signal asks for: Ctrl-C (SIGINT) 130, and on Unix
/// SIGTERM 143 and SIGHUP 129, so that a `kill` or a closed terminal still gets a report of
/// every id.
async fn forward_signals(interrupt: mpsc::Sender<u8>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut terminate), Ok(mut hangup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup()))
        else {
            return;
        };
        loop {
            let code = tokio::select! {
                result = tokio::signal::ctrl_c() => match result { Ok(()) => INTERRUPTED, Err(_) => return },
                Some(()) = terminate.recv() => TERMINATED,
                Some(()) = hangup.recv() => HUNG_UP,
                else => return,
            };
            if interrupt.send(code).await.is_err() {
                return;
            }
        }
    }
    #[cfg(not(unix))]
    while tokio::signal::ctrl_c().await.is_ok() {
        if interrupt.send(INTERRUPTED).await.is_err() {
            return;
        }
    }
}

/// Exit status after SIGTERM (128 + 15).
const TERMINATED: u8 = 143;
/// Exit status after SIGHUP (128 + 1).
const HUNG_UP: u8 = 129;

fn read_stdin() -> Box<dyn BufRead> {
    let context = crate::context::current();
    if context.stdin_terminal() {
        crate::say!("reading service token ids from standard input, one per line (end with Ctrl-D)");
    }
    context.take_stdin()
}
