-- Exactly 50/50 by request: each wrk thread alternates a valid, cached key (passed after --) with
-- a random well-formed unknown key. Latency percentiles are those of all requests together (wrk
-- cannot tell them apart); the `unknown` scenario runs the two halves as separate wrk processes
-- instead, which separates their latency but splits by connection, not by request.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s mixed.lua http://127.0.0.1:8080 -- VALID_KEY
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.number_threads

local valid_request
local n = 0

function init(args)
  common.seed(thread_id)
  local key = args[1] or error("mixed.lua: pass the valid key after --")
  valid_request = wrk.format(nil, "/v1/widget/bootstrap?key=" .. key)
end

function request()
  n = n + 1
  if n % 2 == 0 then
    return valid_request
  end
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. common.valid_key())
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
