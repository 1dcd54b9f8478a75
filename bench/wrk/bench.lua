-- Shared by the bench's wrk scripts: settings from the environment, and a
-- done() that writes wrk's summary as JSON to $BENCH_OUT for bench/lib/wrk.ts.
local M = {}

function M.env(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

-- "Name: value" lines → a table.
function M.headers(spec)
  local headers = {}
  for line in string.gmatch(spec or "", "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  return headers
end

function M.summary_json(summary, latency)
  local e = summary.errors
  return string.format(
    '{"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean)
end

function M.done(summary, latency, requests)
  local file = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  file:write(M.summary_json(summary, latency))
  file:close()
end

return M
