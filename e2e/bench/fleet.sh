#!/usr/bin/env bash
# Fleet benchmarks: many real processes on loopback. Numbers, not assertions; not part of the tests.
#
#   e2e/bench/fleet.sh fanout        # 20 sidecars + 1 Redis: invalidation fan-out p50/p99,
#                                    # each sidecar's start-to-ready and RSS after the load
#   e2e/bench/fleet.sh shared-hits   # hits served by the Redis tier (memory tier too small to
#                                    # help) beside memory-tier hits, wrk req/s, p50, p99
#   e2e/bench/fleet.sh reconcile     # operator against the mock API server: 500 CachePolicies,
#                                    # create -> ConfigMap / Accepted p50/p99, convergence, RSS
#   e2e/bench/fleet.sh all
#
# Scale and length (defaults in brackets): SIDECARS [20], EVENTS [300], RATE [10 events/s],
# WARMUP_EVENTS [20] (fanout: unmeasured events first, at the same rate), AOT [0]
# (1: the sidecars start from a JDK 25 AOT cache trained first, as run.sh does);
# KEYS [10000], MEMORY_KEYS [2000], DURATION [10s], CONNECTIONS [50]; POLICIES [500]. BASE_PORT [24000]: the
# benchmark uses fixed ports BASE_PORT..BASE_PORT+499 on 127.0.0.1 (the mock API server and the
# operator's health port are picked by the OS). FLEET_JAVA_OPTS and HITS_JAVA_OPTS override the
# sidecars' JVM flags of fanout and shared-hits; SIDECAR_JAR another sidecar jar (A/B of two builds).
#
# Expects the jars of `./mvnw -B -q package -DskipTests` (sidecar.jar, operator.jar, bench-origin.jar,
# e2e test classes) and builds them only when missing. Installs redis-server and wrk from Debian
# packages when missing (needs root or sudo). Every process it starts is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH="$ROOT/e2e/bench"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
WORK=${WORK:-/tmp/cachemesh-fleet-bench}
BASE_PORT=${BASE_PORT:-24000}
SIDECARS=${SIDECARS:-20} EVENTS=${EVENTS:-300} RATE=${RATE:-10}
export WARMUP_EVENTS=${WARMUP_EVENTS:-20}
KEYS=${KEYS:-10000} MEMORY_KEYS=${MEMORY_KEYS:-2000} DURATION=${DURATION:-10s} CONNECTIONS=${CONNECTIONS:-50}
POLICIES=${POLICIES:-500}
# fanout: small heaps so that 20 JVMs fit anywhere: serial GC, 48 MiB heap (the fleet caches one
# entry each), bounded direct memory, metaspace and code cache, C1 only (less JIT CPU while 20
# processes warm up on 2 cores), no perf-data file, freed native memory returned to the OS.
FLEET_JAVA_OPTS=${FLEET_JAVA_OPTS:-"-XX:+UseSerialGC -Xms48m -Xmx48m -XX:MaxDirectMemorySize=16m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -Xss512k -XX:+UseCompactObjectHeaders -XX:-UsePerfData -XX:TrimNativeHeapInterval=2000"}
# shared-hits: the flags of run.sh (sidecar/README.md "JVM flags"): a 64 MiB heap for a 32 MiB
# memory tier, C2 (throughput is measured).
HITS_JAVA_OPTS=${HITS_JAVA_OPTS:-"-XX:+UseSerialGC -Xms64m -Xmx64m -XX:MaxDirectMemorySize=16m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -Xss512k -XX:+UseCompactObjectHeaders -XX:-UsePerfData -XX:TrimNativeHeapInterval=2000"}
SIDECAR_JAVA_OPTS=$FLEET_JAVA_OPTS
HMAC_KEY=fleet-bench-hmac-key-0123456789
SIDECAR_JAR=${SIDECAR_JAR:-"$ROOT/sidecar/target/sidecar.jar"}
OPERATOR_JAR="$ROOT/operator/target/operator.jar"
ORIGIN_JAR="$ROOT/e2e/target/bench-origin.jar"
ORIGIN_PORT=$BASE_PORT REDIS_PORT=$((BASE_PORT + 1))

