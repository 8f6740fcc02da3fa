//! `cloudflare auth login | status | logout | token | profiles`: sign in once. A credential is
//! read from a prompt that does not echo, from standard input (`--with-token`) or a file
//! (`--api-token-file`), never from a flag's value; verified with Cloudflare before it is kept;
//! and kept under a profile ([`store`]) with the account and zone commands default to. Which
//! credential a command uses is decided in `config` (flag, environment, profile).

pub mod store;

use std::io::BufRead;
use std::process::ExitCode;

use chrono::Utc;
use cloudflare_client::hygiene::When;
use cloudflare_client::{Arguments, Client, Credentials};
use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::args::{AuthCommand, ConnectionArgs, LoginArgs};
use crate::config::{ChosenBy, Source};
use crate::error::CliError;
use crate::output;
use crate::values::ProfileName;
use store::{Profile, Scheme, Storage, Store};

/// The longest credential read from standard input (an API token has 40 characters).
const MAX_SECRET: u64 = 4096;
/// The accounts `login` lists, at most.
const ACCOUNTS_SHOWN: usize = 20;

/// Runs `command`.
pub async fn run(command: AuthCommand) -> Result<ExitCode, CliError> {
    match command {
        AuthCommand::Login(args) => login(args).await,
        AuthCommand::Status { json, connection } => status(&connection, json).await,
        AuthCommand::Logout { profile } => logout(profile),
        AuthCommand::Token { connection } => token(&connection),
        AuthCommand::Profiles { json } => profiles(json),
    }
}

/// What Cloudflare says of a credential.
#[derive(Debug)]
struct Verified {
    /// The token's id (none for an API key).
    id: Option<String>,
    /// `active`, `disabled`, `expired` (an API key that works is `active`).
    status: String,
    expires: When,
    /// The account whose own token it is.
    account_token: bool,
    /// The user's email (an API key's).
    email: Option<String>,
}

impl Verified {
    /// Why it cannot be used, if it cannot.
    fn unusable(&self) -> Option<String> {
        if self.status != "active" {
            return Some(format!("Cloudflare says it is {}", output::text(&self.status)));
        }
        match self.expires.time() {
            Some(time) if time <= Utc::now() => Some(format!("it expired on {}", self.expires)),
            _ => None,
        }
    }

    /// `2027-01-01T00:00:00Z (in 25 days)`, `never`.
    fn expiry(&self) -> String {
        match &self.expires {
            When::Absent => "never".to_owned(),
            When::At(time) => {
                let days = (*time - Utc::now()).num_days();
                let left = match days {
                    _ if *time <= Utc::now() => "expired".to_owned(),
                    0 => "today".to_owned(),
                    1 => "in 1 day".to_owned(),
                    days => format!("in {days} days"),
                };
                format!("{} ({left})", self.expires)
            }
            unreadable => unreadable.to_string(),
        }
    }

    fn days_left(&self) -> Option<i64> {
        self.expires.time().map(|time| (time - Utc::now()).num_days())
    }
}

