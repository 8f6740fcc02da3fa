//! `cloudflare audit` over real HTTP against a fake Cloudflare that lies as the live one can:
//! 1,051 user API tokens over 22 pages, account-owned API tokens, dates in Go's format and in
//! none, fields missing, a 403 for one kind, the zones of the account listed first. The exit status says what was
//! found (1), what could not be read (3) and nothing (0).

use crate::support;
use chrono::{DateTime, Duration, Utc};
use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use std::sync::LazyLock;
use support::Command;

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ZONE_ID: &str = "9a7806061c88ada191ed06f989cc3dac";
const API_TOKEN: &str = "audit_S3CRET_token_0123";
const TOKENS: usize = 1_050;

fn cloudflare(base_url: &str) -> Command {
    Command::against(base_url, API_TOKEN)
}

/// One instant for every date the fake holds, so a fixture built twice (once for the fake, once
/// for an assertion) holds the same dates even when a second ticks between the two.
static NOW: LazyLock<DateTime<Utc>> = LazyLock::new(Utc::now);

fn at(days: i64) -> String {
    (*NOW + Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn page(items: Vec<Value>, page: usize, total: usize) -> Value {
    json!({
        "success": true, "errors": [], "messages": [], "result": items,
        "result_info": { "page": page, "per_page": 50, "count": 50, "total_count": total, "total_pages": total.div_ceil(50).max(1) }
    })
}

fn list<'a>(server: &'a MockServer, path: &str, items: Vec<Value>) -> httpmock::Mock<'a> {
    let body = page(items.clone(), 1, items.len());
    server.mock(|when, then| {
        when.method(Method::GET).path(path.to_owned());
        then.status(200).json_body(body);
    })
}

/// A careful token: an expiry far off, used yesterday, one address range, one zone.
fn careful(n: usize) -> Value {
    json!({
        "id": format!("{n:032x}"), "name": format!("deploy-{n}"), "status": "active",
        "issued_on": at(-30), "expires_on": at(300), "last_used_on": at(-1),
        "condition": { "request_ip": { "in": ["192.0.2.0/24"] } },
        "policies": [{ "effect": "allow", "resources": { format!("com.cloudflare.api.account.zone.{ZONE_ID}"): "*" },
                       "permission_groups": [{ "name": "DNS Write" }] }]
    })
}

/// The user's tokens: 1,050 careful ones, but for five that break each rule, and one whose
/// fields are all missing or odd.
fn user_tokens() -> Vec<Value> {
    let mut tokens: Vec<Value> = (0..TOKENS).map(careful).collect();
    tokens[3]["expires_on"] = json!(at(10));
    tokens[3]["name"] = json!("expiring");
    tokens[400]["expires_on"] = Value::Null;
    tokens[400]["name"] = json!("forever");
    tokens[401].as_object_mut().unwrap().remove("condition");
    tokens[401]["name"] = json!("anywhere");
    tokens[700]["last_used_on"] = json!(at(-200));
    tokens[700]["name"] = json!("idle");
    tokens[1_000]["policies"][0]["resources"] = json!({ "com.cloudflare.api.account.zone.*": "*" });
    tokens[1_000]["name"] = json!("everywhere");
    // Go's time format (as Origin CA answers), already expired.
    tokens[1_049]["expires_on"] = json!((*NOW - Duration::days(2)).format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string());
    tokens[1_049]["name"] = json!("go-dated");
    tokens.push(json!({ "id": "odd", "name": "odd", "expires_on": "soon", "last_used_on": 7, "policies": "all" }));
    tokens
}

