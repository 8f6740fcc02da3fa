//! `cloudflare auth`: a credential read without echo or from standard input, verified with
//! Cloudflare before it is kept, kept in the OS keyring (keyring-core's mock store here, in
//! process) under a profile with its account and zone; then used by every command when no flag
//! or variable gives one; never shown but by `auth token`. The file store, where there is no
//! keyring, is tested end to end with the binary (its permissions) in `auth_file.rs`.

use crate::support;
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use httpmock::{Method, MockServer};
use keyring_core::CredentialStore;
use serde_json::{Value, json};
use support::Command;

const TOKEN: &str = "auth_S3CRET_token_of_default_0123456789";
const OTHER: &str = "auth_S3CRET_token_of_other_01234567890";
const FROM_ENV: &str = "auth_S3CRET_token_of_the_environment_0";
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const OTHER_ACCOUNT: &str = "99999999999999999999999999999999";
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c354";
const TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";

fn at(days: i64) -> String {
    (Utc::now() + Duration::days(days) + Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn envelope(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// Cloudflare as far as `auth` asks it: each of `tokens` verifies (active, expiring in 30
/// days) only with its own bearer, `/accounts` lists one account, and the account's service
/// tokens answer an empty list.
fn fake<'a>(server: &'a MockServer, tokens: &[&str]) -> Vec<httpmock::Mock<'a>> {
    let mut mocks: Vec<_> = tokens
        .iter()
        .map(|token| {
            server.mock(|when, then| {
                when.method(Method::GET).path("/user/tokens/verify").header("authorization", format!("Bearer {token}"));
                then.status(200).json_body(envelope(
                    json!({ "id": TOKEN_ID, "status": "active", "expires_on": at(30), "not_before": null }),
                ));
            })
        })
        .collect();
    mocks.push(server.mock(|when, then| {
        when.method(Method::GET).path("/accounts");
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [],
            "result": [{ "id": ACCOUNT, "name": "Example Corp", "settings": {} }],
            "result_info": { "page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1 } }));
    }));
    mocks
}

/// `cloudflare` against `server`, with profiles in `dir` and `keyring` as the OS keyring, and
/// no credential in the environment.
fn cloudflare(server: &MockServer, dir: &Path, keyring: &Arc<CredentialStore>) -> Command {
    let mut command = Command::cloudflare();
    command
        .env("CLOUDFLARE_BASE_URL", server.base_url())
        .env("CLOUDFLARE_CONFIG_DIR", dir.display().to_string())
        .keyring(keyring);
    command
}

fn keyring() -> Arc<CredentialStore> {
    keyring_core::mock::Store::new().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Its exit status, stdout and stderr; none of them holds a secret.
fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    for secret in [TOKEN, OTHER, FROM_ENV] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret), "a secret shown:\n{stdout}\n{stderr}");
    }
    (output.status.code().unwrap(), stdout, stderr)
}

/// `auth login --with-token` of `token` under `profile`, with `flags`.
fn login(
    server: &MockServer,
    dir: &Path,
    keyring: &Arc<CredentialStore>,
    profile: &str,
    token: &str,
    flags: &[&str],
) -> (i32, String, String) {
    run(cloudflare(server, dir, keyring)
        .args(["auth", "login", "--with-token", "--profile", profile])
        .args(flags)
        .write_stdin(format!("{token}\n")))
}

/// The files of the store's folder, as one text.
fn files(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
        .collect()
}

/// The secret the keyring holds for `profile`.
fn in_keyring(keyring: &Arc<CredentialStore>, dir: &Path, profile: &str) -> keyring_core::Result<String> {
    let store: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("profiles.json")).unwrap()).unwrap();
    let user = format!("{profile}/{}", store["store_id"].as_str().unwrap());
    keyring_core::Entry::new_in_store(keyring, "cloudflare-cli", &user)?.get_password()
}

