//! `cloudflare service-tokens list | get | create | rotate | refresh`, end to end against httpmock.

use crate::support;
use httpmock::MockServer;
use serde_json::{Value, json};
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "cli_S3CRET_api_token_0123";
const CLIENT_SECRET: &str = "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5";

const EXPIRED: [&str; 2] = ["11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"];
const VALID: [&str; 2] = ["22222222-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"];

fn cloudflare(server: &MockServer) -> Command {
    let mut command = Command::cloudflare();
    // A command that never ends fails its test instead of hanging it.
    command.timeout(std::time::Duration::from_secs(90));
    for name in ["CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_ZONE_ID"] {
        command.env_remove(name);
    }
    command.env("CLOUDFLARE_BASE_URL", server.base_url()).env("CLOUDFLARE_API_TOKEN", API_TOKEN);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

/// Two pages: an expired and a valid token on each.
fn serve_list(server: &MockServer) {
    for (page, (expired, valid)) in EXPIRED.iter().zip(VALID).enumerate() {
        let page = page + 1;
        server.mock(|when, then| {
            when.method("GET")
                .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"))
                .query_param("page", page.to_string());
            let mut body = envelope(json!([
                {"id": expired, "name": format!("ci-old-{page}"), "expires_at": "2020-01-01T00:00:00Z"},
                {"id": valid, "name": format!("deploy-{page}"), "expires_at": "2999-01-01T00:00:00Z"}
            ]));
            body["result_info"] = json!({"page": page, "per_page": 2, "total_pages": 2, "count": 2, "total_count": 4});
            then.status(200).json_body(body);
        });
    }
}

#[test]
fn list_filters_by_expiry_and_name_glob_in_every_format() {
    let server = MockServer::start();
    serve_list(&server);
    let run = |extra: &[&str]| {
        let output = cloudflare(&server)
            .args(["service-tokens", "list", "--account-id", ACCOUNT_ID])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    assert_eq!(run(&["--output", "ids"]).lines().collect::<Vec<_>>(), [EXPIRED[0], VALID[0], EXPIRED[1], VALID[1]]);
    assert_eq!(run(&["--output", "ids", "--expired"]).lines().collect::<Vec<_>>(), EXPIRED);
    assert_eq!(run(&["--output", "ids", "--name", "deploy-*"]).lines().collect::<Vec<_>>(), VALID);
    let table = run(&["--expired"]);
    assert!(table.lines().next().unwrap().starts_with("ID"), "{table}");
    assert!(table.contains("ci-old-1") && table.contains("expired ") && !table.contains("deploy-1"), "{table}");
    assert!(table.lines().nth(1).unwrap().contains(" ago"), "expiry as a person reads it: {table}");
    let objects: Vec<Value> =
        run(&["--output", "json"]).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(objects.len(), 4);
    assert_eq!(objects[1]["name"], "deploy-1");
}

#[test]
fn list_ids_of_expired_tokens_pipe_into_delete() {
    let server = MockServer::start();
    serve_list(&server);
    let deletes: Vec<_> = EXPIRED
        .iter()
        .map(|id| {
            server.mock(|when, then| {
                when.method("DELETE").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{id}"));
                then.status(200).json_body(envelope(json!({"id": id})));
            })
        })
        .collect();
    let valid_delete = server.mock(|when, then| {
        when.method("DELETE").path_includes("22222222");
        then.status(200).json_body(envelope(json!({})));
    });
    let listed = cloudflare(&server)
        .args(["service-tokens", "list", "--account-id", ACCOUNT_ID, "--output", "ids", "--expired"])
        .output()
        .unwrap();
    let deleted = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "-"])
        .write_stdin(listed.stdout)
        .output()
        .unwrap();
    assert_eq!(deleted.status.code(), Some(0), "{}", text(&deleted.stderr));
    assert!(text(&deleted.stderr).contains("deleted 2, missing 0, failed 0"));
    for mock in deletes {
        mock.assert_calls(1);
    }
    assert_eq!(valid_delete.calls(), 0, "valid tokens are kept");
}

