-- Bootstrap requests with random keys of the right shape but a wrong checksum: the gateway must
-- answer 401 invalid_key without touching its cache or the store.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s invalid.lua http://127.0.0.1:8080
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
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. common.invalid_key())
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