/// Asks Cloudflare about `credentials` (sent by `client`): an API token at
/// `/user/tokens/verify` (an account's own at `/accounts/{account}/tokens/verify`, tried when
/// the user's refuses it and `account` is given, or first when `account_token`), an API key
/// at `/user`.
async fn verify(
    client: &Client,
    credentials: &Credentials,
    account: Option<&str>,
    account_token: bool,
) -> Result<Verified, CliError> {
    if credentials.scheme() == "api_key" {
        let user = client.invoke("user_user_details", &Arguments::new()).await?.result.into_json();
        return Ok(Verified {
            id: None,
            status: "active".to_owned(),
            expires: When::Absent,
            account_token: false,
            email: user["email"].as_str().map(str::to_owned),
        });
    }
    let of_account = |account: &str| {
        let mut arguments = Arguments::new();
        arguments.parameter("account_id", account);
        arguments
    };
    let answer = match (account, account_token) {
        (Some(account), true) => (client.invoke("verify_account_api_token", &of_account(account)).await?, true),
        (account, _) => match client.invoke("user_api_tokens_verify_token", &Arguments::new()).await {
            Ok(answer) => (answer, false),
            Err(error) => match account {
                // An account-owned token is not the user's: its account verifies it.
                Some(account) if error.status().is_some_and(|status| status.is_client_error()) => {
                    match client.invoke("verify_account_api_token", &of_account(account)).await {
                        Ok(answer) => (answer, true),
                        Err(_) => return Err(error.into()),
                    }
                }
                _ => return Err(error.into()),
            },
        },
    };
    let (answer, account_token) = answer;
    let result = answer.result.into_json();
    Ok(Verified {
        id: result["id"].as_str().map(str::to_owned),
        status: result["status"].as_str().unwrap_or("(no status)").to_owned(),
        expires: When::read(result.get("expires_on")),
        account_token,
        email: None,
    })
}

/// The secret `login` reads: from `--api-token-file`, standard input (`--with-token`) or a
/// prompt on the terminal that does not echo.
fn read_secret(args: &LoginArgs) -> Result<SecretString, CliError> {
    let what = if args.email.is_some() { "Global API key" } else { "API token" };
    if let Some(path) = &args.connection.api_token_file {
        return crate::config::token_file_secret(path);
    }
    let context = crate::context::current();
    let secret = if args.with_token {
        let mut line = String::new();
        std::io::Read::take(context.take_stdin(), MAX_SECRET)
            .read_line(&mut line)
            .map_err(|error| CliError::usage(format!("reading the {what} from standard input: {error}")))?;
        SecretString::from(line.trim().to_owned())
    } else if context.stdin_terminal() {
        let prompt = match &args.email {
            Some(email) => format!("Global API key of {} (not shown): ", output::text(email)),
            None => "Paste an API token (not shown; make one at https://dash.cloudflare.com/profile/api-tokens): "
                .to_owned(),
        };
        rpassword::prompt_password(prompt)
            .map(SecretString::from)
            .map_err(|error| CliError::usage(format!("reading the {what} from the terminal: {error}")))?
    } else {
        return Err(CliError::usage(format!(
            "standard input is not a terminal: pass --with-token to read the {what} from it (its first line), or \
             --api-token-file PATH; nothing was kept"
        )));
    };
    if secret.expose_secret().is_empty() {
        return Err(CliError::usage(format!("no {what} given: nothing was kept")));
    }
    Ok(secret)
}