need() { command -v "$1" >/dev/null 2>&1; }
install_debian() { # packages...
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
require_jars() {
  if [ ! -f "$SIDECAR_JAR" ] || [ ! -f "$OPERATOR_JAR" ] || [ ! -f "$ORIGIN_JAR" ] \
      || [ ! -f "$ROOT/e2e/target/test-classes/io/cachemesh/e2e/harness/MockApiServerMain.class" ]; then
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
  fi
}

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_http() { # url, tries of 10 ms
  for _ in $(seq 1 "${2:-3000}"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.01; done
  echo "not ready: $1" >&2; return 1
}
logged_port() { # LOG EVENT: the port of the first "event=EVENT port=N" line, waiting up to 90 s
  local port=""
  for _ in $(seq 1 9000); do
    port=$(sed -n "s/.*event=$2 port=\([0-9]*\).*/\1/p" "$1" | head -1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.01
  done
  echo "no event=$2 in $1" >&2; return 1
}
rss_kib() { awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
stats() { # numbers on stdin -> "min .. median .. p90 .. max (n)"
  sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "none"; exit}
    printf "min %s, median %s, p90 %s, max %s (n=%d)", v[1], v[int((NR+1)/2)], v[int(NR*0.9+0.999)], v[NR], NR}'
}

start_redis() {
  need redis-server || install_debian redis-server
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode no \
    --daemonize no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 500); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.01; done
  echo "redis did not start (see $WORK/redis.log)" >&2; return 1
}
start_origin() {
  "$JAVA" -XX:+UseSerialGC -Xmx128m -jar "$ORIGIN_JAR" "$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$ORIGIN_PORT/1k"
}
# start_sidecar NAME POLICY PROXY OPS ADMIN: starts one and waits until /ready; sets LAST_PID and
# LAST_READY_MS (wall time from fork to the first 200 of /ready) and LAST_READY_CPU_MS (CPU time
# the JVM used by then, user + system: steadier than wall time on a shared machine).
start_sidecar() {
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  CACHEMESH_REDIS_HMAC_KEY=$HMAC_KEY "$JAVA" $SIDECAR_JAVA_OPTS -jar "$SIDECAR_JAR" \
    --policy "$2" --upstream "http://127.0.0.1:$ORIGIN_PORT" --redis-url "redis://127.0.0.1:$REDIS_PORT" \
    --listen "127.0.0.1:$3" --ops-listen "127.0.0.1:$4" --admin-listen "127.0.0.1:$5" --pod-name "$1" \
    >"$WORK/$1.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$4/ready"; then
      LAST_READY_MS=$(( $(now_ms) - t0 ))
      LAST_READY_CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$LAST_PID/stat")
      return 0
    fi
    kill -0 "$LAST_PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "$1 did not become ready (see $WORK/$1.log)" >&2; return 1
}

to_ms() { # wrk latency text (512.00us, 1.20ms, 1.01s) -> ms
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}
# wrk_row LABEL PORT: one table row; every request asks a random /1k?i=<0..N-1> with Host: bench.
wrk_row() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/random.lua" "http://127.0.0.1:$2" 2>&1)
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$(awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$out")" \
    "$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")" "$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")" \
    "$(awk '/Non-2xx|Socket errors/{s=s $0 " "} END{print (s==""?"0":s)}' <<<"$out")"
}
# hits OPS_PORT TIER: cachemesh_requests_total{result="hit",tier=TIER}
hits() {
  curl -sf "http://127.0.0.1:$1/metrics" | awk -v t="tier=\"$2\"" 'index($0, "cachemesh_requests_total{") == 1 && index($0, "result=\"hit\"") && index($0, t) {s += $NF} END {printf "%d", s}'
}

fanout() {
  SIDECAR_JAVA_OPTS=$FLEET_JAVA_OPTS
  echo "== fan-out: $SIDECARS sidecars, 1 Redis, $EVENTS events at $RATE/s after $WARMUP_EVENTS unmeasured"
  start_redis
  start_origin
  if [ "${AOT:-0}" = 1 ]; then # the JDK 25 AOT cache, trained as run.sh does, with the fleet's flags
    SIDECAR_JAVA_OPTS="$SIDECAR_JAVA_OPTS" "$ROOT/sidecar/aot/train.sh" "$WORK/sidecar.aot" >/dev/null
    SIDECAR_JAVA_OPTS="$SIDECAR_JAVA_OPTS -XX:AOTCache=$WORK/sidecar.aot"
  fi
  local proxies=() ops=() pids=() ready=() cpu=() i
  for i in $(seq 0 $((SIDECARS - 1))); do
    start_sidecar "sidecar-$i" "$BENCH/fleet-policy.yaml" $((BASE_PORT + 100 + i)) $((BASE_PORT + 200 + i)) $((BASE_PORT + 300 + i))
    proxies+=($((BASE_PORT + 100 + i))); ops+=($((BASE_PORT + 200 + i))); pids+=("$LAST_PID"); ready+=("$LAST_READY_MS"); cpu+=("$LAST_READY_CPU_MS")
  done
  # Each consumer positions itself on the stream once it reaches Redis: wait for all of them.
  for i in "${!ops[@]}"; do
    for _ in $(seq 1 1000); do
      curl -sf "http://127.0.0.1:${ops[$i]}/metrics" | grep -q '^cachemesh_broker_connected{.*} 1' && break; sleep 0.01
    done
  done
  (IFS=,; "$JAVA" -Djdk.httpclient.allowRestrictedHeaders=host -cp "$SIDECAR_JAR" "$BENCH/FanoutLatency.java" "$REDIS_PORT" 'cm:{bench/fleet}:events' "$EVENTS" "$RATE" \
    "${proxies[*]}" "${ops[*]}" "${pids[*]}")
  local rss=() total=0
  for i in "${!pids[@]}"; do rss+=($(( $(rss_kib "${pids[$i]}") / 1024 ))); total=$((total + rss[i])); done
  echo "sidecar start-to-ready, wall ms (started one after another, fleet growing): $(printf '%s\n' "${ready[@]}" | stats)"
  echo "sidecar start-to-ready, JVM CPU ms: $(printf '%s\n' "${cpu[@]}" | stats)"
  echo "sidecar RSS MiB after the load: $(printf '%s\n' "${rss[@]}" | stats); fleet total $total MiB; Redis $(( $(rss_kib "${PIDS[0]}") / 1024 )) MiB"
  echo "per sidecar (0..$((SIDECARS - 1))): ready ms ${ready[*]}; RSS MiB ${rss[*]}"
  echo "sidecar JVM: $SIDECAR_JAVA_OPTS"
  cleanup
}

