//! `cloudflare api` (with `body.rs`: what `--body` and `--form` send; `download.rs`: answers
//! that are not JSON): every operation of the spec, by its operationId, with no hand-written
//! code per operation. It reads the generated operations table (`--list`), the generated
//! schemas (`--schema`), and calls through `Client::invoke`, so credentials, retries, errors,
//! exit codes and secret handling are the same as the hand-written commands'.

pub(crate) mod body;
pub(crate) mod download;
pub(crate) mod table;

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
    crate::api::body::set(&mut arguments, operation.body.as_ref(), args.body.as_deref(), &args.form)
        .map_err(CliError::usage)?;
    // The account and the zone: `--account-id`/`--zone-id`, else the environment, where the
    // operation takes them and no `--param` gave them.
    for (name, value) in scope_parameters(operation, &args.scope, &args.connection)? {
        if arguments.get(name).is_none() {
            arguments.parameter(name, value);
        }
    }
    if args.dry_run {
        return dry_run(operation, &arguments, args.connection.base_url()?.as_deref());
    }
    send(
        operation,
        &arguments,
        &args.connection,
        Print { all: args.all, include_headers: args.include_headers, table: Table::No },
    )
    .await
}

/// The account and zone parameters of `operation` (`account_id`, `zone_id`, `zone_identifier`,
/// ...: the path parameter after `/accounts` or `/zones`) with their values from `--account-id`
/// and `--zone-id`, else from `CLOUDFLARE_ACCOUNT_ID` and `CLOUDFLARE_ZONE_ID`, else from the profile
/// in use.
fn scope_parameters(
    operation: &Operation,
    scope: &crate::args::ApiScopeArgs,
    connection: &crate::args::ConnectionArgs,
) -> Result<Vec<(&'static str, String)>, CliError> {
    let mut out = Vec::new();
    let segments: Vec<&'static str> = operation.path.split('/').collect();
    for pair in segments.windows(2) {
        let Some(name) = pair[1].strip_prefix('{').and_then(|name| name.strip_suffix('}')) else { continue };
        let value = match pair[0] {
            "accounts" => {
                crate::config::scope_value(scope.account_id.as_deref(), crate::config::ACCOUNT_ENV, connection)?
            }
            "zones" => crate::config::scope_value(scope.zone_id.as_deref(), crate::config::ZONE_ENV, connection)?,
            _ => continue,
        };
        if let Some(value) = value {
            out.push((name, value));
        }
    }
    Ok(out)
}

/// What `--dry-run` prints for `operation` with `arguments`: the method and URL, the headers
/// that are not credentials, and the body (JSON as given; a form's parts and a raw body by
/// name, type and size where they are not text). Nothing is sent, and no credential is needed.
pub(crate) fn dry_run(
    operation: &Operation,
    arguments: &Arguments,
    base_url: Option<&str>,
) -> Result<ExitCode, CliError> {
    print_lines(dry_run_lines(operation, arguments, base_url)?)
}

/// A generated client that builds requests for `base_url` and never sends one (`--dry-run`,
/// the confirmation's description): no credentials. Its HTTP client is built once (building one
/// loads the platform's root certificates).
pub(crate) fn offline_client(base_url: &str) -> cloudflare_client::openapi::Client {
    static HTTP: std::sync::OnceLock<cloudflare_client::reqwest::Client> = std::sync::OnceLock::new();
    cloudflare_client::openapi::Client::new_with_client(
        base_url,
        HTTP.get_or_init(cloudflare_client::reqwest::Client::new).clone(),
    )
}

/// `url` as the CLI shows it: without a user or a password (a base URL may hold them).
pub(crate) fn shown_url(url: &cloudflare_client::reqwest::Url) -> cloudflare_client::reqwest::Url {
    let mut url = url.clone();
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url
}

/// `GET https://api.cloudflare.com/client/v4/zones?name=...`: the method and URL (as
/// [`shown_url`] shows it, made safe for the terminal) that operation `id` with `arguments`
/// would send to `base_url`, if they make a request.
pub(crate) fn request_line(id: &str, arguments: &Arguments, base_url: Option<&str>) -> Option<String> {
    let api = offline_client(base_url.unwrap_or(cloudflare_client::DEFAULT_BASE_URL));
    let request = cloudflare_client::openapi::prepare(&api, id, arguments).ok()?.into_request().ok()?;
    Some(crate::output::text(&format!("{} {}", request.method(), shown_url(request.url()))).into_owned())
}

