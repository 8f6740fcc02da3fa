//! Every operation's example request, checked against Cloudflare's own published schema as the
//! official SDKs' test suites do: Stoplight Prism serves the reference schema
//! (`spec/reference/`, the import's source, not our spec) and validates each request's path,
//! query, headers and body; a test fails on any violation Prism reports (its `sl-violations`
//! header) and on a request no path or method of the schema matches, unless that violation is
//! listed in `tests/prism/known-violations.txt` with the others already found; a listed one
//! that no longer occurs fails too, so the list is always what Prism reports today. Violations
//! of Prism's own mocked answers (built from Cloudflare's examples, which contradict their
//! schemas in places) are not about our requests and are left to the answers' tests.
//!
//! The request is the one the generated code builds (`cloudflare_openapi::prepare`, as
//! `Client::invoke` does) from the operation's example parameters (every one, optional ones
//! too) and example body; the test adds the credentials the reference schema asks of the
//! operation, since the transport's own credentials are the subject of `every_operation.rs`.
//!
//! Prism comes from the npm registry (`tests/prism/package.json`, pinned by its lock file);
//! `.ci/run` installs it with `npm ci --prefix tests/prism`. Without it the test fails under
//! CI (`CI` set) and is skipped with a notice elsewhere.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cloudflare_openapi::Arguments;
use cloudflare_tests::{API_KEY, API_TOKEN, EMAIL};
use futures_util::StreamExt;
use serde_json::Value;

const REFERENCE: &str = "spec/reference/cloudflare-openapi-cca3064f.json";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// The `prism` command: `$PRISM`, or the one `npm ci --prefix tests/prism` installs.
fn prism_command() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PRISM") {
        return Some(path.into());
    }
    let installed = workspace().join("tests/prism/node_modules/.bin/prism");
    installed.exists().then_some(installed)
}

/// Prism serving the reference schema on a free port, stopped on drop.
struct Prism {
    child: Child,
    base_url: String,
}