#[test]
fn login_verifies_keeps_in_the_keyring_and_commands_then_need_no_environment() {
    let server = MockServer::start();
    let mocks = fake(&server, &[TOKEN]);
    let listed = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/accounts/{ACCOUNT}/access/service_tokens"))
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(envelope(json!([])));
    });
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();

    let (code, stdout, stderr) =
        login(&server, dir.path(), &keyring, "default", TOKEN, &["--account-id", ACCOUNT, "--zone-id", ZONE]);
    assert_eq!(code, 0, "{stderr}");
    for shown in ["profile     default", TOKEN_ID, "status      active", "(in 30 days)", "Example Corp", "OS keyring"] {
        assert!(stdout.contains(shown), "{shown} not in {stdout}");
    }
    assert!(stderr.contains("logged in"), "{stderr}");
    mocks[0].assert_calls(1);
    assert_eq!(in_keyring(&keyring, dir.path(), "default").unwrap(), TOKEN);
    assert!(!files(dir.path()).contains(TOKEN), "the token is in the keyring alone");
    assert!(!dir.path().join("credentials.json").exists());

    // A command with no credential, account or zone in its environment: the profile's.
    let (code, stdout, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["service-tokens", "list"]));
    assert_eq!((code, stdout.lines().count()), (0, 1), "the table's header alone: {stdout}{stderr}");
    assert!(stderr.contains(&format!("listed 0 of 0 service token(s) in account {ACCOUNT}")), "{stderr}");
    listed.assert_calls(1);

    // `cloudflare api` too, and its dry run names the profile's account, never the token.
    let (code, stdout, stderr) =
        run(cloudflare(&server, dir.path(), &keyring).args(["api", "list_account_service_tokens", "--dry-run"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!("/accounts/{ACCOUNT}/access/service_tokens")) && !stdout.contains(TOKEN),
        "{stdout}"
    );
    let (code, stdout, _) =
        run(cloudflare(&server, dir.path(), &keyring).args(["api", "list_account_service_tokens", "-i"]));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("HTTP 200") && !stdout.contains(TOKEN), "{stdout}");
    listed.assert_calls(2);
    let (code, stdout, _) =
        run(cloudflare(&server, dir.path(), &keyring).args(["api", "list_zone_service_tokens", "--dry-run"]));
    assert_eq!(code, 0);
    assert!(stdout.contains(&format!("/zones/{ZONE}/access/service_tokens")), "{stdout}");

    let (code, stdout, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "status"]));
    assert_eq!(code, 0, "{stderr}");
    for shown in [
        "API token, from profile default (the default), in the OS keyring",
        TOKEN_ID,
        "(in 30 days)",
        &format!("account     {ACCOUNT} (from profile default)"),
        &format!("zone        {ZONE} (from profile default)"),
    ] {
        assert!(stdout.contains(shown), "{shown} not in {stdout}");
    }
    let (code, stdout, _) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "status", "--json"]));
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (&status["source"]["from"], &status["source"]["storage"], &status["days_left"], &status["usable"]),
        (&json!("profile"), &json!("keyring"), &json!(30), &json!(true))
    );

    // `auth token` alone prints it.
    let output = cloudflare(&server, dir.path(), &keyring).args(["auth", "token"]).output().unwrap();
    assert_eq!((output.status.code(), text(&output.stdout)), (Some(0), format!("{TOKEN}\n")));

    let (code, stdout, _) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "profiles"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("* default") && stdout.contains(ACCOUNT) && stdout.contains("keyring"), "{stdout}");

    let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "logout"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("logged out of profile default") && stderr.contains(TOKEN_ID), "{stderr}");
    assert!(matches!(in_keyring(&keyring, dir.path(), "default"), Err(keyring_core::Error::NoEntry)));
    let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "status"]));
    assert_eq!(code, 1, "not logged in: {stderr}");
    assert!(stderr.contains("cloudflare auth login"), "{stderr}");
    let (code, _, _) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "logout"]));
    assert_eq!(code, 1, "nothing to log out of");
    let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["service-tokens", "list"]));
    assert_eq!(code, 2, "{stderr}");
    listed.assert_calls(2);
}