/// `cloudflare auth login`.
async fn login(args: LoginArgs) -> Result<ExitCode, CliError> {
    let name = args.connection.profile.clone().unwrap_or_else(ProfileName::default_profile);
    let store = Store::open().ok_or_else(|| {
        CliError::usage("no configuration folder here (no home folder): set CLOUDFLARE_CONFIG_DIR to a folder")
    })?;
    let secret = read_secret(&args)?;
    let credentials = match &args.email {
        Some(email) => Credentials::api_key(email.clone(), secret.expose_secret()),
        None => Credentials::api_token(secret.expose_secret()),
    }
    .map_err(|error| CliError::usage(format!("{error}: nothing was kept")))?;
    let client = args.connection.builder_with(credentials.clone())?.build()?;
    let account = args.account_id.as_ref().map(ToString::to_string);
    let verified = verify(&client, &credentials, account.as_deref(), false).await.map_err(|error| match error {
        CliError::Api { error, .. } => CliError::Api {
            error,
            note: Some("note: Cloudflare did not take the credential: nothing was kept".to_owned()),
        },
        other => other,
    })?;
    if let Some(why) = verified.unusable() {
        return Err(CliError::Incomplete(format!("the credential cannot be used: {why}; nothing was kept")));
    }
    let mut lines = vec![format!("profile     {name}")];
    match &args.email {
        Some(email) => lines.push(format!("credential  Global API key of {}", output::text(email))),
        None => {
            let owner = if verified.account_token { "account API token" } else { "API token" };
            lines.push(format!("credential  {owner} {}", output::text(verified.id.as_deref().unwrap_or("-"))));
            lines.push(format!("status      {}", output::text(&verified.status)));
            lines.push(format!("expires     {}", verified.expiry()));
        }
    }
    lines.extend(accounts(&client, args.account_id.as_ref()).await);
    let profile = Profile {
        credential: if args.email.is_some() { Scheme::ApiKey } else { Scheme::ApiToken },
        storage: Storage::Keyring,
        email: args.email.clone(),
        account_token: verified.account_token,
        account_id: account,
        zone_id: args.zone_id.as_ref().map(ToString::to_string),
        token_id: verified.id.clone(),
        expires_on: verified.expires.time().map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        saved_on: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let saved = store.save(&name, profile, &secret, args.insecure_storage)?;
    lines.push(match (&saved.storage, &saved.file) {
        (Storage::File, Some(file)) => format!("kept in     {} (readable by you alone)", file.display()),
        _ => "kept in     the OS keyring".to_owned(),
    });
    crate::api::print_lines(lines)?;
    if let Some(why) = &saved.why_not_keyring {
        let file = saved.file.as_deref().map_or_else(|| "a file".to_owned(), |file| file.display().to_string());
        crate::say!(
            "note: no OS keyring to keep it in ({}): it is in {file}, readable by you alone; --insecure-storage says \
             so outright",
            output::text(why)
        );
    }
    let context = crate::context::current();
    if let Some(variable) =
        [cloudflare_client::API_TOKEN_ENV, cloudflare_client::API_KEY_ENV].into_iter().find(|name| context.is_set(name))
    {
        crate::say!("note: {variable} is set, and wins over a profile: unset it to use this one");
    }
    crate::say!("logged in: commands use profile {name} when no other credential is given");
    Ok(ExitCode::SUCCESS)
}

/// The accounts the credential can see, as lines (`account     NAME ID`), and whether
/// `account` is among them.
async fn accounts(client: &Client, account: Option<&cloudflare_client::AccountId>) -> Vec<String> {
    let arguments = Arguments::new();
    let mut items = Box::pin(client.invoke_items("accounts_list_accounts", &arguments));
    let mut seen = Vec::new();
    let mut total = 0usize;
    let mut failed = None;
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => {
                total += 1;
                seen.push((
                    item["id"].as_str().unwrap_or("-").to_owned(),
                    item["name"].as_str().unwrap_or("-").to_owned(),
                ));
            }
            Err(error) => {
                failed = Some(error);
                break;
            }
        }
    }
    let mut lines: Vec<String> = seen
        .iter()
        .take(ACCOUNTS_SHOWN)
        .map(|(id, name)| format!("account     {}  {}", output::text(id), output::text(name)))
        .collect();
    if total > ACCOUNTS_SHOWN {
        lines.push(format!("account     ... and {} more", total - ACCOUNTS_SHOWN));
    }
    match failed {
        Some(error) => lines.push(format!(
            "account     (not listed: {})",
            output::text(error.status().map(|status| status.to_string()).as_deref().unwrap_or("no answer"))
        )),
        None if seen.is_empty() => lines.push("account     (none visible to this credential)".to_owned()),
        None => {
            if let Some(account) = account.map(ToString::to_string)
                && !seen.iter().any(|(id, _)| *id == account)
            {
                crate::say!("warning: account {account} is not among the accounts this credential can see");
            }
        }
    }
    lines
}

