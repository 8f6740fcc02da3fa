//! The generated commands (`cloudflare FAMILY RESOURCE... VERB`) as a user runs them: the scope
//! from flags or the environment, the positional id, typed flags, `--dry-run`, and the
//! confirmation of destructive commands with and without a terminal. (That every operation has
//! a command that dry-runs to its request is checked in-process: `generated::tests`.)

use crate::support;
use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use support::Command;

const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const RECORD_ID: &str = "372e67954025e0ba6aaa6d586b9e0b59";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "gen_S3CRET_api_token_0123";

fn cloudflare(base_url: &str) -> Command {
    let mut command = Command::cloudflare();
    command.timeout(std::time::Duration::from_secs(90));
    for name in ["CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_ZONE_ID"] {
        command.env_remove(name);
    }
    command.env("CLOUDFLARE_BASE_URL", base_url).env("CLOUDFLARE_API_TOKEN", API_TOKEN);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

#[test]
fn a_list_takes_its_zone_from_the_flag_or_the_environment_and_typed_flags() {
    let server = MockServer::start();
    let listed = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/zones/{ZONE_ID}/dns_records"))
            .query_param("type", "AAAA")
            .query_param("per_page", "5")
            .header("authorization", format!("Bearer {API_TOKEN}"));
        // As text: a JSON value would not keep `1.10` (the command prints it as sent).
        let body = format!(r#"{{"success":true,"errors":[],"messages":[],"result":[{{"id":"{RECORD_ID}","name":"example.com","new_in_2026":1.10}}]}}"#);
        then.status(200).header("content-type", "application/json").body(body);
    });
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "list", "--zone-id", ZONE_ID, "--type", "AAAA", "--per-page", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        format!("[{{\"id\":\"{RECORD_ID}\",\"name\":\"example.com\",\"new_in_2026\":1.10}}]\n")
    );
    let output = cloudflare(&server.base_url())
        .env("CLOUDFLARE_ZONE_ID", ZONE_ID)
        .args(["dns", "records", "list", "--type", "AAAA", "--per-page", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(listed.calls(), 2);

    // Typed flags: a value the schema refuses is clap's usage error, nothing sent.
    for (flag, value) in [("--per-page", "many"), ("--type", "NOPE")] {
        let output = cloudflare(&server.base_url())
            .args(["dns", "records", "list", "--zone-id", ZONE_ID, flag, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains(flag), "{}", text(&output.stderr));
    }
    let output = cloudflare(&server.base_url()).args(["dns", "records", "list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no scope: pass --zone-id"), "{}", text(&output.stderr));
    assert_eq!(listed.calls(), 2, "nothing more was sent");
}

#[test]
fn the_account_or_the_zone_chooses_the_operation() {
    let server = MockServer::start();
    let account = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID, "scope": "account"})));
    });
    let zone = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/zones/{ZONE_ID}/access/service_tokens/{TOKEN_ID}"));
        then.status(200).json_body(envelope(json!({"id": TOKEN_ID, "scope": "zone"})));
    });
    for (flag, id, expected) in [("--account-id", ACCOUNT_ID, "account"), ("--zone-id", ZONE_ID, "zone")] {
        let output = cloudflare(&server.base_url())
            .args(["access", "service-tokens", "get", flag, id, TOKEN_ID])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(text(&output.stdout).contains(expected), "{}", text(&output.stdout));
    }
    // Both in the environment: which one is meant is not guessed.
    let output = cloudflare(&server.base_url())
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT_ID)
        .env("CLOUDFLARE_ZONE_ID", ZONE_ID)
        .args(["access", "service-tokens", "get", TOKEN_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("pass --account-id or --zone-id"), "{}", text(&output.stderr));
    assert_eq!((account.calls(), zone.calls()), (1, 1));
}

