-- A burst of LiveKit webhooks, each sent exactly once: $BENCH_EVENTS holds one
-- signed event per line ("<index>\t<Authorization>\t<body>"), split between
-- wrk's threads. Each request carries X-Request-Id bench-ev-<index>, which
-- StreamHub echoes, so a response can be matched to its event; the time each
-- event was sent and acknowledged (wall clock, ms) goes to $BENCH_OUT.events.
-- A connection with nothing left to send waits (delay()) instead of sending
-- filler; a thread stops once every one of its events has been answered, and
-- the last thread to finish interrupts wrk's main thread (which otherwise
-- sleeps for the whole -d duration) as Ctrl-C would, so that done() runs.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local bench = require("bench")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
  unsigned long pthread_self(void);
  int pthread_kill(unsigned long thread, int sig);
]]
local SIGINT = 2
local tv = ffi.new("bench_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local threads_list = {}
-- setup() runs in wrk's main thread.
function setup(thread)
  thread:set("main_thread", tonumber(ffi.C.pthread_self()))
  thread:set("thread_index", #threads_list)
  table.insert(threads_list, thread)
end

local mine = {}
sent_at = {}
acked_at = {}
statuses = {}
local claimed, sent, answered = 0, 0, 0

function init(args)
  local threads = tonumber(bench.env("BENCH_THREADS", "1"))
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_EVENTS")) do
    if line_number % threads == thread_index then
      local index, authorization, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
      table.insert(mine, { index = tonumber(index), authorization = authorization, body = body })
    end
    line_number = line_number + 1
  end
end

function delay()
  if claimed < #mine then
    claimed = claimed + 1
    return 0
  end
  return 3600000
end

local function format(event)
  return wrk.format("POST", nil, {
    ["Authorization"] = event.authorization,
    ["Content-Type"] = "application/webhook+json",
    ["X-Request-Id"] = string.format("bench-ev-%08d", event.index),
  }, event.body)
end

function request()
  -- wrk calls request() once before the run to check it; nothing is claimed then.
  if sent >= claimed then return format(mine[1]) end
  sent = sent + 1
  local event = mine[sent]
  sent_at[event.index] = now_ms()
  return format(event)
end

local function exists(path)
  local file = io.open(path, "r")
  if file then file:close() end
  return file ~= nil
end

local function finish()
  wrk.thread:stop()
  local marker = os.getenv("BENCH_OUT") .. ".finished."
  io.open(marker .. thread_index, "w"):close()
  for i = 0, tonumber(bench.env("BENCH_THREADS", "1")) - 1 do
    if not exists(marker .. i) then return end
  end
  ffi.C.pthread_kill(main_thread, SIGINT)
end

function response(status, headers, body)
  answered = answered + 1
  local id = headers["X-Request-Id"] or headers["x-request-id"]
  local index = id and tonumber(id:match("^bench%-ev%-(%d+)$"))
  if index then
    statuses[index] = status
    acked_at[index] = now_ms()
  end
  if answered == #mine then finish() end
end

function done(summary, latency, requests)
  bench.done(summary, latency, requests)
  local file = assert(io.open(os.getenv("BENCH_OUT") .. ".events", "w"))
  for _, thread in ipairs(threads_list) do
    local sent_times, acked_times, codes = thread:get("sent_at"), thread:get("acked_at"), thread:get("statuses")
    for index, at in pairs(sent_times) do
      file:write(string.format("%d\t%.3f\t%.3f\t%d\n", index, at, acked_times[index] or 0, codes[index] or 0))
    end
  end
  file:close()
end
