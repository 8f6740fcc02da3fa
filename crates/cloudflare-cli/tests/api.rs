//! `cloudflare api`: every operation by its operationId, end to end against httpmock.

use crate::support;
use httpmock::MockServer;
use serde_json::{Value, json};
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "cli_S3CRET_api_token_0123";
const CLIENT_SECRET: &str = "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5";

fn cloudflare(base_url: &str) -> Command {
    let mut command = Command::cloudflare();
    // A command that never ends fails its test instead of hanging it.
    command.timeout(std::time::Duration::from_secs(90));
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

/// One page of a list: `items`, with `result_info`.
fn page(items: Value, result_info: Value) -> Value {
    let mut body = envelope(items);
    body["result_info"] = result_info;
    body
}

#[test]
fn list_shows_every_operation_and_filters() {
    let output = cloudflare("http://127.0.0.1:9").arg("--list").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let all = text(&output.stdout);
    assert_eq!(all.lines().count(), cloudflare_client::operations().count());
    // The command has every family: every operation of the spec, not only the default's.
    let spec = include_str!("../../../spec/cloudflare.yaml");
    let in_spec = spec.lines().filter(|line| line.trim_start().starts_with("operationId:")).count();
    assert_eq!(all.lines().count(), in_spec, "every operation of spec/cloudflare.yaml");
    for id in
        ["access_groups_list_access_groups", "dns_records_for_a_zone_list_dns_records", "worker_script_delete_worker"]
    {
        assert!(all.lines().any(|line| line.split_whitespace().next() == Some(id)), "{id} missing");
    }

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
    let required: Vec<&str> = body["required"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    assert!(required.contains(&"include") && required.contains(&"name"), "{required:?}");
    // The spec's own schemas, their references resolved within the document.
    let include = body["properties"]["include"]["$ref"].as_str().expect("include refers to a definition");
    let name = include.strip_prefix("#/definitions/").expect("a reference into the document's definitions");
    assert_eq!(body["definitions"][name]["type"], "array", "{body}");
    let result = &schema["result"];
    assert!(result["properties"].get("name").is_some(), "{result}");
    assert!(result.get("$ref").is_none(), "a result that is a reference is given as what it refers to: {result}");
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

/// What Cloudflare sends today and the 2024 schema lacks, and values whose text a re-encoding
/// would change, are printed as sent, one page at a time and with `--all`.
#[test]
fn the_answer_is_printed_as_cloudflare_sent_it() {
    // Written out by hand: the fields' order and the numbers' text are what is checked.
    let group = r#"{"name":"Allow devs","id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","created_at":"2014-01-01T05:20:00.12345Z","a_field_newer_than_the_spec":{"z":1,"a":[1.10,1e3,12345678901234567890123]},"note":"caf\u00e9"}"#;
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/groups"));
        then.status(200).header("content-type", "application/json").body(format!(
            r#"{{ "success": true, "errors": [], "messages": [],
                 "result": [ {group} ],
                 "result_info": {{ "page": 1, "per_page": 25, "count": 1, "total_count": 1, "total_pages": 1 }} }}"#
        ));
    });
    for all in [false, true] {
        let mut command = cloudflare(&server.base_url());
        command.args(["access_groups_list_access_groups", "-p", &format!("account_id={ACCOUNT_ID}")]);
        if all {
            command.arg("--all");
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let expected = if all { format!("[\n{group}\n]\n") } else { format!("[{group}]\n") };
        assert_eq!(text(&output.stdout), expected, "--all: {all}");
    }
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
            then.status(200).json_body(self::page(
                json!([{ "id": format!("token-{page}a") }, { "id": format!("token-{page}b") }]),
                json!({ "page": page, "per_page": 2, "total_pages": 2, "count": 2, "total_count": 4 }),
            ));
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
    let other_account = "account_id=9a7806061c88ada191ed06f989cc3dac".to_owned();
    let long_tag = format!("tag_name={}", "x".repeat(65_000));
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
        (
            vec!["access_groups_list_access_groups", "-p", &account, "-p", &other_account],
            "\"account_id\" is given twice",
        ),
        // A URL no server takes (it was sent, and failed as "builder error" with the whole URL).
        (vec!["access_tags_delete_a_tag", "-p", &account, "-p", &long_tag], "over Cloudflare's limit of 16 KiB"),
    ] {
        let output = cloudflare(&server.base_url()).args(&args).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains(API_TOKEN));
        assert!(stderr.len() < 1000, "a short message: {stderr}");
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

