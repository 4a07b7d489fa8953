# Scenario: setup time, BENCH_SETUP_N rounds of sequential 'ssh DEV true' and 'ssh -s DEV sftp' over each path.
log "setup: $SETUP_N rounds of sequential 'ssh DEV true' (and 'ssh -s DEV sftp', no remote shell) per path"
for p in "${PATHS[@]}" "${MUX_PATHS[@]}"; do : >"$RAW/setup.$p"; : >"$RAW/setup_noshell.$p"; done
redone=0
# the samples (microseconds, one round a line) go to $RAW/setup.PATH and setup_noshell.PATH, each round's
# disturbance to setup.noise; bench/stats.py takes the medians over the undisturbed rounds.
# the proxy's rounds are traced: trace.setup gets the `ssh DEV true` ones (kept rounds only), trace.round all of a round
: >"$RAW/trace.setup"
for ((i = 0; i < SETUP_N; i++)); do
  noise_mark
  : >"$W/trace.round"; : >"$W/trace.true"; : >"$W/trace.nomux"
  for p in "${PATHS[@]}"; do
    tr="$W/trace.true"; [ "$p" = proxy_nomux ] && tr="$W/trace.nomux"   # the step statistics are the mux path's
    t0=$(now_ns)
    JUMPGATE_TRACE="$tr" timeout $STEP_TIMEOUT ssh -F "$CFG" "$(host_of "$p")" true || die "ssh $p true failed"
    t1=$(now_ns)
    JUMPGATE_TRACE="$W/trace.round" timeout $STEP_TIMEOUT ssh -F "$CFG" -s "$(host_of "$p")" sftp </dev/null \
      || die "ssh -s $p sftp failed"
    t2=$(now_ns)
    echo $(( (t1 - t0) / 1000 )) >>"$W/setup.$p.round"          # microseconds
    echo $(( (t2 - t1) / 1000 )) >>"$W/setup_noshell.$p.round"
  done
  for p in "${MUX_PATHS[@]}"; do
    t0=$(now_ns)
    timeout $STEP_TIMEOUT ssh -F "$CFG" "$(host_of "$p")" true || die "ssh $p true failed"
    t1=$(now_ns)
    echo $(( (t1 - t0) / 1000 )) >>"$W/setup.$p.round"
  done
  nap 0.3   # a proxy client writes its trace as it exits, which may be just after its ssh did
  cat "$W/trace.true" "$W/trace.nomux" >>"$W/trace.round"
  read -r other share < <(noise_read "$W/trace.round")
  if noisy "$share" && [ $redone -lt $(( SETUP_N / 2 )) ] && budget_left; then   # redo a disturbed round
    redone=$(( redone + 1 )); i=$(( i - 1 ))
    for p in "${PATHS[@]}" "${MUX_PATHS[@]}"; do rm -f "$W/setup.$p.round" "$W/setup_noshell.$p.round"; done
    wait_quiet 30
    continue
  fi
  for p in "${PATHS[@]}" "${MUX_PATHS[@]}"; do
    cat "$W/setup.$p.round" >>"$RAW/setup.$p"
    [ -f "$W/setup_noshell.$p.round" ] && cat "$W/setup_noshell.$p.round" >>"$RAW/setup_noshell.$p"
    rm -f "$W/setup.$p.round" "$W/setup_noshell.$p.round"
  done
  sed "s/^/$share /" "$W/trace.true" >>"$RAW/trace.setup"   # each line led by its round's disturbance
  echo "$share" >>"$RAW/setup.noise"
done
R[run.setup_rounds_redone]=$redone
R[run.quiet_wait_s]=$QUIET_SPENT
