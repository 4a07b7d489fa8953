# Scenario: (d) a login's first connection, BENCH_COLD_N rounds; the samples go to $RAW/setup.proxy_cold.
# (d) the first connection of a login: no mux runs yet, so the proxy dials the relay by itself and, once its stream
# is open, starts a mux (its own JVM, login and link) for the connections after it. Measured last, so the run's own mux served everything above; a mux a proxy
# started is not in this script's process tree, and the clean-up stops it by its pid file.
COLD_N=${BENCH_COLD_N:-5}
if has_path proxy && [ -n "$MUX" ] && [ "$COLD_N" -gt 0 ]; then
  log "setup of a login's first connection, no mux running yet: $COLD_N rounds"
  : >"$RAW/setup.proxy_cold"
  for ((i = 0; i < COLD_N; i++)); do
    old=$(cat "$XDG_RUNTIME_DIR"/jumpgate/*.pid 2>/dev/null | head -1)
    "$CLIENT" mux stop >/dev/null 2>&1 || die "jumpgate mux stop failed"
    end=$(( $(date +%s) + 30 ))
    while [ -n "$old" ] && kill -0 "$old" 2>/dev/null; do   # its lock goes with it: only then may another start
      [ "$(date +%s)" -lt "$end" ] || die "the mux (pid $old) did not stop within 30 s"
      sleep 0.05
    done
    t0=$(now_ns)
    timeout $STEP_TIMEOUT ssh -F "$CFG" "$(host_of proxy)" true || die "ssh proxy true (mux starting) failed"
    t1=$(now_ns)
    echo $(( (t1 - t0) / 1000 )) >>"$RAW/setup.proxy_cold"
    end=$(( $(date +%s) + 30 ))   # the mux it started, for the next round to stop
    until "$CLIENT" mux status 2>/dev/null | grep -q "linked=yes"; do
      [ "$(date +%s)" -lt "$end" ] || die "the first proxy did not leave a mux running"
      sleep 0.2
    done
  done
  R[proxy_cold.setup.rounds]=$COLD_N
fi
