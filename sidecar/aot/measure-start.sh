#!/usr/bin/env bash
# Start-to-ready of the sidecar, N times: wall ms until /ready answers 200, the CPU time the JVM used
# by then (utime+stime from /proc; steadier than wall time on a shared machine) and the classes
# loaded (all / from the jar rather than the AOT cache or the JDK's CDS archive).
#
#   sidecar/aot/measure-start.sh 5 -XX:+UseSerialGC ...                    # standalone (--policy)
#   MODE=config sidecar/aot/measure-start.sh 5 ...                         # injected (--config)
#     (CONFIG=config.json; without it, the bench policy compiled by a first standalone run)
#   sidecar/aot/measure-start.sh 5 ... -XX:AOTCache=sidecar/target/sidecar.aot
#
# Needs nothing listening on 127.0.0.1:28080/28090/28091; the upstream need not run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=${SIDECAR_JAR:-"$ROOT/sidecar/target/sidecar.jar"}
N=${1:?usage: measure-start.sh N [java options...]}; shift
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ARGS=(--upstream http://127.0.0.1:28000 --listen 127.0.0.1:28080 --ops-listen 127.0.0.1:28090 --admin-listen 127.0.0.1:28091)
# shellcheck source=sidecar/aot/poll-ready.sh
source "$ROOT/sidecar/aot/poll-ready.sh"
wait_ready() { poll_ready 28090; }
SRC=(--policy "$ROOT/e2e/bench/bench-policy.yaml")
if [ "${MODE:-policy}" = config ]; then
  if [ -z "${CONFIG:-}" ]; then
    CONFIG="$WORK/config.json"
    "$JAVA_HOME/bin/java" -jar "$JAR" "${SRC[@]}" "${ARGS[@]}" >"$WORK/compile.log" 2>&1 &
    pid=$!
    wait_ready && curl -sf -o "$CONFIG" http://127.0.0.1:28091/config
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  SRC=(--config "$CONFIG")
fi
HZ=$(getconf CLK_TCK)
for _ in $(seq 1 "$N"); do
  t0=$(date +%s%N)
  "$JAVA_HOME/bin/java" "$@" -Xlog:class+load:file="$WORK/classes.txt" -jar "$JAR" "${SRC[@]}" "${ARGS[@]}" \
    >"$WORK/sidecar.log" 2>&1 &
  pid=$!
  wait_ready || true
  wall=$(( ($(date +%s%N) - t0) / 1000000 ))
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  echo "wall_ms=$wall cpu_ms=$(( ticks * 1000 / HZ )) classes=$(wc -l <"$WORK/classes.txt") from_jar=$(grep -c 'source: file:' "$WORK/classes.txt")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
