-- Bootstrap requests over many valid keys with Zipf popularity: the key of rank r (line r of the
-- key file, 1-based) is requested with probability proportional to 1 / r^s.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s zipf.lua http://127.0.0.1:8080 -- KEYS_FILE [S]
-- KEYS_FILE: one plaintext key per line (KeyLoader writes it); S: the exponent, default 1.0.
-- Each wrk thread loads the file in init() and samples by binary search over the cumulative
-- distribution (an FFI double array), so request() builds a new request per call.
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local ffi = require("ffi")

setup = common.number_threads

local keys, cdf, n

function init(args)
  common.seed(thread_id)
  local path = args[1] or error("zipf.lua: pass the key file after --")
  local s = tonumber(args[2] or "1.0")
  keys = {}
  for line in io.lines(path) do
    if #line > 0 then keys[#keys + 1] = line end
  end
  n = #keys
  if n == 0 then error("zipf.lua: no keys in " .. path) end
  cdf = ffi.new("double[?]", n)
  local total = 0
  for r = 1, n do
    total = total + 1 / (r ^ s)
    cdf[r - 1] = total
  end
  for i = 0, n - 1 do cdf[i] = cdf[i] / total end
end

local function sample()
  local u = math.random()
  local lo, hi = 0, n - 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return keys[lo + 1]
end

function request()
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. sample())
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
