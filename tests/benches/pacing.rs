//! Pacing by Cloudflare's rate-limit headers: 200 deletes at concurrency 8 against a loopback
//! server enforcing 40 requests per sliding 2 s (as Cloudflare does, 429 past it), with and
//! without the `Ratelimit` headers. Prints the time as a ratio of the floor (the first 40 go at
//! once, then 40 per 2 s: 8 s) and how many answers were 429. Goal: with the headers, zero 429
//! within 1.10x the floor. Also at concurrency 64 (more than the quota: only the first answer
//! can tell the client so). Run: `cargo bench -p cloudflare-tests --bench pacing`.

use std::time::{Duration, Instant};

use cloudflare_client::{Scope, ServiceTokenId};
use cloudflare_tests::{client_for, limited_server, token_credentials};
use futures_util::StreamExt;

const DELETES: usize = 200;
const QUOTA: usize = 40;
const WINDOW: Duration = Duration::from_secs(2);

async fn run(headers: bool, concurrency: usize) -> (Duration, usize, usize) {
    let limited = limited_server(QUOTA, WINDOW, headers).await;
    let client = client_for(&limited.server.url, token_credentials());
    let scope = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap());
    let id: ServiceTokenId = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".parse().unwrap();
    let started = Instant::now();
    let failed = futures_util::stream::iter(0..DELETES)
        .map(|_| {
            let (client, scope) = (client.clone(), scope.clone());
            async move { client.delete_service_token(&scope, &id).await.is_err() }
        })
        .buffer_unordered(concurrency)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    if std::env::var_os("PACING_TRACE").is_some() {
        let times: Vec<f64> =
            limited.server.requests().iter().map(|request| request.at.duration_since(started).as_secs_f64()).collect();
        for pair in times.windows(2).filter(|pair| pair[1] - pair[0] > 0.1) {
            eprintln!("gap {:.3} -> {:.3}", pair[0], pair[1]);
        }
    }
    (started.elapsed(), limited.refused.load(std::sync::atomic::Ordering::SeqCst), failed)
}

#[tokio::main]
async fn main() {
    let floor = WINDOW * (DELETES / QUOTA - 1) as u32;
    println!("{DELETES} deletes, {QUOTA} per {WINDOW:?} sliding window; floor {floor:?}");
    for (headers, concurrency) in [(true, 8), (false, 8), (true, 64)] {
        let (elapsed, refused, failed) = run(headers, concurrency).await;
        println!(
            "c={concurrency:<3} {:<24} {:>6.2} s  {:.3}x the floor  {refused:>3} answers of 429  {failed} deletes failed",
            if headers { "with Ratelimit headers" } else { "without (429 pause)" },
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() / floor.as_secs_f64()
        );
    }
}
