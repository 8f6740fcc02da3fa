//! One service-token delete through `cloudflare-client`, against the same delete made with a
//! hand-written `reqwest` call, both to one local keep-alive HTTP server, in the same run.
//! Prints the wrapper's time as a ratio of the raw call's: criterion's two estimates, and a
//! drift-free figure from interleaved rounds (raw, wrapped, raw, wrapped, …; median of the
//! per-round ratios), since on a shared machine two back-to-back measurements drift apart.
//!
//! `cargo bench -p cloudflare-client --bench delete`

use std::path::PathBuf;
use std::time::Duration;

use cloudflare_client::types::ServiceTokenResponse;
use cloudflare_client::{Client, Credentials, Scope, ServiceTokenId};
use criterion::Criterion;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const API_TOKEN: &str = "bench-api-token";
const GROUP: &str = "delete_service_token";

/// A keep-alive HTTP/1.1 server answering every request with Cloudflare's delete answer, on a
/// thread and runtime of its own.
fn serve() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = serde_json::json!({
        "success": true, "errors": [], "messages": [],
        "result": {
            "id": TOKEN_ID, "name": "CI/CD token", "client_id": "88bf3b6d86161464f6509f7219099e57.access.example.com",
            "duration": "8760h", "created_at": "2014-01-01T05:20:00.12345Z", "updated_at": "2014-01-01T05:20:00.12345Z",
            "expires_at": "2015-01-01T05:20:00.12345Z", "last_seen_at": null
        }
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncf-ray: 8c0ffee-SJC\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let server = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    std::thread::spawn(move || {
        server.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                socket.set_nodelay(true).unwrap();
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut pending = Vec::new();
                    let mut buffer = [0u8; 8192];
                    loop {
                        while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
                            pending.drain(..end + 4);
                            if socket.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => pending.extend_from_slice(&buffer[..read]),
                        }
                    }
                });
            }
        })
    });
    url
}

/// Sends requests unchanged: the generated client on its own, without the wrapper.
#[derive(Debug)]
struct PassThrough;

impl cloudflare_client::openapi::Transport for PassThrough {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        _operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>> {
        request.headers_mut().insert(reqwest::header::AUTHORIZATION, format!("Bearer {API_TOKEN}").parse().unwrap());
        Box::pin(client.execute(request))
    }
}

fn output_directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
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
    let base_url = serve();
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
    let generated = cloudflare_client::openapi::Client::new_with_client(&base_url, raw.clone(), Arc::new(PassThrough));

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
    // The generated client alone: what progenitor's code costs before the wrapper adds anything.
    let generated_delete = || async {
        let response = generated
            .delete_account_service_token()
            .account_id(ACCOUNT_ID)
            .service_token_id(TOKEN_ID)
            .send()
            .await
            .unwrap();
        response.into_inner().result.unwrap()
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
