#!/usr/bin/env bash
# The runner against a far target (issue 11 §6): the full default suites against the bundled
# mock near (loopback) and far (every API and control request answered 50 ms later, through
# bis-mock's latency fault: docs/control-protocol.md#faults), in the same run, alternating.
# Both must pass; prints the median times and the ratio far/near.
#
#   bench/runner/far_target.sh [--runs N] [--latency MS] [-- extra bis-conform arguments]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=3
LATENCY=50
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--runs N] [--latency MS] [-- bis-conform args]" >&2; exit 2 ;;
  esac
done
bash scripts/build.sh --target bis-conform bis-mock >/dev/null

CONFORM=(build/apps/bis-conform run --no-progress "$@")
FAR=(--mock-arg="--fault=latency=${LATENCY}ms" --mock-arg="--fault=latency=${LATENCY}ms,path=/__admin*")

# One timed run; exits the script if the suites do not pass (a fast failure proves nothing).
timed() {
  local start end
  start=$(date +%s%N)
  if ! "${CONFORM[@]}" "$@" >/dev/null 2>&1; then
    echo "the suites did not pass: ${CONFORM[*]} $*" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

near=() far=()
for _ in $(seq 1 "$RUNS"); do
  near+=("$(timed)")
  far+=("$(timed "${FAR[@]}")")
done
near_ms=$(printf '%s\n' "${near[@]}" | median)
far_ms=$(printf '%s\n' "${far[@]}" | median)
scenarios=$("${CONFORM[@]}" --list 2>/dev/null | grep -c '/' || true)
echo "| full default suites ($scenarios scenarios), median of $RUNS | time | vs near |"
echo "|---|---|---|"
printf '| near (loopback) | %d ms | 1.00 |\n' "$near_ms"
printf '| far (%d ms per exchange, API and control) | %d ms | %.2f |\n' "$LATENCY" "$far_ms" \
  "$(awk -v a="$far_ms" -v b="$near_ms" 'BEGIN {print a / b}')"
echo "runs (ms): near ${near[*]}; far ${far[*]}" >&2
