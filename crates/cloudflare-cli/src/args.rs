//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cloudflare_client::{AccountId, ServiceTokenId, ZoneId};

use crate::values::{Name, ProfileName, Span, Time, TokenDuration};

const ENVIRONMENT: &str = "\
Environment:
  CLOUDFLARE_API_TOKEN                    API token (preferred)
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   legacy account email + Global API key
  CLOUDFLARE_PROFILE                      profile of `cloudflare auth login` (default: default)
  CLOUDFLARE_BASE_URL                     API root (default https://api.cloudflare.com/client/v4)
  CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_ZONE_ID   scope when no --account-id or --zone-id is given
  CLOUDFLARE_CONFIG_DIR                   folder of the profiles (default ~/.config/cloudflare-cli)

Each setting comes from its flag, else the environment, else the profile in use
(`cloudflare auth status` says which). Credentials are never taken from a flag's value, so they
stay out of shell history and `ps`: sign in once with `cloudflare auth login`.";

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
failed, was missing, or was skipped (Cloudflare's rate limit asked for a wait longer than 60 s,
or kept answering 429: after 3 deletes in a row refused despite waiting as asked, the run stops
sending); 2 usage or configuration error (bad id, no credentials), nothing sent; 130 Ctrl-C,
143 SIGTERM, 129 SIGHUP (deletes already sent finish, the rest, those waiting for a rate limit
included, are reported skipped; a second signal abandons those in flight).";

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
    /// Every token and certificate that expires soon, has expired, never expires, sits unused,
    /// works from any IP or writes everywhere: of the user, accounts and zones.
    #[command(after_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// The user's API tokens: list (by expiry, use, name), get, roll, delete.
    #[command(name = "api-tokens", subcommand)]
    ApiTokens(ApiTokensCommand),
    /// Sign in once: keep a verified credential in the OS keyring, under a profile with its
    /// default account and zone.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Call any operation of the API by its operationId (`api --list` shows them).
    #[command(after_help = API_HELP)]
    Api(ApiArgs),
    /// Print a shell completion script, a few lines that ask the binary for candidates:
    /// `cloudflare completions bash > ~/.local/share/bash-completion/completions/cloudflare`.
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
        cloudflare_client::operations().count()
    )
}

/// The hand-written commands, with the full version.
pub fn command_base() -> clap::Command {
    <Cli as clap::CommandFactory>::command().version(version())
}

/// The command line's definition: the hand-written commands and each family, by its title (the
/// family's own commands are built when the command line names it).
pub fn command() -> clap::Command {
    command_base().subcommands(crate::generated::stubs())
}

