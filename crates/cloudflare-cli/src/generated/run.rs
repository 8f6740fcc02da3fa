//! Running a generated command: its flags become the operation's arguments (the scope from
//! `--account-id`/`--zone-id` or the environment, the positional and other path parameters,
//! the query and header parameters, the body), the arguments choose among its operations, and
//! then, as for `cloudflare api`: `--dry-run` prints what would be sent, a destructive command
//! asks first (or takes `--force`), and the answer is printed as Cloudflare sent it.

use std::io::BufRead;
use std::process::ExitCode;

use clap::ArgMatches;
use clap::FromArgMatches;
use cloudflare_client::Arguments;
use serde_json::Value;

use super::naming::{self, Command, ScopeKind};
use crate::error::CliError;

/// What a generated command line comes to: the operation its arguments chose, the arguments,
/// and the command's own flags.
pub struct Invocation {
    pub operation: &'static cloudflare_client::Operation,
    pub arguments: Arguments,
    pub connection: crate::args::ConnectionArgs,
    pub dry_run: bool,
    pub force: bool,
    pub all: bool,
    pub include_headers: bool,
    /// A list as a table: `--columns`, else on a terminal unless `--json`.
    pub table: crate::api::Table,
    /// The zone or account given by name, to look up first, and the path parameter its id
    /// goes in (it holds [`crate::names::PLACEHOLDER`] until then).
    pub lookup: Option<(crate::names::Lookup, &'static str)>,
    /// What the body holds, where the CLI reads it (a zone file's records by type).
    pub note: Option<String>,
}

/// Runs the command `command` with its leaf's `matches`.
pub async fn run(command: &Command, matches: &ArgMatches) -> Result<ExitCode, CliError> {
    let Invocation { operation, mut arguments, connection, dry_run, force, all, include_headers, table, lookup, note } =
        invocation(command, matches)?;
    if dry_run {
        // The lookup it would send first, then the command with the id it would find, and what
        // its body holds.
        let base_url = connection.base_url()?;
        let mut lines = crate::api::dry_run_lines(operation, &arguments, base_url.as_deref())?;
        if let Some(note) = note {
            lines.insert(lines.len() - 1, note);
        }
        if let Some((lookup, _)) = &lookup {
            let shown = lookup.shown();
            lines = std::iter::once(lookup.dry_run_line(base_url.as_deref()))
                .chain(lines.into_iter().map(|line| line.replace(crate::names::PLACEHOLDER, &shown)))
                .collect();
        }
        return crate::api::print_lines(lines);
    }
    if let Some((lookup, parameter)) = &lookup {
        let id = lookup.resolve(&connection).await?;
        arguments.parameter(*parameter, id);
    }
    if command.destructive() && !force {
        confirm(command, operation, &arguments, connection.base_url()?.as_deref())?;
    }
    if all && !(operation.paginated && operation.method == "GET") {
        return Err(CliError::usage(format!(
            "--all reads every page of a list, and these arguments call {} ({} {}), which is not one: nothing was sent",
            operation.id, operation.method, operation.path
        )));
    }
    if let Some(note) = note {
        crate::say!("sending {note}");
    }
    crate::api::send(operation, &arguments, &connection, crate::api::Print { all, include_headers, table }).await
}

/// The [`Invocation`] of `command` with its leaf's `matches`: nothing is sent.
///
/// # Errors
/// A usage error: no scope, a parameter that does not apply, a body that cannot be read.
pub fn invocation(command: &Command, matches: &ArgMatches) -> Result<Invocation, CliError> {
    let text = |id: &str| {
        matches
            .try_get_raw(id)
            .ok()
            .flatten()
            .and_then(|mut values| values.next())
            .map(|value| value.to_string_lossy().into_owned())
    };

    // The scope: the flag given, else the environment; with both kinds possible, the one set.
    // `--zone`/`--account` (a name or an id) as their `-id` flags; `CLOUDFLARE_ZONE` and
    // `CLOUDFLARE_ACCOUNT` where no id variable is set.
    let scopes = command.scopes();
    let env = crate::config::environment;
    let connection =
        crate::args::ConnectionArgs::from_arg_matches(matches).map_err(|error| CliError::usage(error.to_string()))?;
    // The id variables, else the profile in use's ids; of both, for a command that takes
    // either, the one `default_scope` keeps.
    let (account_found, zone_found) = if scopes.contains(&ScopeKind::Account) && scopes.contains(&ScopeKind::Zone) {
        connection.default_scope()?
    } else {
        (connection.default_id(crate::config::ACCOUNT_ENV)?, connection.default_id(crate::config::ZONE_ENV)?)
    };
    let account_id_env = account_found.map(|(value, _)| value);
    let zone_id_env = zone_found.map(|(value, _)| value);
    let account_env = account_id_env.clone().or_else(|| env(crate::names::ACCOUNT_NAME_ENV));
    let zone_env = zone_id_env.clone().or_else(|| env(crate::names::ZONE_NAME_ENV));
    let account_flag = text("account-id").or_else(|| text("account"));
    let zone_flag = text("zone-id").or_else(|| text("zone"));
    let by_name = |kind: ScopeKind| match kind {
        ScopeKind::Zone => {
            text("zone").is_some() || (zone_flag.is_none() && account_flag.is_none() && zone_id_env.is_none())
        }
        ScopeKind::Account => {
            text("account").is_some() || (zone_flag.is_none() && account_flag.is_none() && account_id_env.is_none())
        }
        ScopeKind::None => false,
    };
    let (scope, mut scope_value) = scope(&scopes, account_flag.clone(), zone_flag.clone(), account_env, zone_env)?;
    let lookup = match (scope, scope_value.as_deref()) {
        (Some(ScopeKind::Zone), Some(value)) if by_name(ScopeKind::Zone) => {
            crate::names::Lookup::of(crate::names::Kind::Zone, value)
        }
        (Some(ScopeKind::Account), Some(value)) if by_name(ScopeKind::Account) => {
            crate::names::Lookup::of(crate::names::Kind::Account, value)
        }
        _ => None,
    };
    if lookup.is_some() {
        scope_value = Some(crate::names::PLACEHOLDER.to_owned());
    }

    // The path parameters given: the positional one and the flags.
    let positional = command.positional().and_then(|name| Some((name, text(&format!("path:{name}"))?)));
    let mut given: Vec<(String, String)> = Vec::new();
    for id in matches.ids() {
        let id = id.as_str();
        if let Some(name) = id.strip_prefix("param:") {
            for value in matches.get_raw(id).into_iter().flatten() {
                given.push((name.to_owned(), value.to_string_lossy().into_owned()));
            }
        }
    }
    let has = |name: &str| positional.as_ref().is_some_and(|(p, _)| *p == name) || given.iter().any(|(n, _)| n == name);
    let variant = naming::choose(command, scope, &has).ok_or_else(|| {
        let needed: Vec<String> = command
            .variants
            .iter()
            .map(|variant| {
                variant.path_parameters.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" and ")
            })
            .filter(|text| !text.is_empty())
            .collect();
        CliError::usage(format!(
            "{} needs {}: nothing was sent",
            command.name(),
            if needed.is_empty() { "its scope".to_owned() } else { needed.join(", or ") }
        ))
    })?;
    let operation = variant.operation;

