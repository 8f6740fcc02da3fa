//! `cloudflare auth` end to end with the binary where there is no OS keyring (no D-Bus session
//! here, as on a headless Linux box): the credential goes to a file in the user's configuration
//! folder, readable by the user alone, and a credential file others can read is refused. The
//! keyring, in process with keyring-core's mock store, is `auth.rs`'s.

use crate::support;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use httpmock::{Method, MockServer};
use serde_json::{Value, json};

const TOKEN: &str = "authfile_S3CRET_token_0123456789abcdefgh";
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn envelope(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// The binary with `home` as the user's home (its configuration folder `home/.config`), no
/// `CLOUDFLARE_` variable but the API root, and no D-Bus session to find a keyring on.
fn cloudflare(server: &MockServer, home: &Path) -> Command {
    let mut command = Command::cargo_bin("cloudflare").unwrap();
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("CLOUDFLARE_")) {
        command.env_remove(name);
    }
    command
        .env("CLOUDFLARE_BASE_URL", server.base_url())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/cloudflare-cli-test")
        .timeout(std::time::Duration::from_secs(60));
    command
}

/// Its exit status, stdout and stderr; neither shows the token.
fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned());
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "the token shown:\n{stdout}\n{stderr}");
    (output.status.code().unwrap_or(-1), stdout, stderr)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Cloudflare as far as these commands ask it, each answer only for the token's bearer.
fn fake(server: &MockServer) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let verified = server.mock(|when, then| {
        when.method(Method::GET).path("/user/tokens/verify").header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(envelope(json!({ "id": "ed17574386854bf78a67040be0a770b0", "status": "active" })));
    });
    server.mock(|when, then| {
        when.method(Method::GET).path("/accounts").header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [],
            "result": [{ "id": ACCOUNT, "name": "Example Corp", "settings": {} }],
            "result_info": { "page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1 } }));
    });
    let listed = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/accounts/{ACCOUNT}/access/service_tokens"))
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(envelope(json!([])));
    });
    (verified, listed)
}

#[test]
fn without_a_keyring_the_credential_is_a_file_of_the_user_alone() {
    let server = MockServer::start();
    let (verified, listed) = fake(&server);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/cloudflare-cli");

    let (code, stdout, stderr) = run(cloudflare(&server, home.path())
        .args(["auth", "login", "--with-token", "--account-id", ACCOUNT])
        .write_stdin(format!("{TOKEN}\n")));
    assert_eq!(code, 0, "{stderr}");
    verified.assert_calls(1);
    let credentials = dir.join("credentials.json");
    assert!(stderr.contains("no OS keyring") && stderr.contains(&credentials.display().to_string()), "{stderr}");
    assert!(stdout.contains("Example Corp"), "{stdout}");
    assert_eq!((mode(&dir), mode(&credentials), mode(&dir.join("profiles.json"))), (0o700, 0o600, 0o600));
    assert!(std::fs::read_to_string(&credentials).unwrap().contains(TOKEN));
    assert!(!std::fs::read_to_string(dir.join("profiles.json")).unwrap().contains(TOKEN));

    // A command with nothing in its environment: the profile's token and account.
    let (code, _, stderr) = run(cloudflare(&server, home.path()).args(["service-tokens", "list"]));
    assert_eq!(code, 0, "{stderr}");
    listed.assert_calls(1);
    let (code, stdout, stderr) = run(cloudflare(&server, home.path()).args(["auth", "status"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("from profile default (the default), in {}", credentials.display())), "{stdout}");

    // Readable by others: refused, and nothing is sent.
    std::fs::set_permissions(&credentials, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, stderr) = run(cloudflare(&server, home.path()).args(["service-tokens", "list"]));
    assert!(code == 2 && stderr.contains("other users can read it") && stderr.contains("credentials.json"), "{stderr}");
    listed.assert_calls(1);
    std::fs::set_permissions(&credentials, std::fs::Permissions::from_mode(0o600)).unwrap();

    // Logging out takes the token out of the file.
    let (code, _, stderr) = run(cloudflare(&server, home.path()).args(["auth", "logout"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(!std::fs::read_to_string(&credentials).unwrap().contains(TOKEN));
    let (code, _, _) = run(cloudflare(&server, home.path()).args(["service-tokens", "list"]));
    assert_eq!(code, 2, "no credential anywhere");
    listed.assert_calls(1);
}

#[test]
fn the_prompt_does_not_echo_the_token() {
    let server = MockServer::start();
    let (verified, _) = fake(&server);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let environment = [
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_CONFIG_DIR", config.display().to_string()),
        ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/cloudflare-cli-test".to_owned()),
    ];
    let environment: Vec<(&str, &str)> = environment.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let Some((code, shown)) = support::on_a_terminal_with(&environment, &["auth", "login"], &format!("{TOKEN}\n"))
    else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Paste an API token (not shown"), "{shown}");
    assert!(!shown.contains(TOKEN), "the terminal showed the token: {shown}");
    verified.assert_calls(1);
    assert!(std::fs::read_to_string(config.join("credentials.json")).unwrap().contains(TOKEN));
}
