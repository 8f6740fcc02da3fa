//! The command against a server that lies or attacks: hostile names and messages must not
//! reach the terminal raw, `--output ids` prints only real ids, and a closed pipe ends the
//! output quietly.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support;
use httpmock::MockServer;
use serde_json::{Value, json};
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const OTHER_ID: &str = "0f6ae5d9-39a8-4b8a-9c84-6b2f64f0d3f1";
const API_TOKEN: &str = "cli_S3CRET_api_token_0123";

/// A name with every kind of character that acts on a terminal or hides what text says.
const HOSTILE: &str = "ci\u{1b}]0;owned\u{7}\u{1b}[2J\r\nFAKE\u{9b}31m\u{202e}gpj.exe\u{2028}x\u{e0041}\u{200b}";
const RAW: [char; 10] =
    ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}', '\u{2028}', '\u{e0041}', '\u{200b}', '\u{85}', '\u{2029}'];

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

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

fn page(tokens: Value) -> Value {
    let count = tokens.as_array().unwrap().len();
    let mut body = envelope(tokens);
    body["result_info"] = json!({"page": 1, "per_page": 1000, "total_pages": 1, "count": count, "total_count": count});
    body
}

fn assert_clean(what: &str, text: &str) {
    for c in RAW {
        assert!(!text.contains(c), "{what}: raw {:?} reached the output: {text:?}", c);
    }
}

#[test]
fn hostile_names_are_escaped_in_every_text_output_and_json_stays_json() {
    let server = MockServer::start();
    let token =
        json!({"id": TOKEN_ID, "name": HOSTILE, "client_id": HOSTILE, "client_secret": "s3", "duration": HOSTILE});
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(200).json_body(page(json!([token.clone()])));
    });
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(token.clone()));
    });
    server.mock(|when, then| {
        when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(201).json_body(envelope(token.clone()));
    });
    server.mock(|when, then| {
        when.method("DELETE").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(token.clone()));
    });
    let scope = ["--account-id", ACCOUNT_ID];
    for (command, json) in [
        (vec!["list"], false),
        (vec!["list", "--output", "json"], true),
        (vec!["get", TOKEN_ID], false),
        (vec!["get", TOKEN_ID, "--output", "json"], true),
        (vec!["create", "--name", "x"], false),
        (vec!["create", "--name", "x", "--output", "json"], true),
        (vec!["delete", TOKEN_ID], false),
        (vec!["delete", TOKEN_ID, "--output", "json"], true),
    ] {
        let output = cloudflare(&server).arg("service-tokens").args(&command).args(scope).output().unwrap();
        check(&command, output, json);
    }
    let output = cloudflare(&server)
        .args(["api", "get_account_service_token", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("service_token_id={TOKEN_ID}")])
        .output()
        .unwrap();
    check(&["api"], output, true);
}

