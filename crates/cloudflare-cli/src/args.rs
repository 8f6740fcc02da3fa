//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ENVIRONMENT: &str = "\
Environment:
  CLOUDFLARE_API_TOKEN                    API token (preferred)
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   legacy account email + Global API key
  CLOUDFLARE_BASE_URL                     API root (default https://api.cloudflare.com/client/v4)
  CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_ZONE_ID   scope when no --account-id or --zone-id is given

Credentials are never taken from a flag's value, so they stay out of shell history and `ps`.";

const DELETE_HELP: &str = "\
Examples:
  # revoke one leaked token
  cloudflare service-tokens delete --account-id 023e105f4ecef8ad9ca31a8372d0c353 f174e90a-fafe-4643-bbbc-4a0ed4fc8415

  # delete every id listed in a file (one per line; blank lines and # comments ignored)
  cloudflare service-tokens delete --account-id 023e105f4ecef8ad9ca31a8372d0c353 --concurrency 8 - < ids.txt

  # check a list first: validates every id and the credentials, sends nothing
  cloudflare service-tokens delete --zone-id 9a7806061c88ada191ed06f989cc3dac --dry-run - < ids.txt

Output: one line (or, with --output json, one JSON object) per id, in input order, on stdout;
progress and a summary (deleted, missing, failed, elapsed) on stderr.

Exit status: 0 every id deleted (or missing, with --ignore-missing); 1 at least one id failed
or was missing; 2 usage or configuration error (bad id, no credentials), nothing sent;
130 interrupted (Ctrl-C: in-flight deletes finish, the rest are reported as skipped).";

/// Command-line client for the Cloudflare API.
#[derive(Debug, Parser)]
#[command(name = "cloudflare", version, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Zero Trust Access service tokens.
    #[command(name = "service-tokens", subcommand)]
    ServiceTokens(ServiceTokensCommand),
}

#[derive(Debug, Subcommand)]
pub enum ServiceTokensCommand {
    /// Delete service tokens by id, one or thousands.
    #[command(after_help = DELETE_HELP)]
    Delete(DeleteArgs),
}

/// `cloudflare service-tokens delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The account the tokens belong to (32 lowercase hex characters) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID", conflicts_with = "zone_id")]
    pub account_id: Option<String>,

    /// The zone the tokens belong to, for zone-level tokens [env: CLOUDFLARE_ZONE_ID].
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<String>,

    /// Ids of the tokens to delete (UUIDs). With none, or with `-`, ids are also read from
    /// standard input, one per line; blank lines and `#` comments are ignored.
    #[arg(value_name = "TOKEN_ID")]
    pub token_ids: Vec<String>,

    /// Read the API token from this file (first line) instead of CLOUDFLARE_API_TOKEN.
    #[arg(long, value_name = "PATH")]
    pub api_token_file: Option<PathBuf>,

    /// The API root.
    #[arg(long, value_name = "URL", env = "CLOUDFLARE_BASE_URL")]
    pub base_url: Option<String>,

    /// How many deletes are in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Retries of a delete that failed transiently (connection, timeout, 408, 409, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub max_retries: u32,

    /// Limit on each request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Validate every id and the presence of credentials, print what would be deleted, and
    /// send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Count a token that does not exist (404, or already gone after a retry) as done.
    #[arg(long)]
    pub ignore_missing: bool,

    /// How each id's outcome is printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Output::Text)]
    pub output: Output,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// One aligned line per id: status, id, details.
    Text,
    /// One JSON object per line: id, status (deleted, missing, failed, skipped), code,
    /// message, cf_ray.
    Json,
}
