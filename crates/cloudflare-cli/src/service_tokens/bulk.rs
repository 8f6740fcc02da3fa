//! Deleting many tokens at a bounded concurrency, reporting each exactly once, also when
//! interrupted.

use std::collections::HashMap;
use std::sync::Arc;

use cloudflare_client::{AccountId, Client, Error, Scope, ServiceTokenId};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// What became of one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Cloudflare deleted it: it answered a 2xx, whatever the body.
    Deleted,
    /// Cloudflare refreshed it (extended it by its duration): a 2xx, whatever the body.
    Refreshed,
    /// An attempt whose answer was lost may have deleted it, and a retry found it gone: most
    /// likely deleted by this run. Counted as done.
    Gone,
    /// Cloudflare has no such token (404 at the first answer): it was never there.
    Missing,
    /// The delete failed; the message says why.
    Failed,
    /// Not sent (interrupted, or stopped by Cloudflare's rate limit); the message says why.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deleted => "deleted",
            Self::Refreshed => "refreshed",
            Self::Gone => "gone",
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

/// What a bulk run does to each id, and where: the action carries its scope, so that a pairing
/// the API does not have (a refresh of a zone's tokens) cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Delete the tokens of an account or a zone.
    Delete(Scope),
    /// Refresh (extend) the tokens of an account: Cloudflare refreshes account tokens only.
    Refresh(AccountId),
}

impl Action {
    /// The status of an id the action was done to.
    fn done(&self) -> Status {
        match self {
            Self::Delete(_) => Status::Deleted,
            Self::Refresh(_) => Status::Refreshed,
        }
    }

    /// The verb: "delete", "refresh".
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Delete(_) => "delete",
            Self::Refresh(_) => "refresh",
        }
    }

    /// The requests: "deletes", "refreshes".
    pub fn requests(&self) -> &'static str {
        match self {
            Self::Delete(_) => "deletes",
            Self::Refresh(_) => "refreshes",
        }
    }

    /// What became of a token: "deleted", "refreshed".
    pub fn past(&self) -> &'static str {
        self.done().as_str()
    }

    /// Where it acts, as a person reads it: `account 023e…`, `zone 9a78…`.
    pub fn scope(&self) -> String {
        match self {
            Self::Delete(scope) => scope.to_string(),
            Self::Refresh(account) => Scope::Account(account.clone()).to_string(),
        }
    }

    /// Does it to `id`, with `client`.
    async fn act(&self, client: &Client, id: &ServiceTokenId) -> Result<cloudflare_client::ServiceToken, Error> {
        match self {
            Self::Delete(scope) => client.delete_service_token(scope, id).await,
            Self::Refresh(account) => client.refresh_service_token(account, id).await,
        }
    }
}

impl Outcome {
    fn of(action: &Action, id: ServiceTokenId, result: Result<cloudflare_client::ServiceToken, Error>) -> Self {
        match result {
            Ok(token) => match (action, refresh_doubt(id, &token, chrono::Utc::now())) {
                (Action::Refresh(_), Some(doubt)) => Self::unsent(id, Status::Failed, &doubt),
                _ => Self { id, status: action.done(), name: token.name, code: None, message: None, cf_ray: None },
            },
            Err(Error::Stopped) => Self::unsent(id, Status::Skipped, "not sent: interrupted"),
            Err(error) => {
                let status = if error.status().is_some_and(|status| status.is_success()) {
                    // A 2xx whose body was cut off or unreadable: it happened.
                    action.done()
                } else if error.is_already_gone() {
                    Status::Gone
                } else if error.is_not_found() {
                    Status::Missing
                } else if error.attempts() == 0 && error.is_rate_limited() {
                    Status::Skipped
                } else {
                    Status::Failed
                };
                let message = match status {
                    Status::Skipped => format!(
                        "not sent: this client is waiting out Cloudflare's rate limit (retry in {})",
                        wait(error.retry_after())
                    ),
                    _ => error.to_string(),
                };
                Self {
                    id,
                    status,
                    name: None,
                    code: error.api_errors().first().map(|error| error.code),
                    message: Some(message),
                    cf_ray: error.cf_ray().map(str::to_owned),
                }
            }
        }
    }

