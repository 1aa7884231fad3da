#!/usr/bin/env bash
# The prologue shared by ctest's entries to the Node-driven tests (tests/browser/run.sh,
# tests/sdk/run.sh): runs the test when what it needs is installed; otherwise exits 77
# (skipped, with the reason), or 1 when the test's REQUIRE variable is 1 (CI sets it, so that
# a missing install fails instead of passing quietly).
#   source tests/support/node_test.sh
#   node_test_needs REQUIRE_VAR DIR PACKAGE [chromium]
set -u

node_test_needs() {
  local require=$1 dir=$2 package=$3 missing=""
  [ -d "$dir/node_modules/$package" ] ||
    missing="$package (npm ci --prefix ${dir#"$PWD"/}, or scripts/node-deps.sh)"
  command -v node >/dev/null || missing="node"
  if [ "${4:-}" = chromium ] && ! [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    missing="chromium"
  fi
  [ -z "$missing" ] && return 0
  if [ "${!require:-0}" = 1 ]; then
    echo "$require=1 but $missing is not installed"
    exit 1
  fi
  echo "skipped: $missing is not installed ($require=1 to require it)"
  exit 77
}
