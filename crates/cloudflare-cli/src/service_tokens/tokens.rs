//! `cloudflare service-tokens list | get | create | rotate | refresh | update`.

use std::process::ExitCode;

use cloudflare_client::{CreatedServiceToken, ServiceTokenId, ServiceTokenQuery};
use futures_util::StreamExt;
use serde_json::Value;

use crate::args::{CreateArgs, GetArgs, ListArgs, ListOutput, Output, RefreshArgs, RotateArgs, UpdateArgs};
use crate::error::CliError;
use crate::output;
use crate::service_tokens::table;

/// Fields in the order a person reads them; any others follow.
const FIELDS: [&str; 9] =
    ["id", "name", "client_id", "client_secret", "duration", "created_at", "updated_at", "expires_at", "last_seen_at"];

const SECRET_WARNING: &str =
    "warning: the Client Secret above is shown only this once; store it now (Cloudflare cannot show it again)";

/// `key: value` lines (text) or one JSON object, on stdout. A Client Secret in `value` is
/// printed only when `holds` says the command exists to show it (create, rotate).
fn print(value: &impl serde::Serialize, output: Output, holds: Holds) {
    let value = match holds {
        Holds::Secret => cloudflare_client::Secret::exposing(|| serde_json::to_value(value)),
        Holds::NoSecret => serde_json::to_value(value),
    };
    let value = value.unwrap_or_default();
    let lines = match output {
        Output::Json => vec![output::json(&value)],
        Output::Text => {
            let Some(object) = value.as_object() else { return };
            let known = FIELDS.iter().filter_map(|name| object.get(*name).map(|value| (*name, value)));
            let others = object
                .iter()
                .filter(|(name, _)| !FIELDS.contains(&name.as_str()))
                .map(|(name, value)| (name.as_str(), value));
            known
                .chain(others)
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| match value {
                    Value::String(text) => format!("{:<14}{}", output::text(name), output::text(text)),
                    other => format!("{:<14}{}", output::text(name), output::json(other)),
                })
                .collect()
        }
    };
    for line in lines {
        if output::line(&line).is_err() {
            return;
        }
    }
}

/// Whether what is printed holds a Client Secret, which Cloudflare shows only once.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    Secret,
    NoSecret,
}

/// Prints the answer (with the warning a secret needs), or returns the error.
fn finish(
    result: Result<impl serde::Serialize, cloudflare_client::Error>,
    output: Output,
    holds: Holds,
) -> Result<ExitCode, CliError> {
    finish_or_doubt(result, output, holds, None)
}

