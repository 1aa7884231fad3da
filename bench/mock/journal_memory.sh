#!/usr/bin/env bash
# bis-mock's memory under a journal attack, against a baseline of ordinary requests measured in
# the same run (bench/README.md). On loopback, over raw sockets (python3):
#   baseline: N ordinary subscribes;
#   attack:   N requests with 60 KB of headers and a 60 KB body each (under the HTTP layer's
#             64 KiB header and --max-body limits, so all reach the journal), then one request
#             with BIG MB of headers, then every page of GET /__admin/requests (following "next");
#   then DELETE /__admin/requests.
# Prints RSS at each step, the peak (VmHWM), the largest journal page, and ratios to the
# baseline's RSS. The journal's own bound is --journal-bytes (default 32 MiB); what the HTTP
# layer holds while it reads a request is that layer's (docs/mock.md).
#
#   bench/mock/journal_memory.sh [--requests N] [--big-mb MB]
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=1000 BIG_MB=100
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) REQUESTS=$2; shift 2 ;;
    --big-mb) BIG_MB=$2; shift 2 ;;
    *) echo "usage: $0 [--requests N] [--big-mb MB]" >&2; exit 2 ;;
  esac
done
. bench/mock/start_mock.sh
start_mock

python3 - "$PORT" "$PID" "$REQUESTS" "$BIG_MB" <<'EOF'
import json, socket, sys

port, pid, n, big_mb = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def status(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024  # MB
    return 0

def exchange(head, body=b""):
    """Sends one request on a fresh connection; returns (status, body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        s.sendall(head + body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before the end (431, 413): the answer may still be there to read
    data = b""
    while True:
        i = data.find(b"\r\n\r\n")
        if i >= 0:
            length = 0
            for line in data[:i].split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
            if len(data) >= i + 4 + length:
                s.close()
                code = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
                return code, data[i + 4:i + 4 + length]
        try:
            b = s.recv(1 << 20)
        except ConnectionResetError:
            b = b""
        if not b:
            s.close()
            return (int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0), b""
        data += b

def subscribe(i, extra_headers=b"", body_pad=0):
    body = f"a=Shop01&email=m{i}%40example.com&variant=111&platform=shopify".encode()
    body += b"&x=" + b"y" * body_pad if body_pad else b""
    head = (b"POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n" + extra_headers +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    return exchange(head, body)[0]

rows = [("idle", status("VmRSS"))]
for i in range(n):
    subscribe(i)
base = status("VmRSS")
rows.append((f"after {n} ordinary subscribes (baseline)", base))

big_header = b"".join(b"X-Pad-%d: %s\r\n" % (k, b"h" * 20000) for k in range(3))  # 60 KB
codes = {}
for i in range(n):
    c = subscribe(n + i, big_header, 60000)
    codes[c] = codes.get(c, 0) + 1
rows.append((f"after {n} requests with 60 KB headers + 60 KB bodies (answers {codes})",
             status("VmRSS")))

line = b"X-Huge: " + b"h" * (big_mb * 1024 * 1024) + b"\r\n"
c = subscribe(2 * n, line)
rows.append((f"after one request with {big_mb} MB of headers (answered {c})", status("VmRSS")))

pages, largest, items, before = 0, 0, 0, "/__admin/requests"
while before:
    code, body = exchange(f"GET {before} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    pages += 1
    largest = max(largest, len(body))
    page = json.loads(body)
    items += page["count"]
    before = page.get("next")
rows.append((f"after reading the journal: {items} entries in {pages} pages, largest "
             f"{largest / 1048576:.1f} MB", status("VmRSS")))
peak = status("VmHWM")
exchange(b"DELETE /__admin/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
rows.append(("after DELETE /__admin/requests", status("VmRSS")))

print("| bis-mock, journal attack | RSS | vs baseline |")
print("|---|---|---|")
for what, mb in rows:
    print(f"| {what} | {mb} MB | {mb / base:.2f} |")
print(f"| peak (VmHWM) | {peak} MB | {peak / base:.2f} |")
EOF