/// `cloudflare auth status`.
async fn status(connection: &ConnectionArgs, json: bool) -> Result<ExitCode, CliError> {
    let (credentials, source) = match connection.credentials() {
        Ok(found) => found,
        // No credential anywhere, or a malformed one, is a state to report: exit 1. A profile
        // named that does not exist, or a corrupted store, stays a usage error (2).
        Err(error @ CliError::Api { .. }) => {
            error.report();
            crate::say!("not logged in: run `cloudflare auth login`, or set CLOUDFLARE_API_TOKEN");
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error),
    };
    let in_use = connection.profile_in_use()?;
    let account_token =
        in_use.as_ref().is_some_and(|in_use| in_use.profile.account_token) && matches!(source, Source::Profile { .. });
    let account = connection.default_id(crate::config::ACCOUNT_ENV)?;
    let zone = connection.default_id(crate::config::ZONE_ENV)?;
    let client = connection.builder_with(credentials.clone())?.build()?;
    let verified = verify(&client, &credentials, account.as_ref().map(|(id, _)| id.as_str()), account_token).await;
    let default = |found: &Option<(String, String)>| match found {
        Some((id, origin)) => format!("{} (from {})", output::text(id), output::text(origin)),
        None => "none".to_owned(),
    };
    let scheme = if credentials.scheme() == "api_key" { "Global API key" } else { "API token" };
    let ignored = ignored_variables(&source);
    match &verified {
        Ok(verified) if json => {
            let (id, origin) = account.clone().unzip();
            let (zone_id, zone_origin) = zone.clone().unzip();
            let object = json!({
                "credential": credentials.scheme(),
                "source": source_json(&source),
                "token_id": verified.id,
                "status": verified.status,
                "account_token": verified.account_token,
                "email": verified.email,
                "expires_on": verified.expires.time().map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                "days_left": verified.days_left(),
                "account_id": id, "account_id_from": origin,
                "zone_id": zone_id, "zone_id_from": zone_origin,
                "usable": verified.unusable().is_none(),
            });
            crate::api::print_lines([object.to_string()])?;
        }
        Ok(verified) => {
            let mut lines = vec![format!("credential  {scheme}, from {}", output::text(&source.to_string()))];
            if let Some(id) = &verified.id {
                let owner = if verified.account_token { " (an account's own)" } else { "" };
                lines.push(format!("token       {}{owner}", output::text(id)));
            }
            if let Some(email) = &verified.email {
                lines.push(format!("email       {}", output::text(email)));
            }
            lines.push(format!("status      {}", output::text(&verified.status)));
            lines.push(format!("expires     {}", verified.expiry()));
            lines.push(format!("account     {}", default(&account)));
            lines.push(format!("zone        {}", default(&zone)));
            crate::api::print_lines(lines)?;
        }
        Err(_) => {
            crate::say!("credential  {scheme}, from {source}");
        }
    }
    for variable in ignored {
        crate::say!("note: {variable} is set but not used: {source} comes first");
    }
    match verified {
        Err(error) => Err(error),
        Ok(verified) => match verified.unusable() {
            Some(why) => Err(CliError::Incomplete(format!("the credential in use cannot be used: {why}"))),
            None => Ok(ExitCode::SUCCESS),
        },
    }
}

/// The variables of a credential that are set but lose to `source`.
fn ignored_variables(source: &Source) -> Vec<&'static str> {
    let context = crate::context::current();
    let variables = [cloudflare_client::API_TOKEN_ENV, cloudflare_client::EMAIL_ENV, cloudflare_client::API_KEY_ENV];
    match source {
        Source::Environment(_) => Vec::new(),
        _ => variables.into_iter().filter(|name| context.is_set(name)).collect(),
    }
}

fn source_json(source: &Source) -> Value {
    match source {
        Source::TokenFile(path) => json!({ "from": "api_token_file", "path": path.display().to_string() }),
        Source::Environment(names) => json!({ "from": "environment", "variables": names }),
        Source::Profile { name, chosen_by, storage, file } => json!({
            "from": "profile",
            "profile": name.as_str(),
            "chosen_by": match chosen_by { ChosenBy::Flag => "flag", ChosenBy::Environment => "environment", ChosenBy::Default => "default" },
            "storage": match storage { Storage::Keyring => "keyring", Storage::File => "file" },
            "file": file.as_ref().map(|file| file.display().to_string()),
        }),
    }
}