/// The whole command line, every generated command with its flags: for the man page.
pub fn command_full() -> clap::Command {
    command_base().subcommands(crate::generated::trees())
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

  # the account and zone from --account-id/--zone-id or the environment; what would be sent
  CLOUDFLARE_ZONE_ID=9a7806061c88ada191ed06f989cc3dac cloudflare api dns_records_for_a_zone_list_dns_records --dry-run

Every operation is also a command of its family, with typed flags: `cloudflare dns records
list` (`--list --json` names each operation's).

Output: the answer's `result` as one line of JSON on stdout. With --all (list operations
only), every page's items as one JSON array written as the pages come, an item a line; a list
that could not be read to its end leaves the array open and exits 1. With -i, the answer's
HTTP status and headers come first, then a blank line (a tus upload's URL is its Location
header; without -i, an answer with no result and a Location names it on stderr). An answer
that holds a secret anywhere (a created service token's Client Secret) is printed, with a
warning on stderr: Cloudflare shows it only once.

The body is sent as given, after checking it against the operation: a field the operation
does not know (a typo such as \"requre\") is refused by name, as a body over 4 MiB is.

Exit status: 0 success; 1 Cloudflare refused or failed, or a list was cut short; 2 usage
error (unknown operation or parameter, a parameter given twice, a malformed id, a body that
does not fit, --all on an operation that is not a list), nothing sent.";

/// `cloudflare api`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The operationId to call (see --list).
    #[arg(value_name = "OPERATION_ID", required_unless_present = "list",
          add = clap_complete::ArgValueCandidates::new(crate::completions::operation_ids))]
    pub operation: Option<String>,

    /// List the operations (id, method, path, summary), only those containing FILTER if given.
    #[arg(long, value_name = "FILTER", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["operation", "schema", "all"])]
    pub list: Option<String>,

    /// A parameter of the operation, as NAME=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// The request body: JSON, @FILE (a file of JSON) or - (standard input). For an operation
    /// that takes raw bytes (application/octet-stream, application/x-ndjson,
    /// application/javascript: see --schema), the file's or standard input's bytes as they are.
    #[arg(long, value_name = "JSON|@FILE|-", conflicts_with = "form")]
    pub body: Option<String>,

    /// A part of a multipart/form-data body (repeatable), as curl's -F: NAME=VALUE, or
    /// NAME=@FILE for a file (named after it; its type guessed from its extension, or given as
    /// NAME=@FILE;type=MIME, such as application/javascript+module for a Worker's module).
    #[arg(long, short = 'F', value_name = "NAME=VALUE|NAME=@FILE", value_parser = parse_param)]
    pub form: Vec<(String, String)>,

    /// Every page of a list operation, as one JSON array.
    #[arg(long)]
    pub all: bool,

    /// Print the JSON Schema of the operation's parameters, body and result; send nothing.
    #[arg(long, conflicts_with_all = ["all", "body", "params", "form"])]
    pub schema: bool,

    /// With --list: one JSON object per operation and line.
    #[arg(long)]
    pub json: bool,

    /// Print the method, the URL and the body that would be sent (credentials never shown);
    /// send nothing.
    #[arg(long, conflicts_with_all = ["schema", "all"])]
    pub dry_run: bool,

    /// Print the answer's HTTP status and headers, then a blank line, before its body (as curl
    /// -i and gh api -i do): an answer in a header, such as the upload URL in `Location`.
    #[arg(long, short = 'i', conflicts_with_all = ["schema", "all", "dry_run"])]
    pub include_headers: bool,

    #[command(flatten)]
    pub scope: ApiScopeArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The account and zone of `cloudflare api`, for the operations that take them (`--param`
/// wins).
#[derive(Debug, Args)]
pub struct ApiScopeArgs {
    /// The account, for operations under /accounts/{id} [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// The zone, for operations under /zones/{id} [env: CLOUDFLARE_ZONE_ID].
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<String>,
}

/// `NAME=VALUE`.
pub(crate) fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

#[derive(Debug, Subcommand)]
pub enum ApiTokensCommand {
    /// List the user's API tokens, optionally only those a selection picks.
    List(ApiTokensListArgs),
    /// The tokens expiring within SPAN (30 days unless given): `list --expiring-within`.
    Expiring {
        /// The span (90d, 36h, 2w).
        #[arg(long, value_name = "SPAN", default_value = "30d")]
        within: Span,
        #[command(flatten)]
        list: ApiTokensListArgs,
    },
    /// The tokens not used for SPAN (90 days unless given): `list --unused-for`.
    Unused {
        /// The span (90d, 36h, 2w).
        #[arg(long = "for", value_name = "SPAN", default_value = "90d")]
        span: Span,
        #[command(flatten)]
        list: ApiTokensListArgs,
    },
    /// Verify the API token in use (CLOUDFLARE_API_TOKEN or --api-token-file): its id, status
    /// and expiry; exit 1 if Cloudflare says it is not active.
    Verify {
        #[command(flatten)]
        owner: TokenOwner,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Show one API token (its policies, conditions, dates; never its value).
    Get {
        /// The token's id.
        #[arg(value_name = "TOKEN_ID", value_parser = token_id)]
        id: String,
        #[command(flatten)]
        owner: TokenOwner,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Roll an API token: a new value, printed once on stdout; the old one stops working.
    Roll {
        /// The token's id.
        #[arg(value_name = "TOKEN_ID", value_parser = token_id)]
        id: String,
        /// Roll without asking (needed when standard input is not a terminal).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        owner: TokenOwner,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Delete API tokens by id.
    Delete {
        /// The tokens' ids.
        #[arg(value_name = "TOKEN_ID", required = true, value_parser = token_id)]
        ids: Vec<String>,
        /// Delete without asking (needed when standard input is not a terminal).
        #[arg(long)]
        force: bool,
        /// Print what would be deleted, send nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        owner: TokenOwner,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
}

/// An API token's id: 32 lowercase hex characters, as Cloudflare gives them (anything else
/// would be sent into the path).
fn token_id(text: &str) -> Result<String, String> {
    if is_api_token_id(text) {
        Ok(text.to_owned())
    } else {
        Err("expected an API token id: 32 lowercase hex characters".to_owned())
    }
}

/// Whether `text` is an API token id: 32 lowercase hex characters.
pub(crate) fn is_api_token_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

/// Whose API tokens: the user's, or with `--account-id` an account's own.
#[derive(Debug, Args)]
pub struct TokenOwner {
    /// The account-owned API tokens of this account, rather than the user's (only this flag
    /// chooses them: CLOUDFLARE_ACCOUNT_ID does not).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<AccountId>,
}

/// `cloudflare api-tokens list` (and `expiring`, `unused`).
#[derive(Debug, Args)]
pub struct ApiTokensListArgs {
    #[command(flatten)]
    pub owner: TokenOwner,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// How tokens are printed on stdout (a table on a terminal, JSON lines elsewhere).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output: Option<ListOutput>,

    /// The same as `--output json` (one JSON object per token and line, as Cloudflare sent it).
    #[arg(long, conflicts_with = "output")]
    pub json: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServiceTokensCommand {
    /// Delete service tokens by id, one or thousands.
    #[command(after_help = DELETE_HELP)]
    Delete(DeleteArgs),
    /// List service tokens, optionally only those a selection picks (expired, expiring within,
    /// unused for, name glob).
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Show one service token.
    Get(GetArgs),
    /// Create a service token; prints its Client Secret, which Cloudflare shows only once.
    Create(CreateArgs),
    /// Generate a new Client Secret for an account's service token; prints it, once. Without
    /// --grace the old secret stops working at once; with it, it keeps working that long.
    Rotate(RotateArgs),
    /// Extend account service tokens by their duration from now: by id (as delete takes them)
    /// or every token a selection picks (--expiring-within 30d), in bulk.
    #[command(after_help = REFRESH_HELP)]
    Refresh(RefreshArgs),
    /// Change a service token's name, duration or Client Secret version.
    Update(UpdateArgs),
}

const REFRESH_HELP: &str = "\
Examples:
  # keep tokens from ever expiring: run daily
  cloudflare service-tokens refresh --account-id 023e105f4ecef8ad9ca31a8372d0c353 --expiring-within 30d

  # see what would be refreshed, send nothing
  cloudflare service-tokens refresh --account-id 023e105f4ecef8ad9ca31a8372d0c353 --expiring-within 30d --dry-run

  # by id, from a file
  cloudflare service-tokens refresh --account-id 023e105f4ecef8ad9ca31a8372d0c353 - < ids.txt

Output and exit status as for delete: one line (or JSON object) per id in order, with its
status (refreshed, missing, failed, skipped), progress and a summary on stderr; 0 all
refreshed, 1 any failed or missing, 2 usage error (nothing sent), 130/143/129 interrupted.";

/// `cloudflare service-tokens refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The account the tokens belong to (refresh exists for account tokens) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID")]
    pub account_id: Option<AccountId>,

    /// Ids of the tokens to refresh, as delete takes them (`-` for standard input). Not with a
    /// selection.
    #[arg(value_name = "TOKEN_ID")]
    pub token_ids: Vec<String>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// `cloudflare service-tokens rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub token: AccountTokenArgs,

    /// Keep the old Client Secret working for SPAN after the rotation (90d, 36h, 30m, 1h30m),
    /// so clients can switch without downtime. Without it the old secret stops at once.
    #[arg(long, value_name = "SPAN")]
    pub grace: Option<Span>,
}

/// `cloudflare service-tokens update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The token's id (a UUID).
    #[arg(value_name = "TOKEN_ID")]
    pub token_id: ServiceTokenId,

    /// A new name (not empty).
    #[arg(long, value_name = "NAME")]
    pub name: Option<Name>,

    /// A new duration: a Go duration (8760h, 30m, 1h30m) or `forever`.
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<TokenDuration>,

    /// The Client Secret's version, 0 or more (bump it to rotate the secret).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub client_secret_version: Option<i64>,

    /// Until when the previous Client Secret keeps working (RFC 3339, such as 2026-12-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub previous_secret_expires_at: Option<Time>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

const AUDIT_HELP: &str = "\
Kinds: user-api-token, service-token, mtls-certificate, access-certificate,
origin-ca-certificate, custom-certificate, client-certificate (those of a place the
credential may not read are reported on stderr as not read).

Rules: expires-soon (within --expiring-within), expired (and still there), never-expires,
unused (for --unused-for; the kinds that record use: API and service tokens), any-ip (an
API token without a request_ip condition), broad (an API token that writes on every zone
or account), unreadable-date (a date that is not one).

Output: a table on a terminal; otherwise (or with --json) one JSON object a finding and
line: kind, id, name, scope, rule, detail, expires_on, last_used_on, created_on. A summary
on stderr.

Exit status: 0 nothing found; 1 findings; 2 usage error, nothing sent; 3 some lists could
not be read (the audit is incomplete; its findings are printed all the same).

Examples:
  cloudflare audit --account-id 023e105f4ecef8ad9ca31a8372d0c353 --all-zones
  cloudflare audit --zone-id 9a7806061c88ada191ed06f989cc3dac --expiring-within 14d --json";

/// `cloudflare audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// An account to audit (repeat for several) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID")]
    pub account_id: Vec<AccountId>,

    /// A zone to audit (repeat for several) [env: CLOUDFLARE_ZONE_ID].
    #[arg(long, value_name = "ID")]
    pub zone_id: Vec<ZoneId>,

    /// Every zone of the accounts too.
    #[arg(long)]
    pub all_zones: bool,

    /// Only these kinds (repeat, or separate by commas).
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    pub kind: Vec<cloudflare_client::hygiene::Kind>,

    /// Leave out the user's API tokens (an account's token cannot read them).
    #[arg(long)]
    pub no_user_tokens: bool,

    /// Report what expires within SPAN (90d, 36h, 2w).
    #[arg(long, value_name = "SPAN", default_value = "30d")]
    pub expiring_within: Span,

    /// Report tokens not used for SPAN (90d, 36h, 2w).
    #[arg(long, value_name = "SPAN", default_value = "90d")]
    pub unused_for: Span,

    /// JSON lines on a terminal too (the output everywhere else).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// How a command's result is printed: `--output text|json`, or `--json` (the convention of
/// Cloudflare's own CLI). Declared once, flattened into every command with structured output.
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArgs {
    /// How the result is printed on stdout: text for a person, or JSON (one object per line).
    #[arg(long = "output", value_enum, value_name = "FORMAT", default_value_t = Output::Text)]
    output: Output,

    /// The same as `--output json`.
    #[arg(long, conflicts_with = "output")]
    json: bool,
}

impl OutputArgs {
    /// The format asked for.
    pub fn format(&self) -> Output {
        if self.json { Output::Json } else { self.output }
    }
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
    pub account_id: Option<AccountId>,

    /// The zone the tokens belong to, for zone-level tokens [env: CLOUDFLARE_ZONE_ID].
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<ZoneId>,
}

/// How to reach Cloudflare.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Read the API token from this file (first line) instead of CLOUDFLARE_API_TOKEN.
    #[arg(long, value_name = "PATH")]
    pub api_token_file: Option<PathBuf>,

    /// The profile of `cloudflare auth login` to use: its credential (unless --api-token-file
    /// gives one), account and zone [env: CLOUDFLARE_PROFILE].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<ProfileName>,

    /// The API root (an empty value is refused: leave it out for the production API). Its
    /// value is never shown, as it could hold a password [env: CLOUDFLARE_BASE_URL].
    #[arg(long, value_name = "URL", value_parser = non_empty_url)]
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

    #[command(flatten)]
    pub bulk: BulkArgs,

    /// Count a token that does not exist (404) as done.
    #[arg(long)]
    pub ignore_missing: bool,
}

/// How a bulk run (delete, refresh) goes.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// How many requests are in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Validate every id and the presence of credentials, print what would be done, and send
    /// nothing (a selection is still listed).
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cloudflare service-tokens list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// How tokens are printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListOutput::Text)]
    pub output: ListOutput,

    /// The same as `--output json` (one JSON object per token and line, with the raw fields).
    #[arg(long, conflicts_with = "output")]
    pub json: bool,
}

/// Which tokens: every condition given must hold.
#[derive(Debug, Args, Default)]
pub struct SelectionArgs {
    /// Only tokens that have expired.
    #[arg(long)]
    pub expired: bool,

    /// Only tokens not yet expired that expire within SPAN from now (90d, 36h, 30m, 1h30m).
    #[arg(long, value_name = "SPAN")]
    pub expiring_within: Option<Span>,

    /// Only tokens last seen longer than SPAN ago, or never seen and created longer than SPAN
    /// ago (90d, 36h, 30m, 1h30m).
    #[arg(long, value_name = "SPAN")]
    pub unused_for: Option<Span>,

    /// Only tokens whose name matches this glob (`*`, `?`, `[...]`), such as 'ci-*'.
    #[arg(long, value_name = "GLOB", value_parser = glob_pattern)]
    pub name: Option<glob::Pattern>,

    /// Only tokens that never expire.
    #[arg(long)]
    pub never_expires: bool,
}

impl SelectionArgs {
    /// Whether any condition is given.
    pub fn any(&self) -> bool {
        self.expired
            || self.expiring_within.is_some()
            || self.unused_for.is_some()
            || self.name.is_some()
            || self.never_expires
    }

    /// The library's selection.
    pub fn selection(&self) -> cloudflare_client::TokenSelection {
        let mut selection = cloudflare_client::TokenSelection::default();
        selection.expired = self.expired;
        selection.expiring_within = self.expiring_within.map(|span| span.0);
        selection.unused_for = self.unused_for.map(|span| span.0);
        selection.name = self.name.clone();
        selection.never_expires = self.never_expires;
        selection
    }

    /// The same selection, for any kind of credential.
    pub fn credentials(&self) -> cloudflare_client::hygiene::Selection {
        let mut selection = cloudflare_client::hygiene::Selection::default();
        selection.expired = self.expired;
        selection.expiring_within = self.expiring_within.map(|span| span.0);
        selection.unused_for = self.unused_for.map(|span| span.0);
        selection.name = self.name.clone();
        selection.never_expires = self.never_expires;
        selection
    }
}

/// A name glob.
fn glob_pattern(text: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(text).map_err(|error| error.to_string())
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
    pub token_id: ServiceTokenId,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cloudflare service-tokens create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The new token's name (not empty).
    #[arg(long, value_name = "NAME")]
    pub name: Name,

    /// How long the token is valid: a Go duration such as 8760h (Cloudflare's default, a year),
    /// 30m or 1h30m, or `forever`.
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<TokenDuration>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cloudflare service-tokens rotate` and `refresh`: account tokens only.
#[derive(Debug, Args)]
pub struct AccountTokenArgs {
    /// The account the token belongs to (32 lowercase hex characters) [env: CLOUDFLARE_ACCOUNT_ID].
    #[arg(long, value_name = "ID")]
    pub account_id: Option<AccountId>,

    /// The token's id (a UUID).
    #[arg(value_name = "TOKEN_ID")]
    pub token_id: ServiceTokenId,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub output: OutputArgs,
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

const LOGIN_HELP: &str = "\
Examples:
  # paste the token at the prompt (not echoed); verified, then kept in the OS keyring
  cloudflare auth login --account-id 023e105f4ecef8ad9ca31a8372d0c353

  # in a script: the token on standard input, as gh auth login --with-token
  cloudflare auth login --profile ci --with-token < token.txt

  # the legacy Global API key (prompted), for the account email
  cloudflare auth login --email ops@example.com

Without an OS keyring (a headless Linux box with no Secret Service), the credential is kept in
credentials.json in the folder of the profiles (CLOUDFLARE_CONFIG_DIR, else
~/.config/cloudflare-cli), readable by the user alone; the command says so.

Exit status: 0 verified and kept; 1 Cloudflare refused the credential (nothing kept); 2 usage
error (no credential given, a malformed one, a bad profile name).";

const STATUS_HELP: &str = "\
Which credential a command would use, and from where: a flag (--api-token-file, --profile), the
environment (CLOUDFLARE_API_TOKEN, CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY, CLOUDFLARE_PROFILE)
or the profile `default`; verified with Cloudflare (its status, expiry and days left), and the
account and zone commands default to.

Exit status: 0 the credential works; 1 it is invalid, not active or expired, or there is none;
2 usage error.";

/// `cloudflare auth`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Verify a credential (read from a prompt, standard input or a file) and keep it under a
    /// profile, in the OS keyring (else a file of the user alone).
    #[command(after_help = LOGIN_HELP)]
    Login(LoginArgs),
    /// The credential in use, where it comes from, and whether it works (exit 1 if not).
    #[command(after_help = STATUS_HELP)]
    Status {
        /// One JSON object instead of lines.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// Forget a profile: its credential (from the keyring or the file) and its defaults.
    Logout {
        /// The profile [env: CLOUDFLARE_PROFILE] (default: default).
        #[arg(long, value_name = "NAME")]
        profile: Option<ProfileName>,
    },
    /// Print the credential in use (the API token, or the Global API key) on stdout, for a tool
    /// that needs it: `wrangler`, `curl -H "Authorization: Bearer $(cloudflare auth token)"`.
    Token {
        #[command(flatten)]
        connection: ConnectionArgs,
    },
    /// The profiles kept, the one in use marked `*`.
    Profiles {
        /// One JSON object per profile and line.
        #[arg(long)]
        json: bool,
    },
}

/// `cloudflare auth login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Read the credential (the API token, or with --email the Global API key) from standard
    /// input, its first line, instead of a prompt.
    #[arg(long, conflicts_with = "api_token_file")]
    pub with_token: bool,

    /// Sign in with the legacy account email + Global API key instead of an API token.
    #[arg(long, value_name = "EMAIL", conflicts_with = "api_token_file")]
    pub email: Option<String>,

    /// The account commands use when no --account-id or CLOUDFLARE_ACCOUNT_ID gives one (and
    /// the account of an account-owned API token).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<AccountId>,

    /// The zone commands use when no --zone-id or CLOUDFLARE_ZONE_ID gives one.
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<ZoneId>,

    /// Keep the credential in a file of the user alone (0600) even where an OS keyring is.
    #[arg(long)]
    pub insecure_storage: bool,

    /// The profile to keep it under (`--profile`, default: default), and how to reach Cloudflare.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}
