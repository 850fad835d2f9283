-- Bootstrap requests, each with a new random key of the right shape. The script's argument
-- chooses the checksum:
--   valid    well-formed keys that no store has: each is a cache miss, a store read and a
--            401 unknown_key (then a negative cache entry nobody reuses);
--   invalid  a wrong checksum: the gateway must answer 401 invalid_key without touching its
--            cache or the store.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s random_keys.lua http://127.0.0.1:8080 -- invalid
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.number_threads

local make_key
function init(args)
  common.seed(thread_id)
  local kind = args[1] or "valid"
  if kind == "valid" then
    make_key = common.valid_key
  elseif kind == "invalid" then
    make_key = common.invalid_key
  else
    error("random_keys.lua: argument must be valid or invalid, not " .. kind)
  end
end

function request()
  return wrk.format(nil, "/v1/widget/bootstrap?key=" .. make_key())
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