/// The command succeeded, and neither stream holds a raw hostile character.
fn check(command: &[&str], output: std::process::Output, json: bool) {
    {
        assert_eq!(output.status.code(), Some(0), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_clean(&format!("{command:?} stdout"), &stdout);
        assert_clean(&format!("{command:?} stderr"), &String::from_utf8_lossy(&output.stderr));
        if json {
            for line in stdout.lines() {
                let value: Value =
                    serde_json::from_str(line).unwrap_or_else(|error| panic!("{command:?}: {error}: {line}"));
                assert!(value.to_string().contains("gpj.exe"), "the same data, escaped: {line}");
            }
        } else {
            // The list table cuts long names; what it shows is escaped.
            assert!(stdout.contains("ci\\u{1b}]0;owned\\u{7}"), "{command:?}: shown escaped: {stdout}");
        }
    }
}

#[test]
fn hostile_error_messages_are_escaped() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("GET");
        then.status(403).json_body(json!({
            "success": false, "errors": [{"code": 10000, "message": HOSTILE, "documentation_url": HOSTILE}],
            "messages": [], "result": null
        }));
    });
    let output =
        cloudflare(&server).args(["service-tokens", "get", TOKEN_ID, "--account-id", ACCOUNT_ID]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_clean("stderr", &stderr);
    assert!(stderr.contains("10000") && stderr.contains("\\u{202e}"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn ids_output_prints_only_real_ids_and_fails_on_the_rest() {
    let server = MockServer::start();
    let injected = format!("{TOKEN_ID}\n{OTHER_ID}");
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(200).json_body(page(json!([
            {"id": injected, "name": "two ids in one"},
            {"name": "no id at all"},
            {"id": OTHER_ID, "name": "real"}
        ])));
    });
    let output = cloudflare(&server)
        .args(["service-tokens", "list", "--account-id", ACCOUNT_ID, "--output", "ids"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), format!("{OTHER_ID}\n"), "only the real id");
    assert_eq!(output.status.code(), Some(1), "the others are an error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 listed token(s) had no usable id"), "{stderr}");
    assert_clean("stderr", &stderr);
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let server = MockServer::start();
    let tokens: Vec<Value> = (0..5000).map(|n| json!({"id": format!("f174e90a-fafe-4643-bbbc-{n:012x}")})).collect();
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(200).json_body(page(Value::Array(tokens.clone())));
    });
    for output in ["ids", "text", "json"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cloudflare"))
            .env_remove("CLOUDFLARE_EMAIL")
            .env_remove("CLOUDFLARE_API_KEY")
            .env("CLOUDFLARE_BASE_URL", server.base_url())
            .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
            .args(["service-tokens", "list", "--account-id", ACCOUNT_ID, "--output", output])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        // The reader is dropped here, as `head -1` exits: the rest meets a closed pipe.
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(0), "--output {output}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn unbounded_inputs_and_absurd_flags_are_usage_errors_with_nothing_sent() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200);
    });
    let list = ["service-tokens", "list", "--account-id", ACCOUNT_ID];
    for (extra, expected) in [
        (vec!["--api-token-file", "/dev/zero"], "longer than 4096 bytes"),
        (vec!["--timeout", "18446744073709551615"], "--timeout"),
        (vec!["--timeout", "0"], "--timeout"),
        (vec!["--max-retries", "4294967295"], "--max-retries"),
        (vec!["--base-url", ""], "empty"),
    ] {
        let output = cloudflare(&server).args(list).args(&extra).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    let output = cloudflare(&server).args(list).env("CLOUDFLARE_BASE_URL", "").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "an empty CLOUDFLARE_BASE_URL is not the production API");

    let mut huge = "a".repeat(20 * 1024 * 1024);
    huge.push('\n');
    huge.push_str(TOKEN_ID);
    let output = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "-"])
        .write_stdin(huge)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 1 of standard input is longer than 4096 bytes"), "{stderr}");
    assert!(stderr.len() < 1000, "the line is not repeated: {} bytes", stderr.len());
    assert_eq!(anything.calls(), 0, "nothing was sent");
}

#[test]
fn a_password_in_the_base_url_is_never_printed() {
    let with_password = "https://user:hunter2@api.example.com/client/v4";
    let output = Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env("CLOUDFLARE_BASE_URL", with_password)
        .args(["service-tokens", "list", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("--base-url") && !help.contains("hunter2"), "{help}");

    let output = Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env_remove("CLOUDFLARE_EMAIL")
        .args(["service-tokens", "list", "--account-id", ACCOUNT_ID, "--base-url", with_password])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("user name or password") && !stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_proxy_never_sees_credentials_for_a_plain_http_loopback_api() {
    use std::io::Read;
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for stream in proxy.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut stream = stream;
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
        }
    });
    let server = MockServer::start();
    let api = server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID, "name": "ci"})));
    });
    let output = cloudflare(&server)
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env("all_proxy", &proxy_url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .args(["service-tokens", "get", TOKEN_ID, "--account-id", ACCOUNT_ID, "--timeout", "5", "--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    api.assert();
    assert_eq!(seen.load(Ordering::SeqCst), 0, "the proxy got a connection");
}

/// A bare HTTP/1.1 server on loopback that answers every request with `reply` (raw bytes)
/// and closes; returns its URL and the number of requests it read.
fn raw_server(reply: Vec<u8>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut head = Vec::new();
            let mut buffer = [0u8; 4096];
            while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => head.extend_from_slice(&buffer[..read]),
                }
            }
            // A create carries a body: read what the head announces, roughly.
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(50)));
            let _ = stream.read(&mut buffer);
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(&reply);
            let _ = stream.flush();
        }
    });
    (url, count)
}

