//! The `cloudflare` binary end to end, over real HTTP against httpmock.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use crate::support;
use httpmock::{Method::DELETE, MockServer};
use serde_json::{Value, json};
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "cli_S3CRET_api_token_0123";
const EMAIL: &str = "ops@example.com";
const API_KEY: &str = "cliS3CRETglobalkey0123456789abcdef";
const SECRET_MARKER: &str = "S3CRET";

fn success(id: &str) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": {"id": id, "name": "CI/CD token"}})
}

fn failure(code: i64, message: &str) -> Value {
    json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null})
}

/// The binary with a clean Cloudflare environment pointed at `server`.
fn cloudflare(server: &MockServer) -> Command {
    let mut command = Command::cloudflare();
    // A command that never ends fails its test instead of hanging it.
    command.timeout(std::time::Duration::from_secs(90));
    for name in [
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_EMAIL",
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_BASE_URL",
        "CLOUDFLARE_ACCOUNT_ID",
        "CLOUDFLARE_ZONE_ID",
    ] {
        command.env_remove(name);
    }
    command.env("CLOUDFLARE_BASE_URL", server.base_url()).timeout(Duration::from_secs(60));
    command
}

/// `command` with `arguments` added.
fn with_args(mut command: Command, arguments: &[&str]) -> Command {
    command.args(arguments);
    command
}

fn with_env(mut command: Command, name: &str, value: &str) -> Command {
    command.env(name, value);
    command
}

fn with_token(mut command: Command) -> Command {
    command.env("CLOUDFLARE_API_TOKEN", API_TOKEN);
    command
}

/// `n` distinct UUIDs.
fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7 + 1)).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_secret(output: &std::process::Output) {
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(!all.contains(SECRET_MARKER), "a secret leaked:\n{all}");
}

#[test]
fn single_delete_in_each_scope_with_each_scheme() {
    let server = MockServer::start();
    for (flag, scope_id, segment) in [("--account-id", ACCOUNT_ID, "accounts"), ("--zone-id", ZONE_ID, "zones")] {
        for scheme in ["token", "key"] {
            let mock = server.mock(|when, then| {
                let when = when.method(DELETE).path(format!("/{segment}/{scope_id}/access/service_tokens/{TOKEN_ID}"));
                if scheme == "token" {
                    when.header("authorization", format!("Bearer {API_TOKEN}")).header_missing("x-auth-key");
                } else {
                    when.header("x-auth-email", EMAIL).header("x-auth-key", API_KEY).header_missing("authorization");
                }
                then.status(200).json_body(success(TOKEN_ID));
            });
            let mut command = cloudflare(&server);
            if scheme == "token" {
                command.env("CLOUDFLARE_API_TOKEN", API_TOKEN);
            } else {
                command.env("CLOUDFLARE_EMAIL", EMAIL).env("CLOUDFLARE_API_KEY", API_KEY);
            }
            let output = command.args(["service-tokens", "delete", flag, scope_id, TOKEN_ID]).output().unwrap();
            assert_eq!(output.status.code(), Some(0), "{flag} {scheme}: {}", text(&output.stderr));
            assert_eq!(text(&output.stdout).trim(), format!("deleted  {TOKEN_ID}  \"CI/CD token\""));
            assert!(text(&output.stderr).contains("deleted 1, missing 0, failed 0"), "{}", text(&output.stderr));
            mock.assert_calls(1);
            server.reset();
        }
    }
}

#[test]
fn bulk_of_500_reports_every_id_once_in_order_with_exact_counts() {
    let server = MockServer::start();
    let ids = ids(500);
    let (forbidden, missing): (Vec<&String>, Vec<&String>) =
        (ids[10..13].iter().collect(), ids[400..402].iter().collect());
    for id in &forbidden {
        server.mock(|when, then| {
            when.path_suffix(format!("/{id}"));
            then.status(403).header("cf-ray", "bulk-SJC").json_body(failure(10000, "Authentication error"));
        });
    }
    for id in &missing {
        server.mock(|when, then| {
            when.path_suffix(format!("/{id}"));
            then.status(404).json_body(failure(1001, "not found"));
        });
    }
    let ok = server.mock(|when, then| {
        when.method(DELETE).path_prefix(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/"));
        then.status(200).json_body(success(TOKEN_ID));
    });
    let output = with_token(cloudflare(&server))
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--concurrency", "16"])
        .args(&ids)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 500);
    let reported: Vec<&str> = lines.iter().map(|line| line.split_whitespace().nth(1).unwrap()).collect();
    assert_eq!(reported, ids.iter().map(String::as_str).collect::<Vec<_>>(), "input order, each once");
    for (line, id) in lines.iter().zip(&ids) {
        let expected = if forbidden.contains(&id) {
            "failed"
        } else if missing.contains(&id) {
            "missing"
        } else {
            "deleted"
        };
        assert!(line.starts_with(expected), "{line}");
    }
    assert!(stdout.contains("cf-ray bulk-SJC"));
    assert_eq!(ok.calls(), 495);
    assert!(text(&output.stderr).contains("deleted 495, missing 2, failed 3 (500 ids in"), "{}", text(&output.stderr));
    assert_no_secret(&output);
}

