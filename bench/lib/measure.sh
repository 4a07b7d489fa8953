# Measuring on a shared machine, for bench/run: the paths (host_of, components), the disturbance by other work
# (noise_*), waiting for quiet, and one transfer (xfer). Figures go into R as raw counts (ticks, nanoseconds);
# bench/stats.py turns them into seconds, MB/s, ratios and the report.

has_path() { [[ " ${PATHS[*]} " == *" $1 "* ]]; }
host_of() {
  case $1 in
    direct) echo direct ;; diy) echo diy ;; jumpgate) echo "$DEVICE" ;; proxy) echo "$DEVICE-proxy" ;;
    proxy_nomux) echo "$DEVICE-proxy-nomux" ;;
    diy_mux) echo diy-mux ;; jumpgate_mux) echo "$DEVICE-mux" ;;
  esac
}

# component process trees per path, for the CPU accounting
components() {
  case $1 in
    direct) echo "device_sshd:$DEV_SSHD" ;;
    diy) echo "device_sshd:$DEV_SSHD bastion_sshd:$BASTION_SSHD device_tunnel_ssh:$TUNNEL" ;;
    jumpgate|proxy_nomux) echo "device_sshd:$DEV_SSHD relay_jvm:$RELAY agent_jvm:$AGENT" ;;
    proxy) echo "device_sshd:$DEV_SSHD relay_jvm:$RELAY agent_jvm:$AGENT${MUX:+ mux_jvm:$MUX}" ;;
  esac
}

# Noise: this machine is shared. Every process this script starts descends from it ($$), so "other work" in a
# window is the machine's user+system CPU minus this script's process tree. noise_mark opens a window;
# noise_read prints "OTHER_CPU_SECONDS SHARE_OF_ALL_CORES" for it; $1, if given, is a trace file whose cpu= fields
# are ours too (`jumpgate proxy` processes, which ssh leaves to init).
noise_mark() { read -r NM_B _ NM_US < <(machine_ticks); NM_T=$(tree_ticks $$); NM_NS=$(now_ns); }
noise_read() {
  local b us t ns traced=0
  read -r b _ us < <(machine_ticks); t=$(tree_ticks $$); ns=$(now_ns)
  [ -n "${1:-}" ] && [ -f "$1" ] && traced=$(sed -n 's/.* cpu=\([0-9.]*\).*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }')
  awk -v m=$(( us - NM_US )) -v t=$(( t - NM_T )) -v c="$traced" -v w=$(( ns - NM_NS )) -v hz="$HZ" -v n="$NPROC" \
    'BEGIN { o = (m - t) / hz - c; if (o < 0) o = 0; printf "%.2f %.3f\n", o, o / (w / 1e9 * n) }'
}
noisy() { awk -v s="$1" -v max="$NOISE_MAX" 'BEGIN { exit !(s > max) }'; }

busy_pct() { # whole-machine busy % over 1 s (our idle servers contribute ~0)
  local a b
  read -r a _ < <(machine_ticks); sleep 1; read -r b _ < <(machine_ticks)
  awk -v d=$(( b - a )) -v hz="$HZ" -v n="$NPROC" 'BEGIN { printf "%d", 100 * d / hz / n }'
}
# waiting for quiet draws on one budget for the whole run, so a machine that never quiets down still gets
# measured (the disturbance is recorded with every figure)
budget_left() { [ "$QUIET_SPENT" -lt "$QUIET_BUDGET" ]; }
wait_quiet() { # seconds
  local t0 end b limit=$(( QUIET_BUDGET - QUIET_SPENT ))
  [ "$1" -lt "$limit" ] && limit=$1
  t0=$(date +%s); end=$(( t0 + limit ))
  b=$(busy_pct)
  while [ "$b" -gt 15 ] && [ "$(date +%s)" -lt "$end" ]; do
    log "  machine is ${b}% busy with other work; waiting (up to ${limit}s more) for it to quiet down"
    nap 3; b=$(busy_pct)
  done
  QUIET_SPENT=$(( QUIET_SPENT + $(date +%s) - t0 ))
  QUIET_PCT=$b
}

source_cmd() { # kind bytes
  if [ "$1" = zero ]; then head -c "$2" /dev/zero; else head -c "$2" "$W/random.bin"; fi
}