/// Cloudflare's 429, with the wait header given.
fn too_many_requests(wait_header: &str) -> Vec<u8> {
    let body = r#"{"success":false,"errors":[{"code":971,"message":"Please wait"}],"messages":[],"result":null}"#;
    format!(
        "HTTP/1.1 429 Too Many Requests\r\n{wait_header}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn answer(status: &str, body: &str, declared_length: usize) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {declared_length}\r\nconnection: close\r\n\r\n{body}")
        .into_bytes()
}

const SECRET: &str = "bddS3CRET31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d";

fn create_against(url: &str) -> std::process::Output {
    Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env_remove("CLOUDFLARE_EMAIL")
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env("CLOUDFLARE_BASE_URL", url)
        .args(["service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "ci deploy", "--max-retries", "0"])
        .output()
        .unwrap()
}

#[test]
fn a_created_token_is_shown_whatever_2xx_and_secret_shape_the_server_uses() {
    for (status, secret_json, shown) in [
        ("200 OK", format!("\"{SECRET}\""), SECRET.to_owned()),
        ("201 Created", "123456789".to_owned(), "123456789".to_owned()),
    ] {
        let body = format!(
            r#"{{"success":true,"errors":[],"messages":[],"result":{{"id":"{TOKEN_ID}","name":"ci deploy","client_secret":{secret_json}}}}}"#
        );
        let (url, _) = raw_server(answer(status, &body, body.len()));
        let output = create_against(&url);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{status}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains(&shown), "{status}: {stdout}");
    }
}

#[test]
fn an_undecodable_create_never_shows_the_secret_and_says_the_token_may_exist() {
    // An optional field of the wrong shape is left out of what is read (docs/operations.md, "Nothing
    // Cloudflare sends is lost"): the token was created, and its secret is shown, once.
    let odd = format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":{{"id":"{TOKEN_ID}","name":"ci deploy","client_secret":"{SECRET}","created_at":5}}}}"#
    );
    let (url, _) = raw_server(answer("201 Created", &odd, odd.len()));
    let output = create_against(&url);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains(SECRET));
    assert!(String::from_utf8_lossy(&output.stderr).contains("shown only this once"));

    // An envelope that is not one, or a body cut off: nothing can be read, and nothing shown.
    let good = format!(
        r#"{{"success":"yes","errors":[],"messages":[],"result":{{"id":"{TOKEN_ID}","name":"ci deploy","client_secret":"{SECRET}"}}}}"#
    );
    let cut = &odd[..odd.find(SECRET).unwrap() + 20];
    for (what, reply) in [
        ("an envelope of the wrong shape", answer("201 Created", &good, good.len())),
        ("a body cut off mid-secret", answer("201 Created", cut, odd.len())),
    ] {
        let (url, requests) = raw_server(reply);
        let output = create_against(&url);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            !stderr.contains("S3CRET") && !String::from_utf8_lossy(&output.stdout).contains("S3CRET"),
            "{what}: {stderr}"
        );
        assert!(stderr.contains("may have been created"), "{what}: {stderr}");
        assert!(stderr.contains(&format!("list --account-id {ACCOUNT_ID} --name 'ci deploy'")), "{what}: {stderr}");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1, "{what}: a create is not repeated");
    }
    // A refusal is not in doubt.
    let refused = r#"{"success":false,"errors":[{"code":12000,"message":"name taken"}],"messages":[],"result":null}"#;
    let (url, _) = raw_server(answer("400 Bad Request", refused, refused.len()));
    let stderr = String::from_utf8_lossy(&create_against(&url).stderr).into_owned();
    assert!(stderr.contains("12000") && !stderr.contains("may have been created"), "{stderr}");
}

