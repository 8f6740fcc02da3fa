//! `cloudflare audit`: every token and certificate of the user, the accounts and the zones
//! given, judged by the library's engine (`cloudflare_client::hygiene`); findings as a table on
//! a terminal, JSON lines otherwise; what could not be read said on stderr.
//!
//! Exit status: 0 nothing found and every list read; 1 findings; 3 some lists could not be
//! read (a 403 for one kind: the audit did not see everything, whatever it found); 2 usage.

use std::collections::BTreeMap;
use std::process::ExitCode;

use cloudflare_client::hygiene::{AuditScope, Finding, Kind, Outcome, Place, Policy, When};
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::args::AuditArgs;
use crate::error::CliError;

/// Some lists could not be read.
pub const INCOMPLETE: u8 = 3;

/// The columns of the table, in order.
const COLUMNS: [&str; 6] = ["kind", "name", "id", "scope", "rule", "detail"];

/// Runs `cloudflare audit`.
pub async fn run(args: AuditArgs) -> Result<ExitCode, CliError> {
    let mut accounts = args.account_id.clone();
    let mut zones = args.zone_id.clone();
    if accounts.is_empty() && zones.is_empty() {
        // The environment's, else the profile's.
        let default = |name: &str| args.connection.default_id(name);
        if let Some((account, origin)) = default(crate::config::ACCOUNT_ENV)? {
            accounts.push(account.parse().map_err(|error| CliError::usage(format!("{origin}: {error}")))?);
        }
        if let Some((zone, origin)) = default(crate::config::ZONE_ENV)? {
            zones.push(zone.parse().map_err(|error| CliError::usage(format!("{origin}: {error}")))?);
        }
    }
    let only_user = !args.kind.is_empty() && args.kind.iter().all(|kind| *kind == Kind::UserApiToken);
    if accounts.is_empty() && zones.is_empty() && !only_user {
        return Err(CliError::usage(
            "no scope: pass --account-id ID (and --all-zones, or --zone-id ID), or set CLOUDFLARE_ACCOUNT_ID; \
             --kind user-api-token audits the user's API tokens alone",
        ));
    }
    if args.all_zones && accounts.is_empty() {
        return Err(CliError::usage("--all-zones lists the zones of the accounts: pass --account-id ID"));
    }
    let mut scope = AuditScope::new(!args.no_user_tokens, accounts, zones);
    scope.all_zones = args.all_zones;
    scope.kinds.clone_from(&args.kind);
    let policy = Policy::new(args.expiring_within.0, args.unused_for.0);
    let client = args.connection.client()?;
    let now = chrono::Utc::now();
    let table = !args.json && crate::context::current().stdout_terminal();

    let mut rows = Vec::new();
    let (mut findings, mut gaps) = (0usize, 0usize);
    let mut read: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut places = std::collections::BTreeSet::new();
    let mut audit = std::pin::pin!(client.audit(&scope, policy, now));
    while let Some(outcome) = audit.next().await {
        match outcome {
            Outcome::Finding(finding) => {
                findings += 1;
                let row = row(&finding);
                if table {
                    rows.push(row);
                } else if crate::output::line(&crate::output::json(&row)).is_err() {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Outcome::Read { kind, place, credentials } => {
                *read.entry(kind).or_default() += credentials;
                places.insert(place.to_string());
            }
            Outcome::Gap(gap) => {
                gaps += 1;
                let what = gap.kind.map_or_else(|| "the zones".to_owned(), |kind| format!("{kind}s"));
                crate::say!("not read: {what} of {}: {}", gap.place, crate::output::text(&gap.reason));
            }
            _ => {}
        }
    }
    if table && !rows.is_empty() {
        let columns: Vec<String> = COLUMNS.iter().map(|column| (*column).to_owned()).collect();
        let _closed = crate::output::write(&crate::api::table::render(&rows, &columns, now));
    }
    let counted: Vec<String> = read.iter().map(|(kind, count)| format!("{count} {kind}")).collect();
    crate::say!(
        "audited {} in {} place{}: {findings} finding{}{}",
        if counted.is_empty() { "nothing".to_owned() } else { counted.join(", ") },
        places.len(),
        if places.len() == 1 { "" } else { "s" },
        if findings == 1 { "" } else { "s" },
        if gaps == 0 { String::new() } else { format!("; {gaps} list{} not read", if gaps == 1 { "" } else { "s" }) },
    );
    Ok(match (gaps, findings) {
        (0, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::FAILURE,
        _ => ExitCode::from(INCOMPLETE),
    })
}

/// A finding as one JSON object: `kind`, `id`, `name`, `scope`, `rule`, `detail`, and the dates
/// it was judged on (`expires_on`, `last_used_on`, `created_on`: RFC 3339, the text as sent
/// when it was not a date, or null).
fn row(finding: &Finding) -> Value {
    let credential = &finding.credential;
    let date = |when: &When| match when {
        When::Absent => Value::Null,
        When::At(at) => json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        When::Unreadable(text) => json!(text),
    };
    let scope = match &credential.place {
        Place::User => "user".to_owned(),
        Place::Account(id) => format!("account:{id}"),
        Place::Zone(id) => format!("zone:{id}"),
    };
    json!({
        "kind": credential.kind.name(),
        "id": credential.id,
        "name": credential.name,
        "scope": scope,
        "rule": finding.rule.name(),
        "detail": finding.detail,
        "expires_on": date(&credential.expires),
        "last_used_on": date(&credential.last_used),
        "created_on": date(&credential.created),
    })
}
