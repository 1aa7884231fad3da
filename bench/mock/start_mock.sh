# Sourced by the bench scripts: builds bis-mock, makes a scratch folder WORK and stops the mock
# (by its PID) and removes WORK on exit. start_mock [ARGS...] then starts build/apps/bis-mock on
# a free port (--port 0 --quiet), its stderr in $WORK/mock.err; sets PID and PORT, or exits 1
# if it does not say where it listens.
bash scripts/build.sh --target bis-mock >/dev/null
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT

start_mock() {
  build/apps/bis-mock --port 0 --quiet "$@" 2>"$WORK/mock.err" &
  PID=$!
  PORT=""
  for _ in $(seq 1 500); do
    PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/mock.err" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.01
  done
  [ -n "$PORT" ] || { echo "bis-mock did not start" >&2; cat "$WORK/mock.err" >&2; exit 1; }
}
