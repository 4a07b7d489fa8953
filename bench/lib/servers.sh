# Starting what bench/run measures, on loopback: keys, the device and bastion sshd, the device's reverse tunnel,
# the jumpgate relay and agent, the client's login and mux, the ControlMaster connections; and the ssh configs.
# Every long-lived process is added to PIDS, which the clean-up stops.

# keys: the user's, the device's tunnel key, three host keys (the relay's pre-seeded so it can be pinned); ports
make_keys() {
  ME=$(id -un)
  ssh-keygen -q -t ed25519 -N '' -C bench-user -f "$W/keys/user"
  ssh-keygen -q -t ed25519 -N '' -C bench-device-tunnel -f "$W/keys/tunnel"
  ssh-keygen -q -t ed25519 -N '' -C bench-device-host -f "$W/device/host_key"
  ssh-keygen -q -t ed25519 -N '' -C bench-bastion-host -f "$W/bastion/host_key"
  ssh-keygen -q -t ecdsa -b 256 -N '' -C bench-relay-host -f "$W/relay/data/ssh_host_key"   # the relay loads DATA/ssh_host_key
  pub() { awk '{ print $1, $2 }' "$1"; }
  {
    echo "bench-device $(pub "$W/device/host_key.pub")"
    echo "bench-bastion $(pub "$W/bastion/host_key.pub")"
    echo "bench-relay $(pub "$W/relay/data/ssh_host_key.pub")"
  } >"$W/known_hosts"

  pick_port DEV_PORT
  pick_port BASTION_PORT
  pick_port FWD_PORT
}

write_sshd_config() { # dir port
  cat >"$1/sshd_config" <<EOF
Port $2
ListenAddress 127.0.0.1
HostKey $1/host_key
PidFile $1/sshd.pid
AuthorizedKeysFile $1/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
Compression no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups ${SSHD_MAX_STARTUPS:-100}
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
}
# the device sshd (one for all paths) and the DIY bastion sshd
start_sshds() {
  [ "$(id -u)" = 0 ] && mkdir -p /run/sshd   # sshd started as root wants its privilege separation directory

  # the device: one sshd for all three paths; the user's key may log in
  write_sshd_config "$W/device" "$DEV_PORT"
  cat "$W/keys/user.pub" >"$W/device/authorized_keys"
  # the DIY bastion: the device's key may only listen on the forward port, the user's only reach it
  write_sshd_config "$W/bastion" "$BASTION_PORT"
  {
    echo "restrict,port-forwarding,permitlisten=\"127.0.0.1:$FWD_PORT\" $(cat "$W/keys/tunnel.pub")"
    echo "restrict,port-forwarding,permitopen=\"127.0.0.1:$FWD_PORT\" $(cat "$W/keys/user.pub")"
  } >"$W/bastion/authorized_keys"

  log "starting device sshd on 127.0.0.1:$DEV_PORT and bastion sshd on 127.0.0.1:$BASTION_PORT"
  "$SSHD_BIN" -D -e -f "$W/device/sshd_config" >"$W/device/sshd.log" 2>&1 &
  DEV_SSHD=$!; PIDS+=("$DEV_SSHD")
  "$SSHD_BIN" -D -e -f "$W/bastion/sshd_config" >"$W/bastion/sshd.log" 2>&1 &
  BASTION_SSHD=$!; PIDS+=("$BASTION_SSHD")
  wait_listen "$DEV_PORT" "$DEV_SSHD" 10 || { cat "$W/device/sshd.log" >&2; die "device sshd did not start"; }
  wait_listen "$BASTION_PORT" "$BASTION_SSHD" 10 || { cat "$W/bastion/sshd.log" >&2; die "bastion sshd did not start"; }
}

# ssh configs. Specific Host blocks first (first value wins), the common block last.
common() { # identity
  cat <<EOF
Host *
  IdentityFile $1
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $W/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  UpdateHostKeys no
  CheckHostIP no
  Compression no
  ControlMaster no
  ControlPath none
  BatchMode yes
  ConnectTimeout 20
  ServerAliveInterval 15
  LogLevel ERROR
EOF
  [ -n "$CIPHERS" ] && echo "  Ciphers $CIPHERS"
  true
}

# the device's own client config, for its reverse tunnel to the bastion
write_device_config() {
  {
    cat <<EOF
Host bastion-from-device
  HostName 127.0.0.1
  Port $BASTION_PORT
  User $ME
  HostKeyAlias bench-bastion
  ExitOnForwardFailure yes
EOF
    common "$W/keys/tunnel"
  } >"$W/device/ssh_config"
}

