# Java and the jumpgate jar for bench/run.

java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

# sets JAVA, JAVA_V and JOPTS: the newest Java >= 21 of JAVA_HOME, /usr/lib/jvm/* and the PATH (as ./jumpgate)
find_java() {
  local cands=() d j v
  JAVA="" JAVA_V=0
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME/bin/java")
  for d in /usr/lib/jvm/*; do cands+=("$d/bin/java"); done
  cands+=("$(command -v java 2>/dev/null || true)")
  for j in "${cands[@]}"; do
    [ -x "$j" ] || continue
    v=$(java_version "$j"); v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$JAVA_V" ]; then JAVA=$j; JAVA_V=$v; fi
  done
  [ -n "$JAVA" ] || die "needs Java 21 or newer (set JAVA_HOME)"
  JOPTS=(--enable-native-access=ALL-UNNAMED)
  [ "$JAVA_V" -ge 23 ] && JOPTS+=(--sun-misc-unsafe-memory-access=allow)
  return 0
}

# sets JAR (a private copy in $W: a rebuild while we run must not change the jar under the JVMs) and JAR_NOTE
prepare_jar() {
  JAR_NOTE=fresh
  if [ -n "${BENCH_JAR:-}" ]; then
    [ -f "$BENCH_JAR" ] || die "BENCH_JAR=$BENCH_JAR does not exist"
    cp "$BENCH_JAR" "$W/jumpgate.jar"; JAR_NOTE="given:$BENCH_JAR"
  else
    log "building/checking the jar (./jumpgate --version)"
    if ! timeout 600 "$ROOT/jumpgate" --version >"$W/build.log" 2>&1; then
      [ -f "$ROOT/cli/target/jumpgate.jar" ] || { cat "$W/build.log" >&2; die "build failed"; }
      log "WARNING: the build failed (sources being edited?); benchmarking the existing cli/target/jumpgate.jar"
      JAR_NOTE=stale-build-failed
    fi
    cp "$ROOT/cli/target/jumpgate.jar" "$W/jumpgate.jar"
  fi
  JAR="$W/jumpgate.jar"
}
