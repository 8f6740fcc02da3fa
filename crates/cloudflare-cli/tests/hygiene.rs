//! Keeping service tokens healthy, against a stateful fake Cloudflare: tokens with varied
//! `expires_at` and `last_seen_at` relative to now; refresh and rotate change them.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use crate::support;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const API_TOKEN: &str = "hygiene_S3CRET_token";

/// The fake's state: tokens by id, and the bodies of the writes it received.
#[derive(Default)]
struct State {
    tokens: BTreeMap<String, Value>,
    writes: Vec<(String, Value)>,
}

struct Fake {
    url: String,
    state: Arc<Mutex<State>>,
}

fn at(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Six tokens: expired, expiring in 5 days, in 20 days, in 200 days, never, and one created 5
/// minutes ago; seen at various times, or never.
fn fake() -> Fake {
    let state = Arc::new(Mutex::new(State::default()));
    {
        let mut state = state.lock().unwrap();
        for (n, name, expires, seen) in [
            (1, "ci-expired", Some(Duration::days(-10)), Some(Duration::days(-100))),
            (2, "ci-soon", Some(Duration::days(5)), Some(Duration::hours(-3))),
            (3, "deploy-soonish", Some(Duration::days(20)), None),
            (4, "deploy-later", Some(Duration::days(200)), Some(Duration::days(-200))),
            (5, "forever", None, Some(Duration::days(-1))),
            (6, "brand-new", Some(Duration::days(365)), None),
        ] {
            let created = if n == 6 { Duration::minutes(-5) } else { Duration::days(-345) };
            let mut token = json!({"id": id(n), "name": name, "duration": "8760h", "created_at": at(created)});
            if let Some(expires) = expires {
                token["expires_at"] = json!(at(expires));
            }
            if let Some(seen) = seen {
                token["last_seen_at"] = json!(at(seen));
            }
            state.tokens.insert(id(n), token);
        }
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let shared = state.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = shared.clone();
            std::thread::spawn(move || serve(stream, &state));
        }
    });
    Fake { url, state }
}

fn serve(mut stream: std::net::TcpStream, state: &Mutex<State>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    let body_start = loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
        if let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..body_start]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while request.len() < body_start + length {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
    }
    let body: Value = serde_json::from_slice(&request[body_start..]).unwrap_or(Value::Null);
    let mut parts = head.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let prefix = format!("/accounts/{ACCOUNT_ID}/access/service_tokens");
    let mut state = state.lock().unwrap();
    let (status, answer) = match (method, path.strip_prefix(&prefix)) {
        ("GET", Some("")) => {
            let tokens: Vec<Value> = state.tokens.values().cloned().collect();
            let count = tokens.len();
            (
                200,
                json!({"success": true, "errors": [], "messages": [], "result": tokens,
                         "result_info": {"page": 1, "per_page": 50, "count": count, "total_count": count}}),
            )
        }
        (_, Some(rest)) => {
            let mut segments = rest.trim_start_matches('/').split('/');
            let (token, action) = (segments.next().unwrap_or("").to_owned(), segments.next().unwrap_or(""));
            state.writes.push((format!("{method} {action}"), body.clone()));
            match state.tokens.get_mut(&token) {
                None => (
                    404,
                    json!({"success": false, "errors": [{"code": 1001, "message": "not found"}], "messages": [], "result": null}),
                ),
                Some(found) => {
                    match (method, action) {
                        ("POST", "refresh") => found["expires_at"] = json!(at(Duration::days(365))),
                        ("POST", "rotate") => {
                            found["client_secret"] = json!("rotated-secret-0123");
                            // Echoed, as an answer may (the fake says what it was asked).
                            if let Some(until) = body.get("previous_client_secret_expires_at") {
                                found["previous_client_secret_expires_at"] = until.clone();
                            }
                        }
                        ("PUT", "") => {
                            for (key, value) in body.as_object().into_iter().flatten() {
                                found[key] = value.clone();
                            }
                        }
                        _ => {}
                    }
                    let answer = found.clone();
                    if let Some(object) = found.as_object_mut() {
                        object.remove("client_secret");
                    }
                    (200, json!({"success": true, "errors": [], "messages": [], "result": answer}))
                }
            }
        }
        _ => (
            404,
            json!({"success": false, "errors": [{"code": 7003, "message": "no route"}], "messages": [], "result": null}),
        ),
    };
    let body = answer.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn cloudflare(fake: &Fake, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::cloudflare()
        .timeout(std::time::Duration::from_secs(90))
        .env_remove("CLOUDFLARE_EMAIL")
        .env_remove("CLOUDFLARE_ZONE_ID")
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env("CLOUDFLARE_BASE_URL", &fake.url)
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT_ID)
        .args(args)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

