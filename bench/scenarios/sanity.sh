# Scenario: one 'echo BENCH_OK' over every path (and the ControlMaster variants), noting the cipher each SSH hop
# negotiated and the relay's TLS suite; then BENCH_HOLD.
for p in "${MUX_PATHS[@]}"; do
  out=$(timeout $STEP_TIMEOUT ssh -F "$CFG" "$(host_of "$p")" 'echo BENCH_OK') || die "ssh over path $p failed"
  [ "$out" = BENCH_OK ] || die "unexpected output over path $p: $out"
done
for p in "${PATHS[@]}"; do
  out=$(timeout $STEP_TIMEOUT ssh -F "$CFG" -v "$(host_of "$p")" 'echo BENCH_OK' 2>"$W/$p.v.log") \
    || { tail -30 "$W/$p.v.log" >&2; die "ssh over path $p failed"; }
  [ "$out" = BENCH_OK ] || die "unexpected output over path $p: $out"
  mapfile -t ciph < <(sed -n 's/.*kex: client->server cipher: \([^ ]*\).*/\1/p' "$W/$p.v.log")
  case $p in
    direct) R[direct.cipher.user_device]=${ciph[0]:-?} ;;
    diy) R[diy.cipher.user_bastion]=${ciph[0]:-?}; R[diy.cipher.user_device]=${ciph[1]:-?} ;;
    jumpgate) R[jumpgate.cipher.user_relay]=${ciph[0]:-?}; R[jumpgate.cipher.user_device]=${ciph[1]:-?} ;;
    proxy|proxy_nomux) R[$p.cipher.user_device]=${ciph[0]:-?} ;;
  esac
done
R[diy.cipher.device_bastion]=$(sed -n 's/.*kex: client->server cipher: \([^ ]*\).*/\1/p' "$W/device/tunnel.log" | head -1)
# the relay's TLS 1.3 suite preference, probed with openssl (the agent's JDK client offers the same three suites)
R[jumpgate.tls.relay_agent]=$(timeout 10 openssl s_client -connect "127.0.0.1:$RELAY_LINK_PORT" -tls1_3 \
  </dev/null 2>/dev/null | sed -n 's/.*Cipher is \([^ ]*\).*/\1/p' | head -1)
R[jumpgate.tls.relay_agent]=${R[jumpgate.tls.relay_agent]:-unknown}

if [ -n "${BENCH_HOLD:-}" ]; then   # for investigations: keep the three paths up for a while, then measure
  log "holding for ${BENCH_HOLD}s: ssh -F $CFG {direct|diy|$DEVICE}; relay pid $RELAY, agent pid $AGENT," \
    "device sshd pid $DEV_SSHD, bastion sshd pid $BASTION_SSHD, tunnel pid $TUNNEL"
  nap "$BENCH_HOLD"
fi
