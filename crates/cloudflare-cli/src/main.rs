//! `cloudflare`: see `cloudflare --help`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    cloudflare_cli::main().await
}
