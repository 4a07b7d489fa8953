# Scenario: the random data; waiting for quiet; the warm-up, whose first quarter is the "cold" throughput.

log "generating $BYTES bytes of random data"
if ! openssl rand -out "$W/random.bin" "$BYTES" 2>/dev/null; then
  head -c "$BYTES" /dev/urandom >"$W/random.bin"
fi
[ "$(stat -c %s "$W/random.bin")" = "$BYTES" ] || die "could not write $BYTES random bytes"

wait_quiet "$IDLE_WAIT"
R[run.busy_pct_before]=$QUIET_PCT
[ "$QUIET_PCT" -le 15 ] || log "WARNING: measuring on a busy machine (${QUIET_PCT}% busy); figures will be low and noisy"

# warm-up: first connections, the JIT of the relay and agent (on 2 cores C2 needs more than 256 MiB of traffic
# to settle), page cache of the random file. The warm-up's own figure is kept as the "cold" throughput.
# The warm-up is split over 4 connections, so that the per-connection code (key exchange, auth, stream open)
# is warm as well as the per-byte code.
WARM=${BENCH_WARMUP_BYTES:-$BYTES}
log "warm-up: ${WARM} bytes of random data over each path, in 4 connections"
for p in "${PATHS[@]}"; do
  xfer "$p" random $(( WARM / 4 ))
  R[raw.$p.throughput.cold_random.wall_ns]=$XFER_WALL_NS
  R[$p.throughput.cold_random.other_work_share]=${XFER_NOISE#* }
  log "  $p (cold): $(mbps $(( WARM / 4 )) "$XFER_WALL_NS") MB/s wall"
  for _ in 1 2 3; do xfer "$p" random $(( WARM / 4 )); done
done
R[run.warmup_bytes]=$WARM
R[raw.cold_bytes]=$(( WARM / 4 ))