    let mut arguments = Arguments::new();
    if let (Some(name), Some(value)) = (variant.scope_parameter, scope_value) {
        arguments.parameter(name, value);
    }
    if let Some((name, value)) = positional.filter(|(name, _)| operation.parameter(name).is_some()) {
        arguments.parameter(name, value);
    }
    // A flag given more than once is a list (`--domain a --domain b`), as JSON.
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in given {
        match lists.iter_mut().find(|(listed, _)| *listed == name) {
            Some((_, values)) => values.push(value),
            None => lists.push((name, vec![value])),
        }
    }
    let given = lists.into_iter().map(|(name, mut values)| {
        let value = if values.len() == 1 { values.remove(0) } else { Value::from(values).to_string() };
        (name, value)
    });
    for (name, value) in given {
        if operation.parameter(&name).is_none() {
            return Err(CliError::usage(format!(
                "--{} does not apply to {} with these arguments ({} {}): nothing was sent",
                super::build::flag_name(&name),
                command.name(),
                operation.method,
                operation.path
            )));
        }
        arguments.parameter(name, value);
    }

    // The body: --body, --form, and the flags of its fields (fields.rs), merged over --body.
    let mut form: Vec<(String, String)> = matches
        .try_get_raw("form")
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .map(|value| crate::args::parse_param(&value.to_string_lossy()).map_err(CliError::usage))
        .collect::<Result<_, _>>()?;
    // A part's own flag (`--file zone.txt`) as `--form file=@zone.txt` gives it.
    for part in operation.body.and_then(|body| body.form).map_or(&[][..], |shape| shape.parts) {
        if let Some(value) = text(&super::build::part_id(part.name)) {
            let value = match part.kind {
                cloudflare_client::PartKind::File if !value.starts_with('@') => format!("@{value}"),
                _ => value,
            };
            form.push((part.name.to_owned(), value));
        }
    }
    let mut set: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for id in matches.ids() {
        let Some(path) = id.as_str().strip_prefix("body:") else { continue };
        let values: Vec<String> = matches
            .get_raw(id.as_str())
            .into_iter()
            .flatten()
            .map(|value| value.to_string_lossy().into_owned())
            .collect();
        if !values.is_empty() {
            set.push((path.split('/').map(str::to_owned).collect(), values));
        }
    }
    let shape = operation.body.filter(cloudflare_client::Body::is_json).and_then(|_| {
        match super::fields::Fields::of(cloudflare_client::operation_schema(operation.id)?.body.as_ref()) {
            super::fields::Fields::Flags(shape) => Some(shape),
            _ => None,
        }
    });
    let given = text("body");
    // A union's body is checked against its variant (the generated types cannot: it is free-form
    // JSON there); a plain one's flags go into it, and its types check the rest.
    let checked = shape.as_ref().filter(|shape| !set.is_empty() || (shape.discriminator.is_some() && given.is_some()));
    match checked {
        Some(shape) => {
            let base = given.as_deref().map(crate::api::body::read_json).transpose().map_err(CliError::usage)?;
            crate::api::body::set(&mut arguments, operation.body.as_ref(), None, &form).map_err(CliError::usage)?;
            let reserved = super::build::reserved(command);
            let flag = |path: &[String]| super::build::field_flag(&reserved, path);
            let body = shape
                .body(operation.method, base, &set, &flag)
                .map_err(|error| CliError::usage(format!("{error}: nothing was sent")))?;
            arguments.body(body);
        }
        None => {
            if let Some((path, _)) = set.first() {
                let reserved = super::build::reserved(command);
                return Err(CliError::usage(format!(
                    "--{} does not apply to {} with these arguments ({} {}): nothing was sent",
                    super::build::field_flag(&reserved, path),
                    command.name(),
                    operation.method,
                    operation.path
                )));
            }
            crate::api::body::set(&mut arguments, operation.body.as_ref(), given.as_deref(), &form)
                .map_err(CliError::usage)?;
        }
    }