#[test]
fn flags_then_environment_then_the_profile() {
    let server = MockServer::start();
    let _mocks = fake(&server, &[TOKEN, OTHER, FROM_ENV]);
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    assert_eq!(login(&server, dir.path(), &keyring, "default", TOKEN, &["--account-id", ACCOUNT]).0, 0);
    assert_eq!(login(&server, dir.path(), &keyring, "other", OTHER, &["--account-id", OTHER_ACCOUNT]).0, 0);
    // Which token and which account a command with `environment` and `flags` uses.
    let used = |environment: &[(&str, &str)], flags: &[&str]| -> (String, String) {
        let mut command = cloudflare(&server, dir.path(), &keyring);
        for (name, value) in environment {
            command.env(*name, *value);
        }
        let mut token = command.clone();
        let (code, dry, stderr) = run(command.args(["api", "list_account_service_tokens", "--dry-run"]).args(flags));
        assert_eq!(code, 0, "{stderr}");
        let output = token.args(["auth", "token"]).args(flags).output().unwrap();
        (text(&output.stdout).trim().to_owned(), dry)
    };
    let base = || cloudflare(&server, dir.path(), &keyring);
    let url = |account: &str| format!("/accounts/{account}/access/service_tokens");

    // Nothing given: the profile `default`, its account.
    let (token, dry) = used(&[], &[]);
    assert!(token == TOKEN && dry.contains(&url(ACCOUNT)), "{dry}");
    // The environment's account wins over the profile's; its token over the profile `default`
    // (whose account is then not used: it goes with its own credential).
    let (token, dry) = used(&[("CLOUDFLARE_ACCOUNT_ID", OTHER_ACCOUNT)], &[]);
    assert!(token == TOKEN && dry.contains(&url(OTHER_ACCOUNT)), "{dry}");
    let (token, dry) = used(&[("CLOUDFLARE_API_TOKEN", FROM_ENV), ("CLOUDFLARE_ACCOUNT_ID", OTHER_ACCOUNT)], &[]);
    assert!(token == FROM_ENV && dry.contains(&url(OTHER_ACCOUNT)), "{dry}");
    let (code, _, stderr) = run(base().env("CLOUDFLARE_API_TOKEN", FROM_ENV).args(["service-tokens", "list"]));
    assert!(code == 2 && stderr.contains("no scope"), "{stderr}");
    // CLOUDFLARE_PROFILE chooses the profile; --profile wins over it and over the token variable.
    let (token, dry) = used(&[("CLOUDFLARE_PROFILE", "other")], &[]);
    assert!(token == OTHER && dry.contains(&url(OTHER_ACCOUNT)), "{dry}");
    let (token, dry) = used(&[("CLOUDFLARE_PROFILE", "other")], &["--profile", "default"]);
    assert!(token == TOKEN && dry.contains(&url(ACCOUNT)), "{dry}");
    let (token, dry) = used(&[("CLOUDFLARE_API_TOKEN", FROM_ENV)], &["--profile", "other"]);
    assert!(token == OTHER && dry.contains(&url(OTHER_ACCOUNT)), "{dry}");
    // The flags win over all of it.
    let (code, stdout, _) = run(base().env("CLOUDFLARE_ACCOUNT_ID", OTHER_ACCOUNT).args([
        "api",
        "list_account_service_tokens",
        "--dry-run",
        "--account-id",
        ZONE,
    ]));
    assert!(code == 0 && stdout.contains(&url(ZONE)), "{stdout}");
    let file = dir.path().join("token.txt");
    std::fs::write(&file, format!("{FROM_ENV}\n")).unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let output = base()
        .env("CLOUDFLARE_PROFILE", "other")
        .args(["auth", "token", "--api-token-file", &file.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(text(&output.stdout), format!("{FROM_ENV}\n"));

    // Status says where each comes from, and which variables lose.
    let (code, stdout, stderr) =
        run(base().env("CLOUDFLARE_API_TOKEN", FROM_ENV).args(["auth", "status", "--profile", "other"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("from profile other (--profile)"), "{stdout}");
    assert!(stderr.contains("CLOUDFLARE_API_TOKEN is set but not used"), "{stderr}");
    let (_, stdout, _) = run(base().env("CLOUDFLARE_API_TOKEN", FROM_ENV).args(["auth", "status"]));
    assert!(stdout.contains("from the environment (CLOUDFLARE_API_TOKEN)"), "{stdout}");

    // A profile named that does not exist is an error, never a fallback to another.
    let (code, _, stderr) = run(base().args(["auth", "status", "--profile", "staging"]));
    assert!(code == 2 && stderr.contains("no profile staging"), "{stderr}");
    let (code, _, stderr) = run(base().env("CLOUDFLARE_PROFILE", "staging").args(["service-tokens", "list"]));
    assert!(code == 2 && stderr.contains("no profile staging"), "{stderr}");

    let (code, stdout, _) = run(base().env("CLOUDFLARE_PROFILE", "other").args(["auth", "profiles", "--json"]));
    assert_eq!(code, 0);
    let in_use: Vec<(String, bool)> = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|item| (item["profile"].as_str().unwrap().to_owned(), item["in_use"].as_bool().unwrap()))
        .collect();
    assert_eq!(in_use, [("default".to_owned(), false), ("other".to_owned(), true)]);
}

#[test]
fn a_credential_cloudflare_refuses_is_not_kept() {
    let server = MockServer::start();
    let refused = server.mock(|when, then| {
        when.method(Method::GET).path("/user/tokens/verify");
        then.status(401).json_body(json!({ "success": false, "messages": [], "result": null,
            "errors": [{ "code": 1000, "message": "Invalid API Token" }] }));
    });
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    let (code, _, stderr) = login(&server, dir.path(), &keyring, "default", TOKEN, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Invalid API Token") && stderr.contains("nothing was kept"), "{stderr}");
    refused.assert_calls(1);
    assert!(!dir.path().join("profiles.json").exists());
    // `auth status` of such a credential (here from the environment): exit 1, with Cloudflare's word.
    let (code, _, stderr) =
        run(cloudflare(&server, dir.path(), &keyring).env("CLOUDFLARE_API_TOKEN", TOKEN).args(["auth", "status"]));
    assert!(code == 1 && stderr.contains("Invalid API Token"), "{stderr}");
    assert!(stderr.contains("from the environment (CLOUDFLARE_API_TOKEN)"), "{stderr}");

    // Disabled, or expired: Cloudflare takes the question but the token cannot be used.
    for (status, expires, why) in
        [("disabled", at(30), "Cloudflare says it is disabled"), ("active", at(-2), "it expired on")]
    {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method(Method::GET).path("/user/tokens/verify");
            then.status(200).json_body(envelope(json!({ "id": TOKEN_ID, "status": status, "expires_on": expires })));
        });
        let (code, _, stderr) = login(&server, dir.path(), &keyring, "default", TOKEN, &[]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(why) && stderr.contains("nothing was kept"), "{stderr}");
        assert!(!dir.path().join("profiles.json").exists());
        let (code, stdout, stderr) =
            run(cloudflare(&server, dir.path(), &keyring).env("CLOUDFLARE_API_TOKEN", TOKEN).args(["auth", "status"]));
        assert!(code == 1 && stderr.contains("cannot be used") && stderr.contains(why), "{stdout}{stderr}");
    }
}

#[test]
fn an_account_owned_token_is_verified_by_its_account() {
    let server = MockServer::start();
    let user = server.mock(|when, then| {
        when.method(Method::GET).path("/user/tokens/verify");
        then.status(401).json_body(json!({ "success": false, "messages": [], "result": null,
            "errors": [{ "code": 1000, "message": "Invalid API Token" }] }));
    });
    let account = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/accounts/{ACCOUNT}/tokens/verify"))
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(envelope(json!({ "id": TOKEN_ID, "status": "active", "expires_on": at(9) })));
    });
    server.mock(|when, then| {
        when.method(Method::GET).path("/accounts");
        then.status(403).json_body(json!({ "success": false, "messages": [], "result": null,
            "errors": [{ "code": 9109, "message": "Unauthorized to access requested resource" }] }));
    });
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    let (code, stdout, stderr) = login(&server, dir.path(), &keyring, "ci", TOKEN, &["--account-id", ACCOUNT]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("account API token") && stdout.contains("(in 9 days)"), "{stdout}");
    assert!(stdout.contains("not listed: 403"), "{stdout}");
    user.assert_calls(1);
    account.assert_calls(1);
    // Its status asks the account straight away.
    let (code, stdout, stderr) =
        run(cloudflare(&server, dir.path(), &keyring).args(["auth", "status", "--profile", "ci"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("(an account's own)"), "{stdout}");
    user.assert_calls(1);
    account.assert_calls(2);
}

#[test]
fn a_global_api_key_is_verified_at_user() {
    let server = MockServer::start();
    let user = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/user")
            .header("x-auth-email", "ops@example.com")
            .header("x-auth-key", "0123456789abcdef0123456789abcdef01234");
        then.status(200)
            .json_body(envelope(json!({ "id": "7c5dae5552338874e5053f2534d2767a", "email": "ops@example.com" })));
    });
    fake(&server, &[]);
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    let (code, stdout, stderr) = run(cloudflare(&server, dir.path(), &keyring)
        .args(["auth", "login", "--with-token", "--email", "ops@example.com"])
        .write_stdin("0123456789abcdef0123456789abcdef01234\n"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Global API key of ops@example.com"), "{stdout}");
    assert!(!stdout.contains("0123456789abcdef0123456789abcdef01234") && !stderr.contains("0123456789abcdef"));
    let (code, stdout, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "status"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Global API key, from profile default") && stdout.contains("ops@example.com"), "{stdout}");
    user.assert_calls(2);
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start();
    let mocks = fake(&server, &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    for name in ["../x", "a/b", "..", ".hidden", "", "x y", &"n".repeat(65)] {
        let (code, _, stderr) = login(&server, dir.path(), &keyring, name, TOKEN, &[]);
        assert_eq!(code, 2, "{name:?}: {stderr}");
        let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).env("CLOUDFLARE_PROFILE", name).args([
            "service-tokens",
            "list",
            "--account-id",
            ACCOUNT,
        ]));
        assert_eq!(code, 2, "{name:?}: {stderr}");
    }
    // No terminal to prompt on, and no --with-token; an empty line; a malformed token.
    let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "login"]));
    assert!(code == 2 && stderr.contains("--with-token"), "{stderr}");
    for (stdin, why) in [("\n", "no API token given"), ("a b\n", "nothing was kept")] {
        let (code, _, stderr) =
            run(cloudflare(&server, dir.path(), &keyring).args(["auth", "login", "--with-token"]).write_stdin(stdin));
        assert!(code == 2 && stderr.contains(why), "{stdin:?}: {stderr}");
    }
    for mock in &mocks {
        mock.assert_calls(0);
    }
    assert!(!dir.path().join("profiles.json").exists());
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|entry| entry.unwrap().file_name() == ".lock"));
}

