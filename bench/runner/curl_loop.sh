#!/usr/bin/env bash
# The same 100 checked POSTs as bench/runner/hundred.yaml, as a bash loop of curl calls.
set -euo pipefail
expected='{"email": "fixed@example.com", "success": true}'
for i in $(seq 1 100); do
  answer=$(curl -sS -X POST -w '\n%{http_code}' \
    --data "a=PkShop&email=bench.$i%40example.com&variant=44221714950&platform=shopify" \
    "$1/api/v1/catalog/subscribe")
  [ "${answer##*$'\n'}" = 200 ] || { echo "request $i: status ${answer##*$'\n'}" >&2; exit 1; }
  [ "${answer%$'\n'*}" = "$expected" ] || { echo "request $i: body ${answer%$'\n'*}" >&2; exit 1; }
done