#[test]
fn a_body_field_the_operation_does_not_know_is_refused_by_name_and_nothing_is_sent() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200).json_body(envelope(json!({})));
    });
    let account = format!("account_id={ACCOUNT_ID}");
    for (operation, body, field) in [
        (
            "access_policies_create_an_access_reusable_policy",
            r#"{"name":"p","decision":"allow","include":[{"everyone":{}}],"requre":[{"email":{"email":"a@example.com"}}]}"#,
            "/requre",
        ),
        (
            "access_groups_create_an_access_group",
            r#"{"name":"g","include":[{"email":{"email":"a@example.com","emial":"b@example.com"}}]}"#,
            "/include/0/email/emial",
        ),
        ("create_account_service_token", r#"{"name":"ci","durration":"1h"}"#, "/durration"),
    ] {
        let output = cloudflare(&server.base_url()).args([operation, "-p", &account, "--body", body]).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{operation}: {stderr}");
        assert!(stderr.contains(field) && stderr.contains("does not know"), "{operation}: {stderr}");
    }
    assert_eq!(anything.calls(), 0, "nothing was sent");
}

#[test]
fn a_body_goes_out_as_given_not_as_the_types_rewrite_it() {
    let server = MockServer::start();
    // A fraction of five digits: the generated type would send six ("...00.123450Z").
    let body = json!({"previous_client_secret_expires_at": "2026-12-01T00:00:00.12345Z"});
    let update = server.mock(|when, then| {
        when.method("PUT")
            .path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"))
            .json_body(body.clone());
        then.status(200).json_body(envelope(json!({ "id": TOKEN_ID })));
    });
    let output = cloudflare(&server.base_url())
        .args(["update_account_service_token", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("service_token_id={TOKEN_ID}"), "--body", &body.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    update.assert();
}

#[test]
fn all_on_an_operation_that_is_not_a_list_is_a_usage_error_and_sends_nothing() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(201).json_body(envelope(json!({ "id": TOKEN_ID, "client_secret": CLIENT_SECRET })));
    });
    let account = format!("account_id={ACCOUNT_ID}");
    let token = format!("service_token_id={TOKEN_ID}");
    for args in [
        vec!["rotate_account_service_token", "-p", &account, "-p", &token, "--all"],
        vec!["create_account_service_token", "-p", &account, "--body", r#"{"name":"ci"}"#, "--all"],
        vec!["get_account_service_token", "-p", &account, "-p", &token, "--all"],
        vec!["access_mtls_authentication_update_an_mtls_certificate_settings", "-p", &account, "--body", "{}", "--all"],
    ] {
        let output = cloudflare(&server.base_url()).args(&args).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is not a paginated list") && stderr.contains("nothing was sent"), "{stderr}");
    }
    assert_eq!(anything.calls(), 0);
}

#[test]
fn a_list_cut_short_says_so_and_fails_and_leaves_its_array_open() {
    let server = MockServer::start();
    // access_groups_list_access_groups takes no `page` parameter; this answer says 3 pages.
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/groups"));
        then.status(200).json_body(page(
            json!([{ "id": "a", "name": "one" }, { "id": "b", "name": "two" }]),
            json!({ "page": 1, "per_page": 2, "total_pages": 3, "count": 2, "total_count": 6 }),
        ));
    });
    let output = cloudflare(&server.base_url())
        .args(["access_groups_list_access_groups", "-p", &format!("account_id={ACCOUNT_ID}"), "--all"])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cut short after 2 items") && stderr.contains("no `page` parameter"), "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "the items read: {stdout}");
    assert!(stdout.starts_with("[\n") && !stdout.trim_end().ends_with(']'), "not a complete array: {stdout}");
    assert!(serde_json::from_str::<Value>(&stdout).is_err());
}