shared_hits() {
  SIDECAR_JAVA_OPTS=$HITS_JAVA_OPTS
  echo "== shared-tier hits: $KEYS keys of 1 KiB, wrk -t2 -c$CONNECTIONS -d$DURATION"
  need wrk || install_debian wrk
  start_redis
  start_origin
  # Same policy name (same Redis keyspace). The reader's memory tier is the smallest allowed
  # (1 MiB: about a thousand 1 KiB entries), so with KEYS random keys nearly every hit comes from
  # Redis (the share is printed). An empty memory tier of normal size would not show it: each
  # key's first hit fills memory, and the rest of the run measures memory hits again.
  sed 's/maxSize: 32Mi/maxSize: 1Mi/' "$BENCH/fleet-policy.yaml" >"$WORK/fleet-policy-1mi.yaml"
  # random.lua: a random key of [0, N); fill.lua: keys FROM, FROM+1, ... in order.
  # Each wrk thread has its own Lua state: seeded apart, or both threads ask the same keys.
  cat >"$WORK/random.lua" <<'LUA'
wrk.headers["Host"] = "bench"
local n = tonumber(os.getenv("N"))
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) math.randomseed(os.time() * 100 + id) end
request = function() return wrk.format("GET", "/1k?i=" .. math.random(0, n - 1)) end
LUA
  cat >"$WORK/fill.lua" <<'LUA'
wrk.headers["Host"] = "bench"
local i = tonumber(os.getenv("FROM"))
request = function() i = i + 1; return wrk.format("GET", "/1k?i=" .. (i - 1)) end
LUA
  start_sidecar writer "$BENCH/fleet-policy.yaml" $((BASE_PORT + 400)) $((BASE_PORT + 401)) $((BASE_PORT + 402))
  local writer_pid=$LAST_PID
  # Fill: every key of [0, KEYS) once through the writer (Redis is written behind each response).
  local stored=0
  for _ in $(seq 1 60); do
    FROM=$stored wrk -t1 -c16 -d2s -s "$WORK/fill.lua" "http://127.0.0.1:$((BASE_PORT + 400))" >/dev/null
    sleep 0.2
    stored=$(redis-cli -p "$REDIS_PORT" zcard 'cm:{bench/fleet}:entries')
    [ "$stored" -ge "$KEYS" ] && break
  done
  echo "entries in Redis after the fill: $stored (keys 0..$((KEYS - 1)) wanted)"
  start_sidecar reader "$WORK/fleet-policy-1mi.yaml" $((BASE_PORT + 410)) $((BASE_PORT + 411)) $((BASE_PORT + 412))
  local reader_pid=$LAST_PID
  # Warm-up, not counted: JIT of both; the writer's memory gets MEMORY_KEYS keys that it then
  # holds (a 32 MiB tier holds them all), the memory-tier row's key set.
  N=$KEYS wrk -t2 -c"$CONNECTIONS" -d5s -s "$WORK/random.lua" "http://127.0.0.1:$((BASE_PORT + 410))" >/dev/null
  N=$MEMORY_KEYS wrk -t2 -c"$CONNECTIONS" -d5s -s "$WORK/random.lua" "http://127.0.0.1:$((BASE_PORT + 400))" >/dev/null
  local mem0 shared0
  mem0=$(hits $((BASE_PORT + 411)) memory); shared0=$(hits $((BASE_PORT + 411)) shared)
  echo "| tier answering | requests/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---:|"
  N=$KEYS wrk_row "Redis: reader, 1 MiB memory tier, $KEYS keys" $((BASE_PORT + 410))
  local mem shared
  mem=$(( $(hits $((BASE_PORT + 411)) memory) - mem0 )); shared=$(( $(hits $((BASE_PORT + 411)) shared) - shared0 ))
  N=$MEMORY_KEYS wrk_row "memory: writer, 32 MiB memory tier, $MEMORY_KEYS keys" $((BASE_PORT + 400))
  echo "reader hits during its run: shared $shared, memory $mem ($(( shared * 100 / (shared + mem + 1) ))% from Redis)"
  echo "RSS MiB after load: writer $(( $(rss_kib "$writer_pid") / 1024 )), reader $(( $(rss_kib "$reader_pid") / 1024 )), Redis $(( $(rss_kib "${PIDS[0]}") / 1024 ))"
  echo "sidecar JVM: $SIDECAR_JAVA_OPTS"
  cleanup
}