fn names(fake: &Fake, selection: &[&str]) -> Vec<String> {
    let (status, stdout, stderr) =
        cloudflare(fake, &[&["service-tokens", "list", "--account-id", ACCOUNT_ID, "--json"][..], selection].concat());
    assert_eq!(status, Some(0), "{stderr}");
    stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn selections_pick_by_expiry_use_and_name_all_of_which_must_hold() {
    let fake = fake();
    assert_eq!(names(&fake, &["--expiring-within", "30d"]), ["ci-soon", "deploy-soonish"]);
    assert_eq!(names(&fake, &["--expiring-within", "7d"]), ["ci-soon"]);
    // A token created 5 minutes ago and never seen is not unused for 90 days (it was before:
    // the README's clean-up pipeline would have deleted it).
    assert_eq!(names(&fake, &["--unused-for", "90d"]), ["ci-expired", "deploy-soonish", "deploy-later"]);
    assert!(names(&fake, &["--unused-for", "4m"]).contains(&"brand-new".to_owned()), "created 5 minutes ago");
    assert!(!names(&fake, &["--unused-for", "6m"]).contains(&"brand-new".to_owned()));
    assert_eq!(names(&fake, &["--unused-for", "90d", "--name", "deploy-*"]), ["deploy-soonish", "deploy-later"]);
    assert_eq!(names(&fake, &["--unused-for", "90d", "--expired"]), ["ci-expired"]);
    let (_, table, _) = cloudflare(&fake, &["service-tokens", "list", "--account-id", ACCOUNT_ID]);
    assert!(table.contains("expired 1 week ago") && table.contains("never") && table.contains("in 4 days"), "{table}");
}

#[test]
fn bad_spans_and_durations_are_usage_errors_with_nothing_sent() {
    let fake = fake();
    let (account, token) = (format!("account_id={ACCOUNT_ID}"), format!("service_token_id={}", id(2)));
    for args in [
        vec!["service-tokens", "list", "--expiring-within", "30"],
        vec!["service-tokens", "list", "--unused-for", "3x"],
        vec!["service-tokens", "refresh", "--expiring-within", "soon"],
        vec!["service-tokens", "rotate", &id(2), "--grace", "1 fortnight"],
        vec!["service-tokens", "create", "--name", "x", "--duration", "1y"],
        vec!["service-tokens", "update", &id(2), "--duration", "90d"],
        vec!["service-tokens", "update", &id(2), "--previous-secret-expires-at", "tomorrow"],
        vec!["service-tokens", "refresh", &id(2), "--expired"],
        // What Go cannot hold, a zero lifetime, forms Cloudflare does not document, and values
        // the API cannot take (all sent before).
        vec!["service-tokens", "create", "--name", "x", "--duration", "999999999999h"],
        vec!["service-tokens", "create", "--name", "x", "--duration", "0s"],
        vec!["service-tokens", "create", "--name", "x", "--duration", ".5h"],
        vec!["service-tokens", "create", "--name="],
        vec!["service-tokens", "update", &id(2), "--name="],
        vec!["service-tokens", "update", &id(2), "--client-secret-version=-5"],
        vec!["service-tokens", "update", &id(2), "--duration", "2562048h"],
        vec!["api", "update_account_service_token", "-p", &account, "-p", &token, "--body", r#"{"duration":"1y"}"#],
        vec!["api", "create_account_service_token", "-p", &account, "--body", r#"{"name":"x","duration":"0s"}"#],
    ] {
        let (status, _, stderr) = cloudflare(&fake, &args);
        assert_eq!(status, Some(2), "{args:?}: {stderr}");
    }
    assert!(fake.state.lock().unwrap().writes.is_empty(), "nothing was sent");
}

#[test]
fn refresh_by_selection_keeps_tokens_from_expiring_and_a_dry_run_sends_nothing() {
    let fake = fake();
    let (status, stdout, stderr) =
        cloudflare(&fake, &["service-tokens", "refresh", "--expiring-within", "30d", "--dry-run"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [format!("would refresh {}", id(2)), format!("would refresh {}", id(3))]
    );
    assert!(fake.state.lock().unwrap().writes.is_empty(), "a dry run sends no refresh");

    let (status, stdout, stderr) =
        cloudflare(&fake, &["service-tokens", "refresh", "--expiring-within", "30d", "--json", "--concurrency", "2"]);
    assert_eq!(status, Some(0), "{stderr}");
    let lines: Vec<Value> = stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|line| line["status"] == "refreshed"), "{lines:?}");
    assert!(stderr.contains("refreshed 2, missing 0, failed 0"), "{stderr}");
    // Run daily: the next run finds nothing left to refresh.
    assert!(names(&fake, &["--expiring-within", "30d"]).is_empty());
    let (status, stdout, _) = cloudflare(&fake, &["service-tokens", "refresh", "--expiring-within", "30d"]);
    assert_eq!((status, stdout.as_str()), (Some(0), ""));

    // By id, as delete takes them; a missing one fails the run.
    let (status, stdout, _) = cloudflare(&fake, &["service-tokens", "refresh", &id(4), &id(9)]);
    assert_eq!(status, Some(1));
    assert!(
        stdout.starts_with(&format!("refreshed {}", id(4))) && stdout.contains(&format!("missing  {}", id(9))),
        "{stdout}"
    );
}

#[test]
fn rotate_with_a_grace_period_keeps_the_old_secret_working_until_then() {
    let fake = fake();
    let before = Utc::now();
    let (status, stdout, stderr) = cloudflare(&fake, &["service-tokens", "rotate", &id(2), "--grace", "24h", "--json"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(stdout.trim()).unwrap()["client_secret"], "rotated-secret-0123");
    assert!(
        stderr.contains("keeps working until") && stderr.contains("(in 23 hours), as Cloudflare answered"),
        "{stderr}"
    );
    let (status, _, _) = cloudflare(&fake, &["service-tokens", "rotate", &id(3)]);
    assert_eq!(status, Some(0));
    let writes = fake.state.lock().unwrap().writes.clone();
    let until: DateTime<Utc> = writes[0].1["previous_client_secret_expires_at"].as_str().unwrap().parse().unwrap();
    let grace = until - before;
    assert!(
        grace >= Duration::hours(24) - Duration::seconds(1) && grace <= Duration::hours(24) + Duration::seconds(30),
        "{grace}"
    );
    assert!(writes[0].1["previous_client_secret_expires_at"].as_str().unwrap().ends_with('Z'), "RFC 3339 UTC");
    assert_eq!(writes[1].1, json!({}), "without --grace the old secret stops at once");
}

#[test]
fn update_sends_only_what_was_given() {
    let fake = fake();
    let (status, stdout, stderr) = cloudflare(
        &fake,
        &[
            "service-tokens",
            "update",
            &id(2),
            "--account-id",
            ACCOUNT_ID,
            "--client-secret-version",
            "3",
            "--previous-secret-expires-at",
            "2026-12-01T00:00:00Z",
            "--json",
        ],
    );
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(stdout.trim()).unwrap()["id"], id(2).as_str());
    let writes = fake.state.lock().unwrap().writes.clone();
    assert_eq!(writes[0].0, "PUT ");
    assert_eq!(
        writes[0].1,
        json!({"client_secret_version": 3, "previous_client_secret_expires_at": "2026-12-01T00:00:00Z"})
    );
    let (status, _, stderr) = cloudflare(&fake, &["service-tokens", "update", &id(2)]);
    assert_eq!(status, Some(2), "nothing to update: {stderr}");
}

#[test]
fn json_is_the_same_as_output_json_everywhere() {
    let fake = fake();
    for command in [
        vec!["service-tokens", "get", &id(2)],
        vec!["service-tokens", "list"],
        vec!["service-tokens", "refresh", &id(2)],
        vec!["service-tokens", "delete", &id(1)],
    ] {
        let (status, json, stderr) = cloudflare(&fake, &[&command[..], &["--json"]].concat());
        assert_eq!(status, Some(0), "{command:?}: {stderr}");
        for line in json.lines() {
            serde_json::from_str::<Value>(line).unwrap_or_else(|error| panic!("{command:?}: {error}: {line}"));
        }
        assert!(!json.is_empty(), "{command:?}");
    }
    let (status, _, stderr) = cloudflare(&fake, &["service-tokens", "get", &id(2), "--json", "--output", "text"]);
    assert_eq!(status, Some(2), "--json and --output conflict: {stderr}");
}