    // A zone file is read before it is sent: its records counted, what is not one refused.
    let note = crate::zonefile::check(operation.id, arguments.parts())
        .map_err(|reason| CliError::usage(format!("{reason}: nothing was sent")))?;

    let flag = |id: &str| matches.try_get_one::<bool>(id).ok().flatten() == Some(&true);
    let lookup = lookup.zip(variant.scope_parameter);
    let columns: Vec<String> = matches
        .try_get_raw("columns")
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .map(|value| value.to_string_lossy().trim().to_owned())
        .filter(|column| !column.is_empty())
        .collect();
    let table = if !columns.is_empty() {
        crate::api::Table::Columns(columns)
    } else if matches.try_get_one::<bool>("json").ok().flatten() == Some(&true) || matches.try_get_raw("json").is_err()
    {
        crate::api::Table::No
    } else {
        crate::api::Table::Auto
    };
    Ok(Invocation {
        table,
        lookup,
        operation,
        arguments,
        connection,
        dry_run: flag("dry-run"),
        force: flag("force"),
        all: flag("all"),
        include_headers: flag("include-headers"),
        note,
    })
}

/// The scope a command runs in, and its id: from the flags, else the environment. A command of
/// accounts and zones takes the one given (or set); neither, or both set, is a usage error.
fn scope(
    scopes: &std::collections::BTreeSet<ScopeKind>,
    account_flag: Option<String>,
    zone_flag: Option<String>,
    account: Option<String>,
    zone: Option<String>,
) -> Result<(Option<ScopeKind>, Option<String>), CliError> {
    let takes = |kind| scopes.contains(&kind);
    if !takes(ScopeKind::Account) && !takes(ScopeKind::Zone) {
        return Ok((Some(ScopeKind::None), None));
    }
    // A flag chooses; without one, a variable of a scope the command takes.
    let (account, zone) = match (account_flag.is_some(), zone_flag.is_some()) {
        (true, _) | (_, true) => (account_flag, zone_flag),
        _ => (account.filter(|_| takes(ScopeKind::Account)), zone.filter(|_| takes(ScopeKind::Zone))),
    };
    match (account, zone) {
        (Some(account), None) => Ok((Some(ScopeKind::Account), Some(account))),
        (None, Some(zone)) => Ok((Some(ScopeKind::Zone), Some(zone))),
        (Some(_), Some(_)) => Err(CliError::usage(
            "both an account and a zone are set (CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_ZONE_ID, or the profile's): pass --account-id or --zone-id to choose",
        )),
        (None, None) if takes(ScopeKind::None) => Ok((Some(ScopeKind::None), None)),
        (None, None) => {
            let how: Vec<&str> = [
                (ScopeKind::Account, "--account-id ID (or CLOUDFLARE_ACCOUNT_ID)"),
                (ScopeKind::Zone, "--zone-id ID (or CLOUDFLARE_ZONE_ID)"),
            ]
            .into_iter()
            .filter(|(kind, _)| takes(*kind))
            .map(|(_, how)| how)
            .collect();
            Err(CliError::usage(format!("no scope: pass {}; nothing was sent", how.join(", or "))))
        }
    }
}

