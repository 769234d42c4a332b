#!/bin/sh
# AOT training run of the sidecar (Docker build stage). $1: where the AOT cache is written.
# The flags must equal the runtime ENTRYPOINT's (except the AOT flag itself).
set -eu
out=$1
java -XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:-UsePerfData \
  -XX:AOTCacheOutput="$out" -Duser.home=/tmp -Djava.io.tmpdir=/tmp \
  -jar /app/sidecar.jar --policy /train/training-policy.yaml --upstream http://127.0.0.1:9 \
  --listen 127.0.0.1:15080 --admin-listen 127.0.0.1:15081 --ops-listen 127.0.0.1:15082 &
pid=$!
tries=0
until wget -q -O /dev/null http://127.0.0.1:15082/healthz; do
  tries=$((tries + 1))
  [ "$tries" -le 100 ] || { echo "sidecar did not start" >&2; kill "$pid"; exit 1; }
  sleep 0.2
done
# Requests through the cache path (the upstream is down: misses, stale-if-error, 502s) and the ops endpoints.
for path in / /products/1 /products/1 /search?q=a /static/app.css; do
  wget -q -O /dev/null "http://127.0.0.1:15080$path" || true
done
wget -q -O /dev/null http://127.0.0.1:15082/ready || true
wget -q -O /dev/null http://127.0.0.1:15082/metrics
kill -TERM "$pid"
wait "$pid" || true
test -s "$out"
