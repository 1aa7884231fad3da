#!/usr/bin/env bash
# Installs what the Node-driven tests need: node and npm (Debian packages, when missing), then
# each test folder's npm packages exactly as its committed package-lock.json pins them:
#   tests/browser  puppeteer-core, driving Debian's chromium (no browser download)
#   tests/sdk      klaviyo-api, the official Node SDK, pointed at bis-mock
# Without them ctest skips those tests (browser.dashboard, sdk.node); .ci/run runs this first
# and sets BIS_BROWSER_TESTS=1 and BIS_SDK_TESTS=1, which make their absence a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  bash scripts/deps.sh nodejs npm
fi
export PUPPETEER_SKIP_DOWNLOAD=1
for dir in tests/browser tests/sdk; do
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
done
