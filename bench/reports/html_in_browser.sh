#!/usr/bin/env bash
# How usable the HTML report of a large run is in a browser. Loads it in headless Chromium with
# a timing probe added (and the CSP line removed so the probe may run), and reads back from
# the page: when its last script ran (parse), the load event, the time to hide every passing
# scenario with the filter, and to expand one scenario; best of 3.
# Needs chromium (apt-get install chromium); not run by CI.
# Usage: bench/reports/html_in_browser.sh [SCENARIOS=5000]   (after building reports_bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-5000}"
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
build/bench/reports/reports_bench "$n" 1 --keep "$dir/r" >/dev/null

probe="<script>var t0=performance.now();window.addEventListener('load',function(){\
var t1=performance.now();var t2=performance.now();\
document.querySelector('input[data-v=\"pass\"]').click();document.body.offsetHeight;\
var t3=performance.now();document.querySelector('.s.f-fail .h').click();\
document.body.offsetHeight;var t4=performance.now();\
document.title='parse '+t0.toFixed(0)+' ms, load '+t1.toFixed(0)+' ms, filter '+\
(t3-t2).toFixed(0)+' ms, expand '+(t4-t3).toFixed(0)+' ms, '+\
document.getElementsByTagName('*').length+' elements';});</script>"
grep -v 'http-equiv="Content-Security-Policy"' "$dir/r/html" |
  sed "s#</body></html>#${probe//&/\\&}</body></html>#" >"$dir/probe.html"

echo "HTML report, $n scenarios: $(($(stat -c %s "$dir/r/html") / 1024)) KiB"
for _ in 1 2 3; do
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --no-first-run --user-data-dir="$dir/profile" --dump-dom "file://$dir/probe.html" \
    2>/dev/null | grep -o '<title>[^<]*</title>' | sed 's#</\?title>##g'
done
