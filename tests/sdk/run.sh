#!/usr/bin/env bash
# ctest's entry to the Node SDK test (node_sdk.test.mjs, Node's own test runner): exits 77
# (skipped) when node or the SDK is missing, unless BIS_SDK_TESTS=1 makes that a failure.
# scripts/node-deps.sh installs the SDK from the committed package-lock.json.
#   tests/sdk/run.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing=""
[ -d "$here/node_modules/klaviyo-api" ] ||
  missing="klaviyo-api (npm ci --prefix tests/sdk, or scripts/node-deps.sh)"
command -v node >/dev/null || missing="node"
if [ -n "$missing" ]; then
  if [ "${BIS_SDK_TESTS:-0}" = 1 ]; then
    echo "BIS_SDK_TESTS=1 but $missing is not installed"
    exit 1
  fi
  echo "skipped: $missing is not installed (BIS_SDK_TESTS=1 to require it)"
  exit 77
fi
BIS_MOCK="${1:?usage: run.sh BUILD_DIR}/apps/bis-mock" exec node --test "$here/node_sdk.test.mjs"
