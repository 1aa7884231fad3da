#!/usr/bin/env bash
# The dashboard's browser tests for CI: installs puppeteer-core from tests/browser's committed
# package-lock.json (no browser download: Debian's chromium is used), then runs the tests
# against the built bis-mock. Screenshots land in BUILD/dashboard-screenshots/.
#   scripts/ci-browser.sh [BUILD_DIR]     (default: build; bis-mock must be built)
# Needs node, npm and chromium (Debian packages: nodejs npm chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -x "$build/apps/bis-mock" ] || { echo "ci-browser: $build/apps/bis-mock is not built" >&2; exit 2; }
export PUPPETEER_SKIP_DOWNLOAD=1
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
BIS_BROWSER_TESTS=1 bash tests/browser/run.sh "$build"