#[test]
fn concurrent_logins_all_land() {
    let server = MockServer::start();
    let tokens: Vec<String> = (0..8).map(|n| format!("auth_S3CRET_concurrent_{n:02}_0123456789abcd")).collect();
    let references: Vec<&str> = tokens.iter().map(String::as_str).collect();
    fake(&server, &references);
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    std::thread::scope(|scope| {
        for (n, token) in tokens.iter().enumerate() {
            let (server, dir, keyring) = (&server, dir.path(), &keyring);
            // Half in the keyring, half in the file beside it.
            let flags: &[&str] = if n % 2 == 0 { &[] } else { &["--insecure-storage"] };
            scope.spawn(move || assert_eq!(login(server, dir, keyring, &format!("p{n}"), token, flags).0, 0));
        }
    });
    for (n, token) in tokens.iter().enumerate() {
        let output = cloudflare(&server, dir.path(), &keyring)
            .args(["auth", "token", "--profile", &format!("p{n}")])
            .output()
            .unwrap();
        assert_eq!(text(&output.stdout), format!("{token}\n"), "{}", text(&output.stderr));
    }
    let credentials: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("credentials.json")).unwrap()).unwrap();
    assert_eq!(credentials.to_string().matches("auth_S3CRET_concurrent").count(), 4, "the file holds the four");
}

