//! Deletes one Zero Trust Access service token.
//!
//! ```text
//! cargo run -p cloudflare-client --example delete_service_token -- --account-id ID TOKEN_ID
//! cargo run -p cloudflare-client --example delete_service_token -- --zone-id ID TOKEN_ID
//! ```
//!
//! With credentials in the environment (`CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` +
//! `CLOUDFLARE_API_KEY`; `CLOUDFLARE_BASE_URL` optional) it deletes the token at Cloudflare.
//! With none, it runs against an embedded mock of the API built from `cloudflare-mock`, and
//! says so. Exit status: 0 deleted, 1 Cloudflare refused or failed, 2 bad arguments or
//! configuration (nothing sent).

use std::process::ExitCode;

use clap::Parser;
use cloudflare_client::{Client, Credentials, CredentialsError, Error, Scope, ServiceToken, ServiceTokenId};
use cloudflare_mock::access::MockServerExt;
use httpmock::MockServer;

#[derive(Debug, Parser)]
#[command(about = "Delete a Cloudflare Access service token", after_help = ENVIRONMENT)]
struct Args {
    /// The account the token belongs to (32 lowercase hex characters).
    #[arg(long, value_name = "ID", required_unless_present = "zone_id", conflicts_with = "zone_id")]
    account_id: Option<String>,
    /// The zone the token belongs to, for zone-level tokens (32 lowercase hex characters).
    #[arg(long, value_name = "ID")]
    zone_id: Option<String>,
    /// The service token's id (a UUID).
    token_id: String,
}

const ENVIRONMENT: &str = "Environment:
  CLOUDFLARE_API_TOKEN                    API token (preferred)
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   legacy email + Global API key
  CLOUDFLARE_BASE_URL                     API root (default https://api.cloudflare.com/client/v4)
Without credentials the example runs against an embedded mock of the API.";

/// What failed: usage and configuration (nothing sent) exit 2, everything else 1.
fn exit_code(error: &Error) -> ExitCode {
    ExitCode::from(if error.is_invalid_input() { 2 } else { 1 })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            exit_code(&error)
        }
    }
}

async fn run(args: &Args) -> Result<(), Error> {
    let scope = match (&args.account_id, &args.zone_id) {
        (Some(account), _) => Scope::Account(account.parse()?),
        (None, Some(zone)) => Scope::Zone(zone.parse()?),
        (None, None) => unreachable!("clap requires --account-id or --zone-id"),
    };
    let token_id: ServiceTokenId = args.token_id.parse()?;

    let token = match Client::from_env() {
        Ok(client) => client.delete_service_token(&scope, &token_id).await?,
        Err(Error::Credentials(CredentialsError::Missing)) => {
            eprintln!(
                "note: no Cloudflare credentials in the environment (CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL \
                 + CLOUDFLARE_API_KEY): running against an embedded mock of the API; nothing is deleted at Cloudflare"
            );
            delete_on_embedded_mock(&scope, &token_id).await?
        }
        Err(error) => return Err(error),
    };
    println!("{}", describe(&token, &scope));
    Ok(())
}

/// The delete against an in-process mock of the API that answers like Cloudflare, but only
/// for this scope and token, and only with the credentials the example gives it.
async fn delete_on_embedded_mock(scope: &Scope, token_id: &ServiceTokenId) -> Result<ServiceToken, Error> {
    const MOCK_TOKEN: &str = "embedded-mock-token";
    let server = MockServer::start_async().await;
    let deleted: cloudflare_client::access::types::ServiceTokenResponse = serde_json::from_value(serde_json::json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": {
            "id": token_id.to_string(),
            "name": "example token (embedded mock)",
            "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
            "duration": "8760h",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "expires_at": "2027-01-01T00:00:00Z"
        }
    }))
    .expect("the mock's answer matches the spec");
    let bearer = format!("Bearer {MOCK_TOKEN}");
    let uuid = token_id.as_uuid();
    match scope {
        Scope::Account(account) => server.delete_account_service_token(|when, then| {
            when.account_id(account.as_identifier())
                .service_token_id(&uuid)
                .into_inner()
                .header("authorization", &bearer);
            then.ok(&deleted);
        }),
        Scope::Zone(zone) => server.delete_zone_service_token(|when, then| {
            when.zone_id(zone.as_identifier()).service_token_id(&uuid).into_inner().header("authorization", &bearer);
            then.ok(&deleted);
        }),
    };
    let client =
        Client::builder().credentials(Credentials::api_token(MOCK_TOKEN)?).base_url(server.base_url()).build()?;
    client.delete_service_token(scope, token_id).await
}

fn describe(token: &ServiceToken, scope: &Scope) -> String {
    let mut line = format!("deleted service token {}", token.id.as_deref().unwrap_or("(no id returned)"));
    if let Some(name) = &token.name {
        line += &format!(" {name:?}");
    }
    if let Some(client_id) = &token.client_id {
        line += &format!(" (client id {client_id})");
    }
    line += &format!(" from {scope}");
    if let Some(expires_at) = &token.expires_at {
        line += &format!(", was due to expire {expires_at}");
    }
    line
}