/// `cloudflare auth logout`.
fn logout(profile: Option<ProfileName>) -> Result<ExitCode, CliError> {
    let connection_profile = match profile {
        Some(name) => name,
        None => match crate::config::environment(crate::config::PROFILE_ENV) {
            Some(name) => {
                name.parse().map_err(|error| CliError::usage(format!("{}: {error}", crate::config::PROFILE_ENV)))?
            }
            None => ProfileName::default_profile(),
        },
    };
    let name = connection_profile;
    let Some(store) = Store::open() else {
        return Err(CliError::Incomplete(format!("not logged in: no profile {name}")));
    };
    match store.remove(&name)? {
        Some(profile) => {
            let place = match profile.storage {
                Storage::Keyring => "the OS keyring".to_owned(),
                Storage::File => store.credentials_file().display().to_string(),
            };
            crate::say!("logged out of profile {name}: its credential is gone from {place}");
            if profile.credential == Scheme::ApiToken {
                crate::say!(
                    "note: the token itself still works until it expires or is deleted (`cloudflare api-tokens delete \
                     {}`)",
                    profile.token_id.as_deref().map_or("ID".to_owned(), |id| output::text(id).into_owned())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        None => Err(CliError::Incomplete(format!(
            "not logged in: no profile {name} in {} (`cloudflare auth profiles` lists them)",
            store.dir().display()
        ))),
    }
}

/// `cloudflare auth token`: the one command that prints the credential in use.
fn token(connection: &ConnectionArgs) -> Result<ExitCode, CliError> {
    let secret = connection.secret()?;
    // Not through the redacting output: printing it is what was asked.
    match crate::context::current().write_raw(format!("{}\n", secret.expose_secret()).as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Output(format!("writing the output: {error}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `cloudflare auth profiles`.
fn profiles(json: bool) -> Result<ExitCode, CliError> {
    let Some(store) = Store::open() else {
        crate::say!("no profiles: no configuration folder here (set CLOUDFLARE_CONFIG_DIR)");
        return Ok(ExitCode::SUCCESS);
    };
    let named = crate::config::environment(crate::config::PROFILE_ENV);
    let in_use = named.unwrap_or_else(|| "default".to_owned());
    let items: Vec<Value> = store
        .profiles()?
        .into_iter()
        .map(|(name, profile)| {
            json!({
                "profile": name.as_str(),
                "in_use": name.as_str() == in_use,
                "credential": match profile.credential { Scheme::ApiToken if profile.account_token => "account_api_token", Scheme::ApiToken => "api_token", Scheme::ApiKey => "api_key" },
                "email": profile.email,
                "storage": match profile.storage { Storage::Keyring => "keyring", Storage::File => "file" },
                "account_id": profile.account_id,
                "zone_id": profile.zone_id,
                "token_id": profile.token_id,
                "expires_on": profile.expires_on,
            })
        })
        .collect();
    if json {
        crate::api::print_lines(items.iter().map(Value::to_string))?;
    } else if items.is_empty() {
        crate::say!("no profiles in {}: `cloudflare auth login` makes one", store.dir().display());
    } else {
        let rows: Vec<Value> = items
            .into_iter()
            .map(|mut item| {
                let marker = if item["in_use"] == true { "* " } else { "  " };
                item["profile"] = json!(format!("{marker}{}", item["profile"].as_str().unwrap_or_default()));
                item
            })
            .collect();
        let columns: Vec<String> =
            ["profile", "credential", "storage", "account_id", "zone_id", "expires_on"].map(str::to_owned).to_vec();
        let _closed = output::write(&crate::api::table::render(&rows, &columns, Utc::now()));
    }
    Ok(ExitCode::SUCCESS)
}
