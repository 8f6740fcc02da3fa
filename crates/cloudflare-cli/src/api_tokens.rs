//! `cloudflare api-tokens list | expiring | unused | verify | get | roll | delete`: the user's API
//! tokens, or with `--account-id` an account's own, selected as service tokens are
//! (`--expiring-within`, `--unused-for`, `--never-expires`, `--expired`, `--name`) through the
//! one engine of every kind (`cloudflare_client::hygiene`).
//! A rolled value is printed once, on stdout alone.

use std::process::ExitCode;

use cloudflare_client::Arguments;
use cloudflare_client::hygiene::{Credential, Kind, Place};
use futures_util::StreamExt;
use serde_json::Value;

use crate::args::{ApiTokensCommand, ApiTokensListArgs, ConnectionArgs, ListOutput, TokenOwner};
use crate::error::CliError;
use crate::output;

/// The columns of the table.
const COLUMNS: [&str; 5] = ["id", "name", "status", "expires_on", "last_used_on"];

/// Runs `command`.
pub async fn run(command: ApiTokensCommand) -> Result<ExitCode, CliError> {
    match command {
        ApiTokensCommand::List(args) => list(args).await,
        ApiTokensCommand::Expiring { within, mut list } => {
            list.selection.expiring_within = Some(within);
            self::list(list).await
        }
        ApiTokensCommand::Unused { span, mut list } => {
            list.selection.unused_for = Some(span);
            self::list(list).await
        }
        ApiTokensCommand::Verify { owner, connection } => verify(&Tokens::of(&owner), &connection).await,
        ApiTokensCommand::Get { id, owner, connection } => get(&Tokens::of(&owner), &id, &connection).await,
        ApiTokensCommand::Roll { id, force, owner, connection } => {
            roll(&Tokens::of(&owner), &id, force, &connection).await
        }
        ApiTokensCommand::Delete { ids, force, dry_run, owner, connection } => {
            delete(&Tokens::of(&owner), &ids, force, dry_run, &connection).await
        }
    }
}

/// Whose tokens, and the operations that act on them.
struct Tokens {
    place: Place,
    kind: Kind,
    list: &'static str,
    verify: &'static str,
    get: &'static str,
    delete: &'static str,
    roll: &'static str,
}

impl Tokens {
    fn of(owner: &TokenOwner) -> Self {
        match &owner.account_id {
            None => Self {
                place: Place::User,
                kind: Kind::UserApiToken,
                list: "user_api_tokens_list_tokens",
                verify: "user_api_tokens_verify_token",
                get: "user_api_tokens_token_details",
                delete: "user_api_tokens_delete_token",
                roll: "user_api_tokens_roll_token",
            },
            Some(account) => Self {
                place: Place::Account(account.clone()),
                kind: Kind::AccountApiToken,
                list: "list_account_api_tokens",
                verify: "verify_account_api_token",
                get: "get_account_api_token",
                delete: "delete_account_api_token",
                roll: "roll_account_api_token",
            },
        }
    }

    /// The arguments of every operation on these tokens (the account's id).
    fn arguments(&self) -> Arguments {
        let mut arguments = Arguments::new();
        if let Place::Account(account) = &self.place {
            arguments.parameter("account_id", account.to_string());
        }
        arguments
    }

    /// The arguments naming token `id`.
    fn token(&self, id: &str) -> Arguments {
        let mut arguments = self.arguments();
        arguments.parameter("token_id", id);
        arguments
    }

    /// `API token` or `account API token`.
    fn noun(&self) -> &'static str {
        match self.place {
            Place::Account(_) => "account API token",
            _ => "API token",
        }
    }
}

