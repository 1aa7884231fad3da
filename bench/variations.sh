#!/usr/bin/env bash
# The cost of an asynchronous target: hyperfine times the full default suites against the
# bundled mock with no variation (the baseline, measured in the same run) and with
# --variation async-recording (each record visible after up to 1 s; the runner settles before
# absence checks), whole bis-conform processes. Prints hyperfine's Markdown table.
#
#   bench/variations.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
[ "${1:-}" = "--runs" ] && RUNS=$2
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
bash scripts/build.sh --target bis-conform bis-mock >/dev/null
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
RUN="build/apps/bis-conform run --no-progress --mock-exe build/apps/bis-mock"
hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$OUT" \
  -n "no variation" "$RUN" \
  -n "async-recording" "$RUN --mock-arg=--variation=async-recording" >&2
cat "$OUT"
