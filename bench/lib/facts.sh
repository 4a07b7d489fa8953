# The run's facts for bench/run's results (recorded as they are), and the raw parameters bench/stats.py needs
# (keys raw.*, not written to the results).

record_facts() {
  local p c names
  if has_path proxy; then
    R[proxy.mux]=${MUX:+yes}; R[proxy.mux]=${R[proxy.mux]:-no}
    if [ -s "$RAW/trace.setup" ]; then
      # the launcher keeps its class-data archives and AOT caches beside the jar it runs
      archives=("${JAR%.jar}"-*.jsa "${JAR%.jar}"-*.aot)
      [ -n "${BENCH_CLIENT:-}" ] && archives=("$(dirname "$BENCH_CLIENT")"/cli/target/*.{jsa,aot})
      R[proxy.client_archives]=$(ls "${archives[@]}" 2>/dev/null | xargs -r -n1 basename | paste -sd, || true)
    fi
  fi
  R[run.date]=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  R[run.bytes]=$BYTES
  R[run.setup_n]=$SETUP_N
  R[run.ciphers_override]=${CIPHERS:-none}
  R[run.relay_java_opts]=${BENCH_RELAY_JAVA_OPTS:-none}
  R[run.agent_java_opts]=${BENCH_AGENT_JAVA_OPTS:-none}
  R[run.client_java_opts]=${JUMPGATE_JAVA_OPTS:-none}
  R[run.client_launcher]=${BENCH_CLIENT:-$CLIENT}
  R[run.relay_ready_after_s]=$T_RELAY_READY
  R[run.loadavg_end]=$(cut -d' ' -f1-3 /proc/loadavg)
  R[host.nproc]=$(nproc)
  R[host.cpu]=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  R[host.mem_total]=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  R[host.kernel]=$(uname -sr)
  R[host.openssh]=$(ssh -V 2>&1)
  R[host.java]="$JAVA_V ($("$JAVA" -version 2>&1 | sed -n 2p))"
  R[host.java_path]=$JAVA
  R[jumpgate.jar_sha256]=$(sha256sum "$JAR" | cut -c1-16)
  R[jumpgate.jar_source]=$JAR_NOTE
  R[jumpgate.git_head]=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  R[jumpgate.relay_tls_pin]=$RELAY_PIN
  # for bench/stats.py only
  R[raw.paths]="${PATHS[*]}"
  R[raw.mux_paths]="${MUX_PATHS[*]}"
  for p in "${PATHS[@]}"; do
    names=""; for c in $(components "$p"); do names+="${names:+ }${c%%:*}"; done
    R[raw.components.$p]=$names
  done
  R[raw.hz]=$HZ
  R[raw.noise_max]=$NOISE_MAX
  R[raw.java_v]=$JAVA_V
  R[raw.ciphers]=$CIPHERS
  R[raw.relay_java_opts]=${BENCH_RELAY_JAVA_OPTS:-}
  R[raw.agent_java_opts]=${BENCH_AGENT_JAVA_OPTS:-}
  R[raw.results_dir]=$RESULTS_DIR
  R[run.elapsed_s]=$(( $(date +%s) - T_START ))
}

# R as key=value lines, for bench/stats.py
write_raw() { for k in "${!R[@]}"; do printf '%s=%s\n' "$k" "${R[$k]}"; done >"$RAW/raw.txt"; }
