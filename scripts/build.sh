#!/usr/bin/env bash
# Configures (once) and builds the project in build/ with the default preset.
# Extra arguments go to `cmake --build` (e.g. --target bis-conform).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset default >/dev/null
fi
cmake --build --preset default "$@"