write_user_config() { # relay-ssh-port
  {
    cat <<EOF
# (a) direct
Host direct
  HostName 127.0.0.1
  Port $DEV_PORT
  User $ME
  HostKeyAlias bench-device
# (b) DIY bastion: jump to the bastion, then to the device's reverse-forwarded port on it
Host bastion
  HostName 127.0.0.1
  Port $BASTION_PORT
  User $ME
  HostKeyAlias bench-bastion
Host diy
  HostName 127.0.0.1
  Port $FWD_PORT
  User $ME
  HostKeyAlias bench-device
  ProxyJump bastion
# (c) jumpgate: jump to the relay, which routes the device name over the agent's link
Host jg-relay
  HostName 127.0.0.1
  Port $1
  User admin
  HostKeyAlias bench-relay
Host $DEVICE
  User $ME
  HostKeyAlias bench-device
  ProxyJump jg-relay
# (d) the jumpgate client as ProxyCommand (JUMPGATE_JAR and XDG_CONFIG_HOME come from the environment)
Host $DEVICE-proxy
  HostName $DEVICE
  User $ME
  HostKeyAlias bench-device
  ProxyCommand $CLIENT proxy %h %p
# (e) the same, each proxy on its own
Host $DEVICE-proxy-nomux
  HostName $DEVICE
  User $ME
  HostKeyAlias bench-device
  ProxyCommand env JUMPGATE_MUX=no $CLIENT proxy %h %p
# setup-only variants of (b) and (c) whose jump hop rides an already open connection (ControlMaster), as a
# user's ControlPersist would give after the first login
Host bastion-mux
  HostName 127.0.0.1
  Port $BASTION_PORT
  User $ME
  HostKeyAlias bench-bastion
  ControlPath $W/cm-bastion
Host diy-mux
  HostName 127.0.0.1
  Port $FWD_PORT
  User $ME
  HostKeyAlias bench-device
  ProxyJump bastion-mux
Host jg-relay-mux
  HostName 127.0.0.1
  Port $1
  User admin
  HostKeyAlias bench-relay
  ControlPath $W/cm-relay
Host $DEVICE-mux
  HostName $DEVICE
  User $ME
  HostKeyAlias bench-device
  ProxyJump jg-relay-mux
EOF
    common "$W/keys/user"
  } >"$W/ssh_config"
}

# (b): the device's reverse tunnel to the bastion
start_tunnel() {
  log "starting the device's reverse tunnel: ssh -N -R 127.0.0.1:$FWD_PORT:127.0.0.1:$DEV_PORT bastion"
  ssh -F "$W/device/ssh_config" -v -E "$W/device/tunnel.log" -N \
    -R "127.0.0.1:$FWD_PORT:127.0.0.1:$DEV_PORT" bastion-from-device &
  TUNNEL=$!; PIDS+=("$TUNNEL")
  wait_listen "$FWD_PORT" "$TUNNEL" 20 || { tail -20 "$W/device/tunnel.log" >&2; die "reverse tunnel did not come up"; }
}

# (c): the jumpgate relay; then the user's ssh_config, which needs its SSH port
start_relay() {
  log "starting the jumpgate relay ($JAVA, Java $JAVA_V)"
  # through the launcher, as users start it (its JVM options for the relay); BENCH_RELAY_JAVA_OPTS come after them
  JAVA_HOME="${JAVA%/bin/java}" JUMPGATE_JAVA_OPTS="${BENCH_RELAY_JAVA_OPTS:-}" "$ROOT/jumpgate" relay --data "$W/relay/data" \
    --ssh-listen 127.0.0.1:0 --listen 127.0.0.1:0 --admin-key "$W/keys/user.pub" >"$W/relay/stdout" 2>"$W/relay/stderr" &
  RELAY=$!; PIDS+=("$RELAY")
  end=$(( $(date +%s) + 90 ))
  READY=""
  while [ "$(date +%s)" -lt "$end" ]; do
    READY=$(grep -m1 '^jumpgate relay ready' "$W/relay/stdout" 2>/dev/null || true)
    [ -n "$READY" ] && break
    kill -0 "$RELAY" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$READY" ] || { tail -30 "$W/relay/stderr" >&2; die "relay did not become ready"; }
  RELAY_SSH_PORT=$(sed -n 's/.* ssh=[^ ]*:\([0-9]*\) .*/\1/p' <<<"$READY")
  RELAY_LINK_PORT=$(sed -n 's/.* link=[^ ]*:\([0-9]*\) .*/\1/p' <<<"$READY")
  RELAY_PIN=$(sed -n 's/.* tls=\([^ ]*\).*/\1/p' <<<"$READY")
  T_RELAY_READY=$(( $(date +%s) - T_START ))
  write_user_config "$RELAY_SSH_PORT"
  log "relay ready: ssh=127.0.0.1:$RELAY_SSH_PORT link=127.0.0.1:$RELAY_LINK_PORT"
}

