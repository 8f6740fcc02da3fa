//! Where a command's settings come from, in this order: its flags (parsed and checked by clap),
//! then the environment, read here and only here (besides clap's `env` flags), then the profile
//! in use (`cloudflare auth login`). All of it runs before anything is sent.
//!
//! The credential: `--api-token-file` or `--profile`, else `CLOUDFLARE_API_TOKEN` (or
//! `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`), else the profile `CLOUDFLARE_PROFILE` names, else
//! the profile `default`. The account and zone: `--account-id`/`--zone-id`, else
//! `CLOUDFLARE_ACCOUNT_ID`/`CLOUDFLARE_ZONE_ID`, else the profile in use: the one `--profile` or
//! `CLOUDFLARE_PROFILE` names, else `default` when the credential is its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cloudflare_client::{AccountId, Client, Credentials, Scope};
use secrecy::ExposeSecret;

use crate::args::{ConnectionArgs, ScopeArgs};
use crate::auth::store::{Profile, Scheme, Storage, Store};
use crate::error::CliError;
use crate::output;
use crate::values::ProfileName;

pub const ACCOUNT_ENV: &str = "CLOUDFLARE_ACCOUNT_ID";
pub const ZONE_ENV: &str = "CLOUDFLARE_ZONE_ID";
pub const PROFILE_ENV: &str = "CLOUDFLARE_PROFILE";

/// A default id, if there is one, and where it comes from (`CLOUDFLARE_ACCOUNT_ID`, `profile NAME`).
pub type Found = Option<(String, String)>;

/// A variable of the command's environment; unset and empty are the same.
pub(crate) fn environment(name: &str) -> Option<String> {
    crate::context::current().var(name)
}

/// An account or zone id from its flag, else from the variable `name`, else from the profile
/// in use (as given: the operation's own shape checks it before anything is sent).
pub fn scope_value(flag: Option<&str>, name: &str, connection: &ConnectionArgs) -> Result<Option<String>, CliError> {
    match flag {
        Some(flag) => Ok(Some(flag.to_owned())),
        None => Ok(connection.default_id(name)?.map(|(value, _)| value)),
    }
}

/// The id in variable `name`, else the profile's; a malformed one is a usage error naming where
/// it comes from.
fn default_id<T: std::str::FromStr<Err = cloudflare_client::Error>>(
    name: &str,
    connection: &ConnectionArgs,
) -> Result<Option<T>, CliError> {
    connection
        .default_id(name)?
        .map(|(value, origin)| value.parse().map_err(|error| CliError::usage(format!("{origin}: {error}"))))
        .transpose()
}

impl ScopeArgs {
    /// The scope from the flags, else from CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID, else
    /// from the profile in use. A profile keeps an account and a zone both: a command that
    /// takes either uses the profile's account unless a flag or variable names the zone.
    pub fn resolve(&self, connection: &ConnectionArgs) -> Result<Scope, CliError> {
        let both = |origin: &str| {
            CliError::usage(format!(
                "both an account and a zone are given ({origin}): pass --account-id or --zone-id to choose"
            ))
        };
        match (&self.account_id, &self.zone_id) {
            (Some(_), Some(_)) => return Err(both("flags")),
            (Some(account), None) => return Ok(Scope::Account(account.clone())),
            (None, Some(zone)) => return Ok(Scope::Zone(zone.clone())),
            (None, None) => {}
        }
        let invalid = |origin: &str, error: cloudflare_client::Error| CliError::usage(format!("{origin}: {error}"));
        match connection.default_scope()? {
            (Some(_), Some(_)) => Err(both("environment")),
            (Some((account, origin)), None) => {
                account.parse().map(Scope::Account).map_err(|error| invalid(&origin, error))
            }
            (None, Some((zone, origin))) => zone.parse().map(Scope::Zone).map_err(|error| invalid(&origin, error)),
            (None, None) => Err(CliError::usage(
                "no scope: pass --account-id ID or --zone-id ID (or set CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_ZONE_ID, \
                 or `cloudflare auth login --account-id ID`)",
            )),
        }
    }
}

