#!/usr/bin/env bash
# The runner against a far target (issue 11 §6): the full default suites near (loopback) and
# 50 ms away, two ways, in the same run, alternating:
#   - through bis-mock's latency fault: the bundled mock answers every API and control request
#     50 ms later (docs/control-protocol.md#faults);
#   - through a delay proxy (bench/runner/delay_proxy.py): a bis-mock started apart, reached as
#     a URL target through a TCP proxy that delays every byte 25 ms each way and each new
#     connection by a round trip, as a far server would; its near run is the same URL target
#     without the proxy.
# Every run must pass; prints the median times and the ratios far/near.
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
median() { sort -n | awk '{a[NR] = $1} END {printf "%d\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

. bench/servers.sh  # WORK, start_server, stop_server

# One timed run against a URL target: a fresh bis-mock, through the proxy or not; sets MS
# (not in a subshell, so that the servers it starts are stopped whatever happens).
timed_url() {
  local via=$1 mock url
  start_server mock build/apps/bis-mock --port 0 --quiet
  mock=$PID url=$URL
  if [ "$via" = proxy ]; then
    start_server proxy python3 bench/runner/delay_proxy.py --upstream "${url#http://}" \
      --delay-ms "$(awk -v l="$LATENCY" 'BEGIN {print l / 2}')"
    url=$URL
  fi
  MS=$(timed --target "$url")
  [ "$via" = proxy ] && stop_server "$PID"
  stop_server "$mock"
}

near=() far=() near_url=() far_proxy=()
for _ in $(seq 1 "$RUNS"); do
  near+=("$(timed)")
  far+=("$(timed "${FAR[@]}")")
  timed_url direct
  near_url+=("$MS")
  timed_url proxy
  far_proxy+=("$MS")
done
m() { printf '%s\n' "$@" | median; }
near_ms=$(m "${near[@]}") far_ms=$(m "${far[@]}")
url_ms=$(m "${near_url[@]}") proxy_ms=$(m "${far_proxy[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
scenarios=$("${CONFORM[@]}" --list 2>/dev/null | grep -c '/' || true)
echo "| full default suites ($scenarios scenarios), median of $RUNS | time | vs near |"
echo "|---|---|---|"
printf '| bundled mock, near (loopback) | %d ms | 1.00 |\n' "$near_ms"
printf '| bundled mock, far (latency fault: %d ms per exchange, API and control) | %d ms | %s |\n' \
  "$LATENCY" "$far_ms" "$(ratio "$far_ms" "$near_ms")"
printf '| URL target, near (loopback) | %d ms | 1.00 |\n' "$url_ms"
printf '| URL target, far (delay proxy: %d ms per exchange, a round trip per new connection) | %d ms | %s |\n' \
  "$LATENCY" "$proxy_ms" "$(ratio "$proxy_ms" "$url_ms")"
echo "runs (ms): bundled near ${near[*]}; fault ${far[*]}; URL near ${near_url[*]}; proxy ${far_proxy[*]}" >&2