#[test]
fn all_streams_one_item_a_line_in_one_array() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens"));
        then.status(200).json_body(page(
            json!([{ "id": "x" }, { "id": "y" }]),
            json!({ "page": 1, "per_page": 50, "total_pages": 1, "count": 2, "total_count": 2 }),
        ));
    });
    let output = cloudflare(&server.base_url())
        .args(["list_account_service_tokens", "-p", &format!("account_id={ACCOUNT_ID}"), "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "[\n{\"id\":\"x\"},\n{\"id\":\"y\"}\n]\n");
}

#[test]
fn a_body_file_or_stdin_is_read_within_a_bound() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200);
    });
    let started = std::time::Instant::now();
    let output = cloudflare(&server.base_url())
        .args(["access_groups_create_an_access_group", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["--body", "@/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("longer than 4 MiB"), "{}", text(&output.stderr));
    let huge = " ".repeat(5 * 1024 * 1024);
    let output = cloudflare(&server.base_url())
        .args(["access_groups_create_an_access_group", "-p", &format!("account_id={ACCOUNT_ID}"), "--body", "-"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("longer than 4 MiB"));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "bounded, not read to the end");
    assert_eq!(anything.calls(), 0);
}

#[test]
fn a_secret_inside_an_untyped_answer_is_warned_about() {
    let server = MockServer::start();
    let app =
        json!({ "id": TOKEN_ID, "name": "saas", "saas_app": { "client_id": "c", "client_secret": CLIENT_SECRET } });
    server.mock(|when, then| {
        when.method("GET").path_includes("/access/apps/");
        then.status(200).json_body(envelope(app.clone()));
    });
    let output = cloudflare(&server.base_url())
        .args(["access_applications_get_an_access_application", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("app_id={TOKEN_ID}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(CLIENT_SECRET));
    assert!(text(&output.stderr).contains("holds a secret"), "{}", text(&output.stderr));
}

const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";

/// A file of `contents` in a fresh directory of the test's own.
fn file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cloudflare-cli-api-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn a_form_is_sent_from_values_and_files_as_curl_sends_them() {
    let server = MockServer::start();
    let path = format!("/accounts/{ACCOUNT_ID}/storage/kv/namespaces/{NAMESPACE}/values/config");
    let written = server.mock(|when, then| {
        when.method(httpmock::Method::PUT)
            .path(&path)
            .header("authorization", format!("Bearer {API_TOKEN}"))
            .header_prefix("content-type", "multipart/form-data; boundary=")
            .body_includes("name=\"value\"; filename=\"value.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{1}\u{2}bytes")
            .body_includes("name=\"metadata\"\r\n\r\n{\"owner\":\"ci\"}");
        then.status(200).json_body(envelope(Value::Null));
    });
    let value = file("value.bin", b"\x01\x02bytes");
    let output = cloudflare(&server.base_url())
        .args(["workers_kv_namespace_write_key_value_pair_with_metadata", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("namespace_id={NAMESPACE}"), "-p", "key_name=config"])
        .args(["--form", &format!("value=@{}", value.display()), "-F", r#"metadata={"owner":"ci"}"#])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    written.assert();

    // A part the operation does not take, a missing file, --form for a JSON operation: exit 2.
    for (args, expected) in [
        (vec!["-F", "valeu=x", "-F", "metadata={}"], "a part the operation does not take: valeu"),
        (vec!["-F", "value=@/no/such/file", "-F", "metadata={}"], "--form value: /no/such/file"),
    ] {
        let output = cloudflare(&server.base_url())
            .args([
                "workers_kv_namespace_write_key_value_pair_with_metadata",
                "-p",
                &format!("account_id={ACCOUNT_ID}"),
            ])
            .args(["-p", &format!("namespace_id={NAMESPACE}"), "-p", "key_name=config"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(text(&output.stderr).contains(expected), "{}", text(&output.stderr));
    }
    let output = cloudflare(&server.base_url())
        .args(["access_groups_create_an_access_group", "-p", &format!("account_id={ACCOUNT_ID}"), "-F", "name=x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("takes a JSON body, not parts of a form"), "{}", text(&output.stderr));
    assert_eq!(written.calls(), 1, "nothing more was sent");
}

#[test]
fn a_raw_body_is_sent_from_a_file_or_stdin_with_its_media_type() {
    let server = MockServer::start();
    let path = format!("/accounts/{ACCOUNT_ID}/vectorize/v2/indexes/docs/upsert");
    let lines = "{\"id\":\"1\",\"values\":[0.5]}\n{\"id\":\"2\",\"values\":[0.25]}\n";
    let upserted = server.mock(|when, then| {
        when.method(httpmock::Method::POST).path(&path).header("content-type", "application/x-ndjson").body(lines);
        then.status(200).json_body(envelope(json!({"mutationId": "m-7"})));
    });
    let vectors = file("vectors.ndjson", lines.as_bytes());
    let base = |command: &mut Command| {
        command.args(["vectorize_upsert_vector", "-p", &format!("account_id={ACCOUNT_ID}"), "-p", "index_name=docs"]);
    };
    let mut from_file = cloudflare(&server.base_url());
    base(&mut from_file);
    let output = from_file.args(["--body", &format!("@{}", vectors.display())]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "{\"mutationId\":\"m-7\"}\n");
    let mut from_stdin = cloudflare(&server.base_url());
    base(&mut from_stdin);
    let output = from_stdin.args(["--body", "-"]).write_stdin(lines).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(upserted.calls(), 2);
}

#[test]
fn a_download_goes_to_stdout_byte_for_byte() {
    let server = MockServer::start();
    let pcap: Vec<u8> =
        [&[0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00][..], &[0u8; 8], b"\x1b]0;title\x07", &[0xff; 3]].concat();
    server.mock(|when, then| {
        when.method(httpmock::Method::GET).path(format!("/accounts/{ACCOUNT_ID}/pcaps/{NAMESPACE}/download"));
        then.status(200).header("content-type", "application/vnd.tcpdump.pcap").body(&pcap);
    });
    // A zone file holding the credential: written as it is, to a file or a pipe.
    let bind = format!("example.com. 300 IN TXT \"{API_TOKEN}\"\r\nexample.com. 300 IN A 192.0.2.1\n");
    server.mock(|when, then| {
        when.method(httpmock::Method::GET).path(format!("/zones/{ZONE_ID}/dns_records/export"));
        then.status(200).header("content-type", "text/plain").body(&bind);
    });
    let output = cloudflare(&server.base_url())
        .args(["magic_pcap_collection_download_simple_pcap", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("pcap_id={NAMESPACE}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(output.stdout, pcap, "byte for byte, control bytes and all");
    let output = cloudflare(&server.base_url())
        .args(["dns_records_for_a_zone_export_dns_records", "-p", &format!("zone_id={ZONE_ID}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), bind, "a file written from it is the file Cloudflare holds");

    // A file larger than a JSON answer's bound (4 MiB) is read whole, up to an upload's (100 MiB).
    let large: Vec<u8> = (0..5 * 1024 * 1024).map(|index| (index % 251) as u8).collect();
    server.mock(|when, then| {
        when.path(format!("/accounts/{ACCOUNT_ID}/storage/kv/namespaces/{NAMESPACE}/values/large"));
        then.status(200).header("content-type", "application/octet-stream").body(&large);
    });
    let output = cloudflare(&server.base_url())
        .args(["workers_kv_namespace_read_key_value_pair", "-p", &format!("account_id={ACCOUNT_ID}")])
        .args(["-p", &format!("namespace_id={NAMESPACE}"), "-p", "key_name=large"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout == large, "5 MiB, byte for byte");
}

/// `cloudflare api ARGS` on a terminal ([`support::on_a_terminal`]).
fn on_a_terminal(base_url: &str, args: &[&str]) -> Option<(i32, String)> {
    let args: Vec<&str> = std::iter::once("api").chain(args.iter().copied()).collect();
    support::on_a_terminal(base_url, API_TOKEN, &args, "")
}

#[test]
fn a_binary_answer_is_refused_on_a_terminal_and_text_is_made_safe_for_it() {
    let server = MockServer::start();
    let pcap = server.mock(|when, then| {
        when.path(format!("/accounts/{ACCOUNT_ID}/pcaps/{NAMESPACE}/download"));
        then.status(200).header("content-type", "application/vnd.tcpdump.pcap").body([0xd4, 0xc3, 0x1b, 0x5b]);
    });
    let key = |name: &str| format!("/accounts/{ACCOUNT_ID}/storage/kv/namespaces/{NAMESPACE}/values/{name}");
    server.mock(|when, then| {
        when.path(key("binary"));
        then.status(200).header("content-type", "application/octet-stream").body(b"\x00\x1b[2J\xff");
    });
    server.mock(|when, then| {
        when.path(key("text"));
        then.status(200).header("content-type", "application/octet-stream").body("line one\n\x1b]0;pwned\x07two\n");
    });
    let account = format!("account_id={ACCOUNT_ID}");
    let pcap_id = format!("pcap_id={NAMESPACE}");
    let Some((code, shown)) = on_a_terminal(
        &server.base_url(),
        &["magic_pcap_collection_download_simple_pcap", "-p", &account, "-p", &pcap_id],
    ) else {
        return;
    };
    assert_eq!(code, 2, "the spec says it is binary: refused before sending: {shown}");
    assert!(shown.contains("> answer.pcap"), "{shown}");
    assert_eq!(pcap.calls(), 0, "nothing was sent");

    let namespace = format!("namespace_id={NAMESPACE}");
    let read = |name: &str| {
        let key = format!("key_name={name}");
        on_a_terminal(
            &server.base_url(),
            &["workers_kv_namespace_read_key_value_pair", "-p", &account, "-p", &namespace, "-p", &key],
        )
        .unwrap()
    };
    let (code, shown) = read("binary");
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains("is binary (application/octet-stream)") && !shown.contains("\x1b[2J"), "{shown:?}");
    let (code, shown) = read("text");
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("line one") && shown.contains("\\u{1b}]0;pwned\\u{7}two"), "{shown:?}");
}

/// `-i` (`--include-headers`) prints the status and headers, a blank line, then the body as
/// without it; a header that echoes the credential shows it redacted, as every answer does.
#[test]
fn include_headers_prints_the_head_before_the_body_with_the_credential_redacted() {
    let server = MockServer::start();
    let listed = server.mock(|when, then| {
        when.method("GET").path(format!("/accounts/{ACCOUNT_ID}/access/groups"));
        then.status(200)
            .header("content-type", "application/json")
            .header("cf-ray", "8c0ffee0c0ffee00-LHR")
            .header("x-echo", format!("Bearer {API_TOKEN}"))
            .body(r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"g1","new_in_2026":1.10}]}"#);
    });
    let output = cloudflare(&server.base_url())
        .args(["access_groups_list_access_groups", "-p", &format!("account_id={ACCOUNT_ID}"), "-i"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(!stdout.contains(API_TOKEN), "{stdout}");
    let (head, body) = stdout.split_once("\n\n").expect("a blank line after the head");
    let lines: Vec<&str> = head.lines().collect();
    assert_eq!(lines[0], "HTTP 200 OK");
    assert!(lines.contains(&"cf-ray: 8c0ffee0c0ffee00-LHR"), "{lines:?}");
    assert!(lines.contains(&"content-type: application/json"), "{lines:?}");
    assert!(lines.iter().any(|line| line.starts_with("x-echo: Bearer ") && line.contains("REDACTED")), "{lines:?}");
    assert_eq!(body, "[{\"id\":\"g1\",\"new_in_2026\":1.10}]\n", "the body as without -i");
    listed.assert_calls(1);

    // A list read whole has many answers: -i with --all is a usage error, nothing sent.
    let output = cloudflare(&server.base_url())
        .args(["access_groups_list_access_groups", "-p", &format!("account_id={ACCOUNT_ID}"), "-i", "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    listed.assert_calls(1);
}

/// The bodies Cloudflare's documentation shows, which lack what the server assigns (an `id`, a
/// ruleset's `version` and `last_updated`) where upstream's schema, shared by the request and
/// its answer, requires it: each is sent as given (the server checks the rest), over HTTP.
/// Before the import's rule (spec header, "Server-assigned fields"), each exited 2 with "the
/// body does not fit the operation: missing field `id`".
#[test]
fn a_body_as_cloudflare_documents_it_is_sent_without_the_fields_the_server_assigns() {
    const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
    const ITEM_ID: &str = "23ff594956f20c2a721606e94745a8aa";
    let tsig = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab92b417896c15d4d007c7c14194538d2a5d0feffdecc5a7f0e1c570cfa700837c";
    let cases: Vec<(&str, &str, String, Vec<String>, Value)> = vec![
        (
            "secondary_dns_tsig_create_tsig",
            "POST",
            format!("/accounts/{ACCOUNT_ID}/secondary_dns/tsigs"),
            vec![format!("account_id={ACCOUNT_ID}")],
            json!({"algo": "hmac-sha512.", "name": "tsig.customer.cf.", "secret": tsig}),
        ),
        (
            "secondary_dns_acl_create_acl",
            "POST",
            format!("/accounts/{ACCOUNT_ID}/secondary_dns/acls"),
            vec![format!("account_id={ACCOUNT_ID}")],
            json!({"name": "my-acl-1", "ip_range": "192.0.2.53/28"}),
        ),
        (
            "secondary_dns_peer_update_peer",
            "PUT",
            format!("/accounts/{ACCOUNT_ID}/secondary_dns/peers/{ITEM_ID}"),
            vec![format!("account_id={ACCOUNT_ID}"), format!("peer_id={ITEM_ID}")],
            json!({"name": "my-peer-1", "ip": "192.0.2.53", "port": 53}),
        ),
        (
            "createzoneruleset",
            "POST",
            format!("/zones/{ZONE_ID}/rulesets"),
            vec![format!("zone_id={ZONE_ID}")],
            json!({"name": "My ruleset", "kind": "zone", "phase": "http_request_firewall_custom", "rules": []}),
        ),
        (
            "accounts_update_account",
            "PUT",
            format!("/accounts/{ACCOUNT_ID}"),
            vec![format!("account_id={ACCOUNT_ID}")],
            json!({"name": "Demo Account"}),
        ),
        (
            "user_api_tokens_update_token",
            "PUT",
            format!("/user/tokens/{ITEM_ID}"),
            vec![format!("token_id={ITEM_ID}")],
            json!({"name": "readonly token", "status": "active", "policies": [{
                "effect": "allow",
                "permission_groups": [{"id": "c8fed203ed3043cba015a93ad1616f1f"}],
                "resources": {"com.cloudflare.api.account.zone.*": "*"}
            }]}),
        ),
    ];
    let server = MockServer::start();
    for (operation, method, path, params, body) in cases {
        let mut mock = server.mock(|when, then| {
            when.method(method).path(path.clone()).json_body(body.clone());
            then.status(200).json_body(envelope(json!({"id": ITEM_ID})));
        });
        let mut command = cloudflare(&server.base_url());
        command.arg(operation);
        for param in &params {
            command.args(["--param", param]);
        }
        let output = command.args(["--body", &body.to_string()]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{operation}: {}", text(&output.stderr));
        mock.assert();
        mock.delete();
    }
}

/// A secret a request sends (a `SecretInput`: a TSIG's secret, a Hyperdrive origin's password,
/// a webhook's secret) never shows: not in `--dry-run`'s body, not where the server quotes it
/// back (its error message, a header `--include-headers` prints, its answer's body).
#[test]
fn a_secret_a_request_sends_never_shows() {
    const TSIG: &str = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab";
    const PASSWORD: &str = "Pa55-w0rd-of-the-origin-db-42";
    const WEBHOOK: &str = "whsec-0123456789abcdef-for-the-hook";
    let cases = [
        (
            "secondary_dns_tsig_create_tsig",
            format!("/accounts/{ACCOUNT_ID}/secondary_dns/tsigs"),
            json!({"algo": "hmac-sha512.", "name": "tsig.customer.cf.", "secret": TSIG}),
            TSIG,
        ),
        (
            "create_hyperdrive",
            format!("/accounts/{ACCOUNT_ID}/hyperdrive/configs"),
            json!({"name": "example-hyperdrive", "origin": {"database": "postgres", "host": "db.example.com",
                   "password": PASSWORD, "scheme": "postgres", "user": "postgres", "port": 5432}}),
            PASSWORD,
        ),
        (
            "notification_webhooks_create_a_webhook",
            format!("/accounts/{ACCOUNT_ID}/alerting/v3/destinations/webhooks"),
            json!({"name": "Slack Webhook", "url": "https://hooks.example.com/x", "secret": WEBHOOK}),
            WEBHOOK,
        ),
    ];
    for (operation, path, body, secret) in cases {
        let args = |base: &str| {
            let mut command = cloudflare(base);
            command.args([operation, "--param", &format!("account_id={ACCOUNT_ID}"), "--body", &body.to_string()]);
            command
        };
        let shown = |output: &std::process::Output| format!("{}{}", text(&output.stdout), text(&output.stderr));

        let dry = args("http://127.0.0.1:9").arg("--dry-run").output().unwrap();
        assert_eq!(dry.status.code(), Some(0), "{operation}: {}", shown(&dry));
        assert!(!shown(&dry).contains(secret) && shown(&dry).contains("[REDACTED]"), "{operation}: {}", shown(&dry));

        let server = MockServer::start();
        let mut refused = server.mock(|when, then| {
            when.method("POST").path(path.clone()).json_body(body.clone());
            then.status(400)
                .header("x-echo", format!("got {secret}"))
                .json_body(json!({"success": false, "messages": [], "result": null,
                    "errors": [{"code": 1004, "message": format!("invalid secret {secret}")}]}));
        });
        let output = args(&server.base_url()).output().unwrap();
        refused.assert();
        assert_eq!(output.status.code(), Some(1), "{operation}: {}", shown(&output));
        assert!(shown(&output).contains("invalid secret [REDACTED]"), "{operation}: {}", shown(&output));
        assert!(!shown(&output).contains(secret), "{operation}: {}", shown(&output));
        refused.delete();

        let taken = server.mock(|when, then| {
            when.method("POST").path(path.clone()).json_body(body.clone());
            then.status(200).header("x-echo", format!("got {secret}")).json_body(envelope(body.clone()));
        });
        let output = args(&server.base_url()).arg("--include-headers").output().unwrap();
        taken.assert();
        assert_eq!(output.status.code(), Some(0), "{operation}: {}", shown(&output));
        assert!(shown(&output).contains("x-echo: got [REDACTED]"), "{operation}: {}", shown(&output));
        assert!(!shown(&output).contains(secret), "{operation}: {}", shown(&output));
    }
}

/// `--body -` on a terminal: what is typed is not echoed, so a secret in it never shows on the
/// screen (nor in the dry run's body). The terminal echoed it before.
#[test]
fn a_body_typed_on_a_terminal_is_not_echoed() {
    const TSIG: &str = "caf79a7804b04337c9c66ccd7bef9190a1e1679b5dd03d8aa10f7ad45e1a9dab";
    let body = json!({"algo": "hmac-sha512.", "name": "tsig.customer.cf.", "secret": TSIG});
    let args = [
        "api",
        "secondary_dns_tsig_create_tsig",
        "--param",
        &format!("account_id={ACCOUNT_ID}"),
        "--body",
        "-",
        "--dry-run",
    ];
    // The body, then end of input (Ctrl-D at the start of a line).
    let Some((code, screen)) =
        support::on_a_terminal("http://127.0.0.1:9", API_TOKEN, &args, &format!("{body}\n\u{4}"))
    else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("not shown as it is typed"), "{screen}");
    assert!(screen.contains("\"secret\": \"[REDACTED]\""), "{screen}");
    assert!(!screen.contains(TSIG), "the terminal showed the secret:\n{screen}");
}
