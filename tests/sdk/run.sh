#!/usr/bin/env bash
# ctest's entry to the Node SDK test (node_sdk.test.mjs, Node's own test runner), skipped
# without node or the SDK unless BIS_SDK_TESTS=1 (tests/support/node_test.sh).
# scripts/node-deps.sh installs the SDK from the committed package-lock.json.
#   tests/sdk/run.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/node_test.sh"
node_test_needs BIS_SDK_TESTS "$here" klaviyo-api
BIS_MOCK="${1:?usage: run.sh BUILD_DIR}/apps/bis-mock" exec node --test "$here/node_sdk.test.mjs"
