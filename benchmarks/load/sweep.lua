-- Bootstrap requests that go through every key of a key file once, in file order, the wrk
-- threads taking interleaved slices; after the last key a thread starts over. run.sh uses it to
-- touch every key once before the Zipf scenario (it stops wrk when the gateway has read them all).
--   wrk -t2 -c64 -d10m -H 'Origin: https://acme.com' -s sweep.lua http://127.0.0.1:8080 -- KEYS_FILE THREADS
-- THREADS: wrk's -t, so that thread i takes keys i, i + THREADS, i + 2 THREADS, ...
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.number_threads

local keys, next_index, step

function init(args)
  local path = args[1] or error("sweep.lua: pass the key file after --")
  keys = {}
  for line in io.lines(path) do
    if #line > 0 then keys[#keys + 1] = line end
  end
  if #keys == 0 then error("sweep.lua: no keys in " .. path) end
  step = tonumber(args[2] or "1")
  next_index = thread_id
end

function request()
  local key = keys[next_index]
  next_index = next_index + step
  if next_index > #keys then next_index = thread_id end
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. key)
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