/// The lines [`dry_run`] prints.
pub(crate) fn dry_run_lines(
    operation: &Operation,
    arguments: &Arguments,
    base_url: Option<&str>,
) -> Result<Vec<String>, CliError> {
    let base_url = base_url.unwrap_or(cloudflare_client::DEFAULT_BASE_URL);
    let api = crate::api::offline_client(base_url);
    let prepared = cloudflare_client::openapi::prepare(&api, operation.id, arguments)
        .map_err(|error| CliError::usage(format!("{error}: nothing was sent")))?;
    let request = prepared.request().map_err(|reason| CliError::usage(format!("{reason}: nothing was sent")))?;
    // What the body sends as a secret is never shown: not in the body, nor anywhere else.
    let secrets = prepared.secrets();
    crate::context::current().protect_sent(secrets);
    // What sending would refuse, the dry run refuses too.
    let length = request.url().as_str().len();
    if length > cloudflare_client::MAX_URL_BYTES {
        return Err(CliError::usage(format!(
            "its URL would be {length} bytes long, over Cloudflare's limit of 16 KiB (a parameter is far too long): \
             nothing was sent"
        )));
    }
    let mut lines = vec![format!("{} {}", request.method(), shown_url(request.url()))];
    for (name, value) in request.headers() {
        lines.push(format!("{name}: {}", crate::output::text(&String::from_utf8_lossy(value.as_bytes()))));
    }
    let body = request.body().and_then(cloudflare_client::reqwest::Body::as_bytes);
    match (operation.body, body) {
        (Some(shape), Some(bytes)) if shape.is_json() => {
            let mut json: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
            conceal(&mut json, secrets);
            lines.push(String::new());
            lines.push(crate::output::json_pretty(&json));
        }
        (Some(shape), _) if shape.form.is_some() => {
            lines.push(String::new());
            for (name, part) in arguments.parts() {
                lines.push(format!(
                    "part {}: {} bytes{}{}",
                    crate::output::text(name),
                    part.len(),
                    part.file_name().map(|file| format!(", file {}", crate::output::text(file))).unwrap_or_default(),
                    part.media_type().map(|kind| format!(", {}", crate::output::text(kind))).unwrap_or_default(),
                ));
            }
        }
        (Some(shape), Some(bytes)) => {
            lines.push(String::new());
            lines.push(format!("{} bytes of {}", bytes.len(), shape.media_type));
        }
        _ => {}
    }
    lines.push("(dry run: nothing was sent)".to_owned());
    Ok(lines)
}

/// `value` with every string that is one of `secrets` (a request body's `SecretInput`s) shown
/// as `[REDACTED]`.
pub(crate) fn conceal(value: &mut Value, secrets: &[cloudflare_client::openapi::SecretInput]) {
    match value {
        Value::String(text) if secrets.iter().any(|secret| secret.expose_secret() == text.as_str()) => {
            *text = "[REDACTED]".to_owned();
        }
        Value::Array(items) => items.iter_mut().for_each(|item| conceal(item, secrets)),
        Value::Object(fields) => fields.values_mut().for_each(|field| conceal(field, secrets)),
        _ => {}
    }
}

/// What [`send`] prints of an answer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Print {
    /// Every page of a list, as one JSON array.
    pub(crate) all: bool,
    /// The status and headers before the body (`--include-headers`).
    pub(crate) include_headers: bool,
    /// A list as a table (`table.rs`).
    pub(crate) table: Table,
}

/// Whether a list is printed as a table.
#[derive(Debug, Clone, Default)]
pub(crate) enum Table {
    /// JSON (`cloudflare api`, `--json`).
    #[default]
    No,
    /// A table where standard output is a terminal, of the columns the rule chooses.
    Auto,
    /// A table of these columns (`--columns`), wherever the output goes.
    Columns(Vec<String>),
}

impl Table {
    /// The columns to print `items` with, or `None` for JSON.
    fn columns(&self, operation: &Operation, items: &[Value], terminal: bool) -> Option<Vec<String>> {
        match self {
            Self::No => None,
            Self::Auto if terminal => Some(table::columns(operation, items)).filter(|columns| !columns.is_empty()),
            Self::Auto => None,
            Self::Columns(columns) => Some(columns.clone()),
        }
    }

    fn wanted(&self, terminal: bool) -> bool {
        matches!(self, Self::Columns(_)) || (matches!(self, Self::Auto) && terminal)
    }
}

/// Prints `items` as a table of `columns`: a closed output (`| head`) ends it, as for JSON.
fn print_table(items: &[Value], columns: &[String]) -> Result<ExitCode, CliError> {
    let _closed = crate::output::write(&table::render(items, columns, chrono::Utc::now()));
    Ok(ExitCode::SUCCESS)
}

