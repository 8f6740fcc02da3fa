#!/usr/bin/env bash
# A one-shot delete from a cold process, `cloudflare` against curl, and the command line's own
# startup (`--help`, a generated command's `--help`, a completion script), in one hyperfine run
# against a loopback server that answers like Cloudflare (README, "Release binary"). Needs
# hyperfine (`apt-get install hyperfine`, or `cargo install hyperfine --locked`), python3, curl.
#   tests/benches/cold-delete.sh            (builds the release binary first)
#   CLOUDFLARE_BIN_BASELINE=/path/to/older/cloudflare tests/benches/cold-delete.sh
#                                           (the same commands of an older build, in the same run)
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
binary=./target/release/cloudflare
commands=(
    "$binary service-tokens delete --account-id $account $token"
    "$binary access service-tokens delete --account-id $account $token --force"
    "curl -s -X DELETE -H 'Authorization: Bearer bench-token' $CLOUDFLARE_BASE_URL/accounts/$account/access/service_tokens/$token"
    "$binary --help"
    "$binary dns records list --help"
    "$binary completions bash"
)
if [ -n "${CLOUDFLARE_BIN_BASELINE:-}" ]; then
    commands+=(
        "$CLOUDFLARE_BIN_BASELINE service-tokens delete --account-id $account $token"
        "$CLOUDFLARE_BIN_BASELINE --help"
        "$CLOUDFLARE_BIN_BASELINE completions bash"
    )
fi
hyperfine -N --warmup 20 --runs "${RUNS:-200}" --export-markdown "${EXPORT:-/dev/null}" "${commands[@]}"