/// Asks on the terminal before a destructive command is sent; where standard input is not a
/// terminal, there is no one to ask: the command needs `--force`.
fn confirm(
    command: &Command,
    operation: &cloudflare_client::Operation,
    arguments: &Arguments,
    base_url: Option<&str>,
) -> Result<(), CliError> {
    let context = crate::context::current();
    if !context.stdin_terminal() {
        return Err(CliError::usage(format!(
            "{} is destructive and standard input is not a terminal to confirm it on: pass --force to run it \
             without asking (nothing was sent)",
            command.name()
        )));
    }
    let target = describe(operation, arguments, base_url);
    crate::say_inline!("{}: {target}\nThis cannot be undone. Continue? [y/N] ", crate::output::text(&command.name()));
    let mut answer = String::new();
    let _ = context.take_stdin().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(CliError::Incomplete(format!("{} was not confirmed: nothing was sent", command.name())))
}

/// `DELETE https://api.cloudflare.com/client/v4/zones/…/dns_records/…`, as it would be sent.
fn describe(operation: &cloudflare_client::Operation, arguments: &Arguments, base_url: Option<&str>) -> String {
    crate::api::request_line(operation.id, arguments, base_url)
        .unwrap_or_else(|| format!("{} {}", operation.method, operation.path))
}