    fn unsent(id: ServiceTokenId, status: Status, message: &str) -> Self {
        Self { id, status, name: None, code: None, message: Some(message.to_owned()), cf_ray: None }
    }
}

/// Why the answer to a refresh of `id` does not show it refreshed, if it does not: it is the
/// answer for another token, or its expiry is not in the future (or not a time). An answer
/// that leaves the id or the expiry out says nothing against it.
fn refresh_doubt(
    id: ServiceTokenId,
    token: &cloudflare_client::ServiceToken,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    if let Some(other) = token.id.as_deref()
        && other.parse::<ServiceTokenId>().ok() != Some(id)
    {
        return Some(format!(
            "Cloudflare's answer to this refresh is for another token ({:?}): not known to be refreshed",
            crate::output::text(other)
        ));
    }
    let expires_at = token.expires_at.as_ref()?;
    match expires_at.time() {
        Some(at) if at <= now => Some(format!(
            "Cloudflare's answer says the token expires at {}, not later than now: not refreshed",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )),
        Some(_) => None,
        None => Some(format!(
            "Cloudflare's answer gives an expiry that is not a time ({:?}): not known to be refreshed",
            crate::output::text(&expires_at.to_string())
        )),
    }
}

/// A wait as a person reads it. Rounded up, so that a wait is never understated: the relative
/// time formatters (timeago, used for the token table's times) round down, hence these lines.
pub(crate) fn wait(wait: Option<std::time::Duration>) -> String {
    match wait.map(|wait| wait.as_secs() + u64::from(wait.subsec_nanos() > 0)) {
        None => "a while".to_owned(),
        Some(seconds) if seconds >= 2 * 86_400 => format!("{} days", seconds.div_ceil(86_400)),
        Some(seconds) if seconds >= 2 * 3600 => format!("{} hours", seconds.div_ceil(3600)),
        Some(seconds) if seconds >= 120 => format!("{} minutes", seconds.div_ceil(60)),
        Some(seconds) => format!("{seconds} s"),
    }
}

/// How a bulk run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every id was sent (or refused up front).
    Completed,
    /// A signal stopped it; the exit status it asks for (130 for SIGINT, 143 for SIGTERM, 129
    /// for SIGHUP).
    Interrupted(u8),
    /// Cloudflare kept answering 429 despite the waits it asked for: the rest was not sent.
    RateLimited,
}

/// After this many deletes in a row that Cloudflare refused with 429 (each after its retries
/// and waits), a run stops sending: every further request would extend the lockout.
pub const MAX_RATE_LIMITED_IN_A_ROW: usize = 3;

/// Deletes `ids` with at most `concurrency` in flight, calling `report(index, outcome)` once
/// per id as each finishes (in completion order; `index` is the id's position in `ids`).
///
/// On the first message from `interrupts` (the exit status the signal asks for) no new delete
/// starts and the client stops waiting ([`Client::stop_waiting`]): those sent finish, and every
/// id not sent (held by a pause or Cloudflare's window, or not started) is reported
/// [`Status::Skipped`]. On a second one the deletes in flight are abandoned and reported
/// failed (they may or may not have happened). After [`MAX_RATE_LIMITED_IN_A_ROW`] deletes in a row refused with 429,
/// no new delete starts either. Returns how the run ended.
pub async fn delete_all(
    client: &Client,
    scope: &Scope,
    ids: &[ServiceTokenId],
    concurrency: usize,
    interrupts: mpsc::Receiver<u8>,
    report: impl FnMut(usize, Outcome),
) -> End {
    run_all(client, ids, Action::Delete(scope.clone()), concurrency, interrupts, report).await
}

