# deterministic stand-ins for the primitives that touch the machine; state in files (survives subshells)
ST=${ST:?}
_next() { local c; c=$(cat "$ST/cnt"); c=$(( c + 1 )); echo "$c" >"$ST/cnt"; echo $(( (c * 2654435761 + 12345) % 1000003 )); }
_clock() { local c add=$1; c=$(cat "$ST/clock"); c=$(( c + add )); echo "$c" >"$ST/clock"; echo "$c"; }
now_ns() { local r; r=$(_next); _clock $(( 50000000 + r * 997 )); }
tree_ticks() { local r c; r=$(_next); c=$(cat "$ST/tt"); c=$(( c + (r % 4 == 0 ? r % 41 : r % 3) )); echo "$c" >"$ST/tt"; echo "$c"; }
machine_ticks() { local r c; r=$(_next); c=$(cat "$ST/mt"); c=$(( c + (r % 3 == 0 ? r % 67 : r % 4) * ${NOISE_LEVEL:-1} )); echo "$c" >"$ST/mt"; echo "$c $(( c / 50 )) $(( c - r % 5 ))"; }
thread_ticks() { local r i; r=$(_next)
  for i in 1 2 3 4 5 6 7 8; do
    [ $(( (r + i) % 9 )) = 0 ] && continue   # a thread that comes and goes
    printf '%s %s %s\n' "$(( $1 * 100 + i ))" $(( (r % (i * 7 + 1)) + i * 3 )) "t$(( i % 5 ))_x$(( i % 3 ))"
  done; }
sleep() { :; }
head() { if [ "$1" = -c ] && [[ $3 == /dev/zero || $3 == */random.bin ]]; then printf x; else command head "$@"; fi; }
nap() { :; }
date() {
  case "$*" in
    +%s%N) now_ns ;;
    +%s) _clock 1000000000 | awk '{ printf "%d", $1 / 1e9 }' ;;
    "-u +%Y-%m-%dT%H:%M:%SZ") echo 2026-12-06T12:00:00Z ;;
    +%Y%m%d-%H%M%S) echo 20261206-120000 ;;
    *) echo 12:00:00 ;;
  esac; }
timeout() { shift; "$@"; }
/usr/bin/time() { local o; shift 2; o=$2; shift 2; "$@"; local rc=$? r; r=$(_next); echo "$(( r % 7 )).$(( r % 100 )) 0.$(( r % 10 ))$(( r % 3 ))" >"$o"; return $rc; }
cut() { if [ "${*: -1}" = /proc/loadavg ]; then echo "1.00 2.00 3.00"; else command cut "$@"; fi; }
nproc() { echo 2; }
openssl() {
  case $1 in
    rand) truncate -s "$4" "$3" ;;
    s_client) cat >/dev/null; echo "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256" ;;
  esac; }
ssh() {
  local v=0 a host="" cmd=() s=0 opt=""
  while [ $# -gt 0 ]; do
    case $1 in
      -V) echo "OpenSSH_9.2p1 stub" >&2; return 0 ;;
      -v) v=1 ;; -s) s=1 ;; -F|-o|-E|-R) shift ;; -O) opt=$2; shift ;; -N) ;;
      *) if [ -z "$host" ]; then host=$1; else cmd+=("$1"); fi ;;
    esac; shift
  done
  [ -n "$opt" ] && return 0
  local r; r=$(_next)
  if [ $v = 1 ]; then
    echo "debug1: kex: client->server cipher: aes128-gcm@openssh.com MAC: <implicit> compression: none" >&2
    case $host in diy|benchdev) echo "debug1: kex: client->server cipher: chacha20-poly1305@openssh.com MAC: x" >&2 ;; esac
  fi
  case "${cmd[*]}" in
    "echo BENCH_OK") echo BENCH_OK ;;
    "echo S"*) echo "S $(now_ns)"; command cat >/dev/null; echo "E $(now_ns)" ;;
    sftp) : ;;
  esac
  if [[ $host == *proxy* ]] && [ -n "${JUMPGATE_TRACE:-}" ]; then
    echo "proxy launch=0 exec=$(( r % 30 )).$(( r % 10 )) main=$(( r % 300 + 100 )).$(( r % 7 )) mux-answer=$(( r % 2000 + 150 )).$(( r % 9 ))$(( r % 4 )) first-byte-in=$(( r % 1300 )).$(( r % 1000 )) cpu=0.$(( r % 90 + 10 ))" >>"$JUMPGATE_TRACE"
  fi
  return 0
}
