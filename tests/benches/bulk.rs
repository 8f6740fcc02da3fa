//! The `cloudflare` command's bulk delete (its engine and reporter, as the binary runs them)
//! against a raw `reqwest` loop at the same concurrency (1, 16 and 64), deleting 10,000 ids
//! from one local keep-alive HTTP server, in the same run. Prints requests per second and
//! their ratio; where `wrk` (a C load generator) is installed, also wrk's rate against the same
//! server at the same concurrency, the loopback ceiling, and the command's share of it.
//!
//! Then the `cloudflare` binary itself (`target/release/cloudflare`, or `$CLOUDFLARE_BIN`; built
//! by `cargo build --release -p cloudflare-cli`), as a user runs it: 20,000 ids on stdin at
//! concurrency 16, its rate as a share of wrk's, and its peak memory (goal: under 32 MB).
//!
//! `cargo bench -p cloudflare-tests --bench bulk`

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudflare_cli::args::Output;
use cloudflare_cli::bulk::{self, Status};
use cloudflare_cli::report::Reporter;
use cloudflare_client::access::types::ServiceTokenResponse;
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
    println!("concurrency  raw req/s  cli req/s  cli / raw  wrk req/s  cli / wrk");
    for concurrency in [1, 16, 64] {
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
        let wrk = wrk_rate(&base_url, concurrency);
        println!(
            "{concurrency:>11}  {raw_rate:>9.0}  {cli_rate:>9.0}  {:>9.3}  {:>9}  {:>9}",
            cli_rate / raw_rate,
            wrk.map_or("-".to_owned(), |rate| format!("{rate:.0}")),
            wrk.map_or("-".to_owned(), |rate| format!("{:.3}", cli_rate / rate))
        );
    }

    let binary = std::env::var_os("CLOUDFLARE_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/cloudflare"));
    if !binary.exists() {
        println!("(no {}: `cargo build --release -p cloudflare-cli` to measure the binary)", binary.display());
        return;
    }
    let many: Vec<ServiceTokenId> =
        (0..BINARY_IDS).map(|i| format!("{:08x}-0000-4000-8000-{:012x}", i, i + 1).parse().unwrap()).collect();
    let concurrency = 16;
    // `$CLOUDFLARE_BIN_BASELINE`: an older build, run alternately with this one (before/after).
    let baseline = std::env::var_os("CLOUDFLARE_BIN_BASELINE").map(std::path::PathBuf::from);
    let mut binaries = vec![("this build", binary, (0.0, 0.0))];
    if let Some(baseline) = baseline {
        binaries.push(("baseline", baseline, (0.0, 0.0)));
    }
    for _ in 0..5 {
        for (_, path, best) in &mut binaries {
            let (rate, peak) = binary_run(path, &base_url, &many, concurrency);
            *best = (f64::max(best.0, rate), f64::max(best.1, peak));
        }
    }
    let wrk = wrk_rate(&base_url, concurrency);
    for (name, _, (rate, peak)) in &binaries {
        println!(
            "the binary ({name}), {BINARY_IDS} ids at concurrency {concurrency} (best of 5): {rate:.0} req/s{}, peak memory {peak:.1} MB",
            wrk.map_or(String::new(), |wrk| format!(" = {:.3} of wrk's {wrk:.0}", rate / wrk))
        );
    }
}

const BINARY_IDS: usize = 20_000;

/// Runs the `cloudflare` binary deleting `ids` at `concurrency`: its rate and peak memory (MB).
fn binary_run(binary: &std::path::Path, base_url: &str, ids: &[ServiceTokenId], concurrency: usize) -> (f64, f64) {
    use std::io::Write;
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args(["service-tokens", "delete", "--account-id", ACCOUNT_ID, "--concurrency", &concurrency.to_string(), "-"])
        .env("CLOUDFLARE_BASE_URL", base_url)
        .env("CLOUDFLARE_API_TOKEN", API_TOKEN)
        .env_remove("CLOUDFLARE_EMAIL")
        .env_remove("CLOUDFLARE_API_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the cloudflare binary runs");
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    // The peak resident set (VmHWM, a high-water mark) read while it runs: the last reading
    // before it exits is its peak.
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0.0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(line) = text.lines().find(|line| line.starts_with("VmHWM:"))
        {
            peak_kb = line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()).unwrap_or(peak_kb);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    writer.join().unwrap().unwrap();
    assert!(status.success(), "the binary failed: {status}");
    (ids.len() as f64 / elapsed.as_secs_f64(), peak_kb / 1024.0)
}

/// wrk's requests per second deleting the same token at `concurrency` connections for 5 s, if
/// wrk is installed.
fn wrk_rate(base_url: &str, concurrency: usize) -> Option<f64> {
    let script = std::env::temp_dir().join(format!("cloudflare-bench-delete-{}.lua", std::process::id()));
    let lua = format!(
        "wrk.method = \"DELETE\"\nwrk.headers[\"Authorization\"] = \"Bearer {API_TOKEN}\"\nwrk.headers[\"Accept\"] = \"application/json\"\n"
    );
    std::fs::write(&script, lua).ok()?;
    let url = format!("{base_url}/accounts/{ACCOUNT_ID}/access/service_tokens/f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
    let output = std::process::Command::new("wrk")
        .args(["-t", if concurrency == 1 { "1" } else { "2" }, "-c", &concurrency.to_string(), "-d", "5s", "-s"])
        .arg(&script)
        .arg(url)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|line| line.starts_with("Requests/sec:"))?;
    line.trim_start_matches("Requests/sec:").trim().parse().ok()
}
