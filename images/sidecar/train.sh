#!/bin/sh
# AOT training run of the sidecar (Docker build stage). $1: where the AOT cache is written.
# The flags must equal the runtime ENTRYPOINT's (except the AOT flag itself).
#
# Pods run the injected mode (--config, the compiled JSON from the ConfigMap), so that is what is
# trained: a first, untrained standalone run compiles the training policy and serves the JSON on
# its admin listener (GET /config); the second run reads it with --config and writes the cache.
set -eu
out=$1
FLAGS="-XX:MaxRAMPercentage=60 -XX:NewRatio=7 -XX:SurvivorRatio=4 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:-UsePerfData -Duser.home=/tmp -Djava.io.tmpdir=/tmp"
LISTEN="--upstream http://127.0.0.1:9 --listen 127.0.0.1:15080 --admin-listen 127.0.0.1:15081 --ops-listen 127.0.0.1:15082"
pid=

wait_ready() {
  tries=0
  until wget -q -O /dev/null http://127.0.0.1:15082/healthz; do
    tries=$((tries + 1))
    [ "$tries" -le 100 ] || { echo "sidecar did not start" >&2; kill "$pid"; exit 1; }
    sleep 0.2
  done
}

# shellcheck disable=SC2086
java $FLAGS -jar /app/sidecar.jar --policy /train/training-policy.yaml $LISTEN &
pid=$!
wait_ready
wget -q -O /train/config.json http://127.0.0.1:15081/config
kill -TERM "$pid"
wait "$pid" || true

# shellcheck disable=SC2086
java $FLAGS -XX:AOTCacheOutput="$out" -jar /app/sidecar.jar --config /train/config.json $LISTEN &
pid=$!
wait_ready
# Requests through the cache path (the upstream is down: misses, stale-if-error, 502s) and the ops endpoints.
for path in / /products/1 /products/1 /search?q=a /static/app.css; do
  wget -q -O /dev/null "http://127.0.0.1:15080$path" || true
done
wget -q -O /dev/null http://127.0.0.1:15082/ready || true
wget -q -O /dev/null http://127.0.0.1:15082/metrics
kill -TERM "$pid"
wait "$pid" || true
test -s "$out"