#[test]
fn a_corrupted_store_is_an_error_naming_the_file() {
    let server = MockServer::start();
    fake(&server, &[TOKEN]);
    let dir = tempfile::tempdir().unwrap();
    let keyring = keyring();
    assert_eq!(login(&server, dir.path(), &keyring, "default", TOKEN, &["--insecure-storage"]).0, 0);
    let credentials = dir.path().join("credentials.json");
    let kept = std::fs::read_to_string(&credentials).unwrap();
    assert!(kept.contains(TOKEN));
    // A file cut short (the secret's line in it), then the profiles' file.
    std::fs::write(&credentials, &kept[..kept.len() - 5]).unwrap();
    let (code, _, stderr) = run(cloudflare(&server, dir.path(), &keyring).args(["auth", "token"]));
    assert!(code == 2 && stderr.contains(&credentials.display().to_string()) && stderr.contains("line"), "{stderr}");
    std::fs::write(dir.path().join("profiles.json"), "{\"version\": 1, \"profiles\": [").unwrap();
    for args in [
        &["auth", "status"][..],
        &["auth", "profiles"],
        &["service-tokens", "list"],
        &["auth", "login", "--with-token"],
    ] {
        let (code, _, stderr) =
            run(cloudflare(&server, dir.path(), &keyring).args(args).write_stdin(format!("{TOKEN}\n")));
        assert!(code == 2 && stderr.contains("profiles.json") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
