#!/usr/bin/env bash
# The official Klaviyo Node SDK against the built bis-mock (issue 11 §2; README, "Point your
# SDK at the mock"): installs node, npm and the SDK as tests/sdk/package-lock.json pins it
# (scripts/node-deps.sh), builds bis-mock, runs tests/sdk/node_sdk.test.mjs.
#   scripts/ci-sdk.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bash scripts/node-deps.sh
bash scripts/build.sh --target bis-mock
BIS_SDK_TESTS=1 bash tests/sdk/run.sh "$build"
