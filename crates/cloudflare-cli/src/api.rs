//! `cloudflare api`: every operation of the spec, by its operationId, with no hand-written
//! code per operation. It reads the generated operations table (`--list`), the generated
//! schemas (`--schema`), and calls through `Client::invoke`, so credentials, retries, errors,
//! exit codes and secret handling are the same as the hand-written commands'.

use std::io::IsTerminal;
use std::process::ExitCode;

use cloudflare_client::openapi::SECRET_FIELDS;
use cloudflare_client::{Arguments, Client, Operation, operations};
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::args::ApiArgs;
use crate::error::CliError;

const SECRET_WARNING: &str =
    "warning: the answer above holds a secret that Cloudflare shows only this once; store it now";

pub async fn run(args: ApiArgs) -> Result<ExitCode, CliError> {
    if let Some(filter) = &args.list {
        return print_lines(list(filter, args.json));
    }
    let id = args.operation.as_deref().unwrap_or_default();
    let Some(operation) = cloudflare_client::operation(id) else {
        return Err(CliError::usage(format!("no operation is called {id:?}; `cloudflare api --list` shows them")));
    };
    if args.schema {
        let schema =
            cloudflare_client::operation_schema(operation.id).map(|schema| schema.to_json()).unwrap_or_default();
        return print_lines([serde_json::to_string_pretty(&schema).unwrap_or_default()]);
    }
    if args.all && (!operation.paginated || operation.method != "GET") {
        return Err(CliError::usage(format!(
            "--all reads every page of a list, and {} ({} {}) is not a paginated list: nothing was sent \
             (without --all it is called once)",
            operation.id, operation.method, operation.path
        )));
    }

    let mut arguments = Arguments::new();
    let mut given = std::collections::BTreeSet::new();
    for (name, value) in &args.params {
        if !given.insert(name.as_str()) {
            return Err(CliError::usage(format!("parameter {name:?} is given twice: nothing was sent")));
        }
        arguments.parameter(name.clone(), value.clone());
    }
    crate::body::set(&mut arguments, operation.body.as_ref(), args.body.as_deref(), &args.form)
        .map_err(CliError::usage)?;
    let terminal = std::io::stdout().is_terminal();
    if terminal && crate::download::is_binary_media(operation.answer_media_type) {
        return Err(CliError::usage(crate::download::refusal(operation, operation.answer_media_type)));
    }
    let client = args.connection.client()?;
    let result = if args.all {
        print_items(&client, operation, &arguments).await
    } else {
        match client.invoke(operation.id, &arguments).await {
            Ok(answer) if answer.download().is_some() => {
                crate::download::print(operation, answer.download().expect("a download"), terminal)
            }
            Ok(answer) => {
                // As Cloudflare sent it: what the spec lacks, and the text of every value, stay.
                let printed = print_lines([crate::output::json_as_sent(answer.result_text())]);
                if holds_secret(answer.result.as_json()) {
                    eprintln!("{SECRET_WARNING}");
                }
                printed
            }
            Err(error) => Err(error.into()),
        }
    };
    result.map_err(|error| match error {
        CliError::Api { error, note: None } if operation.method != "GET" && crate::error::may_have_acted(&error) => {
            let note = format!(
                "note: {} ({} {}) may have been carried out all the same: the request was sent and no refusal \
                 came back; check before sending it again",
                operation.id, operation.method, operation.path
            );
            CliError::Api { error, note: Some(note) }
        }
        other => other,
    })
}

/// Writes every item of every page as one JSON array, an item a line, as the pages come: memory
/// holds one page, whatever the list's length. A list that did not end (an error, or a cap)
/// leaves the array open, so that no reader takes it for the whole list.
async fn print_items(client: &Client, operation: &Operation, arguments: &Arguments) -> Result<ExitCode, CliError> {
    let mut items = std::pin::pin!(client.invoke_items_as_sent(operation.id, arguments));
    let mut secret = false;
    let mut written = 0u64;
    while let Some(item) = items.next().await {
        let item = item?;
        secret |= serde_json::from_str(item.get()).is_ok_and(|item: Value| holds_secret(&item));
        let line = format!("{}{}", if written == 0 { "[\n" } else { ",\n" }, crate::output::json_as_sent(&item));
        if crate::output::write(&line).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
        written += 1;
    }
    let end = if written == 0 { "[]\n" } else { "\n]\n" };
    if crate::output::write(end).is_err() {
        return Ok(ExitCode::SUCCESS);
    }
    if secret {
        eprintln!("{SECRET_WARNING}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `lines` to stdout, each ended by a newline.
fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<ExitCode, CliError> {
    let text: String = lines.into_iter().map(|line| line + "\n").collect();
    crate::write_stdout(text.as_bytes())
}

/// The operations whose id, family, path or summary contains `filter` (case-insensitive), a line each.
fn list(filter: &str, json: bool) -> Vec<String> {
    let filter = filter.to_lowercase();
    let matching = operations().filter(|operation| {
        [operation.id, operation.family, operation.path, operation.summary]
            .iter()
            .any(|text| text.to_lowercase().contains(&filter))
    });
    let width = operations().map(|operation| operation.id.len()).max().unwrap_or(0);
    matching
        .map(|operation| {
            if json {
                json!({
                    "id": operation.id,
                    "family": operation.family,
                    "method": operation.method,
                    "path": operation.path,
                    "summary": operation.summary,
                    "paginated": operation.paginated,
                })
                .to_string()
            } else {
                format!("{:<width$}  {:<6} {}  {}", operation.id, operation.method, operation.path, operation.summary)
            }
        })
        .collect()
}

/// Whether `answer` holds a secret with a value (a `client_secret`, `password`, ... anywhere
/// in it, typed or not), which Cloudflare may show only this once.
fn holds_secret(answer: &Value) -> bool {
    match answer {
        Value::Object(fields) => fields.iter().any(|(name, value)| {
            let secret = SECRET_FIELDS.contains(&name.to_ascii_lowercase().as_str())
                && !matches!(value, Value::Null)
                && value.as_str() != Some("");
            secret || holds_secret(value)
        }),
        Value::Array(items) => items.iter().any(holds_secret),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_secret_is_found_anywhere_in_an_answer() {
        assert!(holds_secret(&json!({"saas_app": {"client_secret": "s3"}})));
        assert!(holds_secret(&json!([{"config": {"client_secret": "s3", "client_id": "x"}}])));
        assert!(holds_secret(&json!({"Password": {"nested": 1}})));
        assert!(!holds_secret(&json!({"client_secret": null, "secret": "", "name": "client_secret"})));
        assert!(!holds_secret(&json!([1, "password", {"id": "x"}])));
    }
}
