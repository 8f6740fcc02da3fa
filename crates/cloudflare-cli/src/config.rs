//! Where a command's settings come from: its flags (parsed and checked by clap), then the
//! environment, read here and only here (besides clap's `env` flags and the library's
//! `Credentials::from_env`), and the API token file. All of it runs before anything is sent.

use std::path::Path;
use std::time::Duration;

use cloudflare_client::{AccountId, Client, Credentials, Scope};

use crate::args::{ConnectionArgs, ScopeArgs};
use crate::error::CliError;
use crate::output;

pub const ACCOUNT_ENV: &str = "CLOUDFLARE_ACCOUNT_ID";
pub const ZONE_ENV: &str = "CLOUDFLARE_ZONE_ID";

/// A variable of the command's environment; unset and empty are the same.
pub(crate) fn environment(name: &str) -> Option<String> {
    crate::context::current().var(name)
}

/// An account or zone id from its flag, else from the variable `name` (as given: the
/// operation's own shape checks it before anything is sent).
pub fn scope_value(flag: Option<&str>, name: &str) -> Result<Option<String>, CliError> {
    Ok(flag.map(str::to_owned).or_else(|| environment(name)))
}

/// The id in variable `name`, if set; a malformed one is a usage error naming the variable.
fn id_from_environment<T: std::str::FromStr<Err = cloudflare_client::Error>>(
    name: &str,
) -> Result<Option<T>, CliError> {
    environment(name)
        .map(|value| value.parse().map_err(|error| CliError::usage(format!("{name}: {error}"))))
        .transpose()
}

impl ScopeArgs {
    /// The scope from the flags, else from CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID.
    pub fn resolve(&self) -> Result<Scope, CliError> {
        let (account, zone, origin) = match (&self.account_id, &self.zone_id) {
            (None, None) => (id_from_environment(ACCOUNT_ENV)?, id_from_environment(ZONE_ENV)?, "environment"),
            (account, zone) => (account.clone(), zone.clone(), "flags"),
        };
        match (account, zone) {
            (Some(account), None) => Ok(Scope::Account(account)),
            (None, Some(zone)) => Ok(Scope::Zone(zone)),
            (Some(_), Some(_)) => Err(CliError::usage(format!(
                "both an account and a zone are given ({origin}): pass --account-id or --zone-id to choose"
            ))),
            (None, None) => Err(CliError::usage(
                "no scope: pass --account-id ID or --zone-id ID (or set CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID)",
            )),
        }
    }
}

/// The account of a command that exists for account tokens only (rotate, refresh):
/// `--account-id`, else CLOUDFLARE_ACCOUNT_ID.
pub fn account(flag: Option<&AccountId>, command: &str) -> Result<AccountId, CliError> {
    match flag {
        Some(account) => Ok(account.clone()),
        None => id_from_environment(ACCOUNT_ENV)?.ok_or_else(|| {
            CliError::usage(format!(
                "no account: pass --account-id ID (or set CLOUDFLARE_ACCOUNT_ID); {command} exists for account tokens"
            ))
        }),
    }
}

/// The variable of the API root.
const BASE_URL_ENV: &str = "CLOUDFLARE_BASE_URL";

impl ConnectionArgs {
    /// The API root: `--base-url`, else CLOUDFLARE_BASE_URL, else none (the production API).
    /// A variable set to nothing is refused: it would silently mean the production API.
    pub fn base_url(&self) -> Result<Option<String>, CliError> {
        if let Some(flag) = &self.base_url {
            return Ok(Some(flag.clone()));
        }
        let context = crate::context::current();
        match context.raw_var(BASE_URL_ENV) {
            Some(value) if value.trim().is_empty() => Err(CliError::usage(format!(
                "{BASE_URL_ENV} is empty; leave --base-url and {BASE_URL_ENV} out to use the production API"
            ))),
            value => Ok(value),
        }
    }

    /// A client from the credentials (the token file, else the environment) and these flags.
    pub fn client(&self) -> Result<Client, CliError> {
        Ok(self.builder()?.build()?)
    }

    /// [`ConnectionArgs::client`]'s builder, for a command that sets more.
    pub fn builder(&self) -> Result<cloudflare_client::ClientBuilder, CliError> {
        let base_url = self.base_url()?;
        let credentials = credentials(self.api_token_file.as_deref())?;
        output::protect(&credentials);
        let mut builder = Client::builder();
        builder
            .credentials(credentials)
            .max_retries(self.max_retries)
            .timeout(Duration::from_secs(self.timeout))
            .connect_timeout(Duration::from_secs(self.timeout.min(5)))
            // A quiet command must say why: requests are held for Cloudflare's rate limit.
            .on_wait({
                // The command's own stderr, wherever the wait is noticed.
                let context = crate::context::current();
                move |wait| context.write_err(&format!("{}\n", waiting(wait)))
            });
        if let Some(base_url) = base_url.as_deref() {
            builder.base_url(base_url);
        }
        Ok(builder)
    }
}

/// What a command says on stderr while its requests are held.
fn waiting(wait: cloudflare_client::Wait) -> String {
    let why = match wait.reason {
        cloudflare_client::WaitReason::Ratelimit => "Cloudflare's rate-limit window is used up (its Ratelimit header)",
        _ => "Cloudflare answered 429 Too Many Requests (its Retry-After)",
    };
    format!(
        "waiting {}: {why}; nothing is sent until then (Ctrl-C stops waiting)",
        crate::service_tokens::bulk::wait(Some(wait.duration))
    )
}

/// Credentials from `--api-token-file`, else from the environment. Never from a flag's value.
fn credentials(token_file: Option<&Path>) -> Result<Credentials, CliError> {
    let Some(path) = token_file else {
        let context = crate::context::current();
        return Ok(Credentials::from_vars(|name| context.raw_var(name))?);
    };
    let text = read_token_file(path)
        .map_err(|error| CliError::usage(format!("reading --api-token-file {}: {error}", path.display())))?;
    warn_if_readable_by_others(path);
    // The first line, without the line ending an editor or `echo` adds.
    let token = text.lines().next().unwrap_or_default().trim();
    Credentials::api_token(token)
        .map_err(|error| CliError::usage(format!("--api-token-file {}: {error}", path.display())))
}

/// The longest token file read: an API token is 40 characters; a path such as /dev/zero must
/// not be read until memory runs out.
const MAX_TOKEN_FILE: u64 = 4096;

fn read_token_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_TOKEN_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(std::io::Error::other(format!("longer than {MAX_TOKEN_FILE} bytes: not an API token")));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not text: not an API token"))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        crate::say!("warning: {} is readable by other users; consider `chmod 600`", path.display());
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}
