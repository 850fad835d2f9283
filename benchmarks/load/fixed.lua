-- One fixed request, keep-alive, no pipelining: the URL (path and query) and the Origin header
-- come from wrk's command line. Used for the cache-hit bootstrap (scenario hit), the valid half
-- of the mixed scenario (unknown) and proxied requests (proxy). Static, so wrk builds the request
-- once: the cheapest load generator wrk has.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s fixed.lua 'http://127.0.0.1:8080/v1/widget/bootstrap?key=pk_live_...'
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
