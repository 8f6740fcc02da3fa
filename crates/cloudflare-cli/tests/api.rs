//! `cloudflare api`: every operation by its operationId, end to end against httpmock.

use assert_cmd::Command;
use httpmock::MockServer;
use serde_json::{Value, json};

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "cli_S3CRET_api_token_0123";
const CLIENT_SECRET: &str = "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5";

fn cloudflare(base_url: &str) -> Command {
    let mut command = Command::cargo_bin("cloudflare").unwrap();
    for name in ["CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_ZONE_ID"] {
        command.env_remove(name);
    }
    command.env("CLOUDFLARE_BASE_URL", base_url).env("CLOUDFLARE_API_TOKEN", API_TOKEN).arg("api");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

#[test]
fn list_shows_every_operation_and_filters() {
    let output = cloudflare("http://127.0.0.1:9").arg("--list").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let all = text(&output.stdout);
    assert_eq!(all.lines().count(), cloudflare_client::OPERATIONS.len());
    assert!(all.lines().count() >= 116);
    assert!(all.contains("access_groups_list_access_groups"), "{all}");

    let output = cloudflare("http://127.0.0.1:9").args(["--list", "SHORT-LIVED", "--json"]).output().unwrap();
    let rows: Vec<Value> = text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(rows.len(), 8, "list, get, create, delete in accounts and zones: {rows:?}");
    for row in &rows {
        assert!(row["path"].as_str().unwrap().contains("/ca"), "{row}");
        assert!(["GET", "POST", "DELETE"].contains(&row["method"].as_str().unwrap()), "{row}");
    }
}

#[test]
fn schema_describes_parameters_body_and_result_without_sending() {
    let output = cloudflare("http://127.0.0.1:9")
        .args(["access_groups_create_an_access_group", "--schema"])
        .env_remove("CLOUDFLARE_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let schema: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    assert_eq!(schema["parameters"]["account_id"]["pattern"], "^[0-9a-f]{32}$");
    let body = &schema["body"];
    assert_eq!(body["type"], "object", "{body}");
    let required: Vec<&str> = body["required"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    assert!(required.contains(&"include") && required.contains(&"name"), "{required:?}");
    assert!(schema["result"]["properties"].get("name").is_some(), "{}", schema["result"]);
}

#[test]
fn calls_an_imported_operation_with_credentials_and_prints_its_result() {
    let server = MockServer::start();
    let list = server.mock(|when, then| {
        when.method("GET")
            .path(format!("/accounts/{ACCOUNT_ID}/access/groups"))
            .header("authorization", format!("Bearer {API_TOKEN}"));
        then.status(200).json_body(envelope(json!([{ "id": TOKEN_ID, "name": "Allow devs" }])));
    });
    let output = cloudflare(&server.base_url())
        .args(["access_groups_list_access_groups", "--param", &format!("account_id={ACCOUNT_ID}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_str(text(&output.stdout).trim()).unwrap();
    assert_eq!(printed, json!([{ "id": TOKEN_ID, "name": "Allow devs" }]));
    list.assert();
}

#[test]
fn bodies_come_from_an_argument_a_file_or_stdin() {
    let server = MockServer::start();
    let group = json!({ "name": "Allow devs", "include": [{ "email": { "email": "dev@example.com" } }] });
    let create = server.mock(|when, then| {
        when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/groups")).json_body(group.clone());
        then.status(201).json_body(envelope(json!({ "id": TOKEN_ID, "name": "Allow devs" })));
    });
    let file = std::env::temp_dir().join(format!("cloudflare-api-body-{}.json", std::process::id()));
    std::fs::write(&file, group.to_string()).unwrap();
    let account = format!("account_id={ACCOUNT_ID}");
    let inline = group.to_string();
    let from_file = format!("@{}", file.display());
    for (body, stdin) in [(inline.as_str(), ""), (from_file.as_str(), ""), ("-", inline.as_str())] {
        let output = cloudflare(&server.base_url())
            .args(["access_groups_create_an_access_group", "-p", &account, "--body", body])
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "--body {body}: {}", text(&output.stderr));
        assert!(text(&output.stdout).contains("Allow devs"));
    }
    std::fs::remove_file(&file).ok();
    assert_eq!(create.calls(), 3);
}

#[test]
fn all_fetches_every_page_as_one_array() {
    let server = MockServer::start();
    for page in 1..=2 {
        server.mock(|when, then| {
            when.method("GET")
                .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"))
                .query_param("page", page.to_string());
            let mut body = envelope(json!([{ "id": format!("token-{page}a") }, { "id": format!("token-{page}b") }]));
            body["result_info"] =
                json!({ "page": page, "per_page": 2, "total_pages": 2, "count": 2, "total_count": 4 });
            then.status(200).json_body(body);
        });
    }
    let output = cloudflare(&server.base_url())
        .args(["list_account_service_tokens", "-p", &format!("account_id={ACCOUNT_ID}"), "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let items: Vec<Value> = serde_json::from_str(text(&output.stdout).trim()).unwrap();
    let ids: Vec<&str> = items.iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["token-1a", "token-1b", "token-2a", "token-2b"]);
}

#[test]
fn a_created_secret_is_printed_once_with_a_warning() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("POST").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(201).json_body(envelope(json!({ "id": TOKEN_ID, "client_secret": CLIENT_SECRET })));
    });
    let output = cloudflare(&server.base_url())
        .args(["create_account_service_token", "-p", &format!("account_id={ACCOUNT_ID}"), "--body", r#"{"name":"ci"}"#])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(CLIENT_SECRET), "the secret it exists to show");
    assert!(text(&output.stderr).contains("shows only this once"), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).contains(CLIENT_SECRET));
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200);
    });
    let account = format!("account_id={ACCOUNT_ID}");
    for (args, expected) in [
        (vec!["no_such_operation"], "no operation is called"),
        (vec!["access_groups_list_access_groups"], "needs parameter \"account_id\""),
        (vec!["access_groups_list_access_groups", "-p", "account_id=.."], "parameter \"account_id\""),
        (vec!["access_groups_get_an_access_group", "-p", &account, "-p", "group_id=../x"], "parameter \"group_id\""),
        (vec!["access_tags_delete_a_tag", "-p", &account, "-p", "tag_name=.."], "parameter \"tag_name\""),
        (vec!["access_groups_list_access_groups", "-p", "account_id"], "expected NAME=VALUE"),
        (vec!["access_groups_list_access_groups", "-p", &account, "-p", "colour=blue"], "has no parameter \"colour\""),
        (vec!["access_groups_create_an_access_group", "-p", &account, "--body", "{not json"], "is not JSON"),
        (vec!["access_groups_create_an_access_group", "-p", &account, "--body", "{}"], "the body does not fit"),
    ] {
        let output = cloudflare(&server.base_url()).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains(expected), "{args:?}: {}", text(&output.stderr));
        assert!(!text(&output.stderr).contains(API_TOKEN));
    }
    assert_eq!(anything.calls(), 0, "nothing was sent");
}

#[test]
fn cloudflare_errors_exit_1_with_the_codes_and_ray() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("DELETE");
        then.status(404)
            .header("cf-ray", "8c1f-SJC")
            .json_body(json!({"success": false, "errors": [{"code": 12130, "message": "access.api.error.not_found"}], "messages": [], "result": null}));
    });
    let output = cloudflare(&server.base_url())
        .args(["access_groups_delete_an_access_group", "-p", &format!("account_id={ACCOUNT_ID}"), "-p"])
        .arg(format!("group_id={TOKEN_ID}"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("12130") && stderr.contains("8c1f-SJC"), "{stderr}");
    assert!(text(&output.stdout).is_empty());
}
