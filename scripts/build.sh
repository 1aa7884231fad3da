#!/usr/bin/env bash
# Configures (once) and builds the project in build/ with the default preset.
# Extra arguments go to `cmake --build` (e.g. --target bis-conform).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# Configure on the first build, and again when the presets changed (their cache variables,
# such as the compiler flags, only apply at configure time).
if [ ! -f build/CMakeCache.txt ] || [ CMakePresets.json -nt build/CMakeCache.txt ]; then
  cmake --preset default >/dev/null
fi
cmake --build --preset default "$@"