/// The fake account: `user_tokens` over pages, the account's and the zone's lists (its mTLS
/// certificates refused with a 403), and its one zone.
fn fake(server: &MockServer) -> Vec<httpmock::Mock<'_>> {
    let tokens = user_tokens();
    let total = tokens.len();
    let mut mocks: Vec<httpmock::Mock<'_>> = tokens
        .chunks(50)
        .enumerate()
        .map(|(at, chunk)| {
            let body = page(chunk.to_vec(), at + 1, total);
            server.mock(|when, then| {
                when.method(Method::GET)
                    .path("/user/tokens")
                    .query_param("page", (at + 1).to_string())
                    .header("authorization", format!("Bearer {API_TOKEN}"));
                then.status(200).json_body(body);
            })
        })
        .collect();
    mocks.push(list(
        server,
        &format!("/accounts/{ACCOUNT_ID}/access/service_tokens"),
        vec![
            json!({ "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": "old-ci", "expires_at": at(-5), "created_at": at(-400), "last_seen_at": at(-2) }),
            json!({ "id": "0e1a7ce0-0000-4000-8000-000000000001", "name": "fresh", "expires_at": at(200), "created_at": at(-1) }),
        ],
    ));
    let mut owned = careful(5_000);
    owned["name"] = json!("account-ci");
    owned["expires_on"] = json!(at(-1));
    mocks.push(list(server, &format!("/accounts/{ACCOUNT_ID}/tokens"), vec![owned, careful(5_001)]));
    mocks.push(server.mock(|when, then| {
        when.method(Method::GET).path(format!("/accounts/{ACCOUNT_ID}/mtls_certificates"));
        then.status(403).json_body(json!({ "success": false, "errors": [{ "code": 10000, "message": "Authentication error" }], "messages": [], "result": null }));
    }));
    mocks.push(list(
        server,
        &format!("/accounts/{ACCOUNT_ID}/access/certificates"),
        vec![json!({ "id": "a1", "name": "gateway-ca", "expires_on": (*NOW + Duration::days(20)).format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string() })],
    ));
    mocks.push(server.mock(|when, then| {
        when.method(Method::GET).path("/zones").query_param("account.id", ACCOUNT_ID);
        then.status(200).json_body(page(vec![json!({ "id": ZONE_ID, "name": "example.com" })], 1, 1));
    }));
    mocks.push(list(
        server,
        &format!("/zones/{ZONE_ID}/custom_certificates"),
        vec![json!({ "id": "c1", "hosts": ["example.com", "*.example.com"], "expires_on": at(12), "uploaded_on": at(-300) })],
    ));
    mocks.push(list(
        server,
        &format!("/zones/{ZONE_ID}/client_certificates"),
        vec![json!({ "id": "cc1", "common_name": "device-1" })],
    ));
    mocks.push(list(server, &format!("/zones/{ZONE_ID}/access/service_tokens"), vec![]));
    mocks.push(list(server, &format!("/zones/{ZONE_ID}/access/certificates"), vec![]));
    mocks.push(server.mock(|when, then| {
        when.method(Method::GET).path("/certificates").query_param("zone_id", ZONE_ID);
        then.status(200).json_body(page(
            vec![json!({ "id": "o1", "hostnames": ["origin.example.com"], "expires_on": at(400) })],
            1,
            1,
        ));
    }));
    mocks
}

fn findings(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout).lines().map(|line| serde_json::from_str(line).expect(line)).collect()
}

fn find<'a>(found: &'a [Value], name: &str, rule: &str) -> Option<&'a Value> {
    found.iter().find(|finding| finding["name"] == name && finding["rule"] == rule)
}

