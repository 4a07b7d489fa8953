# Shared helpers of bench/run: logging, process bookkeeping and clean-up, CPU tick counters from /proc, ports.
# Sourced by bench/run; uses its globals PIDS, W, BENCH_RUNTIME, BENCH_KEEP.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# process bookkeeping and cleanup
PIDS=()        # every long-lived process we started, in start order
WATCHDOG=""
W=""
# stopped by bench/run's EXIT trap
cleanup() {
  local rc=$? p i alive all=()
  trap - EXIT INT TERM HUP
  set +e
  # Everything this script started descends from it: the servers in PIDS (stopped first, newest first, so the
  # JVMs run their shutdown hooks) and whatever ran in the foreground when a signal came (a transfer, an ssh).
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do all+=("${PIDS[i]}"); done
  while read -r p; do [ -n "$p" ] && all+=("$p"); done < <(descendants $$)
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 50); do
    alive=0
    for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && { alive=1; break; }; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${all[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  # a mux a proxy started by itself (the run's own is in PIDS) left the process tree when its proxy exited
  for f in "${XDG_RUNTIME_DIR:-/nonexistent}"/jumpgate/*.pid; do
    [ -s "$f" ] && [ "${XDG_RUNTIME_DIR:-}" = "${BENCH_RUNTIME:-}" ] && kill -TERM "$(cat "$f")" 2>/dev/null
  done
  [ -n "${BENCH_RUNTIME:-}" ] && rm -rf "$BENCH_RUNTIME"
  if [ -n "$W" ] && [ -d "$W" ]; then
    rm -f "$W/random.bin"
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $W"; else rm -rf "$W"; fi
  fi
  [ $rc = 0 ] || log "failed (exit $rc)"
  exit $rc
}
# all live descendants of a PID (one pass over /proc)
descendants() {
  proc_stats | awk -v root="$1" '
    { s = $0; sub(/.*\) /, "", s); split(s, f, " "); par[$1] = f[2] }
    END { n = 1; q[1] = root; while (n > 0) { r = q[n--]; for (p in par) if (par[p] == r) { print p; q[++n] = p } } }'
}

# every process's stat line (processes may vanish while we read: ignore those)
proc_stats() { cat /proc/[0-9]*/stat 2>/dev/null || true; }

# CPU ticks of a process tree: for every live process in it, utime+stime+cutime+cstime (reaped children are in
# their parent's cutime/cstime, live ones are counted themselves, so nothing is counted twice)
tree_ticks() {
  proc_stats | awk -v root="$1" '
    { s = $0; sub(/.*\) /, "", s); split(s, f, " "); par[$1] = f[2]; t[$1] = f[12] + f[13] + f[14] + f[15] }
    END { if (!(root in t)) { print 0; exit } sum = 0; n = 1; q[1] = root
          while (n > 0) { r = q[n--]; sum += t[r]; for (p in par) if (par[p] == r) q[++n] = p }
          print sum }'
}

# machine-wide: "busy steal" ticks (busy excludes idle, iowait and steal)
# machine-wide: "busy steal user+nice+system" ticks (busy = all but idle, iowait and steal; the third excludes
# interrupt time, which the kernel does not charge to processes either)
machine_ticks() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4; exit }' /proc/stat
}

# per-thread ticks of a JVM: "tid ticks comm"
thread_ticks() {
  local pid=$1 f s
  for f in /proc/"$pid"/task/*/stat; do
    s=$(cat "$f" 2>/dev/null) || continue
    local comm=${s#*(}; comm=${comm%)*}; comm=${comm// /_}
    local rest=${s##*) }
    # shellcheck disable=SC2086
    set -- $rest
    printf '%s %s %s\n' "$(basename "$(dirname "$f")")" $(( ${12} + ${13} )) "$comm"
  done
}

now_ns() { date +%s%N; }

# an interruptible sleep: a trapped signal (Ctrl-C, the watchdog) ends the wait at once
nap() { sleep "$1" & wait "$!" || true; }

# a free TCP port on 127.0.0.1, below the ephemeral range, checked with ss; result in the named variable
USED_PORTS=" "
pick_port() {
  local p
  for _ in $(seq 500); do
    p=$(( 20000 + RANDOM % 12000 ))
    [[ $USED_PORTS == *" $p "* ]] && continue
    if [ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then
      USED_PORTS+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "found no free TCP port"
}

listening() { [ -n "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]; }

# wait until PORT listens, while PID lives; $3 = seconds
wait_listen() {
  local port=$1 pid=$2 end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    listening "$port" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
