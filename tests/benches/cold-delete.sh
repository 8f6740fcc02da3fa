#!/usr/bin/env bash
# A one-shot delete from a cold process, `cloudflare` against curl, and `cloudflare --help`, in
# one hyperfine run against a loopback server that answers like Cloudflare (README, "Release
# binary"). Needs hyperfine (`cargo install hyperfine --version 1.20.0 --locked`), python3, curl.
#   tests/benches/cold-delete.sh            (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet -p cloudflare-cli
port=18089
python3 tests/benches/loopback_cloudflare.py "$port" &
server=$!
trap 'kill $server' EXIT
sleep 0.5
export CLOUDFLARE_API_TOKEN=bench-token CLOUDFLARE_BASE_URL="http://127.0.0.1:$port/client/v4"
account=023e105f4ecef8ad9ca31a8372d0c353
token=f174e90a-fafe-4643-bbbc-4a0ed4fc8415
hyperfine -N --warmup 20 --runs 200 \
    "./target/release/cloudflare service-tokens delete --account-id $account $token" \
    "curl -s -X DELETE -H 'Authorization: Bearer bench-token' $CLOUDFLARE_BASE_URL/accounts/$account/access/service_tokens/$token" \
    "./target/release/cloudflare --help"