#[test]
fn an_account_s_every_kind_is_audited_and_a_403_is_a_gap_not_a_crash() {
    let server = MockServer::start();
    let mocks = fake(&server);
    let output =
        cloudflare(&server.base_url()).args(["audit", "--account-id", ACCOUNT_ID, "--all-zones"]).output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(3), "a list not read: the audit is incomplete\n{said}");
    assert!(
        said.contains(&format!("not read: mtls-certificates of account {ACCOUNT_ID}")) && said.contains("403"),
        "{said}"
    );
    assert!(said.contains(&format!("{} user-api-token", TOKENS + 1)), "every page read: {said}");
    assert!(said.contains("1 list not read"), "{said}");
    assert!(!said.contains(API_TOKEN) && !String::from_utf8_lossy(&output.stdout).contains(API_TOKEN));

    let found = findings(&output.stdout);
    let expiring = find(&found, "expiring", "expires-soon").expect("expires-soon");
    assert_eq!(expiring["kind"], "user-api-token");
    assert_eq!(expiring["scope"], "user");
    assert!(
        expiring["detail"].as_str().unwrap().contains("in 9 days")
            || expiring["detail"].as_str().unwrap().contains("in 10 days")
    );
    assert_eq!(expiring["expires_on"], user_tokens()[3]["expires_on"], "the date it was judged on");
    assert!(find(&found, "forever", "never-expires").is_some());
    assert!(find(&found, "anywhere", "any-ip").is_some());
    assert!(find(&found, "idle", "unused").is_some());
    let broad = find(&found, "everywhere", "broad").expect("broad");
    assert_eq!(broad["detail"], "DNS Write on com.cloudflare.api.account.zone.*");
    assert!(find(&found, "go-dated", "expired").is_some(), "Go's time format is a date");
    for rule in ["unreadable-date", "any-ip"] {
        assert!(find(&found, "odd", rule).is_some(), "a lying item is judged where it can be: {rule}");
    }
    let owned = find(&found, "account-ci", "expired").expect("an expired account API token");
    assert_eq!(
        (owned["kind"].as_str(), owned["scope"].as_str()),
        (Some("account-api-token"), Some(&*format!("account:{ACCOUNT_ID}")))
    );
    assert!(said.contains("2 account-api-token"), "{said}");
    let old = find(&found, "old-ci", "expired").expect("an expired service token");
    assert_eq!(
        (old["kind"].as_str(), old["scope"].as_str()),
        (Some("service-token"), Some(&*format!("account:{ACCOUNT_ID}")))
    );
    let access = found.iter().find(|finding| finding["kind"] == "access-certificate").expect("an access certificate");
    assert_eq!(access["rule"], "expires-soon");
    let custom = found.iter().find(|finding| finding["kind"] == "custom-certificate").expect("a zone's certificate");
    assert_eq!(
        (custom["name"].as_str(), custom["scope"].as_str()),
        (Some("example.com, *.example.com"), Some(&*format!("zone:{ZONE_ID}")))
    );
    let client = found.iter().find(|finding| finding["kind"] == "client-certificate").expect("a client certificate");
    assert_eq!(client["rule"], "unreadable-date", "a certificate without an expiry is a missing date");
    assert!(found.iter().all(|finding| finding["name"] != "fresh" && finding["kind"] != "origin-ca-certificate"));
    let careful =
        found.iter().filter(|finding| finding["name"].as_str().is_some_and(|name| name.starts_with("deploy-"))).count();
    assert_eq!(careful, 0, "the careful tokens are not findings");
    assert_eq!(found.len(), 14, "{found:#?}");
    for mock in &mocks {
        mock.assert_calls(1);
    }
}

#[test]
fn the_exit_status_says_findings_nothing_and_usage() {
    let server = MockServer::start();
    let _mocks = fake(&server);
    let run = |args: &[&str]| cloudflare(&server.base_url()).arg("audit").args(args).output().unwrap();
    let found = run(&["--account-id", ACCOUNT_ID, "--kind", "service-token,access-certificate,account-api-token"]);
    assert_eq!(found.status.code(), Some(1), "{}", String::from_utf8_lossy(&found.stderr));
    assert_eq!(findings(&found.stdout).len(), 3);
    let clean = run(&["--zone-id", ZONE_ID, "--kind", "origin-ca-certificate", "--no-user-tokens"]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    assert!(clean.stdout.is_empty());
    assert!(String::from_utf8_lossy(&clean.stderr).contains("audited 1 origin-ca-certificate in 1 place: 0 findings"));
    let later = run(&["--zone-id", ZONE_ID, "--kind", "origin-ca-certificate", "--expiring-within", "500d"]);
    assert_eq!(later.status.code(), Some(1), "the span is the policy's");
    for (args, why) in [
        (&["--kind", "service-token"][..], "no scope"),
        (&["--all-zones", "--zone-id", ZONE_ID][..], "--all-zones lists the zones of the accounts"),
        (&["--account-id", ACCOUNT_ID, "--kind", "api-key"][..], "expected one of user-api-token"),
        (&["--account-id", ACCOUNT_ID, "--unused-for", "soon"][..], "expected a span"),
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(why),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