/// [`delete_all`] for any [`Action`].
pub async fn run_all(
    client: &Client,
    ids: &[ServiceTokenId],
    action: Action,
    concurrency: usize,
    mut interrupts: mpsc::Receiver<u8>,
    mut report: impl FnMut(usize, Outcome),
) -> End {
    // One shared handle: cloning a `Client` or an `Action` per id would allocate.
    let shared = Arc::new((client.clone(), action.clone()));
    let mut in_flight = JoinSet::new();
    let mut indexes = HashMap::new();
    // The ids not started yet, in order: what is left at the end is reported skipped.
    let mut waiting = ids.iter().copied().enumerate();
    let mut end = End::Completed;
    let mut rate_limited_in_a_row = 0;
    let mut listening = true;
    loop {
        while end == End::Completed && in_flight.len() < concurrency.max(1) {
            let Some((index, id)) = waiting.next() else { break };
            let shared = shared.clone();
            let task = in_flight.spawn(async move { shared.1.act(&shared.0, &id).await });
            indexes.insert(task.id(), index);
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            joined = in_flight.join_next_with_id() => {
                let Some(joined) = joined else { continue };
                let task = match &joined { Ok((task, _)) => *task, Err(error) => error.id() };
                let index = indexes.remove(&task).expect("every task's index is known");
                // A delete that was sent, and that Cloudflare refused with 429 to the end.
                let limited = matches!(&joined, Ok((_, Err(error))) if error.is_rate_limited() && error.attempts() > 0);
                let outcome = match joined {
                    Ok((_, result)) => Outcome::of(&action, ids[index], result),
                    Err(error) if error.is_cancelled() => Outcome::unsent(
                        ids[index],
                        Status::Failed,
                        &format!("interrupted while in flight: the token may or may not have been {}", action.past()),
                    ),
                    Err(_) => Outcome::unsent(
                        ids[index],
                        Status::Failed,
                        &format!("the {} task failed unexpectedly", action.verb()),
                    ),
                };
                rate_limited_in_a_row = if limited { rate_limited_in_a_row + 1 } else { 0 };
                if rate_limited_in_a_row >= MAX_RATE_LIMITED_IN_A_ROW && end == End::Completed {
                    crate::say!(
                        "stopping: Cloudflare refused {rate_limited_in_a_row} {} in a row with 429 despite \
                         waiting as asked; sending more would extend its lockout (the rest is reported skipped)",
                        action.requests()
                    );
                    end = End::RateLimited;
                }
                report(index, outcome);
            }
            signal = interrupts.recv(), if listening => {
                match signal {
                    None => listening = false,
                    Some(_) if matches!(end, End::Interrupted(_)) => {
                        crate::say!("interrupted again: abandoning {} {} in flight", in_flight.len(), action.requests());
                        in_flight.abort_all();
                    }
                    Some(code) => {
                        // Requests not yet sent (held by a pause or Cloudflare's window) end
                        // now and are reported skipped; those sent finish.
                        shared.0.stop_waiting();
                        crate::say!(
                            "interrupted: finishing the {} already sent, sending no more (Ctrl-C again to abandon them)",
                            action.requests()
                        );
                        end = End::Interrupted(code);
                    }
                }
            }
        }
    }
    let reason = match end {
        End::RateLimited => "not sent: Cloudflare kept answering 429 (rate limited); run again later",
        _ => "not sent: interrupted",
    };
    for (index, id) in waiting {
        report(index, Outcome::unsent(id, Status::Skipped, reason));
    }
    end
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::wait;

    #[test]
    fn waits_are_rounded_up_never_understated() {
        let day = 86_400;
        assert_eq!(wait(None), "a while");
        assert_eq!(wait(Some(Duration::from_secs(12 * day))), "12 days");
        assert_eq!(wait(Some(Duration::from_secs(12 * day) - Duration::from_millis(1))), "12 days");
        assert_eq!(wait(Some(Duration::from_secs(11 * day + 1))), "12 days");
        assert_eq!(wait(Some(Duration::from_secs(2 * day))), "2 days");
        assert_eq!(wait(Some(Duration::from_secs(2 * day - 1))), "48 hours", "under two days, in hours");
        assert_eq!(wait(Some(Duration::from_secs(2 * 3600 + 1))), "3 hours");
        assert_eq!(wait(Some(Duration::from_secs(2 * 3600))), "2 hours");
        assert_eq!(wait(Some(Duration::from_secs(2 * 3600 - 1))), "120 minutes", "under two hours, in minutes");
        assert_eq!(wait(Some(Duration::from_secs(120))), "2 minutes");
        assert_eq!(wait(Some(Duration::from_millis(118_001))), "119 s");
        assert_eq!(wait(Some(Duration::from_millis(1))), "1 s");
    }
}