#[test]
fn ids_from_stdin_with_comments_and_blank_lines() {
    let server = MockServer::start();
    let ok = server.mock(|when, then| {
        when.method(DELETE);
        then.status(200).json_body(success(TOKEN_ID));
    });
    let ids = ids(3);
    let input = format!("# revoke these\n{}\n\n{}  # ci\n   \n{}\n", ids[0], ids[1], ids[2]);
    for args in [vec![], vec!["-"]] {
        let output = with_token(cloudflare(&server))
            .args(["service-tokens", "delete", "--zone-id", ZONE_ID])
            .args(&args)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_eq!(text(&output.stdout).lines().count(), 3);
    }
    assert_eq!(ok.calls(), 6);
}

#[test]
fn scope_from_the_environment() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.path(format!("/zones/{ZONE_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(success(TOKEN_ID));
    });
    let output = with_token(cloudflare(&server))
        .env("CLOUDFLARE_ZONE_ID", ZONE_ID)
        .args(["service-tokens", "delete", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    mock.assert_calls(1);
}

#[test]
fn dry_run_sends_nothing() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200).json_body(success(TOKEN_ID));
    });
    let ids = ids(5);
    let output = with_token(cloudflare(&server))
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--dry-run"])
        .args(&ids)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().filter(|line| line.starts_with("would delete")).count(), 5);
    assert!(text(&output.stderr).contains("5 service token(s) would be deleted"), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("nothing was sent"));
    assert_eq!(anything.calls(), 0);

    // Without credentials, a dry run fails like a real one.
    let output = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--dry-run", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn ignore_missing_counts_404_as_done() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(404).json_body(failure(1001, "Access service token not found"));
    });
    let run = |extra: &[&str]| {
        with_token(cloudflare(&server))
            .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID])
            .args(extra)
            .output()
            .unwrap()
    };
    let strict = run(&[]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(text(&strict.stdout).starts_with("missing"));
    let lenient = run(&["--ignore-missing"]);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(text(&lenient.stderr).contains("missing 1"));
}

#[test]
fn json_output_has_one_object_per_id() {
    let server = MockServer::start();
    let ids = ids(3);
    server.mock(|when, then| {
        when.path_suffix(format!("/{}", ids[1]));
        then.status(403).header("cf-ray", "json-AMS").json_body(failure(10000, "Authentication error"));
    });
    server.mock(|_, then| {
        then.status(200).json_body(success(TOKEN_ID));
    });
    let output = with_token(cloudflare(&server))
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--output", "json"])
        .args(&ids)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let objects: Vec<Value> = text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[0]["id"], ids[0].as_str());
    assert_eq!(objects[0]["status"], "deleted");
    assert_eq!(objects[0]["name"], "CI/CD token");
    assert_eq!(objects[1]["status"], "failed");
    assert_eq!(objects[1]["code"], 10000);
    assert_eq!(objects[1]["cf_ray"], "json-AMS");
    assert!(objects[1]["message"].as_str().unwrap().contains("Authentication error"));
    assert_eq!(objects[2]["status"], "deleted");
}

#[test]
fn configuration_errors_exit_2_and_send_nothing() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200).json_body(success(TOKEN_ID));
    });
    let cases: Vec<(Command, &str)> = vec![
        (
            with_args(cloudflare(&server), &["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID]),
            "no Cloudflare credentials",
        ),
        (
            with_args(
                with_env(cloudflare(&server), "CLOUDFLARE_EMAIL", EMAIL),
                &["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID],
            ),
            "CLOUDFLARE_API_KEY",
        ),
        (with_args(with_token(cloudflare(&server)), &["service-tokens", "delete", TOKEN_ID]), "no scope"),
        (
            with_args(with_token(cloudflare(&server)), &["service-tokens", "delete", "--account-id", "..", TOKEN_ID]),
            "invalid account id",
        ),
        (
            with_args(
                with_token(cloudflare(&server)),
                &[
                    "service-tokens",
                    "delete",
                    "--zone-id",
                    ZONE_ID,
                    TOKEN_ID,
                    "../x",
                    "F174E90A-FAFE-4643-BBBC-4A0ED4FC8415",
                ],
            ),
            "2 invalid id(s): nothing was sent",
        ),
        (
            with_args(
                with_token(cloudflare(&server)),
                &["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--zone-id", ZONE_ID, TOKEN_ID],
            ),
            "cannot be used with",
        ),
        (
            with_args(
                with_env(with_token(cloudflare(&server)), "CLOUDFLARE_BASE_URL", "http://example.com"),
                &["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID],
            ),
            "invalid base URL",
        ),
    ];
    for (mut command, expected) in cases {
        let output = command.write_stdin("").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{expected}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains(expected), "{expected}: {}", text(&output.stderr));
        assert_no_secret(&output);
    }
    // Every invalid id is listed, not just the first.
    let output = with_token(cloudflare(&server))
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "-"])
        .write_stdin(format!("{TOKEN_ID}\nbad-1\n\nbad-2\n"))
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert!(stderr.contains("line 2 of standard input") && stderr.contains("line 4 of standard input"), "{stderr}");
    assert_eq!(anything.calls(), 0, "nothing may be sent on a configuration error");
}