/// The account of a command that exists for account tokens only (rotate, refresh):
/// `--account-id`, else CLOUDFLARE_ACCOUNT_ID, else the profile's.
pub fn account(flag: Option<&AccountId>, command: &str, connection: &ConnectionArgs) -> Result<AccountId, CliError> {
    match flag {
        Some(account) => Ok(account.clone()),
        None => default_id(ACCOUNT_ENV, connection)?.ok_or_else(|| {
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
        let (credentials, _) = self.credentials()?;
        self.builder_with(credentials)
    }

    /// A builder with these flags and `credentials` (`auth login`'s, before they are kept).
    pub fn builder_with(&self, credentials: Credentials) -> Result<cloudflare_client::ClientBuilder, CliError> {
        let base_url = self.base_url()?;
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

/// Where the credential in use comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--api-token-file PATH`.
    TokenFile(PathBuf),
    /// The environment's variables (`CLOUDFLARE_API_TOKEN`, or the email and key).
    Environment(&'static str),
    /// A profile, and where its secret is.
    Profile { name: ProfileName, chosen_by: ChosenBy, storage: Storage, file: Option<PathBuf> },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TokenFile(path) => write!(f, "--api-token-file {}", path.display()),
            Self::Environment(names) => write!(f, "the environment ({names})"),
            Self::Profile { name, chosen_by, storage, file } => {
                write!(f, "profile {name} ({chosen_by}), in ")?;
                match (storage, file) {
                    (Storage::File, Some(file)) => write!(f, "{}", file.display()),
                    _ => f.write_str("the OS keyring"),
                }
            }
        }
    }
}

/// What chose the profile in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    Flag,
    Environment,
    /// None named: `default`.
    Default,
}

impl std::fmt::Display for ChosenBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Flag => "--profile",
            Self::Environment => PROFILE_ENV,
            Self::Default => "the default",
        })
    }
}

/// The profile in use: its name, what chose it, and its settings.
#[derive(Debug, Clone)]
pub struct InUse {
    pub name: ProfileName,
    pub chosen_by: ChosenBy,
    pub profile: Profile,
}

/// The variables of a credential; any of them set means the environment gives one.
const CREDENTIAL_VARIABLES: [&str; 3] =
    [cloudflare_client::API_TOKEN_ENV, cloudflare_client::EMAIL_ENV, cloudflare_client::API_KEY_ENV];

impl ConnectionArgs {
    /// The profile named by `--profile` or `CLOUDFLARE_PROFILE`, and what named it.
    pub fn named_profile(&self) -> Result<Option<(ProfileName, ChosenBy)>, CliError> {
        if let Some(name) = &self.profile {
            return Ok(Some((name.clone(), ChosenBy::Flag)));
        }
        environment(PROFILE_ENV)
            .map(|name| {
                name.parse::<ProfileName>()
                    .map(|name| (name, ChosenBy::Environment))
                    .map_err(|error| CliError::usage(format!("{PROFILE_ENV}: {error}")))
            })
            .transpose()
    }

    /// Whether a flag or the environment gives the credential (so `default` is not in use).
    fn credential_given(&self) -> bool {
        let context = crate::context::current();
        self.api_token_file.is_some() || CREDENTIAL_VARIABLES.iter().any(|name| context.is_set(name))
    }

    /// The profile in use: the one `--profile` or `CLOUDFLARE_PROFILE` names (which must
    /// exist), else `default` if there is one and no flag or variable gives the credential.
    pub fn profile_in_use(&self) -> Result<Option<InUse>, CliError> {
        let named = self.named_profile()?;
        if named.is_none() && self.credential_given() {
            return Ok(None);
        }
        let Some(store) = Store::open() else {
            return match named {
                Some((name, _)) => Err(no_profile(&name, "no configuration folder here (set CLOUDFLARE_CONFIG_DIR)")),
                None => Ok(None),
            };
        };
        let (name, chosen_by) = named.unwrap_or((ProfileName::default_profile(), ChosenBy::Default));
        match store.profile(&name)? {
            Some(profile) => Ok(Some(InUse { name, chosen_by, profile })),
            None if chosen_by == ChosenBy::Default => Ok(None),
            None => Err(no_profile(&name, &format!("it is not in {}", store.dir().display()))),
        }
    }

    /// The default id of variable `name` (`CLOUDFLARE_ACCOUNT_ID` or `CLOUDFLARE_ZONE_ID`): the
    /// variable, else the profile in use's; with where it comes from.
    pub fn default_id(&self, name: &str) -> Result<Found, CliError> {
        if let Some(value) = environment(name) {
            return Ok(Some((value, name.to_owned())));
        }
        let Some(in_use) = self.profile_in_use()? else { return Ok(None) };
        let value = match name {
            ACCOUNT_ENV => in_use.profile.account_id,
            ZONE_ENV => in_use.profile.zone_id,
            _ => None,
        };
        Ok(value.map(|value| (value, format!("profile {}", in_use.name))))
    }

