-- Many clients behind a trusted proxy: every request carries an X-Forwarded-For of one of POOL
-- addresses, 10.0.0.0/8 from the FIRST-th on, chosen at random per request, so that a gateway that
-- trusts loopback (--trusted-proxies 127.0.0.0/8) counts each address on its own. With RATE, each
-- thread paces its requests as paced.lua does (RATE/THREADS per second).
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s clients.lua 'http://127.0.0.1:8080/v1/widget/bootstrap?key=...' -- FIRST POOL [RATE THREADS]
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.number_threads

local requests = {}
local pool
local interval_ms, next_slot

local function address(n)
  return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

function init(args)
  common.seed(thread_id)
  local first = tonumber(args[1] or error("clients.lua: pass FIRST POOL [RATE THREADS] after --"))
  pool = tonumber(args[2] or error("clients.lua: pass FIRST POOL [RATE THREADS] after --"))
  -- Formatted once: choosing a client costs the load generator a table lookup, not a format.
  for i = 1, pool do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["X-Forwarded-For"] = address(first + i - 1)
    requests[i] = wrk.format(nil, nil, headers)
  end
  if args[3] then
    interval_ms = 1000 / (tonumber(args[3]) / tonumber(args[4] or "1"))
  end
end

function delay()
  if not interval_ms then return 0 end
  local now = common.now_ms()
  if next_slot == nil then next_slot = now end
  local wait = next_slot - now
  next_slot = next_slot + interval_ms
  if wait <= 0 then return 0 end
  return math.floor(wait + 0.5)
end

function request()
  return requests[math.random(pool)]
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
