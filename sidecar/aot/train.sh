#!/usr/bin/env bash
# Builds a JDK 25 AOT cache (JEP 483/514: classes loaded and linked ahead of time, plus method
# profiles) for the shaded sidecar jar, from a short training run: start in standalone mode against
# a throw-away origin, serve misses, hits, a pass-through, a purge and the ops endpoints, stop with
# SIGTERM (the cache is written when the JVM exits).
#
#   sidecar/aot/train.sh [out.aot]          # default sidecar/target/sidecar.aot; SIDECAR_JAR=... for another jar
#   java -XX:AOTCache=sidecar/target/sidecar.aot <same JVM flags> -jar sidecar/target/sidecar.jar ...
#
# MODE=config trains the injected mode (--config, what pods run): the compiled JSON is CONFIG, or
# else fetched from a first, untrained standalone run (GET /config of the admin listener). A cache
# trained in one mode also works in the other, with fewer of its classes and profiles used.
#
# The cache is only used by the same JDK build, the same jar (path and mtime) and compatible JVM
# flags (GC, compact headers): train with the flags you run with (SIDECAR_JAVA_OPTS).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
JAR=${SIDECAR_JAR:-"$ROOT/sidecar/target/sidecar.jar"}
ORIGIN_JAR="$ROOT/e2e/target/bench-origin.jar"
OUT=${1:-"$ROOT/sidecar/target/sidecar.aot"}
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-"-XX:+UseSerialGC -XX:+UseCompactObjectHeaders"}
ORIGIN_PORT=${ORIGIN_PORT:-18500} PROXY_PORT=${PROXY_PORT:-18580} OPS_PORT=${OPS_PORT:-18590} ADMIN_PORT=${ADMIN_PORT:-18591}
if [ ! -f "$JAR" ] || [ ! -f "$ORIGIN_JAR" ]; then
  (cd "$ROOT" && ./mvnw -B -q -pl sidecar,e2e -am package -DskipTests)
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 3000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.01; done; echo "not ready: $1" >&2; return 1; }

"$JAVA" -XX:+UseSerialGC -jar "$ORIGIN_JAR" "$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$ORIGIN_PORT/1k"

# $1: JVM options, then the config source
start_sidecar() {
  # shellcheck disable=SC2086
  "$JAVA" $SIDECAR_JAVA_OPTS $1 -jar "$JAR" "${@:2}" --upstream "http://127.0.0.1:$ORIGIN_PORT" \
    --listen "127.0.0.1:$PROXY_PORT" --ops-listen "127.0.0.1:$OPS_PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
    >"$WORK/sidecar.log" 2>&1 &
  SIDECAR=$!
  PIDS+=("$SIDECAR")
  wait_http "http://127.0.0.1:$OPS_PORT/ready"
}
SRC=(--policy "$ROOT/e2e/bench/bench-policy.yaml")
if [ "${MODE:-policy}" = config ]; then
  CONFIG=${CONFIG:-}
  if [ -z "$CONFIG" ]; then
    start_sidecar "" "${SRC[@]}"
    CONFIG="$WORK/config.json"
    curl -sf -o "$CONFIG" "http://127.0.0.1:$ADMIN_PORT/config"
    kill -TERM "$SIDECAR"
    wait "$SIDECAR" || true
  fi
  SRC=(--config "$CONFIG")
fi
start_sidecar "-XX:AOTCacheOutput=$OUT" "${SRC[@]}"
for _ in $(seq 1 200); do
  for route in /1k /32k /nostore; do curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT$route"; done
done
curl -s -o /dev/null -I "http://127.0.0.1:$PROXY_PORT/1k"
curl -s -o /dev/null -H 'If-None-Match: "x"' "http://127.0.0.1:$PROXY_PORT/1k"
# Injected: no admin requests, whose Jackson writer (500 classes) would otherwise be in the cache and
# loaded at every start; the first admin request of a pod loads it instead.
if [ "${MODE:-policy}" != config ]; then
  curl -s -o /dev/null -X POST "http://127.0.0.1:$ADMIN_PORT/purge?kind=path&value=/1k"
  curl -s -o /dev/null "http://127.0.0.1:$ADMIN_PORT/config"
fi
curl -s -o /dev/null "http://127.0.0.1:$OPS_PORT/metrics"
curl -s -o /dev/null "http://127.0.0.1:$OPS_PORT/healthz"
kill -TERM "$SIDECAR"
wait "$SIDECAR" || { echo "training run failed:" >&2; cat "$WORK/sidecar.log" >&2; exit 1; }
ls -l "$OUT"