#[test]
fn a_credential_echoed_in_a_successful_answer_is_never_printed() {
    let server = MockServer::start();
    let echo = json!({"id": TOKEN_ID, "name": format!("echo {API_TOKEN}"), "client_id": API_TOKEN});
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(200).json_body(page(json!([echo.clone()])));
    });
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(echo.clone()));
    });
    server.mock(|when, then| {
        when.method("DELETE");
        then.status(200).json_body(envelope(echo.clone()));
    });
    let account = format!("account_id={ACCOUNT_ID}");
    let token = format!("service_token_id={TOKEN_ID}");
    for args in [
        vec!["service-tokens", "list", "--account-id", ACCOUNT_ID],
        vec!["service-tokens", "list", "--account-id", ACCOUNT_ID, "--output", "json"],
        vec!["service-tokens", "get", TOKEN_ID, "--account-id", ACCOUNT_ID],
        vec!["service-tokens", "get", TOKEN_ID, "--account-id", ACCOUNT_ID, "--output", "json"],
        vec!["service-tokens", "delete", TOKEN_ID, "--account-id", ACCOUNT_ID],
        vec!["service-tokens", "delete", TOKEN_ID, "--account-id", ACCOUNT_ID, "--output", "json"],
        vec!["api", "get_account_service_token", "-p", &account, "-p", &token],
    ] {
        let output = cloudflare(&server).args(&args).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stdout.contains(API_TOKEN) && !stderr.contains(API_TOKEN), "{args:?}: {stdout}");
        assert!(stdout.contains("[REDACTED]"), "{args:?}: {stdout}");
    }
}

fn delete_against(url: &str, ids: &[String], extra: &[&str]) -> std::process::Output {
    Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env_remove("CLOUDFLARE_EMAIL")
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env("CLOUDFLARE_BASE_URL", url)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--output", "json"])
        .args(extra)
        .args(ids)
        .output()
        .unwrap()
}

fn statuses(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["status"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("f174e90a-fafe-4643-bbbc-{n:012x}")).collect()
}

#[test]
fn a_2xx_to_a_delete_is_deleted_whatever_its_body() {
    for (what, reply) in [
        ("cut off", answer("200 OK", r#"{"success":true,"res"#, 400)),
        ("not JSON", answer("200 OK", "<html>ok</html>", 15)),
        ("a 204", b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec()),
    ] {
        let (url, requests) = raw_server(reply);
        let output = delete_against(&url, &[TOKEN_ID.to_owned()], &[]);
        assert_eq!(statuses(&output), ["deleted"], "{what}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(0), "{what}");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1, "{what}: not sent again");
    }
}

#[test]
fn gone_after_a_lost_answer_is_not_missing() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("DELETE").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(502).body("<html>bad gateway</html>");
    });
    let output = cloudflare(&server)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--output", "json", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(statuses(&output), ["failed"], "a 502 every time is a failure");
    // The first answer is lost (502, after which Cloudflare may have acted); the retry finds
    // nothing: most likely deleted by this run.
    let (url, _) = raw_server_sequence(vec![
        answer("502 Bad Gateway", "<html>bad gateway</html>", 24),
        answer(
            "404 Not Found",
            r#"{"success":false,"errors":[{"code":1001,"message":"not found"}],"messages":[],"result":null}"#,
            87,
        ),
    ]);
    let output = delete_against(&url, &[TOKEN_ID.to_owned()], &[]);
    assert_eq!(statuses(&output), ["gone"], "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "gone counts as done without --ignore-missing");
    assert!(String::from_utf8_lossy(&output.stderr).contains("gone 1"));
    // A typo'd id, 404 at once, stays missing.
    let (url, _) = raw_server_sequence(vec![answer(
        "404 Not Found",
        r#"{"success":false,"errors":[{"code":1001,"message":"not found"}],"messages":[],"result":null}"#,
        87,
    )]);
    let output = delete_against(&url, &[TOKEN_ID.to_owned()], &[]);
    assert_eq!(statuses(&output), ["missing"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn ids_never_sent_under_a_long_rate_limit_are_skipped_with_the_wait() {
    let (url, requests) = raw_server(too_many_requests("retry-after: 1036800"));
    let output = delete_against(&url, &ids(40), &["--concurrency", "4"]);
    let statuses = statuses(&output);
    let sent = requests.load(std::sync::atomic::Ordering::SeqCst);
    assert!(sent <= 4, "{sent} requests");
    assert_eq!(statuses.iter().filter(|status| *status == "failed").count(), sent, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|status| *status == "skipped").count(), 40 - sent, "{statuses:?}");
    for line in String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str::<Value>(line).unwrap())
    {
        if line["status"] == "skipped" {
            let message = line["message"].as_str().unwrap();
            assert!(message.contains("not sent") && message.contains("retry in 12 days"), "{message}");
            assert!(!message.contains("Cloudflare API error"), "no client-made Cloudflare error: {message}");
        }
    }
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_429_storm_stops_the_run_and_skips_the_rest() {
    let (url, requests) = raw_server(too_many_requests("retry-after-ms: 1"));
    let output = delete_against(&url, &ids(2000), &["--concurrency", "2"]);
    let statuses = statuses(&output);
    let sent = requests.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(statuses.len(), 2000, "every id is reported");
    assert!(sent <= (3 + 2) * 3, "{sent} rejected requests: the run stopped sending");
    assert!(statuses.iter().filter(|status| *status == "skipped").count() >= 1995, "{statuses:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refused 3 deletes in a row with 429"), "{stderr}");
    let unsent = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .rfind(|line| line["status"] == "skipped")
        .unwrap();
    assert!(unsent["message"].as_str().unwrap().contains("kept answering 429"), "{unsent}");
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_end_a_bulk_delete_with_a_full_report() {
    for (signal, code) in [("-TERM", 143), ("-HUP", 129)] {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method("DELETE");
            then.status(200).json_body(envelope(json!({"name": "slow"}))).delay(std::time::Duration::from_millis(300));
        });
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cloudflare"))
            .env_remove("CLOUDFLARE_EMAIL")
            .env("CLOUDFLARE_BASE_URL", server.base_url())
            .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
            .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--concurrency", "2", "--output", "json"])
            .args(ids(20))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        std::process::Command::new("kill").arg(signal).arg(child.id().to_string()).status().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
        let done = child.wait_with_output().unwrap();
        let lines: Vec<Value> =
            first.lines().chain(rest.lines()).map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(lines.len(), 20, "{signal}: every id is reported");
        assert!(lines.iter().any(|line| line["status"] == "skipped"), "{signal}: the rest was not sent");
        assert!(lines.iter().filter(|line| line["status"] == "deleted").count() >= 1);
        assert_eq!(done.status.code(), Some(code), "{signal}: {}", String::from_utf8_lossy(&done.stderr));
        assert!(String::from_utf8_lossy(&done.stderr).contains("skipped"), "the summary");
    }
}

/// [`raw_server`], answering the n-th request with `replies[n]` (the last one after that).
fn raw_server_sequence(replies: Vec<Vec<u8>>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buffer = [0u8; 4096];
            let mut head = Vec::new();
            while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => head.extend_from_slice(&buffer[..read]),
                }
            }
            let index = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(&replies[index.min(replies.len() - 1)]);
        }
    });
    (url, count)
}

