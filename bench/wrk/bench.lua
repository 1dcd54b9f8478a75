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

-- wrk "corrects" its latency histogram for coordinated omission before done()
-- sees it (stats_correct in wrk.c): every latency L of at least twice the mean
-- interval I between one connection's requests adds samples at L-I, L-2I, …
-- down to I, as if a client kept sending at a fixed rate while the connection
-- was stalled. In this closed-loop run (each connection waits for its answer)
-- a handful of 100 ms stalls so become hundreds of synthetic samples that set
-- the p99. This undoes the correction (each value's synthetic samples come only
-- from larger values, so walking down from the maximum recovers what was
-- recorded) and returns the percentiles of the latencies really measured.
function M.recorded_percentiles(summary, latency, connections, ps)
  local per_connection = math.floor(summary.requests / connections)
  if per_connection == 0 then return nil end
  local interval = math.floor(summary.duration / per_connection)
  if interval < 1 then return nil end
  -- latency(i) is the i-th distinct value, ascending, and its count; #latency how many there are.
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    histogram[i] = { value, count }
  end
  local synthetic, values, total = {}, {}, 0
  for i = #histogram, 1, -1 do
    local n = histogram[i][1]
    local count = histogram[i][2] - (synthetic[n] or 0)
    if count > 0 then
      values[#values + 1] = { n, count }
      total = total + count
      if n >= 2 * interval then
        local m = n - interval
        while m > interval do
          synthetic[m] = (synthetic[m] or 0) + count
          m = m - interval
        end
      end
    end
  end
  -- As wrk's stats_percentile ranks them, walking up from the minimum.
  local result = {}
  for _, p in ipairs(ps) do
    local rank = math.floor((p / 100) * total + 0.5)
    local seen = 0
    for i = #values, 1, -1 do
      seen = seen + values[i][2]
      if seen >= rank then
        result[#result + 1] = values[i][1]
        break
      end
    end
  end
  return result, total
end

function M.summary_json(summary, latency)
  local e = summary.errors
  local connections = tonumber(M.env("BENCH_CONNECTIONS", "0"))
  local recorded, count = nil, -1
  if connections > 0 then recorded, count = M.recorded_percentiles(summary, latency, connections, { 50, 90, 99 }) end
  if recorded == nil then recorded, count = { latency:percentile(50), latency:percentile(90), latency:percentile(99) }, -1 end
  return string.format(
    '{"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"count":%d},' ..
      '"wrkLatencyUs":{"p50":%d,"p90":%d,"p99":%d}}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    recorded[1], recorded[2], recorded[3], latency.max, count,
    latency:percentile(50), latency:percentile(90), latency:percentile(99))
end

function M.done(summary, latency, requests)
  local file = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  file:write(M.summary_json(summary, latency))
  file:close()
end

return M
