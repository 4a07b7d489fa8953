# Scenario: throughput, BENCH_BYTES of random then of zero data over each path, paths interleaved.
# a measurement during which other work used more than NOISE_MAX of the machine is redone (RETRIES times at
# most) after waiting for quiet; the least disturbed attempt is kept, and its disturbance recorded
log "throughput: $BYTES bytes per transfer, paths interleaved"
for kind in random zero; do
  for p in "${PATHS[@]}"; do
    best_share=""
    for ((a = 0; a <= RETRIES; a++)); do
      xfer "$p" "$kind" "$BYTES" record
      read -r other share <<<"$XFER_NOISE"
      log "  $p $kind: $(mbps "$BYTES" "$XFER_WALL_NS") MB/s wall, $(mbps "$BYTES" "$XFER_DATA_NS") MB/s data phase" \
        "(other work on the machine meanwhile: ${other} CPU s = $(awk -v s="$share" 'BEGIN { printf "%d", s * 100 }')%)"
      if [ -z "$best_share" ] || awk -v a="$share" -v b="$best_share" 'BEGIN { exit !(a < b) }'; then
        best_share=$share
        R[raw.$p.throughput.$kind.wall_ns]=$XFER_WALL_NS
        R[raw.$p.throughput.$kind.data_ns]=$XFER_DATA_NS
        R[$p.throughput.$kind.other_work_share]=$share
        R[$p.throughput.$kind.attempts]=$(( a + 1 ))
        for k in "${!R[@]}"; do [[ $k == "$p.cpu.$kind."* || $k == "raw.$p.cpu.$kind."* || $k == "raw.jumpgate.threads.$kind."* ]] && KEEP[$k]=${R[$k]}; done
      fi
      noisy "$share" && [ $a -lt "$RETRIES" ] && budget_left || break
      log "  disturbed; measuring again"
      wait_quiet 60
    done
    # the CPU figures of the kept attempt
    for k in "${!KEEP[@]}"; do R[$k]=${KEEP[$k]}; done
    KEEP=()
  done
done
