#!/usr/bin/env bash
# The bis-mock speed benchmark. In one run, on loopback, wrk drives the subscribe call with a
# unique email per request at 32 connections against:
#   1. bench_minimal_server: a minimal cpp-httplib server echoing the email, tuned as well as
#      the library allows (baseline/minimal_server.cc says how);
#   2. bis-mock with its default fixtures;
#   3. bis-mock's modern server endpoint (POST /api/back-in-stock-subscriptions, JSON:API body,
#      private key, revision; 202), as the official SDKs call it;
#   4. nginx answering a fixed JSON body.
# bis-mock runs with --no-rate-limits: the API's 350/s burst would otherwise be the figure.
# Rounds alternate the servers so that noise from this shared machine hits all of them alike;
# each server's figure is its median over the rounds. Then start-up to first answer (bis-mock
# vs the minimal server) and the RSS of bis-mock holding 1,000,000 active subscriptions.
#
#   bench/mock/run.sh [--rounds N] [--duration S] [--subscriptions N] [--baseline-mock PATH]
# --baseline-mock: also drive another bis-mock binary (an older commit's, built elsewhere) in
# the same rounds, and print the current one's throughput as a ratio of it: the A/B check that
# a change (e.g. the defect parameter sets) costs the default path nothing measurable.
# Needs wrk, nginx (Debian packages; installed if missing). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3 DURATION=8 SUBS=1000000 BASE_MOCK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --subscriptions) SUBS=$2; shift 2 ;;
    --baseline-mock) BASE_MOCK=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--duration S] [--subscriptions N] [--baseline-mock PATH]" >&2; exit 2 ;;
  esac
done

for p in wrk nginx; do
  command -v $p >/dev/null || { [ -x /usr/sbin/$p ] && continue; apt-get install -y -q $p >/dev/null; }
done
bash scripts/build.sh --target bis-mock bench_minimal_server bench_startup >/dev/null

BIN=build/bench
MOCK=build/apps/bis-mock
. bench/servers.sh  # WORK, start_server, stop_server
start() { start_server "$@"; }
stop() { stop_server "$PID"; }

start_nginx() {
  mkdir -p "$WORK/nginx"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
         shuf -i 20000-60000 -n 1)
  sed -e "s|@PORT@|$PORT|" -e "s|@PREFIX@|$WORK/nginx|" bench/mock/nginx.conf > "$WORK/nginx/nginx.conf"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx.err" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 500); do
    curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/catalog/subscribe" && return 0
    sleep 0.01
  done
  echo "nginx did not start" >&2; cat "$WORK/nginx.err" >&2; exit 1
}

# drive NAME: runs wrk against PORT, appends the RESULT line to $WORK/NAME.results.
drive() {
  local run="r$RANDOM$RANDOM"
  # Warm-up: connections, thread pools, allocator.
  BIS_RUN="w$run" wrk -t2 -c32 -d1s -s bench/mock/subscribe.lua "http://127.0.0.1:$PORT" >/dev/null
  BIS_RUN="$run" wrk -t2 -c32 -d"${DURATION}s" --timeout 2s -s bench/mock/subscribe.lua \
    "http://127.0.0.1:$PORT" | grep '^RESULT' >> "$WORK/$1.results"
}

field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  start minimal "$BIN/bench_minimal_server" --port 0; drive minimal; stop
  start mock "$MOCK" --port 0 --quiet --no-rate-limits; drive mock; stop
  start modern "$MOCK" --port 0 --quiet --no-rate-limits; BIS_ENDPOINT=modern drive modern; stop
  if [ -n "$BASE_MOCK" ]; then start basemock "$BASE_MOCK" --port 0 --quiet; drive basemock; stop; fi
  start_nginx; drive nginx; stop
done

