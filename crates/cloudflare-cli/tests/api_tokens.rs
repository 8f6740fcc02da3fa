//! `cloudflare api-tokens`: the user's API tokens over real HTTP against a fake, selected as
//! service tokens are, rolled (the new value once, on stdout alone) and deleted, nothing sent
//! without `--force` where there is no terminal to ask on.

use crate::support;
use chrono::{Duration, Utc};
use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use support::Command;

const API_TOKEN: &str = "tokens_S3CRET_in_use_0123";
const NEW_VALUE: &str = "8M7wS6hCpXVc-DoRnPPY_UCWPgy8aea4Wy6kCe5T";

fn cloudflare(base_url: &str) -> Command {
    Command::against(base_url, API_TOKEN)
}

fn at(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn id(n: usize) -> String {
    format!("{n:032x}")
}

/// 60 tokens over two pages: all careful but 7 (expiring in 10 days), 33 (unused for 200
/// days) and 59 (no expiry); names `deploy-N`, 7's `ci-soon`.
fn fake(server: &MockServer) -> Vec<httpmock::Mock<'_>> {
    let mut tokens: Vec<Value> = (0..60)
        .map(|n| {
            json!({ "id": id(n), "name": format!("deploy-{n}"), "status": "active", "issued_on": at(-30),
                         "expires_on": at(300), "last_used_on": at(-1) })
        })
        .collect();
    tokens[7]["expires_on"] = json!(at(10));
    tokens[7]["name"] = json!("ci-soon");
    tokens[33]["last_used_on"] = json!(at(-200));
    tokens[59]["expires_on"] = Value::Null;
    tokens
        .chunks(50)
        .enumerate()
        .map(|(at, chunk)| {
            let body = json!({ "success": true, "errors": [], "messages": [], "result": chunk,
                "result_info": { "page": at + 1, "per_page": 50, "count": chunk.len(), "total_count": 60, "total_pages": 2 } });
            server.mock(|when, then| {
                when.method(Method::GET).path("/user/tokens").query_param("page", (at + 1).to_string());
                then.status(200).json_body(body);
            })
        })
        .collect()
}

fn stdout(output: &std::process::Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn tokens_are_selected_as_service_tokens_are() {
    let server = MockServer::start();
    let pages = fake(&server);
    let run = |args: &[&str]| cloudflare(&server.base_url()).arg("api-tokens").args(args).output().unwrap();
    let names = |text: String| -> Vec<String> {
        text.lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(stdout(&run(&["expiring"]))), ["ci-soon"]);
    assert_eq!(names(stdout(&run(&["expiring", "--within", "400d"]))).len(), 59, "all but the one without expiry");
    assert_eq!(names(stdout(&run(&["unused"]))), ["deploy-33"]);
    assert_eq!(names(stdout(&run(&["list", "--never-expires"]))), ["deploy-59"]);
    assert_eq!(names(stdout(&run(&["list", "--name", "ci-*", "--json"]))), ["ci-soon"]);
    assert_eq!(stdout(&run(&["list", "--unused-for", "90d", "--output", "ids"])), format!("{}\n", id(33)));
    assert_eq!(names(stdout(&run(&["list"]))).len(), 60);
    for page in &pages {
        page.assert_calls(7);
    }
}

#[test]
fn a_roll_prints_the_new_value_once_on_stdout_alone() {
    let server = MockServer::start();
    let rolled = server.mock(|when, then| {
        when.method(Method::PUT).path(format!("/user/tokens/{}/value", id(7))).json_body(json!({}));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [], "result": NEW_VALUE }));
    });
    let refused = cloudflare(&server.base_url()).args(["api-tokens", "roll", &id(7)]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "no terminal to confirm on");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pass --force"));
    rolled.assert_calls(0);
    let output = cloudflare(&server.base_url()).args(["api-tokens", "roll", &id(7), "--force"]).output().unwrap();
    assert_eq!(stdout(&output), format!("{NEW_VALUE}\n"), "the value alone");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("shown only this once") && !said.contains(NEW_VALUE) && !said.contains(API_TOKEN), "{said}");
    rolled.assert_calls(1);
    let empty = server.mock(|when, then| {
        when.method(Method::PUT).path(format!("/user/tokens/{}/value", id(8)));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [], "result": null }));
    });
    let output = cloudflare(&server.base_url()).args(["api-tokens", "roll", &id(8), "--force"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no new value"));
    empty.assert_calls(1);
}

#[test]
fn deletes_are_confirmed_dry_run_and_ids_checked() {
    let server = MockServer::start();
    let deleted = server.mock(|when, then| {
        when.method(Method::DELETE).path(format!("/user/tokens/{}", id(5)));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [], "result": { "id": id(5) } }));
    });
    let details = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/user/tokens/{}", id(5)));
        then.status(200).json_body(
            json!({ "success": true, "errors": [], "messages": [], "result": { "id": id(5), "name": "ci" } }),
        );
    });
    let run = |args: &[&str]| cloudflare(&server.base_url()).arg("api-tokens").args(args).output().unwrap();
    assert!(stdout(&run(&["delete", &id(5), "--dry-run"])).contains("nothing was sent"));
    assert_eq!(run(&["delete", &id(5)]).status.code(), Some(2), "no terminal, no --force");
    for bad in ["../../zones", "ED17574386854BF78A67040BE0A770B0", "short"] {
        let output = run(&["delete", bad, "--force"]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("32 lowercase hex"), "{bad}");
    }
    deleted.assert_calls(0);
    assert_eq!(stdout(&run(&["delete", &id(5), "--force"])), format!("deleted {}\n", id(5)));
    deleted.assert_calls(1);
    let shown: Value = serde_json::from_str(&stdout(&run(&["get", &id(5)]))).unwrap();
    assert_eq!(shown["name"], "ci");
    details.assert_calls(1);
}

