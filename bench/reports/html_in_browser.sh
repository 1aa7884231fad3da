#!/usr/bin/env bash
# How usable the HTML report of a large run is in a browser: times headless Chromium loading
# it (parse, style, script, load event) against the 8-scenario fixture report, and with the
# "#only=fail" filter applied at load. Needs chromium (apt-get install chromium); not run by CI.
# Usage: bench/reports/html_in_browser.sh [SCENARIOS=5000]   (after building reports_bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-5000}"
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
build/bench/reports/reports_bench "$n" 1 --keep "$dir/big" >/dev/null
build/bench/reports/reports_bench 8 1 --keep "$dir/small" >/dev/null

load() {  # url -> seconds for chromium to load it and dump the DOM (best of 3)
  local best=999
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --no-first-run --user-data-dir="$dir/profile" --dump-dom "$1" >/dev/null 2>&1
    end=$(date +%s.%N)
    best=$(echo "$end - $start" | bc | awk -v b="$best" '{print ($1 < b) ? $1 : b}')
  done
  echo "$best"
}

small=$(load "file://$dir/small/html")
big=$(load "file://$dir/big/html")
filtered=$(load "file://$dir/big/html#only=fail")
size=$(stat -c %s "$dir/big/html")
echo "HTML report, $n scenarios: $((size / 1024)) KiB"
echo "headless chromium, load + dump DOM (best of 3):"
echo "  8-scenario report   ${small} s (browser start-up)"
echo "  $n-scenario report ${big} s"
echo "  same, #only=fail    ${filtered} s"