#[test]
fn get_prints_one_token() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID, "name": "CI/CD token", "duration": "8760h"})));
    });
    let output =
        cloudflare(&server).args(["service-tokens", "get", "--account-id", ACCOUNT_ID, TOKEN_ID]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with(&format!("id            {TOKEN_ID}\nname          CI/CD token\n")), "{stdout}");
    let output =
        cloudflare(&server).args(["service-tokens", "get", "--account-id", ACCOUNT_ID, "not-a-uuid"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn create_and_rotate_print_the_secret_once_on_stdout_with_a_warning() {
    let server = MockServer::start();
    let created =
        envelope(json!({"id": TOKEN_ID, "name": "ci", "client_id": "x.access", "client_secret": CLIENT_SECRET}));
    let create = server.mock(|when, then| {
        when.method("POST")
            .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"))
            .json_body(json!({"name": "ci", "duration": "24h"}));
        then.status(201).json_body(created.clone());
    });
    let rotate = server.mock(|when, then| {
        when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}/rotate"));
        then.status(200).json_body(created.clone());
    });
    for (args, output_format) in [
        (vec!["service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "ci", "--duration", "24h"], "text"),
        (vec!["service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "ci", "--duration", "24h"], "json"),
        (vec!["service-tokens", "rotate", "--account-id", ACCOUNT_ID, TOKEN_ID], "text"),
    ] {
        let output = cloudflare(&server).args(&args).args(["--output", output_format]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(stdout.matches(CLIENT_SECRET).count(), 1, "{stdout}");
        assert!(!stderr.contains(CLIENT_SECRET) && stderr.contains("shown only this once"), "{stderr}");
        if output_format == "json" {
            let value: Value = serde_json::from_str(stdout.trim()).unwrap();
            assert_eq!(value["client_secret"], CLIENT_SECRET);
        }
    }
    create.assert_calls(2);
    rotate.assert_calls(1);
}

#[test]
fn refresh_uses_the_account_from_the_environment() {
    let server = MockServer::start();
    let refresh = server.mock(|when, then| {
        when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}/refresh"));
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID, "expires_at": "2027-11-29T00:00:00Z"})));
    });
    let output = cloudflare(&server)
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT_ID)
        .args(["service-tokens", "refresh", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with(&format!("refreshed {TOKEN_ID}")), "{}", text(&output.stdout));
    refresh.assert_calls(1);
    let output = cloudflare(&server).args(["service-tokens", "refresh", TOKEN_ID]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no account"));
}

#[test]
fn api_failures_exit_1_without_secrets() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(403)
            .json_body(json!({"success": false, "errors": [{"code": 10000, "message": format!("bad {API_TOKEN}")}]}));
    });
    for args in [
        vec!["service-tokens", "list", "--account-id", ACCOUNT_ID],
        vec!["service-tokens", "get", "--account-id", ACCOUNT_ID, TOKEN_ID],
        vec!["service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "x"],
    ] {
        let output = cloudflare(&server).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let all = text(&output.stdout) + &text(&output.stderr);
        assert!(all.contains("10000") && !all.contains("S3CRET"), "{all}");
    }
}

#[test]
fn malformed_ids_are_reported_with_where_they_came_from_and_nothing_is_sent() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID})));
    });
    let cases: [(&[&str], Option<&str>, &[&str]); 4] = [
        // Parsed by clap: the message names the argument or flag.
        (&["service-tokens", "get", "--account-id", ACCOUNT_ID, "not-a-uuid"], None, &["invalid value", "TOKEN_ID"]),
        (&["service-tokens", "get", "--account-id", "../x", TOKEN_ID], None, &["invalid value", "--account-id"]),
        (&["service-tokens", "rotate", "--account-id", ACCOUNT_ID, "x"], None, &["TOKEN_ID"]),
        // From the environment: the message names the variable.
        (&["service-tokens", "rotate", TOKEN_ID], Some("../x"), &["CLOUDFLARE_ACCOUNT_ID"]),
    ];
    for (arguments, account_env, expected) in cases {
        let mut command = cloudflare(&server);
        if let Some(value) = account_env {
            command.env("CLOUDFLARE_ACCOUNT_ID", value);
        }
        let output = command.args(arguments).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {stderr}");
        for part in expected {
            assert!(stderr.contains(part), "{arguments:?}: {part:?} in {stderr}");
        }
    }
    assert_eq!(anything.calls(), 0, "nothing is sent");
}