# (c): enrollment and the agent, until it has linked
start_agent() {
  TOKEN=$(timeout $STEP_TIMEOUT ssh -F "$CFG" jg-relay token create "$DEVICE" --ttl 10m) || die "token create failed"
  TOKEN=$(tr -d '[:space:]' <<<"$TOKEN")
  timeout 90 "$JAVA" "${JOPTS[@]}" -jar "$JAR" agent enroll "$TOKEN" --state "$W/agent/state" \
    >"$W/agent/enroll.log" 2>&1 || { cat "$W/agent/enroll.log" >&2; die "agent enroll failed"; }
  JAVA_HOME="${JAVA%/bin/java}" JUMPGATE_JAVA_OPTS="${BENCH_AGENT_JAVA_OPTS:-}" "$ROOT/jumpgate" agent run --state "$W/agent/state" \
    --target "127.0.0.1:$DEV_PORT" >"$W/agent/stdout" 2>"$W/agent/stderr" &
  AGENT=$!; PIDS+=("$AGENT")

  # linked once the relay lists the device's host keys; they must be the device sshd's (the pinned one)
  DEV_KEY_B64=$(awk '{ print $2 }' "$W/device/host_key.pub")
  end=$(( $(date +%s) + 90 ))
  linked=""
  while [ "$(date +%s)" -lt "$end" ]; do
    kill -0 "$AGENT" 2>/dev/null || { tail -30 "$W/agent/stderr" >&2; die "the agent exited"; }
    kh=$(timeout $STEP_TIMEOUT ssh -F "$CFG" jg-relay known-hosts 2>/dev/null || true)
    if grep -q "^$DEVICE " <<<"$kh"; then
      grep -q "^$DEVICE ssh-ed25519 $DEV_KEY_B64" <<<"$kh" || die "the relay lists other host keys for $DEVICE: $kh"
      linked=yes; break
    fi
    sleep 0.3
  done
  [ -n "$linked" ] || { tail -30 "$W/agent/stderr" >&2; die "the agent did not link within 90 s"; }
  T_ALL_READY=$(( $(date +%s) - T_START ))
  log "agent linked; everything up after ${T_ALL_READY}s"
}

# (d): the client's login and mux
start_client() {
  # (d): log the client in as a user would (ssh checks the relay's host key, the client pins its TLS certificate)
  timeout 90 "$CLIENT" login -F "$CFG" -i "$W/keys/user" jg-relay >"$W/login.log" 2>&1 \
    || { cat "$W/login.log" >&2; die "jumpgate login failed"; }

  # (d): the client's mux, in this script's process tree so that its CPU is accounted as the run's own (a user's
  # first `jumpgate proxy` starts it; BENCH_CLIENT may be a client from before the mux, or BENCH_MUX=no)
  MUX=""
  if [ "${BENCH_MUX:-yes}" != no ] && "$CLIENT" mux --help >/dev/null 2>&1; then
    "$CLIENT" mux run --persist 3600 >"$W/client-mux.log" 2>&1 &
    MUX=$!; PIDS+=("$MUX")
    end=$(( $(date +%s) + 60 ))
    until "$CLIENT" mux status >/dev/null 2>&1; do
      kill -0 "$MUX" 2>/dev/null && [ "$(date +%s)" -lt "$end" ] || { cat "$W/client-mux.log" >&2; die "the client's mux did not start"; }
      sleep 0.2
    done
  else
    export JUMPGATE_MUX=no
  fi
}

# the multiplexing masters for the *-mux variants: plain background connections we own
start_controlmasters() {
  # the multiplexing masters for the *-mux variants: plain background connections we own
  for m in bastion jg-relay; do
    ssh -F "$CFG" -N -o ControlMaster=yes "$m-mux" >"$W/mux-$m.log" 2>&1 &
    PIDS+=("$!")
  done
  end=$(( $(date +%s) + 30 ))
  until ssh -F "$CFG" -O check bastion-mux 2>/dev/null && ssh -F "$CFG" -O check jg-relay-mux 2>/dev/null; do
    [ "$(date +%s)" -lt "$end" ] || { cat "$W"/mux-*.log >&2; die "the ControlMaster connections did not come up"; }
    sleep 0.1
  done
}
