//! Deleting many tokens at a bounded concurrency, reporting each exactly once, also when
//! interrupted.

use std::collections::HashMap;
use std::sync::Arc;

use cloudflare_client::{Client, Error, Scope, ServiceTokenId};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// What became of one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Cloudflare deleted it.
    Deleted,
    /// Cloudflare has no such token (404), or it was already gone after a retry.
    Missing,
    /// The delete failed; the message says why.
    Failed,
    /// Not sent: the run was interrupted first.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deleted => "deleted",
            Self::Missing => "missing",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// The outcome for one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: ServiceTokenId,
    pub status: Status,
    /// The deleted token's name.
    pub name: Option<String>,
    /// Cloudflare's first error code.
    pub code: Option<i64>,
    /// The error, on one line.
    pub message: Option<String>,
    pub cf_ray: Option<String>,
}

impl Outcome {
    fn of(id: ServiceTokenId, result: Result<cloudflare_client::ServiceToken, Error>) -> Self {
        match result {
            Ok(token) => {
                Self { id, status: Status::Deleted, name: token.name, code: None, message: None, cf_ray: None }
            }
            Err(error) => {
                let status =
                    if error.is_not_found() || error.is_already_gone() { Status::Missing } else { Status::Failed };
                Self {
                    id,
                    status,
                    name: None,
                    code: error.api_errors().first().map(|error| error.code),
                    message: Some(error.to_string()),
                    cf_ray: error.cf_ray().map(str::to_owned),
                }
            }
        }
    }

    fn unsent(id: ServiceTokenId, status: Status, message: &str) -> Self {
        Self { id, status, name: None, code: None, message: Some(message.to_owned()), cf_ray: None }
    }
}

/// Deletes `ids` with at most `concurrency` in flight, calling `report(index, outcome)` once
/// per id as each finishes (in completion order; `index` is the id's position in `ids`).
///
/// On the first message from `interrupts` no new delete starts: those in flight finish and
/// every id not started is reported [`Status::Skipped`]. On a second one the deletes in flight
/// are abandoned and reported failed (they may or may not have happened). Returns whether it
/// was interrupted.
pub async fn delete_all(
    client: &Client,
    scope: &Scope,
    ids: &[ServiceTokenId],
    concurrency: usize,
    mut interrupts: mpsc::Receiver<()>,
    mut report: impl FnMut(usize, Outcome),
) -> bool {
    // One shared handle: cloning a `Client` or a `Scope` per id would allocate.
    let shared = Arc::new((client.clone(), scope.clone()));
    let mut in_flight = JoinSet::new();
    let mut indexes = HashMap::new();
    let mut next = 0;
    let mut interrupted = false;
    let mut listening = true;
    loop {
        while !interrupted && next < ids.len() && in_flight.len() < concurrency.max(1) {
            let (shared, id) = (shared.clone(), ids[next]);
            let task = in_flight.spawn(async move { shared.0.delete_service_token(&shared.1, &id).await });
            indexes.insert(task.id(), next);
            next += 1;
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            joined = in_flight.join_next_with_id() => {
                let Some(joined) = joined else { continue };
                let task = match &joined { Ok((task, _)) => *task, Err(error) => error.id() };
                let index = indexes.remove(&task).expect("every task's index is known");
                let outcome = match joined {
                    Ok((_, result)) => Outcome::of(ids[index], result),
                    Err(error) if error.is_cancelled() => Outcome::unsent(
                        ids[index],
                        Status::Failed,
                        "interrupted while in flight: the token may or may not have been deleted",
                    ),
                    Err(_) => Outcome::unsent(ids[index], Status::Failed, "the delete task failed unexpectedly"),
                };
                report(index, outcome);
            }
            signal = interrupts.recv(), if listening => {
                if signal.is_none() {
                    listening = false;
                } else if interrupted {
                    eprintln!("interrupted again: abandoning {} deletes in flight", in_flight.len());
                    in_flight.abort_all();
                } else {
                    eprintln!(
                        "interrupted: waiting for {} deletes in flight, starting no more (Ctrl-C again to abandon them)",
                        in_flight.len()
                    );
                    interrupted = true;
                }
            }
        }
    }
    for (index, id) in ids.iter().enumerate().skip(next) {
        report(index, Outcome::unsent(*id, Status::Skipped, "not sent: interrupted"));
    }
    interrupted
}
