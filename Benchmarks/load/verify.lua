-- wrk script for the load benchmark. MODE (environment): "hit" sends one Hangzhou code again and again; "miss" a new
-- well-formed code (a random Crockford token) every request. Prints one RESULT line for run.sh to read.
local mode = os.getenv("MODE") or "hit"
local path = os.getenv("VERIFY_PATH") or "/v1/verify"
local fixed = os.getenv("FIXED_TOKEN") or "01HV8Q6M3T9B5K2X7R4N0C8D1F"
local alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
local headers = { ["Content-Type"] = "application/json" }
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

local function token()
  local t = {}
  for i = 1, 26 do
    local k = math.random(1, 32)
    t[i] = alphabet:sub(k, k)
  end
  return table.concat(t)
end

local hitBody = '{"qr":"HZHC2:' .. fixed .. '","scene":"transport"}'

request = function()
  if mode == "miss" then
    return wrk.format("POST", path, headers, '{"qr":"HZHC2:' .. token() .. '","scene":"transport"}')
  end
  return wrk.format("POST", path, headers, hitBody)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
