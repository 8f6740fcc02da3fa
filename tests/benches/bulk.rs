//! The `cloudflare` command's bulk delete (its engine and reporter, as the binary runs them)
//! against a raw `reqwest` loop at the same concurrency, deleting 10,000 ids from one local
//! keep-alive HTTP server, in the same run. Prints requests per second and their ratio.
//!
//! `cargo bench -p cloudflare-tests --bench bulk`

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudflare_cli::args::Output;
use cloudflare_cli::bulk::{self, Status};
use cloudflare_cli::report::Reporter;
use cloudflare_client::types::ServiceTokenResponse;
use cloudflare_client::{Client, Credentials, Scope, ServiceTokenId};
use cloudflare_tests::{ACCOUNT_ID, API_TOKEN, delete_answer, keep_alive_server};
use tokio::task::JoinSet;

const IDS: usize = 10_000;
const ROUNDS: usize = 5;

/// The raw loop: at most `concurrency` hand-written deletes in flight.
async fn raw(client: &reqwest::Client, base_url: &str, ids: &[ServiceTokenId], concurrency: usize) {
    let mut in_flight = JoinSet::new();
    for id in ids {
        if in_flight.len() == concurrency {
            in_flight.join_next().await.unwrap().unwrap();
        }
        let (client, url) = (client.clone(), format!("{base_url}/accounts/{ACCOUNT_ID}/access/service_tokens/{id}"));
        in_flight.spawn(async move {
            let response =
                client.delete(url).bearer_auth(API_TOKEN).header("accept", "application/json").send().await.unwrap();
            assert!(response.status().is_success());
            let envelope: ServiceTokenResponse = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
            assert_eq!(envelope.success, Some(true));
        });
    }
    while let Some(done) = in_flight.join_next().await {
        done.unwrap();
    }
}

/// The command's engine and reporter, printing to nowhere.
async fn cli(client: &Client, scope: &Scope, ids: &[ServiceTokenId], concurrency: usize) {
    let (_interrupt, interrupts) = tokio::sync::mpsc::channel(1);
    let mut reporter = Reporter::new(std::io::sink(), Output::Text, ids.len());
    let mut deleted = 0;
    bulk::delete_all(client, scope, ids, concurrency, interrupts, |index, outcome| {
        deleted += usize::from(outcome.status == Status::Deleted);
        reporter.record(index, outcome);
    })
    .await;
    assert_eq!(deleted, ids.len());
    reporter.finish();
}

fn main() {
    if std::env::args().any(|argument| argument == "--list" || argument == "--test") {
        return;
    }
    let base_url = keep_alive_server(delete_answer());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let ids: Arc<Vec<ServiceTokenId>> =
        Arc::new((0..IDS).map(|i| format!("{:08x}-0000-4000-8000-{:012x}", i, i + 1).parse().unwrap()).collect());
    let scope = Scope::Account(ACCOUNT_ID.parse().unwrap());
    let client = runtime.block_on(async {
        Client::builder().credentials(Credentials::api_token(API_TOKEN).unwrap()).base_url(&base_url).build().unwrap()
    });
    let raw_client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    println!("{IDS} deletes per run, {ROUNDS} rounds, raw and cli alternating; best round of each:");
    println!("concurrency  raw req/s  cli req/s  cli / raw");
    for concurrency in [1, 8, 64] {
        let (mut raw_best, mut cli_best) = (Duration::MAX, Duration::MAX);
        for round in 0..ROUNDS {
            for side in if round % 2 == 0 { ["raw", "cli"] } else { ["cli", "raw"] } {
                let started = Instant::now();
                runtime.block_on(async {
                    match side {
                        "raw" => raw(&raw_client, &base_url, &ids, concurrency).await,
                        _ => cli(&client, &scope, &ids, concurrency).await,
                    }
                });
                let elapsed = started.elapsed();
                let best = if side == "raw" { &mut raw_best } else { &mut cli_best };
                *best = (*best).min(elapsed);
            }
        }
        let (raw_rate, cli_rate) = (IDS as f64 / raw_best.as_secs_f64(), IDS as f64 / cli_best.as_secs_f64());
        println!("{concurrency:>11}  {raw_rate:>9.0}  {cli_rate:>9.0}  {:>9.3}", cli_rate / raw_rate);
    }
}
