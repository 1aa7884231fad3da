#!/usr/bin/env bash
# The runner benchmark. In one run, against a fixed-answer server on loopback
# (bench_minimal_server --fixed), hyperfine times whole processes doing the same 100
# sequential checked POSTs (status 200 and the exact JSON body):
#   1. bis-conform running bench/runner/hundred.yaml with the target profile target.yaml;
#   2. a bash loop of curl calls (curl_loop.sh);
#   3. Step CI (`stepci` from npm; installed into a cache folder if missing, skipped if the
#      npm registry cannot be reached).
# Then the full default suites against the bundled mock (`bis-conform run`), whole process.
#
#   bench/runner/run.sh [--runs N]
# Needs hyperfine (Debian; installed if missing). Prints a Markdown table of ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=10
[ "${1:-}" = "--runs" ] && RUNS=$2

command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
bash scripts/build.sh --target bis-conform bis-mock bench_minimal_server >/dev/null

WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

build/bench/bench_minimal_server --port 0 --fixed 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 500); do
  PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/server.err")
  [ -n "$PORT" ] && break
  sleep 0.01
done
export BENCH_URL="http://127.0.0.1:$PORT"

STEPCI="${XDG_CACHE_HOME:-$HOME/.cache}/bis-bench/node_modules/.bin/stepci"
if [ ! -x "$STEPCI" ] && command -v npm >/dev/null; then
  mkdir -p "$(dirname "$(dirname "$(dirname "$STEPCI")")")"
  (cd "$(dirname "$(dirname "$(dirname "$STEPCI")")")" &&
    timeout 300 npm install --silent --no-audit --no-fund stepci >/dev/null 2>&1) || true
fi

CONFORM="build/apps/bis-conform run bench/runner/hundred.yaml --requirements bench/runner/requirements.yaml --target bench/runner/target.yaml --no-progress -j1"
CURL="bash bench/runner/curl_loop.sh $BENCH_URL"
commands=("$CONFORM" "$CURL")
names=("bis-conform, 100 checked POSTs" "bash + curl loop, same 100")
if [ -x "$STEPCI" ]; then
  bash bench/runner/stepci_workflow.sh "$WORK/workflow.yml" "$BENCH_URL"
  export STEPCI_DISABLE_ANALYTICS=1
  commands+=("$STEPCI run $WORK/workflow.yml")
  names+=("Step CI $("$STEPCI" --version 2>/dev/null | tail -1), same 100")
fi
# Every command must pass before it is timed: a fast failure proves nothing.
for c in "${commands[@]}"; do $c >/dev/null 2>&1 || { echo "benchmark command failed: $c" >&2; exit 1; }; done

hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/hundred.json" "${commands[@]}" >&2
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$WORK/suites.json" \
  "build/apps/bis-conform run --no-progress" >&2

mean_ms() { jq -r ".results[$2].mean * 1000" "$1"; }
base=$(mean_ms "$WORK/hundred.json" 0)
echo "| command | mean | vs bis-conform |"
echo "|---|---|---|"
for i in "${!commands[@]}"; do
  m=$(mean_ms "$WORK/hundred.json" "$i")
  printf '| %s | %.1f ms | %.1fx |\n' "${names[$i]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {print a/b}')"
done
suites=$(mean_ms "$WORK/suites.json" 0)
scenarios=$(build/apps/bis-conform run --list 2>/dev/null | grep -c '/' || true)
printf '| bis-conform, full default suites (%s scenarios) against the bundled mock | %.0f ms | |\n' "$scenarios" "$suites"
