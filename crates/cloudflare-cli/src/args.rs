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

Output: one line (or, with --output json, one JSON object) per id, in input order, on stdout,
with its status: deleted (Cloudflare answered 2xx, whatever the body), gone (an earlier
attempt's answer was lost and a retry found nothing: most likely deleted by this run),
missing (404: never there), failed, skipped (not sent: interrupted, or Cloudflare's rate
limit); progress and a summary on stderr.

Exit status: 0 every id deleted or gone (or missing, with --ignore-missing); 1 at least one id
failed, was missing, or was skipped because Cloudflare kept answering 429 (after 3 deletes in
a row refused despite waiting as asked, the run stops sending); 2 usage or configuration error
(bad id, no credentials), nothing sent; 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (in-flight deletes
finish, the rest are reported skipped; a second signal abandons those in flight).";

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
    /// Call any operation of the API by its operationId (`api --list` shows them).
    #[command(after_help = API_HELP)]
    Api(ApiArgs),
    /// Print a shell completion script: `cloudflare completions bash > /etc/bash_completion.d/cloudflare`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `cloudflare man > ~/.local/share/man/man1/cloudflare.1`.
    Man,
}

/// `cloudflare --version`: the crate's version and where its spec comes from.
pub fn version() -> String {
    format!(
        "{} (spec: {}, {} operations)",
        env!("CARGO_PKG_VERSION"),
        cloudflare_client::SPEC_SOURCE,
        cloudflare_client::OPERATIONS.len()
    )
}

/// The command line's definition, with the full version.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command().version(version())
}

const API_HELP: &str = "\
Examples:
  # every operation, or those whose id, path or summary contains a word
  cloudflare api --list
  cloudflare api --list groups

  # what an operation takes and returns (JSON Schema), to write a body without the spec
  cloudflare api access_groups_create_an_access_group --schema

  # call one; parameters as NAME=VALUE, the body as JSON, @FILE or - (stdin)
  cloudflare api access_groups_list_access_groups --param account_id=023e105f4ecef8ad9ca31a8372d0c353
  cloudflare api access_groups_create_an_access_group --param account_id=023e105f4ecef8ad9ca31a8372d0c353 \\
    --body @group.json

Output: the answer's `result` as one line of JSON on stdout (with --all, every page's items
as one array). A result that holds a secret (a created service token's Client Secret) is
printed, with a warning on stderr: Cloudflare shows it only once.

Exit status: 0 success; 1 Cloudflare refused or failed; 2 usage error (unknown operation or
parameter, a malformed id, a body that does not fit), nothing sent.";

/// `cloudflare api`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The operationId to call (see --list).
    #[arg(value_name = "OPERATION_ID", required_unless_present = "list")]
    pub operation: Option<String>,

    /// List the operations (id, method, path, summary), only those containing FILTER if given.
    #[arg(long, value_name = "FILTER", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["operation", "schema", "all"])]
    pub list: Option<String>,

    /// A parameter of the operation, as NAME=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// The request body: JSON, @FILE (a file of JSON) or - (standard input).
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub body: Option<String>,

    /// Every page of a list operation, as one JSON array.
    #[arg(long)]
    pub all: bool,

    /// Print the JSON Schema of the operation's parameters, body and result; send nothing.
    #[arg(long, conflicts_with_all = ["all", "body", "params"])]
    pub schema: bool,

    /// With --list: one JSON object per operation and line.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `NAME=VALUE`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

#[derive(Debug, Subcommand)]
pub enum ServiceTokensCommand {
    /// Delete service tokens by id, one or thousands.
    #[command(after_help = DELETE_HELP)]
    Delete(DeleteArgs),
    /// List service tokens, optionally only expired ones or those whose name matches a glob.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Show one service token.
    Get(GetArgs),
    /// Create a service token; prints its Client Secret, which Cloudflare shows only once.
    Create(CreateArgs),
    /// Generate a new Client Secret for an account's service token (the old one stops working);
    /// prints it, once.
    Rotate(AccountTokenArgs),
    /// Extend an account's service token by its duration from now.
    Refresh(AccountTokenArgs),
}

const LIST_HELP: &str = "\
Examples:
  cloudflare service-tokens list --account-id 023e105f4ecef8ad9ca31a8372d0c353 --name 'ci-*'

  # delete every expired token of an account
  cloudflare service-tokens list --account-id 023e105f4ecef8ad9ca31a8372d0c353 --expired --output ids \\
    | cloudflare service-tokens delete --account-id 023e105f4ecef8ad9ca31a8372d0c353 -";

/// Where the tokens are: `--account-id` or `--zone-id`.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// The account the tokens belong to (32 lowercase hex characters) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID", conflicts_with = "zone_id")]
    pub account_id: Option<String>,

    /// The zone the tokens belong to, for zone-level tokens [env: CLOUDFLARE_ZONE_ID].
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<String>,
}

/// How to reach Cloudflare.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Read the API token from this file (first line) instead of CLOUDFLARE_API_TOKEN.
    #[arg(long, value_name = "PATH")]
    pub api_token_file: Option<PathBuf>,

    /// The API root (an empty value is refused: leave it out for the production API). Its
    /// value is never shown, as it could hold a password.
    #[arg(long, value_name = "URL", env = "CLOUDFLARE_BASE_URL", hide_env_values = true, value_parser = non_empty_url)]
    pub base_url: Option<String>,

    /// Retries of a request that failed transiently (connection, timeout, 408, 409, 429, 5xx), 0 to 10.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub max_retries: u32,

    /// Limit on each request, in seconds (1 to 3600).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// `--base-url`: anything but empty (an empty value would silently mean the production API).
fn non_empty_url(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("empty; leave --base-url and CLOUDFLARE_BASE_URL out to use the production API".into());
    }
    Ok(text.to_owned())
}

/// `cloudflare service-tokens delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Ids of the tokens to delete (UUIDs). With none, or with `-`, ids are also read from
    /// standard input, one per line; blank lines and `#` comments are ignored.
    #[arg(value_name = "TOKEN_ID")]
    pub token_ids: Vec<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// How many deletes are in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

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

/// `cloudflare service-tokens list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Only tokens that have expired.
    #[arg(long)]
    pub expired: bool,

    /// Only tokens whose name matches this glob (`*`, `?`, `[...]`), such as 'ci-*'.
    #[arg(long, value_name = "GLOB")]
    pub name: Option<String>,

    /// How tokens are printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListOutput::Text)]
    pub output: ListOutput,
}

/// `cloudflare service-tokens list --output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListOutput {
    /// A table: id, name, client id, expiry, last seen.
    Text,
    /// One JSON object per token per line.
    Json,
    /// One id per line, for `cloudflare service-tokens delete -`.
    Ids,
}

/// `cloudflare service-tokens get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The token's id (a UUID).
    #[arg(value_name = "TOKEN_ID")]
    pub token_id: String,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// How the token is printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Output::Text)]
    pub output: Output,
}

/// `cloudflare service-tokens create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The new token's name.
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// How long the token is valid, such as 8760h (Cloudflare's default, a year) or 2h45m.
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// How the token (with its Client Secret) is printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Output::Text)]
    pub output: Output,
}

/// `cloudflare service-tokens rotate` and `refresh`: account tokens only.
#[derive(Debug, Args)]
pub struct AccountTokenArgs {
    /// The account the token belongs to (32 lowercase hex characters) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// The token's id (a UUID).
    #[arg(value_name = "TOKEN_ID")]
    pub token_id: String,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// How the token is printed on stdout.
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
