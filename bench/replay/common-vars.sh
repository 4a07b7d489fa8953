set -euo pipefail
export LC_ALL=C
ROOT=${ROOT:?}
BYTES=${BYTES:-1073741824} SETUP_N=${SETUP_N:-9} CIPHERS=${CIPHERS:-}
LIMIT=900 NOISE_MAX=0.10 RETRIES=2 IDLE_WAIT=120 QUIET_BUDGET=${QUIET_BUDGET:-240} QUIET_SPENT=0
DEVICE=benchdev XFER_TIMEOUT=240 STEP_TIMEOUT=30 HZ=100 NPROC=2
DEV_SSHD=101 BASTION_SSHD=102 TUNNEL=103 RELAY=104 AGENT=105 MUX=${MUX-106}
W=$OUT/w; mkdir -p "$W/raw" "$W/device" "$OUT/results"; RAW=$W/raw
RESULTS_DIR=$OUT/results
CFG=$W/ssh_config
echo "debug1: kex: client->server cipher: chacha20-poly1305@openssh.com MAC" >"$W/device/tunnel.log"
printf 'fake jar' >"$W/jumpgate.jar"; JAR=$W/jumpgate.jar; JAR_NOTE=fresh
printf '#!/bin/sh\necho "openjdk version 25"\necho "OpenJDK Runtime Environment Temurin-25"\n' >"$W/java"; chmod +x "$W/java"
JAVA=$W/java JAVA_V=25
printf '#!/bin/sh\ncase "$2" in status) echo "linked=yes";; esac\nexit 0\n' >"$W/client"; chmod +x "$W/client"
CLIENT=$W/client
export XDG_RUNTIME_DIR=$W/rt
T_START=$(( $(cat "$ST/clock") / 1000000000 )); T_RELAY_READY=3; RELAY_PIN=sha256:pin; RELAY_LINK_PORT=1
mkdir -p "$W/rt/jumpgate"; echo 4000000 >"$W/rt/jumpgate/mux.pid"
