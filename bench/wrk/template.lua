-- One kind of request, repeated: method, body and headers from $BENCH_METHOD,
-- $BENCH_BODY and $BENCH_HEADERS ("Name: value" lines). Placeholders make each
-- request distinct: %ID% a unique id (lower-case letters and digits), %IP% a
-- unique IPv4 address. Without placeholders wrk sends one precomputed request.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local bench = require("bench")

wrk.method = bench.env("BENCH_METHOD", "GET")
wrk.body = bench.env("BENCH_BODY", nil)
for name, value in pairs(bench.headers(bench.env("BENCH_HEADERS", ""))) do wrk.headers[name] = value end

local run = tonumber(bench.env("BENCH_RUN", "0"))
local threads = tonumber(bench.env("BENCH_THREADS", "1"))

local dynamic = (wrk.body or ""):find("%ID%", 1, true) ~= nil
for _, value in pairs(wrk.headers) do
  value = tostring(value)
  if value:find("%ID%", 1, true) or value:find("%IP%", 1, true) then dynamic = true end
end

local next_thread = 0
function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

if dynamic then
  local count = 0
  function request()
    count = count + 1
    local id = string.format("r%dt%dn%d", run, thread_index, count)
    -- 10.0.0.0/8 is not a trusted proxy by default; each run starts 2^20 addresses on.
    local n = (run * 1048576 + count * threads + thread_index) % 16777216
    local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
    local headers = {}
    for name, value in pairs(wrk.headers) do
      -- wrk.format() recomputes Content-Length (it left a number here).
      if name ~= "Content-Length" then headers[name] = tostring(value):gsub("%%ID%%", id):gsub("%%IP%%", ip) end
    end
    local body = wrk.body and wrk.body:gsub("%%ID%%", id) or nil
    return wrk.format(nil, nil, headers, body)
  end
end

done = bench.done
