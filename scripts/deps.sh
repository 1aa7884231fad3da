#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need, if any is missing.
# Sourced or run by scripts/conform.sh and scripts/test.sh; safe to run again. Arguments are
# more packages a caller needs (scripts/ci-hardening.sh: clang and LLVM for the sanitizers).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libsqlite3-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
  libxml2-utils curl openssl python3-yaml python3-jsonschema
  help2man dpkg-dev man-db
  "$@"
)
# The HTML report's browser tests need Chromium (290 MB): installed when they are required.
if [ "${BIS_BROWSER_TESTS:-0}" = 1 ]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing Debian packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "error: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
