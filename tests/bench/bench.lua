-- wrk script of tests/bench/suite.py. Everything comes from the environment so that one script
-- serves every measure, the ceiling server's included:
--   BENCH_METHOD, BENCH_BODY   the request (the path and headers are wrk's own arguments)
--   BENCH_TEMPLATED=1          the body holds placeholders, filled per request:
--                              {{seq}} a number no other request of the run has (the
--                              same in every place of one body), {{seq:N}} it in N digits,
--                              {{rand:N}} a number below N, {{hex:N}} N random hex digits,
--                              {{now}} the epoch time in seconds
--   BENCH_DELAY_MS             a pause before each request of a connection (an offered rate)
--   BENCH_ROOTS=PATH           the X-Ray root of every 200 answer goes to PATH.<thread>
-- done() prints one line "BENCH_RESULT {json}" for the suite to read.

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local templated = os.getenv("BENCH_TEMPLATED") == "1"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
local roots_path = os.getenv("BENCH_ROOTS")

wrk.method = method
if body and body ~= "" then wrk.body = body end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state).
seq = 0
non200 = 0
local roots_file = nil

function init(args)
  math.randomseed(os.time() * 1000 + id)
  if roots_path then
    roots_file = io.open(roots_path .. "." .. id, "w")
    roots_file:setvbuf("line")  -- the suite reads the file while wrk may still be exiting
  end
end

local hex_digits = "0123456789abcdef"
local function hex(n)
  local out = {}
  for i = 1, n do
    local k = math.random(16)
    out[i] = hex_digits:sub(k, k)
  end
  return table.concat(out)
end

local function fill(text)
  seq = seq + 1
  local unique = id * 1000000000 + seq
  text = text:gsub("{{seq}}", string.format("%d", unique))
  text = text:gsub("{{seq:(%d+)}}", function(n) return string.format("%0" .. n .. "d", unique) end)
  text = text:gsub("{{rand:(%d+)}}", function(n) return tostring(math.random(tonumber(n)) - 1) end)
  text = text:gsub("{{hex:(%d+)}}", function(n) return hex(tonumber(n)) end)
  text = text:gsub("{{now}}", function() return string.format("%.3f", os.time()) end)
  return text
end

if templated then
  request = function()
    return wrk.format(nil, nil, nil, fill(body))
  end
end

if delay_ms then
  delay = function() return delay_ms end
end

if roots_path then
  response = function(status, headers, _)
    if status ~= 200 then
      non200 = non200 + 1
      return
    end
    local h = headers["X-Amzn-Trace-Id"] or headers["x-amzn-trace-id"]
    if h and roots_file then
      local root = h:match("Root=([%w%-]+)")
      if root then roots_file:write(root, "\n") end
    end
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do non = non + (t:get("non200") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"non200":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, non,
    latency:percentile(50), latency:percentile(99), latency.max))
end
