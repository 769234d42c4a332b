# shellcheck shell=bash
# Sourced by the start-time measurements (sidecar/aot/measure-start.sh, e2e/bench/run.sh).
#
# poll_ready PORT [TRIES]: returns 0 once GET /ready on 127.0.0.1:PORT answers 200, 1 after TRIES
# attempts (default 5000, about 10 s). Bash built-ins only, no process per attempt: a curl started
# every few milliseconds beside a starting JVM on two cores waited for the CPU itself and added
# 30-80 ms to each start figure. Between attempts it waits 2 ms on a FIFO nobody writes to.
poll_ready() {
  local port=$1 tries=${2:-5000} line fd pause fifo
  fifo=$(mktemp -u) && mkfifo "$fifo" && exec {pause}<>"$fifo" && rm -f "$fifo"
  for ((i = 0; i < tries; i++)); do
    if { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
      IFS= read -r -t 2 line <&"$fd" || line=""
      exec {fd}>&-
      if [[ $line == "HTTP/1.1 200"* ]]; then
        exec {pause}>&-
        return 0
      fi
    fi
    read -r -t 0.002 -u "$pause" _ || true
  done
  exec {pause}>&-
  return 1
}
