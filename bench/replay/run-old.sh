#!/usr/bin/env bash
# The measuring and reporting part of the all-shell bench/run (OLD: its text, from `# sanity + ciphers` to the end)
# on the stand-ins of stubs.sh. Usage: run-old.sh OLD OUT
OLD=$1 OUT=$2; H="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$H/../.." && pwd)"
ST=$OUT/st; rm -rf "$OUT"; mkdir -p "$ST"; echo 0 >"$ST/cnt"; echo 1700000000000000000 >"$ST/clock"; echo 1000 >"$ST/tt"; echo 5000 >"$ST/mt"
source "$H/common-vars.sh"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
source "$H/stubs.sh"
start=$(grep -n '^# sanity + ciphers' "$OLD" | cut -d: -f1)
source <(sed -n "$start,\$p" "$OLD")
