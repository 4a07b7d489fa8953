# Sourced by bench/capacity and bench/churn: builds the project and runs a bench class of e2e (simulated agents
# against a relay started by the `jumpgate` launcher). run_simulated LINKS CLASS ARGS...
#   CAPACITY_HEAP   heap of the JVM that simulates the agents (default 3g)
#   BENCH_LOCK      a file to hold flock(1) on while measuring (setup and enrollment run outside it)
#   BENCH_BUILD=0   use the jars already built (another bench may be running a relay from them)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

run_simulated() {
  local links=$1 class=$2; shift 2
  cd "$here"
  if [ -z "${JAVA_HOME:-}" ]; then
    for d in /usr/lib/jvm/*; do [ -x "$d/bin/javac" ] && export JAVA_HOME="$d"; done
  fi
  # Each link is a socket in the relay and one in the simulating JVM, each process under its own open-file
  # limit; raising the hard limit needs CAP_SYS_RESOURCE, so take what it allows and check that it suffices.
  # The simulating JVM needs twice its links: when every agent dials at once, closed attempts hold their fds until
  # the two busy event loops get to them (15,000 links ran out of 20,000 fds).
  local want=$(( links * 2 + 500 )) hard
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
    echo "$links links need an open-file limit of about $want, but the hard limit here is $hard (raise it as" \
         "root: ulimit -Hn, or LimitNOFILE in systemd); at most $(( (hard - 500) / 2 )) links fit" >&2
    return 1
  fi
  ulimit -n "$([ "$hard" = unlimited ] && echo $(( want * 2 )) || echo "$hard")"
  # The relay listens on 127.0.0.1 and every simulated agent dials it from 127.0.0.1: one source address must
  # have an ephemeral port per link (closed enrollment connections are reused on loopback, tcp_tw_reuse).
  local lo hi
  read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range
  if [ $(( hi - lo + 1 )) -lt $(( links + 1000 )) ]; then
    echo "$links links need more ephemeral ports than $lo-$hi (net.ipv4.ip_local_port_range)" >&2
    return 1
  fi
  if [ "${BENCH_BUILD:-1}" != 0 ] || [ ! -f e2e/target/classpath.txt ]; then
    mvn -B -q -o -DskipTests package dependency:build-classpath -pl e2e -am \
        -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2
  fi
  mkdir -p bench/results
  local opts=(--enable-native-access=ALL-UNNAMED -Xmx"${CAPACITY_HEAP:-3g}"
              -Dlogback.configurationFile="$here/bench/logback-bench.xml" -Djumpgate.root="$here")
  local v
  v=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ "${v%%.*}" -ge 23 ] && opts+=(--sun-misc-unsafe-memory-access=allow)
  (cd e2e && "$JAVA_HOME/bin/java" "${opts[@]}" -cp "target/test-classes:$(cat target/classpath.txt)" \
      "dev.jumpgate.e2e.$class" "$@")
}
