#!/usr/bin/env bash
# The dashboard with big state: a fresh bis-mock gets SUBS unique subscriptions (each one also
# an event and a journal entry, so the journal is full), then every
# call the page makes is timed with curl, ROUNDS times each, against GET /__admin/health measured
# in the same run (the baseline: the cheapest admin call over the same connection setup).
# Also the whole unpaged subscription list, to show what the server-side pages save.
#
#   bench/mock/dashboard.sh [--subscriptions N] [--rounds N]
# Needs curl and python3. Prints a Markdown table (median and worst, ms; ratio of the medians).
set -euo pipefail
cd "$(dirname "$0")/../.."
SUBS=100000 ROUNDS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --subscriptions) SUBS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: $0 [--subscriptions N] [--rounds N]" >&2; exit 2 ;;
  esac
done
. bench/mock/start_mock.sh
start_mock
URL="http://127.0.0.1:$PORT"

start=$(date +%s.%N)
# SUBS unique subscribes, pipelined 200 at a time on one keep-alive connection (wrk would run
# its whole duration even after its threads stop).
python3 - "$PORT" "$SUBS" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sent = 0
while sent < n:
    batch = min(200, n - sent)
    out = []
    for i in range(sent, sent + batch):
        body = "a=PkShop&email=bench.dash.%d%%40example.com&variant=44221714950&platform=shopify" % i
        out.append("POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: %d\r\n\r\n%s" % (len(body), body))
    s.sendall("".join(out).encode())
    got = b""
    while got.count(b"HTTP/1.1 200") < batch:
        chunk = s.recv(1 << 20)
        if not chunk:
            sys.exit("bis-mock closed the connection")
        got += chunk
    sent += batch
PY
load_s=$(echo "$(date +%s.%N) - $start" | bc)
counts=$(curl -s "$URL/__admin/health" | python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(c["subscriptions"], c["requests"])')
read -r subs journal <<<"$counts"

# time NAME PATH: ROUNDS timings of one GET (curl's total, ms), sorted; sets MEDIAN, WORST, BYTES.
time_get() {
  local path=$1
  : >"$WORK/t"
  for _ in $(seq 1 "$ROUNDS"); do
    curl -s -o "$WORK/body" -w '%{time_total}\n' "$URL$path" >>"$WORK/t"
  done
  BYTES=$(stat -c %s "$WORK/body")
  sort -n "$WORK/t" | awk '{v[NR]=$1*1000} END {printf "%.2f %.2f\n", v[int((NR+1)/2)], v[NR]}' >"$WORK/m"
  read -r MEDIAN WORST <"$WORK/m"
}

echo "bis-mock with $subs active subscriptions ($SUBS loaded in ${load_s%.*} s) and a full journal ($journal entries); $ROUNDS rounds per call"
echo
echo "| call | median | worst | vs health | answer bytes |"
echo "|---|---|---|---|---|"
time_get "/__admin/health"
BASE=$MEDIAN
printf '| `GET /__admin/health` (baseline) | %s ms | %s ms | 1.00 | %s |\n' "$MEDIAN" "$WORST" "$BYTES"
for call in "/__admin/ui" "/__admin/ui/dashboard.js" \
            "/__admin/subscriptions?limit=50" "/__admin/events?limit=50" \
            "/__admin/notifications?limit=50" "/__admin/requests?limit=100" \
            "/__admin/subscriptions?limit=50&email=bench.dash.7%40example.com" \
            "/__admin/requests?limit=100&after=999999999&wait_ms=0" \
            "/__admin/fixtures" "/__admin/subscriptions"; do
  time_get "$call"
  ratio=$(echo "scale=2; $MEDIAN / $BASE" | bc)
  label="\`GET $call\`"
  [ "$call" = "/__admin/subscriptions" ] && label="$label (unpaged, not used by the page)"
  printf '| %s | %s ms | %s ms | %s | %s |\n' "$label" "$MEDIAN" "$WORST" "$ratio" "$BYTES"
done