#[test]
fn dry_run_shows_the_request_without_credentials_and_sends_nothing() {
    let server = MockServer::start();
    let anything = server.mock(|_, then| {
        then.status(200);
    });
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "create", "--zone-id", ZONE_ID, "--dry-run"])
        .args(["--body", r#"{"type":"A","name":"www.example.com","content":"192.0.2.1","ttl":3600}"#])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let shown = text(&output.stdout);
    assert!(shown.starts_with(&format!("POST {}/zones/{ZONE_ID}/dns_records\n", server.base_url())), "{shown}");
    assert!(shown.contains("\"content\": \"192.0.2.1\""), "{shown}");
    assert!(shown.ends_with("(dry run: nothing was sent)\n"), "{shown}");
    assert!(!shown.contains(API_TOKEN) && !shown.to_lowercase().contains("authorization"), "{shown}");

    // A destructive command's dry run asks nothing and sends nothing, without a terminal too.
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "delete", RECORD_ID, "--zone-id", ZONE_ID, "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("DELETE "), "{}", text(&output.stdout));
    // And `cloudflare api` has it too, with the zone from the environment.
    let output = cloudflare(&server.base_url())
        .env("CLOUDFLARE_ZONE_ID", ZONE_ID)
        .args([
            "api",
            "dns_records_for_a_zone_delete_dns_record",
            "-p",
            &format!("dns_record_id={RECORD_ID}"),
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(&format!("/zones/{ZONE_ID}/dns_records/{RECORD_ID}")));
    assert_eq!(anything.calls(), 0, "nothing was sent");
}

#[test]
fn a_flat_body_is_a_flag_per_field_typed_by_its_schema() {
    let output = cloudflare("http://127.0.0.1:9")
        .args(["access", "service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "123"])
        .args(["--duration", "8760h", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let shown = text(&output.stdout);
    assert!(
        shown.contains("\"name\": \"123\"") && shown.contains("\"duration\": \"8760h\""),
        "a name is text: {shown}"
    );
    let output = cloudflare("http://127.0.0.1:9")
        .args(["access", "service-tokens", "create", "--account-id", ACCOUNT_ID, "--name", "ci"])
        .args(["--duration", "1y", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "the spec's pattern refuses it: {}", text(&output.stdout));
}

#[test]
fn a_destructive_command_needs_force_without_a_terminal() {
    let server = MockServer::start();
    let path = format!("/zones/{ZONE_ID}/dns_records/{RECORD_ID}");
    let deleted = server.mock(|when, then| {
        when.method(Method::DELETE).path(&path);
        then.status(200).json_body(envelope(json!({"id": RECORD_ID})));
    });
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "delete", RECORD_ID, "--zone-id", ZONE_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("pass --force"), "{}", text(&output.stderr));
    assert_eq!(deleted.calls(), 0);
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "delete", RECORD_ID, "--zone-id", ZONE_ID, "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(deleted.calls(), 1);
    // `cloudflare api` is the raw escape hatch: it asks nothing.
    let output = cloudflare(&server.base_url())
        .args(["api", "dns_records_for_a_zone_delete_dns_record", "--zone-id", ZONE_ID])
        .args(["-p", &format!("dns_record_id={RECORD_ID}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(deleted.calls(), 2);
}

#[test]
fn a_destructive_command_asks_on_a_terminal() {
    let server = MockServer::start();
    let deleted = server.mock(|when, then| {
        when.method(Method::DELETE).path(format!("/zones/{ZONE_ID}/dns_records/{RECORD_ID}"));
        then.status(200).json_body(envelope(json!({"id": RECORD_ID})));
    });
    let args = ["dns", "records", "delete", RECORD_ID, "--zone-id", ZONE_ID];
    let Some((code, shown)) = support::on_a_terminal(&server.base_url(), API_TOKEN, &args, "n\n") else { return };
    assert_eq!(code, 1, "declined: {shown}");
    assert!(
        shown.contains(&format!("DELETE {}/zones/{ZONE_ID}/dns_records/{RECORD_ID}", server.base_url())),
        "{shown}"
    );
    assert!(shown.contains("Continue? [y/N]") && shown.contains("was not confirmed"), "{shown}");
    assert_eq!(deleted.calls(), 0, "declined: nothing sent");
    let (code, shown) = support::on_a_terminal(&server.base_url(), API_TOKEN, &args, "y\n").unwrap();
    assert_eq!(code, 0, "{shown}");
    assert_eq!(deleted.calls(), 1);
    let mut forced = args.to_vec();
    forced.push("--force");
    let (code, shown) = support::on_a_terminal(&server.base_url(), API_TOKEN, &forced, "").unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(!shown.contains("Continue?"), "--force never asks: {shown}");
    assert_eq!(deleted.calls(), 2);
}

#[test]
fn help_and_the_man_page_know_the_generated_commands() {
    let help = cloudflare("http://127.0.0.1:9").arg("--help").output().unwrap();
    let help = text(&help.stdout);
    for family in ["dns", "load-balancers", "zero-trust", "service-tokens", "api"] {
        assert!(help.contains(&format!("  {family} ")), "{family} in --help:\n{help}");
    }
    let dns = cloudflare("http://127.0.0.1:9").args(["dns", "--help"]).output().unwrap();
    assert!(text(&dns.stdout).contains("records"), "{}", text(&dns.stdout));
    let leaf = cloudflare("http://127.0.0.1:9").args(["dns", "records", "list", "--help"]).output().unwrap();
    let leaf = text(&leaf.stdout);
    assert!(leaf.contains("--zone-id") && leaf.contains("--per-page") && leaf.contains("--dry-run"), "{leaf}");
    assert!(leaf.contains("dns_records_for_a_zone_list_dns_records"), "the operation it calls: {leaf}");
    // Completions of the generated commands: tests/install.rs, with the shells.
    let man = cloudflare("http://127.0.0.1:9").arg("man").output().unwrap();
    assert!(text(&man.stdout).contains("load\\-balancers"), "the man page lists the families");
}

#[test]
fn api_list_json_names_each_operation_s_command() {
    let output = cloudflare("http://127.0.0.1:9")
        .args(["api", "--list", "dns_records_for_a_zone_list", "--json"])
        .output()
        .unwrap();
    let row: Value = serde_json::from_str(text(&output.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(row["command"], "cloudflare dns records list");
}

/// An answer in a header: Stream's tus upload answers `201 Created` with no body and the URL to
/// upload to in `Location` (what the spec's description says, and what Cloudflare sends). The
/// command says where it is on stderr, and `--include-headers` prints the status and headers
/// before the body, as curl -i does; the header parameters go as headers.
#[test]
fn a_tus_upload_s_location_is_shown() {
    let server = MockServer::start();
    let location = "https://upload.videodelivery.net/tus/90c68cb5cd4fd5350b1962279c90bec0?tusv2=true";
    let initiated = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/accounts/{ACCOUNT_ID}/stream"))
            .header("tus-resumable", "1.0.0")
            .header("upload-length", "1000")
            .header("upload-metadata", "name dGVzdA==");
        then.status(201)
            .header("location", location)
            .header("stream-media-id", "90c68cb5cd4fd5350b1962279c90bec0")
            .header("content-length", "0");
    });
    let args = [
        "stream",
        "create",
        "--account-id",
        ACCOUNT_ID,
        "--tus-resumable",
        "1.0.0",
        "--upload-length",
        "1000",
        "--upload-metadata",
        "name dGVzdA==",
        "--body",
        "{}",
    ];
    let output = cloudflare(&server.base_url()).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "null\n", "no result: the body was empty");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("201 Created with no result; its Location header: {location}")), "{stderr}");

    let output = cloudflare(&server.base_url()).args(args).arg("--include-headers").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let (head, body) = stdout.split_once("\n\n").expect("a blank line after the head");
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("HTTP 201 Created"), "{stdout}");
    let headers: Vec<&str> = lines.collect();
    assert!(headers.contains(&format!("location: {location}").as_str()), "{headers:?}");
    assert!(headers.contains(&"stream-media-id: 90c68cb5cd4fd5350b1962279c90bec0"), "{headers:?}");
    assert_eq!(body, "null\n");
    assert!(!text(&output.stderr).contains("Location header"), "the head shows it: no note");
    initiated.assert_calls(2);

    // Nothing is answered to a dry run: the two do not go together (exit 2, nothing sent).
    let output = cloudflare(&server.base_url()).args(args).args(["--include-headers", "--dry-run"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    initiated.assert_calls(2);
}

/// The example a command's `--help` prints, as words (its ` \` line continuations joined, its
/// quoting read as a POSIX shell reads it).
fn printed_example(help: &str) -> Option<Vec<String>> {
    let at = help.find("\nExample:\n")?;
    let block: Vec<&str> =
        help[at + "\nExample:\n".len()..].lines().take_while(|line| !line.trim().is_empty()).collect();
    let joined = block.iter().map(|line| line.trim().trim_end_matches('\\').trim_end()).collect::<Vec<_>>().join(" ");
    shlex::split(&joined)
}

/// `given` and `printed` are the same JSON, but where `printed` shows a secret as `[REDACTED]`.
fn same_but_redacted(given: &Value, printed: &Value) -> bool {
    match (given, printed) {
        (Value::String(_), Value::String(shown)) if shown == "[REDACTED]" => true,
        (Value::Object(given), Value::Object(printed)) => {
            given.len() == printed.len()
                && given
                    .iter()
                    .all(|(name, value)| printed.get(name).is_some_and(|shown| same_but_redacted(value, shown)))
        }
        (Value::Array(given), Value::Array(printed)) => {
            given.len() == printed.len() && given.iter().zip(printed).all(|(a, b)| same_but_redacted(a, b))
        }
        _ => given == printed,
    }
}

/// Every generated command's printed example runs as printed (a file it names as `@FILE` or
/// `FILE` made first), with `--dry-run`: exit 0, nothing sent, and the body the example gives is the body
/// shown (so the operation's generated types took it: its required fields are there, each of
/// the right type, none unknown; tests/tests/prism.rs checks the same example bodies against
/// Cloudflare's own schema). An operation that needs a body has one in its example (a dry run
/// without it is a usage error).
#[test]
fn every_printed_example_runs_as_printed_with_dry_run() {
    let listed = cloudflare("http://127.0.0.1:9").args(["api", "--list", "", "--json"]).output().unwrap();
    assert_eq!(listed.status.code(), Some(0));
    let mut commands: Vec<(String, String)> = text(&listed.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|entry| (entry["command"].as_str().unwrap().to_owned(), entry["id"].as_str().unwrap().to_owned()))
        .collect();
    commands.sort();
    commands.dedup_by(|a, b| a.0 == b.0);
    let dir = std::env::temp_dir().join(format!("cloudflare-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A file that every upload takes: a zone file's one record is text too.
    let file = dir.join("example.txt");
    std::fs::write(&file, "www.example.com. 300 IN A 192.0.2.1\n").unwrap();
    let file = file.display().to_string();
    let mut ran = 0;
    let mut failed = Vec::new();
    for (name, _) in &commands {
        ran += 1;
        let words: Vec<&str> = name.split(' ').skip(1).collect();
        let help = cloudflare("http://127.0.0.1:9").args(&words).arg("--help").output().unwrap();
        let help = text(&help.stdout);
        let Some(example) = printed_example(&help) else {
            failed.push(format!("{name}: no example in --help"));
            continue;
        };
        let runs_its_own = example.first().map(String::as_str) == Some("cloudflare")
            && example.len() > words.len()
            && example[1..=words.len()].iter().zip(&words).all(|(word, own)| word == own);
        if !runs_its_own {
            failed.push(format!("{name}: the example runs another command: {example:?}"));
            continue;
        }
        let arguments: Vec<String> = example[1..]
            .iter()
            .map(|word| if word == "FILE" { file.clone() } else { word.replace("@FILE", &format!("@{file}")) })
            .chain(["--dry-run".to_owned()])
            .collect();
        let output = cloudflare("http://127.0.0.1:9").args(&arguments).output().unwrap();
        let shown = text(&output.stdout);
        if output.status.code() != Some(0) || !shown.ends_with("(dry run: nothing was sent)\n") {
            failed.push(format!("{name}: {}: {}", example.join(" "), text(&output.stderr).trim()));
            continue;
        }
        if let Some(at) = example.iter().position(|word| word == "--body")
            && let Ok(given) = serde_json::from_str::<Value>(&example[at + 1])
        {
            let lines: Vec<&str> = shown.lines().collect();
            let start = lines.iter().position(|line| line.is_empty()).expect("a body after the headers") + 1;
            let printed: Value = serde_json::from_str(&lines[start..lines.len() - 1].join("\n")).unwrap();
            if !same_but_redacted(&given, &printed) {
                failed.push(format!("{name}: the body given {given}, shown {printed}"));
            }
        }
    }
    assert!(failed.is_empty(), "{} of {ran} printed examples fail:\n{}", failed.len(), failed.join("\n"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(ran > 1_400, "every command: {ran}");
}

/// A list parameter's flag takes one value or is given again for each (`--domain a --domain
/// b`); before, one value was refused ("expected a sequence") and a second replaced the first.
#[test]
fn a_list_flag_takes_one_value_or_one_a_flag() {
    let url = |args: &[&str]| {
        let output = cloudflare("http://127.0.0.1:9").args(args).arg("--dry-run").output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout).lines().next().unwrap_or_default().to_owned()
    };
    let one = url(&["radar", "dns", "top", "ases", "get", "--domain", "a.example"]);
    assert!(one.ends_with("/radar/dns/top/ases?domain=a.example"), "{one}");
    let two = url(&["radar", "dns", "top", "ases", "get", "--domain", "a.example", "--domain", "b.example"]);
    assert!(two.ends_with("?domain=a.example&domain=b.example"), "{two}");
    let ids =
        url(&["zones", "settings", "zaraz", "history", "configs", "--zone-id", ZONE_ID, "--ids", "1", "--ids", "2"]);
    assert!(ids.ends_with("?ids=1&ids=2"), "integers: {ids}");
}

/// A fake of `GET /zones?name=` that finds `zones` (id and account name) for `name`.
fn zones_named<'a>(server: &'a MockServer, name: &str, zones: &[(&str, &str)]) -> httpmock::Mock<'a> {
    let result: Vec<Value> = zones
        .iter()
        .map(|(id, account)| json!({ "id": id, "name": name, "account": { "id": ACCOUNT_ID, "name": account } }))
        .collect();
    server.mock(|when, then| {
        when.method(Method::GET).path("/zones").query_param("name", name);
        then.status(200).json_body(envelope(Value::Array(result)));
    })
}

/// `cloudflare dns records create --zone example.com --type A --name www --content 192.0.2.1
/// --proxied true`, as flarectl users type it: the zone found by its name (one request per
/// run), the record typed by its flags; the fake refuses any other body. The same for MX,
/// TXT, CNAME and SRV (whose fields are `--data.*`).
#[test]
fn dns_records_are_created_by_their_type_s_flags_in_a_zone_given_by_name() {
    let server = MockServer::start();
    let lookup = zones_named(&server, "example.com", &[(ZONE_ID, "Example Corp")]);
    let cases: [(&[&str], Value); 5] = [
        (
            &["--type", "A", "--name", "www", "--content", "192.0.2.1", "--proxied", "true"],
            json!({ "type": "A", "name": "www", "content": "192.0.2.1", "proxied": true }),
        ),
        (
            &["--type", "MX", "--name", "example.com", "--content", "mx.example.com", "--priority", "10"],
            json!({ "type": "MX", "name": "example.com", "content": "mx.example.com", "priority": 10 }),
        ),
        (
            &[
                "--type",
                "TXT",
                "--name",
                "example.com",
                "--content",
                "v=spf1 -all",
                "--ttl",
                "3600",
                "--tags",
                "a:1",
                "--tags",
                "b:2",
            ],
            json!({ "type": "TXT", "name": "example.com", "content": "v=spf1 -all", "ttl": 3600, "tags": ["a:1", "b:2"] }),
        ),
        (
            &["--type", "CNAME", "--name", "blog", "--content", "example.net", "--proxied", "false"],
            json!({ "type": "CNAME", "name": "blog", "content": "example.net", "proxied": false }),
        ),
        (
            &[
                "--type",
                "SRV",
                "--name",
                "_sip._tcp",
                "--data.priority",
                "10",
                "--data.weight",
                "5",
                "--data.port",
                "5060",
                "--data.target",
                "sip.example.com",
            ],
            json!({ "type": "SRV", "name": "_sip._tcp", "data": { "priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com" } }),
        ),
    ];
    for (at, (flags, body)) in cases.iter().enumerate() {
        let mut answer = body.clone();
        answer["id"] = json!(RECORD_ID);
        let mut created = server.mock(|when, then| {
            when.method(Method::POST).path(format!("/zones/{ZONE_ID}/dns_records")).json_body(body.clone());
            then.status(200).json_body(envelope(answer.clone()));
        });
        let output = cloudflare(&server.base_url())
            .args(["dns", "records", "create", "--zone", "example.com"])
            .args(*flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{flags:?}: {}", text(&output.stderr));
        assert_eq!(serde_json::from_slice::<Value>(&output.stdout).unwrap()["id"], RECORD_ID);
        created.assert_calls(1);
        lookup.assert_calls(at + 1);
        created.delete();
    }
}

/// The same record against the typed mock of the operation (`cloudflare-mock`), with the zone
/// by its id: no lookup.
#[test]
fn a_record_by_flags_is_the_body_the_typed_mock_expects() {
    use cloudflare_mock::dns::MockServerExt;
    use cloudflare_openapi::dns::types;
    let server = MockServer::start();
    let record = json!({ "type": "AAAA", "name": "www", "content": "2001:db8::1", "ttl": 300, "comment": "by flags" });
    let answer: types::DnsRecordsDnsResponseSingle =
        serde_json::from_value(envelope(json!({ "id": RECORD_ID, "type": "AAAA", "name": "www" }))).unwrap();
    let created = server.dns_records_for_a_zone_create_dns_record(|when, then| {
        when.zone_id(&ZONE_ID.parse().unwrap()).body(&types::DnsRecordsDnsRecord(record.clone()));
        then.ok(&answer);
    });
    let output = cloudflare(&server.base_url())
        .args(["dns", "records", "create", "--zone", ZONE_ID, "--type", "AAAA", "--name", "www"])
        .args(["--content", "2001:db8::1", "--ttl", "300", "--comment", "by flags"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    created.assert_calls(1);
}

/// A zone name that finds none, or several, is a usage error listing what it found, and the
/// command is not sent; a dry run shows the lookup and sends nothing at all.
#[test]
fn a_zone_name_must_find_exactly_one_zone() {
    let server = MockServer::start();
    let none = zones_named(&server, "missing.example", &[]);
    let two = zones_named(
        &server,
        "shared.example",
        &[(ZONE_ID, "Example Corp"), ("0123456789abcdef0123456789abcdef", "Other Corp")],
    );
    let create = server.mock(|when, then| {
        when.method(Method::POST);
        then.status(200).json_body(envelope(json!({})));
    });
    let run = |zone: &str, extra: &[&str]| {
        cloudflare(&server.base_url())
            .args(["dns", "records", "create", "--zone", zone, "--type", "A", "--name", "a", "--content", "192.0.2.1"])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run("missing.example", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no zone is called \"missing.example\""), "{}", text(&output.stderr));
    none.assert_calls(1);
    let output = run("Shared.Example.", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("2 zones are called \"shared.example\""), "{stderr}");
    assert!(stderr.contains(&format!("{ZONE_ID} (account Example Corp)")), "{stderr}");
    assert!(stderr.contains("0123456789abcdef0123456789abcdef (account Other Corp)"), "{stderr}");
    two.assert_calls(1);
    create.assert_calls(0);

    let output = run("shared.example", &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("first GET "), "{stdout}");
    assert!(stdout.contains("/zones?name=shared.example"), "{stdout}");
    assert!(stdout.contains("/zones/{zone shared.example}/dns_records"), "{stdout}");
    two.assert_calls(1);
    create.assert_calls(0);
}

/// Union bodies in other families: a ruleset rule by its `--action`, a zone setting by its
/// `--id`, a D1 import by its `--action`; a field of another variant, a value its variant does
/// not take, or a missing required field is a usage error and nothing is sent.
#[test]
fn union_flags_choose_the_variant_in_every_family() {
    let server = MockServer::start();
    let ruleset = "2f2feab2026849078ba485f918791bdc";
    let rule = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/accounts/{ACCOUNT_ID}/rulesets/{ruleset}/rules"))
            .json_body(json!({ "action": "block", "expression": "ip.src eq 192.0.2.1", "description": "one" }));
        then.status(200).json_body(envelope(json!({ "id": ruleset })));
    });
    let setting = server.mock(|when, then| {
        when.method(Method::PATCH)
            .path(format!("/zones/{ZONE_ID}/settings/0rtt"))
            .json_body(json!({ "id": "0rtt", "value": "on" }));
        then.status(200).json_body(envelope(json!({ "id": "0rtt", "value": "on" })));
    });
    let import = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/accounts/{ACCOUNT_ID}/d1/database/{TOKEN_ID}/import"))
            .json_body(json!({ "action": "init", "etag": "abc" }));
        then.status(200).json_body(envelope(json!({})));
    });
    let run = |args: &[&str]| cloudflare(&server.base_url()).args(args).output().unwrap();
    let rule_args = ["rulesets", "rules", "create", ruleset, "--account-id", ACCOUNT_ID, "--action", "block"];
    let output = run(&[&rule_args[..], &["--expression", "ip.src eq 192.0.2.1", "--description", "one"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let setting_args = ["zones", "settings", "edit", "0rtt", "--zone-id", ZONE_ID, "--id", "0rtt"];
    let output = run(&[&setting_args[..], &["--value", "on"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let import_args = ["d1", "database", "import", TOKEN_ID, "--account-id", ACCOUNT_ID, "--action", "init"];
    let output = run(&[&import_args[..], &["--etag", "abc"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    for (args, says) in [
        // `--action-parameters.host-header` is a `route` rule's.
        (
            [&rule_args[..], &["--action-parameters.host-header", "x.example"]].concat(),
            "is not a field of this body of action block",
        ),
        ([&setting_args[..], &["--value", "maybe"]].concat(), "--value takes one of on, off"),
        (import_args.to_vec(), "--etag is required for action init"),
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(says) && stderr.contains("nothing was sent"), "{args:?}: {stderr}");
    }
    rule.assert_calls(1);
    setting.assert_calls(1);
    import.assert_calls(1);
}

/// A list as a table: `--columns` picks the fields, wherever the output goes; a pipe without it
/// keeps the JSON (a terminal gets the rule's columns: `api::table` tests them), and `--json`
/// with `--columns` is a usage error.
#[test]
fn a_list_is_a_table_of_the_columns_asked_for() {
    let server = MockServer::start();
    let listed = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/zones/{ZONE_ID}/dns_records"));
        then.status(200).json_body(envelope(json!([
            { "id": RECORD_ID, "name": "www.example.com", "type": "A", "content": "192.0.2.1", "proxied": true },
            { "id": "0123456789abcdef0123456789abcdef", "name": "example.com", "type": "MX", "content": "mx.example.com" }
        ])));
    });
    let list = ["dns", "records", "list", "--zone-id", ZONE_ID];
    let output =
        cloudflare(&server.base_url()).args(list).args(["--columns", "name,type,content,proxied"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let table = text(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "NAME             TYPE  CONTENT         PROXIED", "{table}");
    assert_eq!(lines[1], "www.example.com  A     192.0.2.1       true", "{table}");
    assert_eq!(lines[2], "example.com      MX    mx.example.com  -", "{table}");
    let output = cloudflare(&server.base_url()).args(list).output().unwrap();
    assert!(serde_json::from_slice::<Value>(&output.stdout).unwrap().is_array(), "a pipe keeps the JSON");
    let output = cloudflare(&server.base_url()).args(list).args(["--json", "--columns", "name"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    listed.assert_calls(2);
    // On a real terminal (a pty): the columns the schema's rules choose, and `--json` there.
    if let Some((status, shown)) = support::on_a_terminal(&server.base_url(), API_TOKEN, &list, "") {
        assert_eq!(status, 0, "{shown}");
        let header = shown.lines().next().unwrap_or_default();
        for column in ["ID", "NAME", "TYPE", "CONTENT"] {
            assert!(header.split_whitespace().any(|word| word == column), "{column} in {header:?}:\n{shown}");
        }
        assert!(shown.contains("www.example.com") && !shown.contains("[{"), "{shown}");
        let (status, shown) =
            support::on_a_terminal(&server.base_url(), API_TOKEN, &[&list[..], &["--json"]].concat(), "").unwrap();
        assert_eq!(status, 0, "{shown}");
        assert!(shown.contains("\"content\"") && !shown.contains("CONTENT"), "{shown}");
        listed.assert_calls(4);
    }
}

/// What Cloudflare's export writes (its comments, tabs, tags, the SOA), as the fake serves it.
const EXPORTED_ZONE: &str = ";;\n;; Domain:     example.com.\n;;\n;; SOA Record\nexample.com\t3600\tIN\tSOA\tns1.cloudflare.com. dns.cloudflare.com. 2046427381 10000 2400 604800 3600\n\n;; A Records\nwww.example.com.\t1\tIN\tA\t192.0.2.1 ; cf_tags=cf-proxied:true\n;; MX Records\nexample.com.\t1\tIN\tMX\t10 mail.example.com.\n;; TXT Records\nexample.com.\t1\tIN\tTXT\t\"v=spf1 -all ; still text\"\n";

/// `cloudflare dns records export --zone example.com > zone.txt` writes the zone file as sent;
/// `import --file zone.txt` counts its records in `--dry-run`, says what it sends, and sends it
/// as the multipart form the API takes (the `file` part named after the file, `proxied` a part
/// of its own): the fake refuses any other body. A file that is not a zone file is refused,
/// nothing sent.
#[test]
fn a_zone_file_is_exported_and_imported_by_name_with_its_records_counted() {
    let server = MockServer::start();
    let lookup = zones_named(&server, "example.com", &[(ZONE_ID, "Example Corp")]);
    let export = server.mock(|when, then| {
        when.method(Method::GET).path(format!("/zones/{ZONE_ID}/dns_records/export"));
        then.status(200).header("content-type", "text/plain").body(EXPORTED_ZONE);
    });
    let output =
        cloudflare(&server.base_url()).args(["dns", "records", "export", "--zone", "example.com"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), EXPORTED_ZONE, "the file as Cloudflare wrote it");
    export.assert_calls(1);

    let dir = std::env::temp_dir().join(format!("cloudflare-zone-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let zone = dir.join("zone.txt");
    std::fs::write(&zone, &output.stdout).unwrap();
    let zone = zone.display().to_string();
    let import = ["dns", "records", "import", "--zone", "example.com", "--file", &zone, "--proxied", "true"];

    let dry = cloudflare(&server.base_url()).args(import).arg("--dry-run").output().unwrap();
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let shown = text(&dry.stdout);
    assert!(shown.starts_with("first GET ") && shown.contains("/zones?name=example.com"), "the lookup: {shown}");
    assert!(shown.contains("POST ") && shown.contains("/zones/{zone example.com}/dns_records/import"), "{shown}");
    assert!(shown.contains(&format!("part file: {} bytes, file zone.txt", EXPORTED_ZONE.len())), "{shown}");
    assert!(
        shown.contains(
            "zone file zone.txt: 4 records (A 1, MX 1, SOA 1, TXT 1); not record types Cloudflare takes: SOA\n(dry run"
        ),
        "{shown}"
    );
    lookup.assert_calls(1); // the export's; the dry run looked nothing up

    let imported = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/zones/{ZONE_ID}/dns_records/import"))
            .body_includes(r#"name="file"; filename="zone.txt""#)
            .body_includes(EXPORTED_ZONE)
            .body_includes("name=\"proxied\"\r\n\r\ntrue\r\n");
        then.status(200).json_body(envelope(json!({ "recs_added": 3, "total_records_parsed": 4 })));
    });
    let output = cloudflare(&server.base_url()).args(import).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("sending zone file zone.txt: 4 records"), "{}", text(&output.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&output.stdout).unwrap()["recs_added"], 3);
    imported.assert_calls(1);
    lookup.assert_calls(2);

    // Standard input is a file too (`export | import --file -`).
    let piped = cloudflare(&server.base_url())
        .args(["dns", "records", "import", "--zone-id", ZONE_ID, "--file", "-", "--dry-run"])
        .write_stdin(EXPORTED_ZONE)
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped.stderr));
    assert!(text(&piped.stdout).contains("zone file stdin: 4 records"), "{}", text(&piped.stdout));

    for (content, why) in [
        (r#"{"type": "A", "name": "www", "content": "192.0.2.1"}"#, "is not a record type"),
        ("www.example.com. 300 IN A\n", "line 1: the A record has no data"),
        ("$INCLUDE /etc/bind/other.zone\n", "$INCLUDE names another file"),
        ("; nothing\n", "it holds no record"),
    ] {
        let bad = dir.join("bad.zone");
        std::fs::write(&bad, content).unwrap();
        let output = cloudflare(&server.base_url())
            .args(["dns", "records", "import", "--zone-id", ZONE_ID, "--file", &bad.display().to_string()])
            .output()
            .unwrap();
        let said = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{content}: {said}");
        assert!(said.contains("bad.zone is not a BIND zone file") && said.contains(why), "{content}: {said}");
        assert!(said.contains("nothing was sent"), "{said}");
    }
    imported.assert_calls(1);
    std::fs::remove_dir_all(&dir).unwrap();
}
