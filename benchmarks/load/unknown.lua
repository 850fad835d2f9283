-- Bootstrap requests with random well-formed keys (valid checksum) that no store has: each is a
-- cache miss, a store read and a 401 unknown_key (then a negative cache entry nobody reuses).
--   wrk -t1 -c32 -d20s -H 'Origin: https://acme.com' -s unknown.lua http://127.0.0.1:8080
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  common.seed(thread_id)
end

function request()
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. common.valid_key())
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