impl Prism {
    fn start(command: &Path) -> Self {
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port();
        let child = Command::new(command)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(workspace().join(REFERENCE))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prism starts");
        let mut prism = Self { child, base_url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(prism.child.try_wait().expect("prism's status").is_none(), "prism exited before listening");
            assert!(started.elapsed() < Duration::from_secs(180), "prism did not listen within 180 s");
            std::thread::sleep(Duration::from_millis(200));
        }
        prism
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /zones/{zone_id}/x`: `GET /zones/{}/x`, as Prism routes it (whatever its parameters
/// are called).
fn route(method: &str, path: &str) -> String {
    let mut out = format!("{} ", method.to_ascii_uppercase());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

/// Each operation's security requirements in the reference schema (its own, or the schema's),
/// by [`route`].
fn security(reference: &Value) -> BTreeMap<String, Vec<Vec<String>>> {
    let requirements = |value: &Value| -> Vec<Vec<String>> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .map(|requirement| requirement.as_object().into_iter().flatten().map(|(name, _)| name.clone()).collect())
            .collect()
    };
    let global = requirements(&reference["security"]);
    let mut operations = BTreeMap::new();
    for (path, item) in reference["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let own = operation.get("security").map(requirements);
            operations.insert(route(method, path), own.unwrap_or_else(|| global.clone()));
        }
    }
    operations
}

/// The credentials headers that meet one of `requirements`: the API token where a requirement
/// asks for it alone, else the email and key; a requirement naming them all (436 operations of
/// the reference schema list `api_email`, `api_key` and `api_token` as one) gets all three.
fn credentials(request: &mut reqwest::Request, requirements: &[Vec<String>]) {
    let chosen = requirements
        .iter()
        .find(|requirement| requirement.len() == 1 && requirement[0] == "api_token")
        .or_else(|| requirements.iter().find(|requirement| !requirement.iter().any(|name| name == "user_service_key")))
        .cloned()
        .unwrap_or_default();
    let headers = request.headers_mut();
    for name in &chosen {
        match name.as_str() {
            "api_token" => {
                headers.insert("authorization", format!("Bearer {API_TOKEN}").parse().unwrap());
            }
            "api_email" => {
                headers.insert("x-auth-email", EMAIL.parse().unwrap());
            }
            "api_key" => {
                headers.insert("x-auth-key", API_KEY.parse().unwrap());
            }
            _ => {}
        }
    }
}

const KNOWN: &str = "tests/prism/known-violations.txt";

/// Prism's errors about one request: its `sl-violations` of severity `Error` about the request
/// (not about its own mocked answer), or why it matched nothing.
async fn violations(http: &reqwest::Client, request: reqwest::Request) -> Vec<String> {
    let response = http.execute(request).await.expect("prism answers");
    let mut found = Vec::new();
    if let Some(header) = response.headers().get("sl-violations") {
        let listed: Vec<Value> = serde_json::from_slice(header.as_bytes()).expect("sl-violations is JSON");
        let about_request = |violation: &&Value| violation["location"][0] == "request";
        for violation in listed.iter().filter(|violation| violation["severity"] == "Error").filter(about_request) {
            found.push(format!(
                "{}: {}",
                violation["location"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("."),
                violation["message"].as_str().unwrap_or_default()
            ));
        }
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if text.contains("NO_PATH_MATCHED") || text.contains("NO_METHOD_MATCHED") {
        found.push(format!("{status}: not in the reference schema: {text}"));
    }
    found
}

/// The operations of the spec's hand-written part that the 2024 schema does not have
/// (account-owned API tokens, from Cloudflare's current API reference; see the spec's header).
const NOT_UPSTREAM: [&str; 5] = [
    "list_account_api_tokens",
    "verify_account_api_token",
    "get_account_api_token",
    "delete_account_api_token",
    "roll_account_api_token",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_request_passes_prism_serving_cloudflares_schema() {
    let Some(command) = prism_command() else {
        assert!(std::env::var_os("CI").is_none(), "CI needs Prism: npm ci --prefix tests/prism");
        eprintln!("skipped: Prism is not installed (npm ci --prefix tests/prism)");
        return;
    };
    let reference: Value =
        serde_json::from_slice(&std::fs::read(workspace().join(REFERENCE)).expect("the reference schema")).unwrap();
    let security = security(&reference);
    let prism = Prism::start(&command);
    let api = cloudflare_openapi::Client::new_with_client(&prism.base_url, reqwest::Client::new());
    let http = reqwest::Client::new();

    let mut requests = Vec::new();
    for operation in cloudflare_openapi::operations() {
        // Written by hand from Cloudflare's current reference: the 2024 schema cannot judge
        // them, and they must not be in it (else this list is stale).
        if NOT_UPSTREAM.contains(&operation.id) {
            assert!(
                !security.contains_key(&route(operation.method, operation.path)),
                "{} is in {REFERENCE} now: take it off NOT_UPSTREAM",
                operation.id
            );
            continue;
        }
        let mut arguments = Arguments::example(operation);
        for parameter in operation.parameters {
            arguments.parameter(parameter.name, parameter.example);
        }
        let mut request = cloudflare_openapi::prepare(&api, operation.id, &arguments)
            .unwrap_or_else(|error| panic!("{}: its example arguments: {error}", operation.id))
            .into_request()
            .unwrap_or_else(|error| panic!("{}: its example request: {error}", operation.id));
        let requirements = security.get(&route(operation.method, operation.path)).unwrap_or_else(|| {
            panic!("{} ({} {}) is not in {REFERENCE}", operation.id, operation.method, operation.path)
        });
        credentials(&mut request, requirements);
        requests.push((operation.id, request));
    }
    let checked = requests.len();
    // A few at a time: Prism validates one while the next is on its way.
    let answers: Vec<Vec<String>> = futures_util::stream::iter(requests)
        .map(|(id, request)| {
            let http = &http;
            async move {
                violations(http, request).await.into_iter().map(|violation| format!("{id}: {violation}")).collect()
            }
        })
        .buffered(4)
        .collect()
        .await;
    let found: std::collections::BTreeSet<String> = answers.into_iter().flatten().collect();
    assert_eq!(checked + NOT_UPSTREAM.len(), cloudflare_openapi::operations().count());
    assert!(checked > 0);

    // The harness sees a violation: a create whose body lost the service token's required
    // `name` (which the generated types would refuse to build, so the body is replaced).
    let mut broken = cloudflare_openapi::prepare(
        &api,
        "create_account_service_token",
        Arguments::new()
            .parameter("account_id", cloudflare_tests::ACCOUNT_ID)
            .body(serde_json::json!({ "name": "ci" })),
    )
    .expect("arguments")
    .into_request()
    .expect("request");
    *broken.body_mut() = Some(reqwest::Body::from(r#"{"duration": "24h"}"#));
    credentials(&mut broken, &security["POST /accounts/{}/access/service_tokens"]);
    let seen = violations(&http, broken).await;
    assert!(seen.iter().any(|violation| violation.contains("name")), "Prism reports a missing name: {seen:?}");

    let text = std::fs::read_to_string(workspace().join(KNOWN)).expect("the list of known violations");
    let known: std::collections::BTreeSet<String> =
        text.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).map(str::to_owned).collect();
    let new: Vec<&String> = found.difference(&known).collect();
    let gone: Vec<&String> = known.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "{checked} requests, {} violations; not in {KNOWN} ({}):\n{}\nlisted but no longer reported, remove them ({}):\n{}",
        found.len(),
        new.len(),
        new.iter().map(|line| line.as_str()).collect::<Vec<_>>().join("\n"),
        gone.len(),
        gone.iter().map(|line| line.as_str()).collect::<Vec<_>>().join("\n"),
    );
}
