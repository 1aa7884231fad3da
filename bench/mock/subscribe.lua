-- wrk script: POST the subscribe call with a unique email per request (no duplicates, so every
-- request creates a subscription and an event). Environment: BIS_KEY, BIS_VARIANT,
-- BIS_PLATFORM, and optionally BIS_MAX_REQUESTS (per thread; the thread stops after it).
-- BIS_ENDPOINT=modern sends the modern server call instead (POST /api/back-in-stock-subscriptions,
-- JSON:API body, BIS_PRIVATE_KEY, the Node SDK's revision), which answers 202.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
  key = os.getenv("BIS_KEY") or "PkShop"
  variant = os.getenv("BIS_VARIANT") or "44221714950"
  platform = os.getenv("BIS_PLATFORM") or "shopify"
  max_requests = tonumber(os.getenv("BIS_MAX_REQUESTS") or "0")
  run = os.getenv("BIS_RUN") or tostring(os.time())
  modern = os.getenv("BIS_ENDPOINT") == "modern"
  expected = modern and 202 or 200
  if modern then
    headers = {["Content-Type"] = "application/vnd.api+json",
               ["Authorization"] = "Klaviyo-API-Key " ..
                 (os.getenv("BIS_PRIVATE_KEY") or "pk_mock_shopify_0000000000000000000001"),
               ["revision"] = "2026-07-15"}
  else
    headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  end
end

function request()
  n = n + 1
  if max_requests > 0 and n > max_requests then
    wrk.thread:stop()
  end
  local email = "bench." .. run .. "." .. tid .. "." .. n
  if modern then
    local body = '{"data":{"type":"back-in-stock-subscription","attributes":{"channels":["EMAIL"],' ..
                 '"profile":{"data":{"type":"profile","attributes":{"email":"' .. email ..
                 '@example.com"}}}},"relationships":{"variant":{"data":{"type":"catalog-variant",' ..
                 '"id":"$' .. platform .. ':::$default:::' .. variant .. '"}}}}}'
    return wrk.format("POST", "/api/back-in-stock-subscriptions", headers, body)
  end
  local body = "a=" .. key .. "&email=" .. email ..
               "%40example.com&variant=" .. variant .. "&platform=" .. platform
  return wrk.format("POST", "/api/v1/catalog/subscribe", headers, body)
end

non_200 = 0
function response(status, headers, body)
  if status ~= expected then non_200 = non_200 + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  -- One machine-readable line for the driver script.
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
