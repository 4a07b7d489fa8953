#!/usr/bin/env bash
# bench/run's scenarios and bench/stats.py on the stand-ins of stubs.sh. Usage: run-new.sh OUT
OUT=$1; H="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$H/../.." && pwd)"
ST=$OUT/st; rm -rf "$OUT"; mkdir -p "$ST"; echo 0 >"$ST/cnt"; echo 1700000000000000000 >"$ST/clock"; echo 1000 >"$ST/tt"; echo 5000 >"$ST/mt"
read -r -a PATHS <<<"${BENCH_PATHS:-direct diy jumpgate proxy proxy_nomux}"
MUX_PATHS=(diy_mux jumpgate_mux)
declare -A R KEEP
for f in common java measure facts; do source "$ROOT/bench/lib/$f.sh"; done
source "$H/common-vars.sh"
source "$H/stubs.sh"
start=$(grep -n '^for s in sanity' "$ROOT/bench/run" | cut -d: -f1)
source <(sed -n "$start,\$p" "$ROOT/bench/run")
