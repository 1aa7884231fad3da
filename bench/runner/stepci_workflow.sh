#!/usr/bin/env bash
# Writes to $1 the Step CI workflow equivalent to bench/runner/hundred.yaml (100 checked POSTs
# to the base URL $2).
set -euo pipefail
{
  echo 'version: "1.1"'
  echo 'name: hundred checked posts'
  echo 'tests:'
  echo '  hundred:'
  echo '    steps:'
  for i in $(seq 1 100); do
    cat <<STEP
      - name: post $i
        http:
          url: $2/api/v1/catalog/subscribe
          method: POST
          headers:
            Content-Type: application/x-www-form-urlencoded
          body: a=PkShop&email=bench.$i%40example.com&variant=44221714950&platform=shopify
          check:
            status: 200
            json:
              email: fixed@example.com
              success: true
STEP
  done
} > "$1"
