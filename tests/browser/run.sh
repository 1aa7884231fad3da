#!/usr/bin/env bash
# ctest's entry to the dashboard's browser tests (dashboard.test.mjs): exits 77 (skipped) when
# puppeteer-core, node or chromium is missing, unless BIS_BROWSER_TESTS=1 makes that a failure
# (as tests/reports/browser_test.cc does). scripts/ci-browser.sh installs puppeteer-core.
#   tests/browser/run.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing=""
[ -d "$here/node_modules/puppeteer-core" ] ||
  missing="puppeteer-core (npm ci --prefix tests/browser, or scripts/ci-browser.sh)"
command -v node >/dev/null || missing="node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="chromium"
if [ -n "$missing" ]; then
  if [ "${BIS_BROWSER_TESTS:-0}" = 1 ]; then
    echo "BIS_BROWSER_TESTS=1 but $missing is not installed"
    exit 1
  fi
  echo "skipped: $missing is not installed (BIS_BROWSER_TESTS=1 to require it)"
  exit 77
fi
exec node "$here/dashboard.test.mjs" --build "${1:?usage: run.sh BUILD_DIR}"