// The second review: pacing that a lying server would stretch to a day, answers without what a
// command exists for, writes whose outcome is in doubt, odd times, short credentials.

/// A 200 to a delete carrying `headers` (each a full header line).
fn deleted_with(headers: &str) -> Vec<u8> {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":{"name":"paced"}}"#;
    format!(
        "HTTP/1.1 200 OK\r\n{headers}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn a_lying_ratelimit_header_cannot_stall_a_run_the_held_ids_are_skipped_with_the_wait() {
    let cases = [
        ("a day", vec![deleted_with("ratelimit: \"default\";r=0;t=86400\r\n")], "24 hours"),
        ("beyond the clock", vec![deleted_with("ratelimit: \"default\";r=0;t=999999999999999\r\n")], "24 hours"),
        (
            "a huge policy window",
            vec![deleted_with("ratelimit: \"default\";r=0\r\nratelimit-policy: \"burst\";q=1;w=999999999\r\n")],
            "24 hours",
        ),
        ("several members", vec![deleted_with("ratelimit: \"a\";r=0;t=7200, \"b\";r=50;t=1\r\n")], "2 hours"),
        (
            "on the first answer only",
            vec![deleted_with("ratelimit: \"default\";r=0;t=86400\r\n"), deleted_with("")],
            "24 hours",
        ),
    ];
    for (what, replies, wait) in cases {
        let (url, requests) = raw_server_sequence(replies);
        let started = std::time::Instant::now();
        let output = delete_against(&url, &ids(50), &["--timeout", "2", "--max-retries", "0"]);
        let statuses = statuses(&output);
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{what}: took {:?}", started.elapsed());
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1, "{what}: the first goes alone, then nothing");
        assert_eq!(statuses.iter().filter(|status| *status == "deleted").count(), 1, "{what}: {statuses:?}");
        assert_eq!(statuses.iter().filter(|status| *status == "skipped").count(), 49, "{what}: {statuses:?}");
        for line in
            String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str::<Value>(line).unwrap())
        {
            if line["status"] == "skipped" {
                let message = line["message"].as_str().unwrap();
                assert!(
                    message.contains("not sent") && message.contains(&format!("retry in {wait}")),
                    "{what}: {message}"
                );
            }
        }
        assert_eq!(output.status.code(), Some(1), "{what}: skipped ids are not done");
    }
}

