//! How long `Client::audit` takes over an account of 5,000 user API tokens (100 pages of 50)
//! and 500 certificates (ten zones of 50 custom certificates), against a loopback fake that
//! paces as Cloudflare does (`Ratelimit: "default";r=...;t=300`, `Ratelimit-Policy:
//! "burst";q=1200;w=300`: 1,200 requests per 5 minutes), as a ratio of the same lists read
//! with `Client::invoke_all` and not judged (the baseline, in the same run). Every list of every
//! kind is read: 154 requests, under the quota, so no request waits. Run: `cargo bench -p
//! cloudflare-tests --bench audit`.

use std::time::{Duration, Instant};

use chrono::Utc;
use cloudflare_client::hygiene::{AuditScope, Kind, Outcome, Place, Policy};
use cloudflare_client::{AccountId, Arguments, ZoneId};
use cloudflare_tests::{RawReply, RawServer, client_for, token_credentials};
use futures_util::StreamExt;
use serde_json::{Value, json};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKENS: usize = 5_000;
const ZONES: usize = 10;
const CERTIFICATES_A_ZONE: usize = 50;
const QUOTA: usize = 1_200;

fn zone(n: usize) -> String {
    format!("{n:032x}")
}

/// The answer to the request whose head is `head`, the `index`th.
fn answer(index: usize, head: &str) -> RawReply {
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let page: usize =
        query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|page| page.parse().ok()).unwrap_or(1);
    let soon = (Utc::now() + chrono::Duration::days(10)).to_rfc3339();
    let (items, total): (Vec<Value>, usize) = if path == "/user/tokens" {
        let first = (page - 1) * 50;
        let items = (first..(first + 50).min(TOKENS))
            .map(|n| {
                json!({ "id": format!("{n:032x}"), "name": format!("token-{n}"), "status": "active",
                             "expires_on": if n % 100 == 0 { Value::from(soon.clone()) } else { Value::Null },
                             "last_used_on": "2026-12-01T00:00:00Z",
                             "condition": { "request_ip": { "in": ["192.0.2.0/24"] } }, "policies": [] })
            })
            .collect();
        (items, TOKENS)
    } else if path == "/zones" {
        ((0..ZONES).map(|n| json!({ "id": zone(n), "name": format!("zone{n}.example") })).collect(), ZONES)
    } else if path.ends_with("/custom_certificates") {
        let items = (0..CERTIFICATES_A_ZONE)
            .map(|n| json!({ "id": format!("{n:032x}"), "hosts": [format!("h{n}.example")], "expires_on": soon }))
            .collect();
        (items, CERTIFICATES_A_ZONE)
    } else {
        (Vec::new(), 0)
    };
    let body = json!({ "success": true, "errors": [], "messages": [], "result": items,
        "result_info": { "page": page, "per_page": 50, "count": 50, "total_count": total, "total_pages": total.div_ceil(50).max(1) } });
    let left = QUOTA.saturating_sub(index + 1);
    RawReply::json(
        200,
        &format!("ratelimit: \"default\";r={left};t=300\r\nratelimit-policy: \"burst\";q={QUOTA};w=300\r\n"),
        &body,
    )
}

fn scope() -> AuditScope {
    let mut scope = AuditScope::new(true, vec![ACCOUNT.parse().unwrap()], Vec::new());
    scope.all_zones = true;
    scope
}

/// The audit: its time, requests and findings.
async fn audit() -> (Duration, usize, usize, usize) {
    let server = RawServer::start(answer).await;
    let client = client_for(&server.url, token_credentials());
    let started = Instant::now();
    let scope = scope();
    let outcomes: Vec<Outcome> = client.audit(&scope, Policy::default(), Utc::now()).collect().await;
    let elapsed = started.elapsed();
    let findings = outcomes.iter().filter(|outcome| matches!(outcome, Outcome::Finding(_))).count();
    let read: usize = outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Read { credentials, .. } => *credentials,
            _ => 0,
        })
        .sum();
    assert!(outcomes.iter().all(|outcome| !matches!(outcome, Outcome::Gap(_))), "every list read");
    (elapsed, server.requests().len(), findings, read)
}

/// The same lists, read by `invoke_all` one after another and not judged.
async fn baseline() -> (Duration, usize) {
    let server = RawServer::start(answer).await;
    let client = client_for(&server.url, token_credentials());
    let account: AccountId = ACCOUNT.parse().unwrap();
    let started = Instant::now();
    let mut places = vec![Place::User, Place::Account(account.clone())];
    let mut zones = Arguments::new();
    zones.parameter("account.id", ACCOUNT).parameter("per_page", "50");
    for item in client.invoke_all("zones_get", &zones).await.unwrap() {
        places.push(Place::Zone(item["id"].as_str().unwrap().parse::<ZoneId>().unwrap()));
    }
    for place in &places {
        for kind in Kind::ALL {
            let Some(id) = kind.list_at(place) else { continue };
            let mut arguments = Arguments::new();
            match place {
                Place::Account(account) => arguments.parameter("account_id", account.to_string()),
                Place::Zone(zone) => arguments.parameter("zone_id", zone.to_string()),
                _ => &mut arguments,
            };
            if cloudflare_client::operation(id).unwrap().parameter("per_page").is_some() {
                arguments.parameter("per_page", "50");
            }
            client.invoke_all(id, &arguments).await.unwrap();
        }
    }
    (started.elapsed(), server.requests().len())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    const RUNS: usize = 5;
    let (mut audits, mut baselines) = (Vec::new(), Vec::new());
    let (mut requests, mut findings, mut read, mut base_requests) = (0, 0, 0, 0);
    for _ in 0..RUNS {
        let (elapsed, sent, found, credentials) = audit().await;
        audits.push(elapsed);
        (requests, findings, read) = (sent, found, credentials);
        let (elapsed, sent) = baseline().await;
        baselines.push(elapsed);
        base_requests = sent;
    }
    let (audit, baseline) = (median(audits), median(baselines));
    println!(
        "audit of {TOKENS} API tokens and {} certificates ({read} credentials read, {findings} findings): \
         {requests} requests in {:.3} s (median of {RUNS}); the same lists read unjudged: {base_requests} requests \
         in {:.3} s; ratio {:.2}x",
        ZONES * CERTIFICATES_A_ZONE,
        audit.as_secs_f64(),
        baseline.as_secs_f64(),
        audit.as_secs_f64() / baseline.as_secs_f64()
    );
}