/// [`finish`], and after an error that leaves in doubt whether Cloudflare acted, `doubt`.
fn finish_or_doubt(
    result: Result<impl serde::Serialize, cloudflare_client::Error>,
    output: Output,
    holds: Holds,
    doubt: Option<String>,
) -> Result<ExitCode, CliError> {
    match result {
        Ok(value) => {
            print(&value, output, holds);
            if holds == Holds::Secret {
                crate::say!("{SECRET_WARNING}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let note = doubt.filter(|_| crate::error::may_have_acted(&error));
            Err(CliError::Api { error, note })
        }
    }
}

/// `--account-id ID` or `--zone-id ID`.
fn scope_flag(scope: &cloudflare_client::Scope) -> String {
    match scope {
        cloudflare_client::Scope::Account(account) => format!("--account-id {account}"),
        cloudflare_client::Scope::Zone(zone) => format!("--zone-id {zone}"),
    }
}

pub async fn list(args: ListArgs) -> Result<ExitCode, CliError> {
    let scope = args.scope.resolve(&args.connection)?;
    let client = args.connection.client()?;
    let output = if args.json { ListOutput::Json } else { args.output };
    let selection = args.selection.selection();
    let now = chrono::Utc::now();
    if output == ListOutput::Text && output::line(&table::header()).is_err() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut tokens = std::pin::pin!(client.list_service_tokens(&scope, ServiceTokenQuery::all()));
    let (mut seen, mut listed, mut unusable) = (0, 0, 0);
    while let Some(token) = tokens.next().await {
        let token = token?;
        seen += 1;
        if !selection.matches(&token, now) {
            continue;
        }
        listed += 1;
        let line = match output {
            // Only what parses as a service-token id: `a\nb` from a server must not become two
            // ids for `delete -` to act on.
            ListOutput::Ids => match token.id.as_deref().unwrap_or("-").parse::<ServiceTokenId>() {
                Ok(id) => id.to_string(),
                Err(_) => {
                    unusable += 1;
                    crate::say!(
                        "error: skipped a token whose id is not a service-token id: {:?} (name {:?})",
                        output::text(token.id.as_deref().unwrap_or("(none)")),
                        output::text(token.name.as_deref().unwrap_or("-"))
                    );
                    continue;
                }
            },
            ListOutput::Json => output::json(&serde_json::to_value(&token).unwrap_or_default()),
            ListOutput::Text => table::row(&token, now),
        };
        if output::line(&line).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    crate::say!("listed {listed} of {seen} service token(s) in {scope}");
    if unusable > 0 {
        return Err(CliError::Output(format!("{unusable} listed token(s) had no usable id and were not printed")));
    }
    Ok(ExitCode::SUCCESS)
}

/// The ids a selection picks in an account, listed through every page.
async fn select(
    client: &cloudflare_client::Client,
    scope: &cloudflare_client::Scope,
    selection: &cloudflare_client::TokenSelection,
) -> Result<Vec<ServiceTokenId>, cloudflare_client::Error> {
    let now = chrono::Utc::now();
    let mut tokens = std::pin::pin!(client.list_service_tokens(scope, ServiceTokenQuery::all()));
    let mut ids = Vec::new();
    while let Some(token) = tokens.next().await {
        let token = token?;
        if let Some(sent) = token.expires_at.as_ref().and_then(|at| at.as_sent()) {
            crate::say!(
                "warning: service token {} has an expires_at that is not a time ({:?}): not selected",
                output::text(token.id.as_deref().unwrap_or("(no id)")),
                output::text(sent)
            );
        }
        if selection.matches(&token, now)
            && let Some(id) = token.id.as_deref().and_then(|id| id.parse::<ServiceTokenId>().ok())
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub async fn get(args: GetArgs) -> Result<ExitCode, CliError> {
    let scope = args.scope.resolve(&args.connection)?;
    let client = args.connection.client()?;
    let token = client.get_service_token(&scope, &args.token_id).await;
    finish(token, args.output.format(), Holds::NoSecret)
}

pub async fn create(args: CreateArgs) -> Result<ExitCode, CliError> {
    let scope = args.scope.resolve(&args.connection)?;
    let client = args.connection.client()?;
    let name = &args.name.0;
    let doubt = format!(
        "note: the service token {:?} may have been created all the same; before creating it again, check with \
         `cloudflare service-tokens list {} --name '{}'` (if it exists, rotate it to get a Client Secret)",
        name,
        scope_flag(&scope),
        name.replace('\'', "'\\''")
    );
    let created =
        client.create_service_token(&scope, name, args.duration.as_ref().map(|duration| duration.0.as_str())).await;
    let missing = |token: &CreatedServiceToken| {
        format!(
            "Cloudflare created the service token {} but its answer holds no Client Secret, which it shows only \
             once: rotate the token to get one (`cloudflare service-tokens rotate {}`), or delete it",
            token.id.as_deref().unwrap_or("(no id in the answer)"),
            token.id.as_deref().unwrap_or("TOKEN_ID")
        )
    };
    finish_secret(created, args.output.format(), doubt, missing)
}

/// Prints a created or rotated token with its Client Secret and the warning it needs; an
/// answer without a secret is printed too, then is an error saying `missing(token)`.
fn finish_secret(
    result: Result<CreatedServiceToken, cloudflare_client::Error>,
    output: Output,
    doubt: String,
    missing: impl FnOnce(&CreatedServiceToken) -> String,
) -> Result<ExitCode, CliError> {
    let token = match result {
        Ok(token) => token,
        Err(error) => return finish_or_doubt(Err::<CreatedServiceToken, _>(error), output, Holds::Secret, Some(doubt)),
    };
    let has_secret = token.client_secret.as_ref().is_some_and(|secret| !secret.expose_secret().is_empty());
    if has_secret {
        return finish_or_doubt(Ok(token), output, Holds::Secret, None);
    }
    print(&token, output, Holds::NoSecret);
    Err(CliError::Incomplete(missing(&token)))
}

pub async fn rotate(args: RotateArgs) -> Result<ExitCode, CliError> {
    let account = crate::config::account(args.token.account_id.as_ref(), "rotate", &args.token.connection)?;
    let id = args.token.token_id;
    let client = args.token.connection.client()?;
    let doubt = format!(
        "note: the Client Secret of {id} may have been rotated all the same, and the old one may no longer work; \
         rotate again to get a secret you can see"
    );
    let output = args.token.output.format();
    let grace = args.grace.map(|span| span.0);
    let asked = grace.and_then(|grace| chrono::Duration::from_std(grace).ok()).map(|grace| chrono::Utc::now() + grace);
    let rotated = client.rotate_service_token(&account, &id, grace).await;
    if let Ok(token) = &rotated {
        // What Cloudflare answered, not what was asked.
        let answered = token.previous_client_secret_expires_at.as_ref();
        match (answered.and_then(|at| at.time()), answered, asked) {
            (Some(until), _, _) => crate::say!(
                "the previous Client Secret keeps working until {} ({}), as Cloudflare answered",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                match (until - chrono::Utc::now()).to_std() {
                    Ok(left) => format!("in {}", table::span(left)),
                    Err(_) => "already passed: it no longer works".to_owned(),
                }
            ),
            (None, Some(sent), _) => crate::say!(
                "warning: Cloudflare's answer says the previous Client Secret works until {:?}, which is not a time",
                output::text(&sent.to_string())
            ),
            (None, None, Some(until)) => crate::say!(
                "asked Cloudflare to keep the previous Client Secret working until {} ({}); its answer does not say \
                 whether it will",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                table::span(grace.unwrap_or_default())
            ),
            (None, None, None) => crate::say!("the previous Client Secret no longer works"),
        }
    }
    let missing = |_: &CreatedServiceToken| {
        format!(
            "Cloudflare rotated the Client Secret of {id} but its answer holds no new secret, and the old one may \
             already have stopped working: rotate again to get a secret you can see"
        )
    };
    finish_secret(rotated, output, doubt, missing)
}

pub async fn refresh(args: RefreshArgs) -> Result<ExitCode, CliError> {
    let account = crate::config::account(args.account_id.as_ref(), "refresh", &args.connection)?;
    if args.selection.any() && !args.token_ids.is_empty() {
        return Err(CliError::usage("give token ids or a selection (--expiring-within, ...), not both"));
    }
    let ids = if args.selection.any() { None } else { Some(crate::service_tokens::delete::ids(&args.token_ids)?) };
    let client = args.connection.client()?;
    let scope = cloudflare_client::Scope::Account(account.clone());
    let ids = match ids {
        Some(ids) => ids,
        None => {
            let ids = select(&client, &scope, &args.selection.selection()).await?;
            crate::say!("{} service token(s) selected in {scope}", ids.len());
            ids
        }
    };
    let plan = crate::service_tokens::delete::Plan::new(
        crate::service_tokens::bulk::Action::Refresh(account),
        &args.bulk,
        false,
    );
    Ok(crate::service_tokens::delete::run_bulk(&client, &ids, plan).await)
}

pub async fn update(args: UpdateArgs) -> Result<ExitCode, CliError> {
    let scope = args.scope.resolve(&args.connection)?;
    if args.name.is_none()
        && args.duration.is_none()
        && args.client_secret_version.is_none()
        && args.previous_secret_expires_at.is_none()
    {
        return Err(CliError::usage(
            "nothing to update: give --name, --duration, --client-secret-version or --previous-secret-expires-at",
        ));
    }
    let client = args.connection.client()?;
    let id = args.token_id;
    let update = cloudflare_client::access::types::UpdateServiceToken {
        name: args.name.clone().map(|name| name.0.into()),
        duration: args.duration.clone().map(|duration| duration.0),
        client_secret_version: args.client_secret_version,
        previous_client_secret_expires_at: args
            .previous_secret_expires_at
            .map(|time| cloudflare_client::Timestamp::from(time.0)),
    };
    let updated = client.update_service_token(&scope, &id, &update).await;
    finish(updated, args.output.format(), Holds::NoSecret)
}
