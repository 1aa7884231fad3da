#!/usr/bin/env bash
# Builds everything and runs every test (unit, component, end-to-end, suite coverage and the
# defect kill matrix). Extra arguments go to ctest (e.g. -R Mock).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec ctest --preset default "$@"