summarize() {  # NAME -> "rps p99_ms errors"
  local rps p99 errors=0
  rps=$(while read -r l; do field "$l" rps; done < "$WORK/$1.results" | median)
  p99=$(while read -r l; do field "$l" p99_us; done < "$WORK/$1.results" | median)
  while read -r l; do
    for k in connect read write status timeout; do errors=$((errors + $(field "$l" $k))); done
  done < "$WORK/$1.results"
  echo "$rps $(awk -v u="$p99" 'BEGIN {printf "%.2f", u/1000}') $errors"
}
read -r MIN_RPS MIN_P99 MIN_ERR <<<"$(summarize minimal)"
read -r MOCK_RPS MOCK_P99 MOCK_ERR <<<"$(summarize mock)"
read -r MOD_RPS MOD_P99 MOD_ERR <<<"$(summarize modern)"
read -r NGX_RPS NGX_P99 NGX_ERR <<<"$(summarize nginx)"
[ -n "$BASE_MOCK" ] && read -r BASE_RPS BASE_P99 BASE_ERR <<<"$(summarize basemock)"

BODY='a=PkShop&email=start%40example.com&variant=44221714950&platform=shopify'
START_MIN=$("$BIN/bench_startup" 20 "$BODY" -- "$BIN/bench_minimal_server" --port 0)
START_MOCK=$("$BIN/bench_startup" 20 "$BODY" -- "$MOCK" --port 0 --quiet)

# Memory: a fresh bis-mock, then SUBS unique subscriptions (wrk stops each thread after its share).
start memory "$MOCK" --port 0 --quiet --no-rate-limits
MEMPID=$PID
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
RSS_IDLE=$(rss_kb "$MEMPID")
# wrk's threads stop after their share, but its main thread sleeps out -d: interrupt it once the
# mock holds them all (the 600 s are only a bound).
BIS_RUN=mem BIS_MAX_REQUESTS=$((SUBS / 2)) wrk -t2 -c32 -d600s --timeout 5s -s bench/mock/subscribe.lua \
  "http://127.0.0.1:$PORT" >/dev/null &
WRKPID=$!
held() { curl -s "http://127.0.0.1:$PORT/__admin/health" | jq -r '.counts.subscriptions'; }
while kill -0 "$WRKPID" 2>/dev/null && [ "$(held)" -lt "$SUBS" ]; do sleep 1; done
kill -INT "$WRKPID" 2>/dev/null || true
wait "$WRKPID" || true
HELD=$(held)
RSS_FULL=$(rss_kb "$MEMPID")
stop

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
cat <<TABLE
| server | requests/s (median of $ROUNDS) | vs minimal | p99 latency | errors |
|---|---|---|---|---|
| minimal cpp-httplib (baseline) | ${MIN_RPS} | 1.00 | ${MIN_P99} ms | ${MIN_ERR} |
| bis-mock | ${MOCK_RPS} | $(ratio "$MOCK_RPS" "$MIN_RPS") | ${MOCK_P99} ms | ${MOCK_ERR} |
| bis-mock, modern server endpoint (202) | ${MOD_RPS} | $(ratio "$MOD_RPS" "$MIN_RPS") | ${MOD_P99} ms | ${MOD_ERR} |
| nginx, fixed answer | ${NGX_RPS} | $(ratio "$NGX_RPS" "$MIN_RPS") | ${NGX_P99} ms | ${NGX_ERR} |
$([ -n "$BASE_MOCK" ] && echo "| baseline bis-mock ($BASE_MOCK) | ${BASE_RPS} | $(ratio "$BASE_RPS" "$MIN_RPS") | ${BASE_P99} ms | ${BASE_ERR} |")
$([ -n "$BASE_MOCK" ] && echo "
bis-mock / baseline bis-mock, requests/s: $(ratio "$MOCK_RPS" "$BASE_RPS")")

| start-up to first answer (20 runs) | median | worst |
|---|---|---|
| minimal cpp-httplib | $(field "$START_MIN" median_ms) ms | $(field "$START_MIN" max_ms) ms |
| bis-mock | $(field "$START_MOCK" median_ms) ms | $(field "$START_MOCK" max_ms) ms |

| bis-mock memory | RSS |
|---|---|
| idle, default fixtures | $((RSS_IDLE / 1024)) MB |
| holding ${HELD} active subscriptions (and as many events) | $((RSS_FULL / 1024)) MB |
TABLE