#[test]
fn api_token_file_is_read_and_never_echoed() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header("authorization", format!("Bearer {API_TOKEN}"));
        then.status(200).json_body(success(TOKEN_ID));
    });
    let directory = std::env::temp_dir().join(format!("cloudflare-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let file = directory.join("token");
    std::fs::write(&file, format!("{API_TOKEN}\n")).unwrap();
    let output = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID, "--api-token-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    mock.assert_calls(1);

    std::fs::write(&file, "bad\rtoken S3CRET").unwrap();
    let output = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID, "--api-token-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_no_secret(&output);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn secrets_never_appear_on_failures() {
    let server = MockServer::start();
    let ids = ids(3);
    server.mock(|when, then| {
        when.path_suffix(format!("/{}", ids[0]));
        then.status(403).json_body(failure(10000, &format!("bad token {API_TOKEN}")));
    });
    server.mock(|when, then| {
        when.path_suffix(format!("/{}", ids[1]));
        then.status(502).header("content-type", "text/html").body(format!("<html>{API_TOKEN}</html>"));
    });
    server.mock(|_, then| {
        then.status(400).header("content-type", format!("text/plain; {API_TOKEN}")).body("x");
    });
    for output_format in ["text", "json"] {
        let output = with_token(cloudflare(&server))
            .args([
                "service-tokens",
                "delete",
                "--account-id",
                ACCOUNT_ID,
                "--max-retries",
                "0",
                "--output",
                output_format,
            ])
            .args(&ids)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_no_secret(&output);
    }
    // Unreachable server: a transport error.
    let output = with_token(cloudflare(&server))
        .env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9")
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--max-retries", "0", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).starts_with("failed"));
    assert_no_secret(&output);
}

#[test]
fn ctrl_c_finishes_in_flight_reports_the_rest_and_exits_130() {
    let server = MockServer::start();
    let slow = server.mock(|_, then| {
        then.status(200).json_body(success(TOKEN_ID)).delay(Duration::from_millis(300));
    });
    let ids = ids(40);
    let binary = assert_cmd::cargo::cargo_bin("cloudflare");
    let child = std::process::Command::new(binary)
        .env_remove("CLOUDFLARE_EMAIL")
        .env_remove("CLOUDFLARE_API_KEY")
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env("CLOUDFLARE_BASE_URL", server.base_url())
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--concurrency", "2"])
        .args(&ids)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let a few deletes go out, then interrupt as a terminal would (a test fails, never hangs).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while slow.calls() < 3 {
        assert!(std::time::Instant::now() < deadline, "the deletes never reached the server");
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let reported: Vec<&str> = stdout.lines().map(|line| line.split_whitespace().nth(1).unwrap()).collect();
    assert_eq!(reported, ids.iter().map(String::as_str).collect::<Vec<_>>(), "every id once, in order");
    let unique: HashSet<&&str> = reported.iter().collect();
    assert_eq!(unique.len(), 40);
    let deleted = stdout.lines().filter(|line| line.starts_with("deleted")).count();
    let skipped = stdout.lines().filter(|line| line.starts_with("skipped")).count();
    assert_eq!(deleted + skipped, 40, "{stdout}");
    assert!(deleted >= 2 && skipped >= 30, "in-flight deletes finish, the rest are skipped: {stdout}");
    assert!(text(&output.stderr).contains("interrupted"), "{}", text(&output.stderr));
}

#[test]
fn help_explains_flags_environment_and_examples() {
    let output = Command::cloudflare().timeout(std::time::Duration::from_secs(90)).arg("--help").output().unwrap();
    let top = text(&output.stdout);
    assert!(top.contains("service-tokens") && top.contains("CLOUDFLARE_API_TOKEN"), "{top}");
    let output = Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .args(["service-tokens", "delete", "--help"])
        .output()
        .unwrap();
    let help = text(&output.stdout);
    for expected in [
        "--account-id",
        "--zone-id",
        "--api-token-file",
        "--base-url",
        "--concurrency",
        "--max-retries",
        "--timeout",
        "--dry-run",
        "--ignore-missing",
        "--output",
        "CLOUDFLARE_ACCOUNT_ID",
        "CLOUDFLARE_BASE_URL",
        "Examples:",
        "Exit status:",
    ] {
        assert!(help.contains(expected), "missing {expected} in:\n{help}");
    }
}