/// Sends `operation` with `arguments` (every page of a list with `print.all`) and prints its
/// answer: JSON as Cloudflare sent it (pretty on a terminal, one line otherwise), a download
/// byte for byte (refused on a terminal where it is not text), after its status and headers
/// with `print.include_headers`. An answer with no result whose `Location` header is the
/// answer (a tus upload's URL) says so on stderr.
pub(crate) async fn send(
    operation: &Operation,
    arguments: &Arguments,
    connection: &crate::args::ConnectionArgs,
    print: Print,
) -> Result<ExitCode, CliError> {
    let terminal = crate::context::current().stdout_terminal();
    if terminal && crate::api::download::is_binary_media(operation.answer_media_type) {
        return Err(CliError::usage(crate::api::download::refusal(operation, operation.answer_media_type)));
    }
    // The secrets the request sends are redacted from everything printed from now on: a
    // server's error (or a header) may quote them.
    if let Ok(prepared) = cloudflare_client::openapi::prepare(
        &offline_client(cloudflare_client::DEFAULT_BASE_URL),
        operation.id,
        arguments,
    ) {
        crate::context::current().protect_sent(prepared.secrets());
    }
    let mut builder = connection.builder()?;
    if operation.answer_media_type != "application/json" {
        // A file (a pcap, a KV value, an export) may be larger than a JSON answer's 4 MiB: read
        // up to the bound of an upload, in memory.
        builder.max_response_bytes(crate::api::body::MAX_UPLOAD as usize);
    }
    let client = builder.build()?;
    let result = if print.all && print.table.wanted(terminal) {
        // A table's widths need every row: the pages are read first.
        let mut items = std::pin::pin!(client.invoke_items_as_sent(operation.id, arguments));
        let mut all = Vec::new();
        while let Some(item) = items.next().await {
            all.push(serde_json::from_str::<Value>(item?.get()).unwrap_or(Value::Null));
        }
        match print.table.columns(operation, &all, terminal) {
            Some(columns) => print_table(&all, &columns),
            None => print_lines([crate::output::json(&Value::Array(all))]),
        }
    } else if print.all {
        print_items(&client, operation, arguments).await
    } else {
        match client.invoke(operation.id, arguments).await {
            Ok(answer) if print.include_headers => match print_head(&answer) {
                Ok(true) => print_answer(operation, &answer, terminal, print),
                // A closed pipe: nothing more to write.
                Ok(false) => Ok(ExitCode::SUCCESS),
                Err(error) => Err(error),
            },
            Ok(answer) => print_answer(operation, &answer, terminal, print),
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

/// Prints the body of `answer`, the answer of `operation`: a download byte for byte, else its
/// `result` as sent (and, without `print.include_headers`, a `Location` that is the answer).
fn print_answer(
    operation: &Operation,
    answer: &cloudflare_client::Answer,
    terminal: bool,
    print: Print,
) -> Result<ExitCode, CliError> {
    if let Some(download) = answer.download() {
        return crate::api::download::print(operation, download, terminal);
    }
    if !print.include_headers
        && answer.result_text().get() == "null"
        && let Some(location) = answer.location()
    {
        crate::say!(
            "note: Cloudflare answered {} with no result; its Location header: {} (--include-headers \
             shows every header)",
            answer.status(),
            crate::output::text(location)
        );
    }
    if !print.include_headers
        && print.table.wanted(terminal)
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(answer.result_text().get())
        && let Some(columns) = print.table.columns(operation, &items, terminal)
    {
        return print_table(&items, &columns);
    }
    // As Cloudflare sent it: what the spec lacks, and the text of every value, stay.
    let text = if terminal {
        crate::output::json_as_sent_pretty(answer.result_text())
    } else {
        crate::output::json_as_sent(answer.result_text())
    };
    let printed = print_lines([text]);
    if holds_secret(answer.result.as_json()) {
        crate::say!("{SECRET_WARNING}");
    }
    printed
}

/// Writes the status and headers of `answer` and a blank line, as curl -i does (`HTTP 201
/// Created`, then `name: value` lines, as the client received them), each made safe for a
/// terminal and the credential redacted.
///
/// `false` when standard output was closed (nothing more is written).
///
/// # Errors
/// A write that failed otherwise.
fn print_head(answer: &cloudflare_client::Answer) -> Result<bool, CliError> {
    let mut head = format!("HTTP {}\n", answer.status());
    for (name, value) in answer.headers() {
        let value = String::from_utf8_lossy(value.as_bytes());
        head.push_str(&format!("{name}: {}\n", crate::output::text(&value)));
    }
    head.push('\n');
    match crate::context::current().write_out(&head) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(error) => Err(CliError::Output(format!("writing the output: {error}"))),
        Ok(()) => Ok(true),
    }
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
        crate::say!("{SECRET_WARNING}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `lines` to stdout, each ended by a newline.
pub(crate) fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<ExitCode, CliError> {
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
    let commands = if json { crate::generated::command_names() } else { Default::default() };
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
                    "command": commands.get(operation.id).map(|name| format!("cloudflare {name}")),
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
