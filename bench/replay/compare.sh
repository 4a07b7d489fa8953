#!/usr/bin/env bash
# Runs the all-shell bench/run of REV (default 462c34d, the last one) and the current scenarios + stats.py on the
# same deterministic stand-ins (stubs.sh: fake clock, CPU ticks, ssh, ...), and compares report, results and
# progress lines. Environment: BENCH_PATHS, SETUP_N, MUX (empty: no mux), CIPHERS, NOISE_LEVEL (1: quiet;
# 20: disturbed transfers redone), BENCH_COLD_N, BENCH_*_JAVA_OPTS. With GOLDEN=NAME, stores the raw figures and
# the old report and results as bench/testdata/NAME. Usage: bench/replay/compare.sh [REV]
set -u
H="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$H/../.." && pwd)"
T=$(mktemp -d /tmp/bench-replay.XXXXXX)
git -C "$ROOT" show "${1:-462c34d}:bench/run" >"$T/old-run" || exit 1
bash "$H/run-old.sh" "$T/old-run" "$T/old" >"$T/old.out" 2>"$T/old.err"; echo "old rc=$?"
bash "$H/run-new.sh" "$T/new" >"$T/new.out" 2>"$T/new.err"; echo "new rc=$?"
sed -i "s#$T/new/#$T/old/#" "$T/new.out" "$T/new/results/latest.txt"
rc=0
diff "$T/old.out" "$T/new.out" && echo "report identical ($(wc -l <"$T/old.out") lines)" || rc=1
diff "$T/old/results/latest.txt" "$T/new/results/latest.txt" && echo "results identical ($(wc -l <"$T/old/results/latest.txt") lines)" || rc=1
diff "$T/old.err" "$T/new.err" && echo "progress identical ($(wc -l <"$T/old.err") lines)" || rc=1
if [ -n "${GOLDEN:-}" ]; then
  g=$ROOT/bench/testdata/$GOLDEN; rm -rf "$g"; mkdir -p "$g/raw"
  cp "$T/new/w/raw"/* "$g/raw/"
  sed -i "s#$T/new/#/tmp/bench/#g" "$g/raw/raw.txt"
  sed "s#$T/old/#/tmp/bench/#g" "$T/old.out" >"$g/report.txt"
  sed "s#$T/old/#/tmp/bench/#g" "$T/old/results/latest.txt" >"$g/results.txt"
fi
rm -rf "$T"
exit $rc