#[test]
fn verify_says_whether_the_token_in_use_is_active() {
    let server = MockServer::start();
    let mut verify = server.mock(|when, then| {
        when.method(Method::GET).path("/user/tokens/verify").header("authorization", format!("Bearer {API_TOKEN}"));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [],
            "result": { "id": id(1), "status": "active", "expires_on": "2027-01-01T00:00:00Z" } }));
    });
    let output = cloudflare(&server.base_url()).args(["api-tokens", "verify"]).output().unwrap();
    let shown = stdout(&output);
    assert!(shown.contains(&id(1)) && shown.contains("active") && shown.contains("2027-01-01T00:00:00Z"), "{shown}");
    assert!(!shown.contains(API_TOKEN));
    verify.delete();
    server.mock(|when, then| {
        when.method(Method::GET).path("/user/tokens/verify");
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [],
            "result": { "id": id(1), "status": "disabled" } }));
    });
    let output = cloudflare(&server.base_url()).args(["api-tokens", "verify"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is disabled, not active"));
}

#[test]
fn an_account_s_own_tokens_with_account_id() {
    const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    let server = MockServer::start();
    let listed = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/accounts/{ACCOUNT_ID}/tokens")).query_param("per_page", "50");
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [],
            "result": [{ "id": id(1), "name": "account-ci", "expires_on": at(5) }, { "id": id(2), "name": "other", "expires_on": at(300) }],
            "result_info": { "page": 1, "per_page": 50, "count": 2, "total_count": 2, "total_pages": 1 } }));
    });
    let rolled = server.mock(|when, then| {
        when.method(Method::PUT).path(format!("/accounts/{ACCOUNT_ID}/tokens/{}/value", id(1)));
        then.status(200).json_body(json!({ "success": true, "errors": [], "messages": [], "result": NEW_VALUE }));
    });
    let user = server.mock(|when, then| {
        when.path_includes("/user/");
        then.status(500);
    });
    let run = |args: &[&str]| {
        cloudflare(&server.base_url())
            .arg("api-tokens")
            .args(args)
            .arg("--account-id")
            .arg(ACCOUNT_ID)
            .output()
            .unwrap()
    };
    let shown = stdout(&run(&["expiring"]));
    assert_eq!(shown.lines().count(), 1, "{shown}");
    assert!(shown.contains("account-ci"));
    assert_eq!(stdout(&run(&["roll", &id(1), "--force"])), format!("{NEW_VALUE}\n"));
    listed.assert_calls(1);
    rolled.assert_calls(1);
    user.assert_calls(0);
}