/// Waits for `child` to end, at most `limit`; kills it and fails otherwise.
fn wait_within(mut child: std::process::Child, limit: std::time::Duration) -> std::process::Output {
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_pacing_wait_is_announced_and_the_first_signal_ends_it_reporting_the_held_ids_skipped() {
    for action in ["delete", "refresh"] {
        let (url, requests) = raw_server(deleted_with("ratelimit: \"default\";r=0;t=50\r\n"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cloudflare"))
            .env_remove("CLOUDFLARE_EMAIL")
            .env("CLOUDFLARE_BASE_URL", &url)
            .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
            .args(["service-tokens", action, "--account-id", ACCOUNT_ID, "--output", "json"])
            .args(ids(20))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The wait is announced on stderr (read by a thread, so that a silent run fails the
        // test instead of hanging it); then a SIGTERM.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let (lines, received) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut all = String::new();
            loop {
                let mut line = String::new();
                if stderr.read_line(&mut line).unwrap_or(0) == 0 {
                    return all;
                }
                all += &line;
                let _ = lines.send(line);
            }
        });
        let mut announced = String::new();
        while !announced.contains("waiting") {
            match received.recv_timeout(std::time::Duration::from_secs(20)) {
                Ok(line) => announced += &line,
                Err(_) => {
                    child.kill().ok();
                    panic!("{action}: no announcement of the wait: {announced}");
                }
            }
        }
        assert!(announced.contains("rate-limit window is used up") && announced.contains("50 s"), "{announced}");
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let started = std::time::Instant::now();
        let output = wait_within(child, std::time::Duration::from_secs(20));
        let rest = reader.join().unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{action}: the first signal ends the wait");
        assert_eq!(output.status.code(), Some(143), "{action}: {rest}");
        let statuses = statuses(&output);
        assert_eq!(statuses.len(), 20);
        let done = if action == "delete" { "deleted" } else { "refreshed" };
        assert_eq!(statuses.iter().filter(|status| *status == done).count(), 1, "{action}: {statuses:?}");
        assert_eq!(statuses.iter().filter(|status| *status == "skipped").count(), 19, "{action}: held, never sent");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains("may or may not"), "{action}: held requests were not in flight: {text}");
        if action == "refresh" {
            assert!(rest.contains("refreshes") && !rest.contains("delete"), "a refresh speaks of refreshes: {rest}");
        }
    }
}

#[test]
fn a_refresh_run_speaks_of_refreshes() {
    let (url, _) = raw_server(too_many_requests("retry-after-ms: 1"));
    let ids = ids(10);
    let args: Vec<&str> = ["service-tokens", "refresh", "--account-id", ACCOUNT_ID, "--concurrency", "1"]
        .into_iter()
        .chain(ids.iter().map(String::as_str))
        .collect();
    let output = run_against(&url, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refused 3 refreshes in a row"), "{stderr}");
    assert!(stderr.contains("refreshed 0,"), "{stderr}");
    assert!(!stderr.contains("delete"), "{stderr}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_refresh_answered_for_another_token_or_with_a_past_expiry_is_not_refreshed() {
    for (what, result, status) in [
        ("another id", json!({"id": OTHER_ID, "expires_at": "2099-01-01T00:00:00Z"}), "failed"),
        ("a past expiry", json!({"id": TOKEN_ID, "expires_at": "2001-01-01T00:00:00Z"}), "failed"),
        ("an unreadable expiry", json!({"id": TOKEN_ID, "expires_at": "soon"}), "failed"),
        ("the same token, expiring later", json!({"id": TOKEN_ID, "expires_at": "2099-01-01T00:00:00Z"}), "refreshed"),
    ] {
        let body = envelope(result).to_string();
        let (url, _) = raw_server(answer("200 OK", &body, body.len()));
        let output =
            run_against(&url, &["service-tokens", "refresh", "--account-id", ACCOUNT_ID, "--output", "json", TOKEN_ID]);
        assert_eq!(statuses(&output), [status], "{what}: {}", String::from_utf8_lossy(&output.stdout));
        assert_eq!(output.status.code(), Some(if status == "failed" { 1 } else { 0 }), "{what}");
    }
}

/// The command with `args` against `url`, within a deadline.
fn run_against(url: &str, args: &[&str]) -> std::process::Output {
    Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env_remove("CLOUDFLARE_EMAIL")
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env("CLOUDFLARE_BASE_URL", url)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_create_or_rotate_answered_without_a_secret_says_so_and_fails() {
    let body = envelope(json!({"id": TOKEN_ID, "name": "ci", "client_id": "abc.access"})).to_string();
    let (url, _) = raw_server(answer("201 Created", &body, body.len()));
    let output = run_against(&url, &["service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "ci"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("holds no Client Secret") && stderr.contains("rotate"), "{stderr}");
    assert!(!stderr.contains("shown only this once"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("abc.access"), "what came back is shown");

    let output = run_against(&url, &["service-tokens", "rotate", "--account-id", ACCOUNT_ID, TOKEN_ID]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no new secret") && stderr.contains("old one may already have stopped working"),
        "{stderr}"
    );
}

#[test]
fn a_grace_is_reported_from_the_answer_not_from_what_was_asked() {
    let body = envelope(json!({"id": TOKEN_ID, "client_secret": SECRET})).to_string();
    let (url, _) = raw_server(answer("200 OK", &body, body.len()));
    let output =
        run_against(&url, &["service-tokens", "rotate", "--account-id", ACCOUNT_ID, TOKEN_ID, "--grace", "24h"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("its answer does not say whether it will"), "{stderr}");
    assert!(!stderr.contains("keeps working for"), "{stderr}");
    let body = envelope(
        json!({"id": TOKEN_ID, "client_secret": SECRET, "previous_client_secret_expires_at": "2001-01-01T00:00:00Z"}),
    )
    .to_string();
    let (url, _) = raw_server(answer("200 OK", &body, body.len()));
    let output =
        run_against(&url, &["service-tokens", "rotate", "--account-id", ACCOUNT_ID, TOKEN_ID, "--grace", "24h"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("until 2001-01-01T00:00:00Z (already passed: it no longer works)"), "{stderr}");
}

#[test]
fn a_write_through_api_whose_answer_is_cut_off_says_it_may_have_happened() {
    let account = format!("account_id={ACCOUNT_ID}");
    let create =
        ["api", "create_account_service_token", "-p", &account, "--body", r#"{"name":"ci"}"#, "--max-retries", "0"];
    let (url, _) = raw_server(answer("201 Created", r#"{"success":true,"result":{"id":"#, 400));
    let output = run_against(&url, &create);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 201"), "the status as it came: {stderr}");
    assert!(
        stderr.contains("note: create_account_service_token (POST") && stderr.contains("may have been carried out"),
        "{stderr}"
    );
    // A refusal is not in doubt.
    let refused =
        r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#;
    let (url, _) = raw_server(answer("403 Forbidden", refused, refused.len()));
    let output = run_against(&url, &create);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("may have been carried out"));
}

#[test]
fn a_token_with_an_unreadable_time_is_listed_as_such_and_the_rest_goes_on() {
    let tokens = json!([
        {"id": TOKEN_ID, "name": "blank", "expires_at": ""},
        {"id": OTHER_ID, "name": "date-only", "expires_at": "2026-12-02", "last_seen_at": "not a date"},
        {"id": "00000000-0000-4000-8000-000000000003", "name": "fine", "expires_at": "2099-01-01T00:00:00Z"},
    ]);
    let body = page(tokens).to_string();
    let (url, _) = raw_server(answer("200 OK", &body, body.len()));
    let output = run_against(&url, &["service-tokens", "list", "--account-id", ACCOUNT_ID]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout.lines().count(), 4, "header and the three tokens: {stdout}");
    assert!(stdout.contains("unreadable: \"\"") && stdout.contains("unreadable: \"2026-12-02\""), "{stdout}");
    assert!(stdout.contains("unreadable: \"not a date\"") && stdout.contains("in "), "{stdout}");

    let output = run_against(&url, &["service-tokens", "list", "--account-id", ACCOUNT_ID, "--json"]);
    let lines: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines[1]["expires_at"], "2026-12-02", "as sent");

    let output = run_against(
        &url,
        &["service-tokens", "refresh", "--account-id", ACCOUNT_ID, "--expiring-within", "30d", "--dry-run"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not a time") && stderr.contains("not selected"), "{stderr}");
    assert!(stderr.contains("0 service token(s) selected"), "{stderr}");
}

#[test]
fn a_short_credential_never_mangles_what_is_printed() {
    let refused = r#"{"success":false,"errors":[{"code":10000,"message":"the token may be invalid: tok"}],"messages":[],"result":null}"#;
    let (url, _) = raw_server(answer("403 Forbidden", refused, refused.len()));
    let output = Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env_remove("CLOUDFLARE_EMAIL")
        .env("CLOUDFLARE_API_TOKEN", "tok")
        .env("CLOUDFLARE_BASE_URL", &url)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, TOKEN_ID])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("the token may be invalid: [REDACTED]"), "the word stays, the credential goes: {text}");
    assert!(!text.contains("[REDACTED]en"), "{text}");
}

/// The generated commands and downloads under a hostile pass (docs/guarantees.md): hostile
/// ids refused before sending, a URL too long refused by the dry run as sending would, a
/// download cut mid-body or with a head too large named for what it is (not "could not
/// reach"), and mistyped words answered with the nearest command.
#[test]
fn hostile_ids_cut_downloads_huge_heads_and_typos_get_clear_answers() {
    let run = run_against;
    let text = |output: &std::process::Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let (url, requests) = raw_server(answer("200 OK", "{}", 2));
    let script = |name: &str| {
        vec!["workers", "scripts", "get", name, "--account-id", ACCOUNT_ID]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    for name in ["..", ".", "a/b", "..\\x", "a\\b"] {
        let args = script(name);
        let output = run(&url, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(output.status.code(), Some(2), "{name}: {}", text(&output));
        assert!(text(&output).contains("\"script_name\": is not one path segment"), "{name}: {}", text(&output));
    }
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0, "no hostile id was sent");
    let long = "a".repeat(20_000);
    let mut args = script(&long);
    args.push("--dry-run".to_owned());
    let output = run(&url, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("over Cloudflare's limit of 16 KiB"), "{}", text(&output));

    let kv = [
        "api",
        "workers_kv_namespace_read_key_value_pair",
        "-p",
        "account_id=023e105f4ecef8ad9ca31a8372d0c353",
        "-p",
        "namespace_id=0f2ac74b498b48028cb68387c421e279",
        "-p",
        "key_name=k",
        "--max-retries",
        "0",
    ];
    let cut = b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000000\r\n\r\nonly this"
        .to_vec();
    let (url, _) = raw_server(cut);
    let output = run(&url, &kv);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("answer was cut off before its end"), "{}", text(&output));
    assert!(output.stdout.is_empty(), "nothing of a cut download is written");
    let mut huge = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-huge: ".to_vec();
    huge.extend(std::iter::repeat_n(b'h', 1024 * 1024));
    huge.extend_from_slice(b"\r\ncontent-length: 2\r\n\r\n{}");
    let (url, _) = raw_server(huge);
    let output = run(&url, &kv);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("too large or malformed to read"), "{}", text(&output));

    for (typed, near) in [("dsn", "'cloudflare dns'"), ("wokers", "'workers'"), ("servce-tokens", "'service-tokens'")] {
        let output = run("http://127.0.0.1:9", &[typed]);
        assert_eq!(output.status.code(), Some(2));
        assert!(text(&output).contains(near), "{typed}: {}", text(&output));
    }
    let output = run("http://127.0.0.1:9", &["dns", "records", "lst", "--zone-id", "9a7806061c88ada191ed06f989cc3dac"]);
    assert!(text(&output).contains("'list'"), "{}", text(&output));
    let output = run("http://127.0.0.1:9", &["dns", "records", "list", "--account-id", ACCOUNT_ID]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("a zone's command: it takes --zone-id"), "{}", text(&output));
    // Only where the command takes the other scope, and only for the first word.
    let output = run("http://127.0.0.1:9", &["radar", "dns", "top", "ases", "get", "--account-id", ACCOUNT_ID]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!text(&output).contains("note:"), "Radar takes no scope: {}", text(&output));
    let output = run("http://127.0.0.1:9", &["workers", "dsn"]);
    assert!(!text(&output).contains("'cloudflare dns'"), "{}", text(&output));
}
