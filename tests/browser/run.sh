#!/usr/bin/env bash
# ctest's entry to the dashboard's browser tests (dashboard.test.mjs), skipped without
# puppeteer-core, node or chromium unless BIS_BROWSER_TESTS=1 (tests/support/node_test.sh; as
# tests/reports/browser_test.cc does). scripts/node-deps.sh installs puppeteer-core.
#   tests/browser/run.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/node_test.sh"
node_test_needs BIS_BROWSER_TESTS "$here" puppeteer-core chromium
exec node "$here/dashboard.test.mjs" --build "${1:?usage: run.sh BUILD_DIR}"
