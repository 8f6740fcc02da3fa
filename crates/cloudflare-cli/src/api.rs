//! `cloudflare api`: every operation of the spec, by its operationId, with no hand-written
//! code per operation. It reads the generated operations table (`--list`), the generated
//! schemas (`--schema`), and calls through `Client::invoke`, so credentials, retries, errors,
//! exit codes and secret handling are the same as the hand-written commands'.

use std::io::Read;
use std::process::ExitCode;

use cloudflare_client::{Arguments, OPERATIONS, Operation, OperationSchema};
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
    let Some(operation) = OPERATIONS.iter().find(|operation| operation.id == id) else {
        return Err(CliError::usage(format!("no operation is called {id:?}; `cloudflare api --list` shows them")));
    };
    if args.schema {
        let schema = OperationSchema::of(operation.id).map(|schema| schema.to_json()).unwrap_or_default();
        return print_lines([serde_json::to_string_pretty(&schema).unwrap_or_default()]);
    }

    let mut arguments = Arguments::new();
    for (name, value) in &args.params {
        arguments.parameter(name.clone(), value.clone());
    }
    if let Some(body) = &args.body {
        arguments.body(read_body(body).map_err(CliError::usage)?);
    }
    let client = args.connection.client()?;
    let result = if args.all {
        client.invoke_all(operation.id, &arguments).await.map(Value::Array)
    } else {
        client.invoke(operation.id, &arguments).await.map(|answer| answer.result.into_json())
    };
    let printed = print_lines([crate::output::json(&result?)]);
    if holds_secret(operation) {
        eprintln!("{SECRET_WARNING}");
    }
    printed
}

/// Writes `lines` to stdout, each ended by a newline.
fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<ExitCode, CliError> {
    let text: String = lines.into_iter().map(|line| line + "\n").collect();
    crate::write_stdout(text.as_bytes())
}

/// The operations whose id, path or summary contains `filter` (case-insensitive), a line each.
fn list(filter: &str, json: bool) -> Vec<String> {
    let filter = filter.to_lowercase();
    let matching = OPERATIONS.iter().filter(|operation| {
        [operation.id, operation.path, operation.summary].iter().any(|text| text.to_lowercase().contains(&filter))
    });
    let width = OPERATIONS.iter().map(|operation| operation.id.len()).max().unwrap_or(0);
    matching
        .map(|operation| {
            if json {
                json!({
                    "id": operation.id,
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

/// The body from `--body`: JSON itself, `@FILE`, or `-` for standard input.
fn read_body(body: &str) -> Result<Value, String> {
    let (text, origin) = match body {
        "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|error| format!("reading the body from stdin: {error}"))?;
            (text, "stdin".to_owned())
        }
        _ if body.starts_with('@') => {
            let path = &body[1..];
            let text = std::fs::read_to_string(path).map_err(|error| format!("reading --body {body}: {error}"))?;
            (text, path.to_owned())
        }
        _ => (body.to_owned(), "--body".to_owned()),
    };
    serde_json::from_str(&text).map_err(|error| format!("the body from {origin} is not JSON: {error}"))
}

/// Whether the operation's result can hold a secret (its schema refers to `Secret`).
fn holds_secret(operation: &Operation) -> bool {
    OperationSchema::of(operation.id).is_some_and(|schema| schema.result.to_string().contains("#/definitions/Secret"))
}
