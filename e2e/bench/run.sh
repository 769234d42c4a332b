#!/usr/bin/env bash
# Benchmark: the cachemesh sidecar beside nginx proxy_cache and Varnish, in one run, in front of
# the same origin, on loopback. Prints requests/s, p50 and p99 per scenario and proxy, RSS after
# load, and the sidecar's start-to-ready time. Not part of the tests (numbers, not assertions).
#
# The sidecar serves as it does in a pod: injected mode, reading the compiled config (the bench
# policy, compiled by a first standalone run) with an AOT cache trained in that mode. Start to
# ready is measured in both modes (injected, and standalone `--policy` as a developer runs it).
#
#   e2e/bench/run.sh                 # 10 s per measurement
#   DURATION=30s e2e/bench/run.sh    # longer, steadier
#   WARMUP=10s e2e/bench/run.sh      # load per proxy and route before measuring (default 5s)
#
# Installs wrk, nginx and Varnish from Debian packages when missing (needs root or sudo).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10s}
WORK=${WORK:-/tmp/cachemesh-bench}
ORIGIN_PORT=18000 SIDECAR_PORT=18080 NGINX_PORT=18081 VARNISH_PORT=18082 OPS_PORT=18090 ADMIN_PORT=18091
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
# Sidecar JVM flags (see sidecar/README.md "JVM flags"): a small serial-GC heap sized for a 32 MiB
# memory tier with an 8 MiB young generation (resident in full), a bounded direct-buffer pool, compact headers, no perf-data file, freed C2 arenas
# returned to the OS.
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-"-XX:+UseSerialGC -Xms64m -Xmx64m -XX:NewRatio=7 -XX:SurvivorRatio=4 -XX:MaxDirectMemorySize=16m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -Xss512k -XX:+UseCompactObjectHeaders -XX:-UsePerfData -XX:TrimNativeHeapInterval=2000"}
# AOT=0 measures the sidecar without the JDK 25 AOT cache (built below by sidecar/aot/train.sh).
AOT=${AOT:-1}
# shellcheck source=sidecar/aot/poll-ready.sh
source "$ROOT/sidecar/aot/poll-ready.sh"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need varnishd; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk nginx-light varnish >/dev/null
fi
if [ ! -f "$ROOT/sidecar/target/sidecar.jar" ] || [ ! -f "$ROOT/e2e/target/bench-origin.jar" ]; then
  (cd "$ROOT" && ./mvnw -B -q -pl sidecar,e2e -am package -DskipTests)
fi

rm -rf "$WORK" && mkdir -p "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}" ${SIDECAR_PID:-}; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  pkill -f "varnishd.*$WORK/varnish" 2>/dev/null || true
}
trap cleanup EXIT
# The compiled config of the bench policy, as the operator would put it in the pod's ConfigMap.
"$JAVA" -jar "$ROOT/sidecar/target/sidecar.jar" --policy "$ROOT/e2e/bench/bench-policy.yaml" \
  --upstream "http://127.0.0.1:$ORIGIN_PORT" --listen "127.0.0.1:$SIDECAR_PORT" --ops-listen "127.0.0.1:$OPS_PORT" \
  --admin-listen "127.0.0.1:$ADMIN_PORT" >"$WORK/compile.log" 2>&1 &
COMPILER=$!
PIDS+=("$COMPILER")
poll_ready "$OPS_PORT" && curl -sf -o "$WORK/config.json" "http://127.0.0.1:$ADMIN_PORT/config"
kill "$COMPILER"; wait "$COMPILER" 2>/dev/null || true
declare -A SOURCE=([injected]="--config $WORK/config.json" [standalone]="--policy $ROOT/e2e/bench/bench-policy.yaml")
declare -A MODE_OPTS=([injected]="$SIDECAR_JAVA_OPTS" [standalone]="$SIDECAR_JAVA_OPTS")
if [ "$AOT" = 1 ]; then
  SIDECAR_JAVA_OPTS="$SIDECAR_JAVA_OPTS" MODE=config CONFIG="$WORK/config.json" "$ROOT/sidecar/aot/train.sh" "$WORK/injected.aot" >/dev/null
  SIDECAR_JAVA_OPTS="$SIDECAR_JAVA_OPTS" "$ROOT/sidecar/aot/train.sh" "$WORK/standalone.aot" >/dev/null
  MODE_OPTS[injected]="$SIDECAR_JAVA_OPTS -XX:AOTCache=$WORK/injected.aot"
  MODE_OPTS[standalone]="$SIDECAR_JAVA_OPTS -XX:AOTCache=$WORK/standalone.aot"
fi