# one transfer; sets XFER_WALL_NS, XFER_DATA_NS, XFER_NOISE ("other_s share"); with $4, records into R the CPU
# ticks of each component, the ssh client's user and system seconds, the machine's busy and steal ticks, the wall
# time; for jumpgate the per-thread ticks of the relay and agent before and after, in files named by
# R[raw.jumpgate.threads.KIND.relay|agent]
XFER_SEQ=0
xfer() { # path kind bytes [record]
  local p=$1 kind=$2 n=$3 rec=${4:-} host c name pid mb0 mb1 ms0 ms1 th=""
  host=$(host_of "$p")
  declare -A before
  for c in $(components "$p"); do before[${c%%:*}]=$(tree_ticks "${c#*:}"); done
  if [ -n "$rec" ] && [ "$p" = jumpgate ]; then
    XFER_SEQ=$(( XFER_SEQ + 1 )); th="threads.$kind.$XFER_SEQ"
    thread_ticks "$RELAY" >"$RAW/$th.relay.0"; thread_ticks "$AGENT" >"$RAW/$th.agent.0"
  fi
  read -r mb0 ms0 _ < <(machine_ticks)
  noise_mark
  local tfile="$W/xfer.times" out rc t0 t1
  t0=$(now_ns)
  # in the background, so that a signal (Ctrl-C, the watchdog) interrupts the wait at once
  rm -f "$W/xfer.trace"
  ( set +e
    [[ $p == proxy* ]] && export JUMPGATE_TRACE="$W/xfer.trace"   # the trace's last field is the client's CPU
    source_cmd "$kind" "$n" | /usr/bin/time -f '%U %S' -o "$tfile" \
      timeout $XFER_TIMEOUT ssh -F "$CFG" "$host" 'echo S $(date +%s%N); cat > /dev/null; echo E $(date +%s%N)'
    echo "RC ${PIPESTATUS[*]}" ) >"$W/xfer.out" 2>"$W/xfer.err" &
  wait "$!" || true
  t1=$(now_ns)
  out=$(cat "$W/xfer.out")
  [ -s "$W/xfer.err" ] && log "  ssh said: $(head -c 500 "$W/xfer.err")"
  rc=$(awk '$1 == "RC" { print $2, $3 }' <<<"$out")
  [ "$rc" = "0 0" ] || die "transfer over $p ($kind) failed: exit codes ${rc:-?} (source, ssh)"
  local s e
  s=$(awk '$1 == "S" { print $2 }' <<<"$out"); e=$(awk '$1 == "E" { print $2 }' <<<"$out")
  [ -n "$s" ] && [ -n "$e" ] || die "transfer over $p ($kind): no timestamps in: $out"
  XFER_WALL_NS=$(( t1 - t0 )); XFER_DATA_NS=$(( e - s ))
  sleep 0.3   # let the session processes exit and be reaped into their parents' counters
  XFER_NOISE=$(noise_read "$W/xfer.trace")
  [ -n "$rec" ] || return 0
  read -r mb1 ms1 _ < <(machine_ticks)
  for c in $(components "$p"); do
    name=${c%%:*}; pid=${c#*:}
    R[raw.$p.cpu.$kind.${name}_ticks]=$(( $(tree_ticks "$pid") - ${before[$name]} ))
  done
  read -r cu cs <"$tfile" || true
  R[raw.$p.cpu.$kind.user_ssh_client_time]="${cu:-0} ${cs:-0}"
  [[ $p == proxy* ]] && R[$p.cpu.$kind.proxy_client_s]=$(sed -n 's/.* cpu=\([0-9.]*\).*/\1/p' "$W/xfer.trace" 2>/dev/null | tail -1 || true)
  R[raw.$p.cpu.$kind.machine_busy_ticks]=$(( mb1 - mb0 ))
  R[raw.$p.cpu.$kind.machine_steal_ticks]=$(( ms1 - ms0 ))
  R[raw.$p.cpu.$kind.wall_ns]=$XFER_WALL_NS
  R[$p.cpu.$kind.other_work_s]=${XFER_NOISE% *}
  if [ -n "$th" ]; then
    thread_ticks "$RELAY" >"$RAW/$th.relay.1"; thread_ticks "$AGENT" >"$RAW/$th.agent.1"
    R[raw.jumpgate.threads.$kind.relay]=$th.relay; R[raw.jumpgate.threads.$kind.agent]=$th.agent
  fi
  return 0
}

# MB/s (10^6 bytes/s) for the progress lines; the reported figures are bench/stats.py's
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }'; }