    /// The default account and zone (with where each comes from) of a command that takes
    /// either, by no flag: each from [`ConnectionArgs::default_id`]. Of two found, a variable
    /// wins over the profile's default, and of the profile's two its account (its zone is for
    /// the commands of zones); both variables set are both kept, for the caller to refuse.
    pub fn default_scope(&self) -> Result<(Found, Found), CliError> {
        let (account, zone) = (self.default_id(ACCOUNT_ENV)?, self.default_id(ZONE_ENV)?);
        let from_variables = match (&account, &zone) {
            (Some((_, account)), Some((_, zone))) => (account == ACCOUNT_ENV, zone == ZONE_ENV),
            _ => return Ok((account, zone)),
        };
        Ok(match from_variables {
            (true, true) => (account, zone),
            (false, true) => (None, zone),
            _ => (account, None),
        })
    }

    /// The credential in use and where it comes from (see the module's order). Never from a
    /// flag's value.
    pub fn credentials(&self) -> Result<(Credentials, Source), CliError> {
        self.credential().map(|(credentials, source, _)| (credentials, source))
    }

    /// The secret of the credential in use (the API token, or the Global API key), for the one
    /// command that prints it (`auth token`).
    pub fn secret(&self) -> Result<secrecy::SecretString, CliError> {
        self.credential().map(|(_, _, secret)| secret)
    }

    /// [`ConnectionArgs::credentials`] with its secret, read once from where it is.
    fn credential(&self) -> Result<(Credentials, Source, secrecy::SecretString), CliError> {
        if let Some(path) = &self.api_token_file {
            let secret = token_file_secret(path)?;
            let credentials = Credentials::api_token(secret.expose_secret())
                .map_err(|error| CliError::usage(format!("--api-token-file {}: {error}", path.display())))?;
            return Ok((credentials, Source::TokenFile(path.clone()), secret));
        }
        if self.profile.is_none() && self.credential_given() {
            let context = crate::context::current();
            let credentials = Credentials::from_vars(|name| context.raw_var(name))?;
            let (names, variable) = match credentials.scheme() {
                "api_token" => (cloudflare_client::API_TOKEN_ENV, cloudflare_client::API_TOKEN_ENV),
                _ => ("CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY", cloudflare_client::API_KEY_ENV),
            };
            let secret = context
                .var(variable)
                .map(secrecy::SecretString::from)
                .ok_or_else(|| CliError::usage("no credential in the environment"))?;
            return Ok((credentials, Source::Environment(names), secret));
        }
        let Some(in_use) = self.profile_in_use()? else {
            // Nothing anywhere: the library's own error, which names the variables.
            let context = crate::context::current();
            return Err(match Credentials::from_vars(|name| context.raw_var(name)) {
                Err(error) => {
                    CliError::Api { error, note: Some("note: or sign in once with `cloudflare auth login`".to_owned()) }
                }
                Ok(_) => CliError::usage("no credentials"),
            });
        };
        let store = Store::open().ok_or_else(|| CliError::usage("no configuration folder here"))?;
        let secret = store.secret(&in_use.name, &in_use.profile)?;
        let credentials = match (in_use.profile.credential, &in_use.profile.email) {
            (Scheme::ApiToken, _) => Credentials::api_token(secret.expose_secret()),
            (Scheme::ApiKey, Some(email)) => Credentials::api_key(email.clone(), secret.expose_secret()),
            (Scheme::ApiKey, None) => {
                return Err(no_profile(&in_use.name, "its API key has no email: sign in again"));
            }
        }
        .map_err(|error| CliError::usage(format!("profile {}: {error}", in_use.name)))?;
        let file = (in_use.profile.storage == Storage::File).then(|| store.credentials_file());
        let source =
            Source::Profile { name: in_use.name, chosen_by: in_use.chosen_by, storage: in_use.profile.storage, file };
        Ok((credentials, source, secret))
    }
}

/// A profile named that cannot be used.
fn no_profile(name: &ProfileName, why: &str) -> CliError {
    CliError::usage(format!(
        "no profile {name}: {why}; `cloudflare auth profiles` lists them, `cloudflare auth login --profile {name}` \
         makes it"
    ))
}

/// The first line of the token file `path`, without the line ending an editor or `echo` adds.
pub(crate) fn token_file_secret(path: &Path) -> Result<secrecy::SecretString, CliError> {
    let text = read_token_file(path)
        .map_err(|error| CliError::usage(format!("reading --api-token-file {}: {error}", path.display())))?;
    warn_if_readable_by_others(path);
    let text = secrecy::SecretString::from(text);
    Ok(secrecy::SecretString::from(text.expose_secret().lines().next().unwrap_or_default().trim().to_owned()))
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
