#!/usr/bin/env bash
# What completions cost a user (docs/benchmarks.md, "Completions"): sourcing the script a shell
# loads at every start, against the same shell starting with nothing; and the binary's answer
# at a Tab (`COMPLETE=SHELL cloudflare -- WORDS`, as the script asks it), against the binary's
# own start-up (`--version`); in one hyperfine run. Needs hyperfine, bash, zsh and fish
# (`apt-get install hyperfine zsh fish`).
#   tests/benches/completions.sh                 (builds the release binary first)
#   CLOUDFLARE_BIN=/path/to/cloudflare tests/benches/completions.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${CLOUDFLARE_BIN:-}" ]; then
    cargo build --release --quiet -p cloudflare-cli
    CLOUDFLARE_BIN=$PWD/target/release/cloudflare
fi
binary=$CLOUDFLARE_BIN
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for shell in bash zsh fish powershell elvish; do
    "$binary" completions "$shell" > "$dir/cloudflare.$shell"
done
wc -c "$dir"/cloudflare.*
# The words of a command line, the cursor at the last (its index for bash and zsh).
ask() {
    local index=$#
    printf 'env COMPLETE=bash _CLAP_COMPLETE_INDEX=%d %s -- cloudflare' "$index" "$binary"
    for word in "$@"; do printf " '%s'" "$word"; done
}
hyperfine -N --warmup 10 --runs "${RUNS:-100}" --export-markdown "${EXPORT:-/dev/null}" \
    "bash --norc --noprofile -c :" \
    "bash --norc --noprofile -c 'source $dir/cloudflare.bash'" \
    "zsh -f -c :" \
    "zsh -f -c 'compdef() { : }; source $dir/cloudflare.zsh'" \
    "fish --no-config -c true" \
    "fish --no-config -c 'source $dir/cloudflare.fish'" \
    "env $binary --version" \
    "$(ask '')" \
    "$(ask radar '')" \
    "$(ask access '')" \
    "$(ask dns records '')" \
    "$(ask dns records list --)" \
    "$(ask dns records list --type '')" \
    "$(ask api dns_records_for)"
