#!/usr/bin/env bash
# Builds bis-conform and bis-mock, then runs every suite against the bundled mock and prints
# the verdict. Extra arguments go to `bis-conform run` (e.g. --report html:report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target bis-conform bis-mock
exec build/apps/bis-conform run "$@"
