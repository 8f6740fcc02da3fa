//! `cloudflare service-tokens delete`: validate everything, then delete at a bounded
//! concurrency, reporting each id once.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use tokio::sync::mpsc;

use crate::args::{DeleteArgs, Output};
use crate::report::Reporter;
use crate::{INTERRUPTED, bulk, input, usage_error};

pub async fn run(args: DeleteArgs) -> ExitCode {
    // Everything is checked before anything is sent: scope, ids, credentials, settings.
    let scope = match crate::scope(&args.scope) {
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
    let client = match crate::client(&args.connection) {
        Ok(client) => client,
        Err(problem) => return usage_error([problem]),
    };

    if args.dry_run {
        for id in &ids.ids {
            let line = match args.output {
                Output::Text => format!("would delete {id}"),
                Output::Json => serde_json::json!({ "id": id.to_string(), "status": "would_delete" }).to_string(),
            };
            if crate::output::line(&line).is_err() {
                return ExitCode::SUCCESS;
            }
        }
        eprintln!("dry run: {} service token(s) would be deleted from {scope}; nothing was sent", ids.ids.len());
        return ExitCode::SUCCESS;
    }

    let (interrupt, interrupts) = mpsc::channel(4);
    let signals = tokio::spawn(forward_signals(interrupt));
    let mut reporter = Reporter::new(std::io::stdout().lock(), args.output, ids.ids.len());
    let end =
        bulk::delete_all(&client, &scope, &ids.ids, usize::from(args.concurrency), interrupts, |index, outcome| {
            reporter.record(index, outcome)
        })
        .await;
    signals.abort();
    let (counts, elapsed) = reporter.finish();
    eprintln!("{}", counts.summary(elapsed));

    match end {
        bulk::End::Interrupted(code) => ExitCode::from(code),
        bulk::End::RateLimited => ExitCode::FAILURE,
        bulk::End::Completed if counts.failed > 0 || (counts.missing > 0 && !args.ignore_missing) => ExitCode::FAILURE,
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
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading service token ids from standard input, one per line (end with Ctrl-D)");
    }
    Box::new(stdin.lock())
}