async fn list(args: ApiTokensListArgs) -> Result<ExitCode, CliError> {
    let tokens_of = Tokens::of(&args.owner);
    let client = args.connection.client()?;
    let output = match (args.json, args.output) {
        (true, _) => ListOutput::Json,
        (false, Some(output)) => output,
        (false, None) if crate::context::current().stdout_terminal() => ListOutput::Text,
        (false, None) => ListOutput::Json,
    };
    let selection = args.selection.credentials();
    let now = chrono::Utc::now();
    let mut arguments = tokens_of.arguments();
    arguments.parameter("per_page", "50");
    let mut tokens = std::pin::pin!(client.invoke_items(tokens_of.list, &arguments));
    let (mut seen, mut rows) = (0, Vec::new());
    while let Some(item) = tokens.next().await {
        let item = item?;
        seen += 1;
        if !selection.matches(&Credential::from_item(tokens_of.kind, tokens_of.place.clone(), &item), now) {
            continue;
        }
        let line = match output {
            ListOutput::Text => {
                rows.push(item);
                continue;
            }
            ListOutput::Json => output::json(&item),
            // Only what is a token id: `a\nb` from a server must not become two ids.
            ListOutput::Ids => match item["id"].as_str().filter(|id| crate::args::is_api_token_id(id)) {
                Some(id) => id.to_owned(),
                None => {
                    crate::say!(
                        "error: skipped a token whose id is not an API token id: {}",
                        output::json(&item["id"])
                    );
                    continue;
                }
            },
        };
        if output::line(&line).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if output == ListOutput::Text {
        let columns: Vec<String> = COLUMNS.iter().map(|column| (*column).to_owned()).collect();
        let _closed = output::write(&crate::api::table::render(&rows, &columns, now));
        crate::say!("listed {} of {seen} {}(s)", rows.len(), tokens_of.noun());
    }
    Ok(ExitCode::SUCCESS)
}

async fn verify(tokens: &Tokens, connection: &ConnectionArgs) -> Result<ExitCode, CliError> {
    let answer = connection.client()?.invoke(tokens.verify, &tokens.arguments()).await?;
    let result = answer.result.into_json();
    let status = result["status"].as_str().unwrap_or("(no status)").to_owned();
    let expires = cloudflare_client::hygiene::When::read(result.get("expires_on"));
    let lines = [
        format!("id       {}", output::text(result["id"].as_str().unwrap_or("-"))),
        format!("status   {}", output::text(&status)),
        format!("expires  {}", output::text(&expires.to_string())),
    ];
    crate::api::print_lines(lines)?;
    if status == "active" {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::Incomplete(format!("the {} in use is {}, not active", tokens.noun(), output::text(&status))))
    }
}

async fn get(tokens: &Tokens, id: &str, connection: &ConnectionArgs) -> Result<ExitCode, CliError> {
    let answer = connection.client()?.invoke(tokens.get, &tokens.token(id)).await?;
    crate::api::print_lines([output::json_pretty(&answer.result.into_json())])
}

/// The warning after a rolled value.
const VALUE_WARNING: &str =
    "warning: the token's new value above is shown only this once, and its old value no longer works: store it now";

async fn roll(tokens: &Tokens, id: &str, force: bool, connection: &ConnectionArgs) -> Result<ExitCode, CliError> {
    confirm(&format!("roll the {} {id} (its current value stops working)", tokens.noun()), force)?;
    let mut arguments = tokens.token(id);
    arguments.body(Value::Object(serde_json::Map::new()));
    let answer = connection.client()?.invoke(tokens.roll, &arguments).await?;
    let Some(value) = answer.result.as_json().as_str().filter(|value| !value.is_empty()).map(str::to_owned) else {
        return Err(CliError::Incomplete(format!(
            "Cloudflare rolled the {} {id} but its answer holds no new value: roll it again to get one",
            tokens.noun()
        )));
    };
    let context = crate::context::current();
    if context.write_raw(format!("{value}\n").as_bytes()).is_err() {
        return Err(CliError::Output("the new value could not be written: roll the token again".to_owned()));
    }
    crate::say!("{VALUE_WARNING}");
    if context.stdout_terminal() {
        crate::say!(
            "warning: it is on your terminal: scrollback, tmux and session recordings keep it; next time redirect it \
             (> token.txt) or pipe it to a secret store"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn delete(
    tokens: &Tokens,
    ids: &[String],
    force: bool,
    dry_run: bool,
    connection: &ConnectionArgs,
) -> Result<ExitCode, CliError> {
    let noun = tokens.noun();
    if dry_run {
        let lines = ids.iter().map(|id| format!("would delete {noun} {id} (dry run: nothing was sent)"));
        return crate::api::print_lines(lines);
    }
    confirm(&format!("delete {} {noun}(s): {}", ids.len(), ids.join(", ")), force)?;
    let client = connection.client()?;
    for id in ids {
        client.invoke(tokens.delete, &tokens.token(id)).await?;
        if output::line(&format!("deleted {id}")).is_err() {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks on the terminal before `what` is done; without a terminal it needs `force`.
fn confirm(what: &str, force: bool) -> Result<(), CliError> {
    if force {
        return Ok(());
    }
    let context = crate::context::current();
    if !context.stdin_terminal() {
        return Err(CliError::usage(format!(
            "this would {what}, and standard input is not a terminal to confirm it on: pass --force (nothing was sent)"
        )));
    }
    crate::say_inline!("This will {what}. Continue? [y/N] ");
    let mut answer = String::new();
    let _ = context.take_stdin().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(CliError::Incomplete("not confirmed: nothing was sent".to_owned()))
}
