//! One service-token delete through `cloudflare-client`, against the same delete made with a
//! hand-written `reqwest` call, both to one local keep-alive HTTP server, in the same run.
//! Prints the wrapper's time as a ratio of the raw call's: criterion's two estimates, and a
//! drift-free figure from interleaved rounds (raw, wrapped, raw, wrapped, …; median of the
//! per-round ratios), since on a shared machine two back-to-back measurements drift apart.
//!
//! `cargo bench -p cloudflare-tests --bench delete`

use cloudflare_client::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

use cloudflare_client::access::types::ServiceTokenResponse;
use cloudflare_client::{Client, Credentials, Scope, ServiceTokenId};
use cloudflare_tests::{ACCOUNT_ID, API_TOKEN, TOKEN_ID, delete_answer, keep_alive_server};
use criterion::Criterion;

const GROUP: &str = "delete_service_token";

fn output_directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion")
}

/// Criterion's headline time per iteration (the slope estimate; the mean where there is none).
fn nanoseconds(directory: &std::path::Path, function: &str) -> Option<f64> {
    let path = directory.join(GROUP).join(function).join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["slope"]["point_estimate"].as_f64().or_else(|| estimates["mean"]["point_estimate"].as_f64())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let base_url = keep_alive_server(delete_answer());
    let scope = Scope::Account(ACCOUNT_ID.parse().unwrap());
    let token_id: ServiceTokenId = TOKEN_ID.parse().unwrap();
    let client = runtime.block_on(async {
        Client::builder().credentials(Credentials::api_token(API_TOKEN).unwrap()).base_url(&base_url).build().unwrap()
    });
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let raw_url = format!("{base_url}/accounts/{ACCOUNT_ID}/access/service_tokens/{TOKEN_ID}");
    // The generated client on its own, without the wrapper: its builders' requests, with the
    // token as a default header.
    let authorization = reqwest::header::HeaderValue::from_str(&format!("Bearer {API_TOKEN}")).unwrap();
    let authed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers([(reqwest::header::AUTHORIZATION, authorization)].into_iter().collect())
        .build()
        .unwrap();
    let generated = cloudflare_client::openapi::Client::new_with_client(&base_url, authed.clone());
    let generated_http = authed;

    let directory = output_directory();
    let mut criterion = Criterion::default().output_directory(&directory).configure_from_args();
    let mut group = criterion.benchmark_group(GROUP);
    // The baseline: what a careful hand-written call does (auth, JSON, envelope check).
    let raw_delete = || async {
        let response = raw
            .delete(&raw_url)
            .bearer_auth(API_TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let body = response.bytes().await.unwrap();
        let envelope: ServiceTokenResponse = serde_json::from_slice(&body).unwrap();
        assert_eq!(envelope.success, Some(true));
        envelope.result.unwrap()
    };
    let wrapped_delete = || async { client.delete_service_token(&scope, &token_id).await.unwrap() };
    // The generated builder alone, its request sent by plain reqwest: what progenitor's code
    // costs before the wrapper adds anything (the builders have no `send` of their own).
    let generated_delete = || async {
        let builder = generated.delete_account_service_token().account_id(ACCOUNT_ID).service_token_id(TOKEN_ID);
        let request = cloudflare_client::Request::request(builder).unwrap();
        let response = generated_http.execute(request).await.unwrap();
        assert!(response.status().is_success());
        let envelope: ServiceTokenResponse = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        envelope.result.unwrap()
    };
    group.bench_function("raw_reqwest", |bench| bench.to_async(&runtime).iter(raw_delete));
    group.bench_function("generated_client", |bench| bench.to_async(&runtime).iter(generated_delete));
    group.bench_function("cloudflare_client", |bench| bench.to_async(&runtime).iter(wrapped_delete));
    group.finish();
    criterion.final_summary();

    if std::env::args().any(|argument| argument == "--list" || argument == "--test") {
        return;
    }
    // Interleaved rounds: both sides see the same machine state.
    const ROUNDS: usize = 60;
    const PER_ROUND: u32 = 400;
    let (mut wrapped_ratios, mut generated_ratios) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    runtime.block_on(async {
        for round in 0..ROUNDS {
            // [raw, generated, wrapped] times; the order alternates so no side always goes first.
            let mut times = [0.0; 3];
            let order: [usize; 3] = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
            for side in order {
                let started = std::time::Instant::now();
                for _ in 0..PER_ROUND {
                    match side {
                        0 => drop(std::hint::black_box(raw_delete().await)),
                        1 => drop(std::hint::black_box(generated_delete().await)),
                        _ => drop(std::hint::black_box(wrapped_delete().await)),
                    }
                }
                times[side] = started.elapsed().as_secs_f64();
            }
            generated_ratios.push(times[1] / times[0]);
            wrapped_ratios.push(times[2] / times[0]);
        }
    });
    println!("\ninterleaved ({ROUNDS} rounds of {PER_ROUND} deletes each, median and quartiles of per-round ratios):");
    for (name, ratios) in [("generated_client", &mut generated_ratios), ("cloudflare_client", &mut wrapped_ratios)] {
        ratios.sort_by(f64::total_cmp);
        println!(
            "  {name} / raw_reqwest = {:.3} ({:.3} to {:.3})",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[ROUNDS * 3 / 4]
        );
    }

    if let (Some(raw), Some(wrapped)) =
        (nanoseconds(&directory, "raw_reqwest"), nanoseconds(&directory, "cloudflare_client"))
    {
        println!(
            "criterion: cloudflare_client / raw_reqwest = {:.3} ({:.1} µs vs {:.1} µs per delete; overhead {:+.1} %)",
            wrapped / raw,
            wrapped / 1000.0,
            raw / 1000.0,
            (wrapped / raw - 1.0) * 100.0
        );
    }
}
