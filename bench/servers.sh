# Sourced by the benchmark scripts (bench/mock/run.sh, bench/runner/far_target.sh): start a
# server that announces "listening on http://HOST:PORT" on stderr, wait for that line (bounded),
# and stop it again; whatever is still running when the script exits is stopped. Needs nothing
# but bash; makes a scratch directory, $WORK, removed at exit.
WORK=$(mktemp -d)
PIDS=()
servers_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap servers_cleanup EXIT

# start_server NAME COMMAND...: sets PID, URL (http://HOST:PORT) and PORT; exits the script with
# the server's stderr if it stops or says nothing within 5 s.
start_server() {
  local name=$1; shift
  "$@" 2>"$WORK/$name.err" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 500); do
    URL=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$WORK/$name.err" | head -1)
    if [ -n "$URL" ]; then
      PORT=${URL##*:}
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.01  # readiness poll of a process we started, bounded above
  done
  echo "$name did not start:" >&2; cat "$WORK/$name.err" >&2; exit 1
}

# stop_server PID...: stops and reaps them, and forgets them (the exit trap must not signal a
# PID the system may have given to another process since).
stop_server() {
  local p q keep
  for p in "$@"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    keep=()
    for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
    PIDS=("${keep[@]}")
  done
}