reconcile() {
  echo "== operator reconcile: $POLICIES CachePolicies"
  local classpath="$ROOT/e2e/target/bench-classpath.txt"
  if [ ! -s "$classpath" ]; then
    # The mock API server's libraries (test scope of e2e), resolved by Maven once and cached (with
    # `package` so that the reactor resolves the project's own modules, the redis test-jar among
    # them; they are left out anyway).
    (cd "$ROOT" && ./mvnw -B -q -pl e2e -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
      -DexcludeGroupIds=io.cachemesh -Dmdep.outputFile="$classpath.tmp" 2>&1) | { grep -v '^WARNING' || true; }
    # Every module of the reactor writes that file; only a build that reached e2e leaves e2e's.
    [ "${PIPESTATUS[0]}" -eq 0 ] && [ -s "$classpath.tmp" ] && mv "$classpath.tmp" "$classpath" \
      || { echo "could not resolve the e2e test classpath with Maven" >&2; return 1; }
  fi
  "$JAVA" -XX:+UseSerialGC -Xmx512m -cp "$ROOT/e2e/target/test-classes:$(cat "$classpath")" \
    io.cachemesh.e2e.harness.MockApiServerMain "$ROOT/crds" bench >"$WORK/mock-api.log" 2>&1 &
  PIDS+=($!)
  local api_port
  api_port=$(logged_port "$WORK/mock-api.log" mock_api_server_listening)
  cat >"$WORK/kubeconfig" <<KUBE
apiVersion: v1
kind: Config
clusters: [{name: mock, cluster: {server: "http://127.0.0.1:$api_port"}}]
users: [{name: bench, user: {token: bench}}]
contexts: [{name: mock, context: {cluster: mock, user: bench, namespace: bench}}]
current-context: mock
KUBE
  # Flags as the e2e harness runs it: one namespace, no leader election, no webhooks (the mock
  # server has no webhook configurations); a 256 MiB heap cap, as a chart's small limit would.
  KUBECONFIG="$WORK/kubeconfig" HOSTNAME=operator-bench CACHEMESH_WEBHOOKS=false \
    "$JAVA" -XX:+UseSerialGC -Xmx256m -jar "$OPERATOR_JAR" --namespace=bench --leader-election=false \
    --metrics-port=0 >"$WORK/operator.log" 2>&1 &
  local operator_pid=$!
  PIDS+=("$operator_pid")
  local health
  health=$(logged_port "$WORK/operator.log" health_listening)
  wait_http "http://127.0.0.1:$health/readyz" 6000
  echo "operator RSS before: $(( $(rss_kib "$operator_pid") / 1024 )) MiB"
  KUBECONFIG="$WORK/kubeconfig" "$JAVA" -cp "$OPERATOR_JAR" "$BENCH/ReconcileLatency.java" bench "$POLICIES"
  echo "operator RSS after: $(( $(rss_kib "$operator_pid") / 1024 )) MiB (JVM -Xmx256m, serial GC)"
  cleanup
}

rm -rf "$WORK" && mkdir -p "$WORK"
require_jars
timed() { # FUNCTION: runs it and says how long it took
  local t0; t0=$(now_ms)
  "$1"
  echo "($1 took $(( ($(now_ms) - t0) / 1000 )) s)"
}
case "${1:-}" in
  fanout) timed fanout ;;
  shared-hits) timed shared_hits ;;
  reconcile) timed reconcile ;;
  all) timed fanout; timed shared_hits; timed reconcile ;;
  *) echo "usage: $0 fanout|shared-hits|reconcile|all (see the comment at the top)" >&2; exit 2 ;;
esac