wait_http() { # url, tries of 10 ms
  for _ in $(seq 1 "${2:-1000}"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.01; done
  echo "not ready: $1" >&2; return 1
}
rss_kib() { # pids... -> summed VmRSS
  local total=0
  for pid in "$@"; do total=$((total + $(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0))); done
  echo "$total"
}

"$JAVA" -XX:+UseSerialGC -jar "$ROOT/e2e/target/bench-origin.jar" "$ORIGIN_PORT" >"$WORK/origin.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$ORIGIN_PORT/1k"

start_sidecar() { # mode
  # shellcheck disable=SC2086
  "$JAVA" ${MODE_OPTS[$1]} -jar "$ROOT/sidecar/target/sidecar.jar" ${SOURCE[$1]} \
    --upstream "http://127.0.0.1:$ORIGIN_PORT" \
    --listen "127.0.0.1:$SIDECAR_PORT" --ops-listen "127.0.0.1:$OPS_PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
    >"$WORK/sidecar.log" 2>&1 &
  SIDECAR_PID=$!
}

# Start-to-ready, five times per mode: from before the fork to the first 200 from /ready.
declare -A STARTUPS=([injected]="" [standalone]="")
for mode in injected standalone; do
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N)
    start_sidecar "$mode"
    poll_ready "$OPS_PORT"
    STARTUPS[$mode]+="$(( ($(date +%s%N) - t0) / 1000000 )) "
    kill "$SIDECAR_PID"; wait "$SIDECAR_PID" 2>/dev/null || true
  done
done
start_sidecar injected
PIDS+=("$SIDECAR_PID")
poll_ready "$OPS_PORT"

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  proxy_cache_path /dev/shm/cachemesh-bench-nginx levels=1:2 keys_zone=bench:16m max_size=64m inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache bench;
      # No cache lock: nginx has no hit-for-pass, so with the lock every request to an uncacheable
      # URL (the no-store route) waits for the one before it, polling every 500 ms (that was the
      # pass-through row's timeouts). The rows measured after warm-up never take the lock.
      proxy_cache_lock off;
      add_header X-Cache-Status \$upstream_cache_status;
    }
  }
}
NGINX
rm -rf /dev/shm/cachemesh-bench-nginx
nginx -c "$WORK/nginx.conf"
wait_http "http://127.0.0.1:$NGINX_PORT/1k"

varnishd -n "$WORK/varnish" -a "127.0.0.1:$VARNISH_PORT" -b "127.0.0.1:$ORIGIN_PORT" -s malloc,256m \
  -p thread_pool_min=50 >"$WORK/varnish.log" 2>&1
wait_http "http://127.0.0.1:$VARNISH_PORT/1k"

declare -A PORT=([sidecar]=$SIDECAR_PORT [nginx]=$NGINX_PORT [varnish]=$VARNISH_PORT)
SCENARIOS=(
  "hit 1 KiB, 50 conn|/1k|50"
  "hit 1 KiB, 200 conn|/1k|200"
  "hit 32 KiB, 50 conn|/32k|50"
  "hit 32 KiB, 200 conn|/32k|200"
  "pass-through no-store, 50 conn|/nostore|50"
  "20 ms origin cached, 50 conn|/slow|50"
)
# Warm every cache with every route, then every proxy with load on every route, so that the
# sidecar's JIT compilation does not fall inside the first measurement (WARMUP=0s to skip).
WARMUP=${WARMUP:-5s}
for p in "${PORT[@]}"; do for r in /1k /32k /slow /nostore; do curl -sf -o /dev/null "http://127.0.0.1:$p$r"; done; done
if [ "$WARMUP" != 0s ]; then
  for p in "${PORT[@]}"; do for r in /1k /32k /nostore; do wrk -t2 -c50 -d"$WARMUP" "http://127.0.0.1:$p$r" >/dev/null; done; done
fi

to_ms() { # wrk latency text (e.g. 512.00us, 1.20ms, 1.01s) -> ms
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}
RESULTS="$WORK/results.md"
{
  echo "| scenario | proxy | requests/s | p50 ms | p99 ms | errors |"
  echo "|---|---|---:|---:|---:|---:|"
} >"$RESULTS"
for s in "${SCENARIOS[@]}"; do
  IFS='|' read -r name path conns <<<"$s"
  for proxy in sidecar nginx varnish; do
    out=$(wrk -t2 -c"$conns" -d"$DURATION" --latency "http://127.0.0.1:${PORT[$proxy]}$path" 2>&1)
    rps=$(awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")
    errs=$(awk '/Non-2xx|Socket errors/{s=s $0 " "} END{print (s==""?"0":s)}' <<<"$out")
    echo "| $name | $proxy | $rps | $p50 | $p99 | $errs |" >>"$RESULTS"
  done
done

NGINX_PIDS=$(pgrep -f "nginx: (master|worker)" | tr '\n' ' ')
VARNISH_PIDS=$(pgrep -f "varnishd.*$WORK/varnish" | tr '\n' ' ')
# shellcheck disable=SC2086
{
  echo
  echo "| proxy | RSS after load (MiB) |"
  echo "|---|---:|"
  echo "| sidecar (injected, 32 MiB memory tier) | $(( $(rss_kib "$SIDECAR_PID") / 1024 )) |"
  echo "| nginx (master + workers) | $(( $(rss_kib $NGINX_PIDS) / 1024 )) |"
  echo "| varnish (malloc 256m) | $(( $(rss_kib $VARNISH_PIDS) / 1024 )) |"
  echo
  echo "Sidecar start to ready (ms, 5 starts each): injected ${STARTUPS[injected]}; standalone ${STARTUPS[standalone]}"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t2, $DURATION per cell; sidecar JVM: ${MODE_OPTS[injected]}"
} >>"$RESULTS"
cat "$RESULTS"
