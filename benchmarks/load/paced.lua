-- A paced (open-loop-like) run of one fixed request: each wrk thread owns a schedule of send
-- times, RATE/THREADS per second, and delay() holds each connection until the next free slot of
-- its thread's schedule. wrk is closed-loop (wrk2 is not packaged in Debian), so this is an
-- approximation: wrk still times each request from its actual send, and its timers have 1 ms
-- resolution (requests leave in small bursts at millisecond edges). As long as a free connection
-- is there for every slot, no slot is delayed by a slow response, and the percentiles are those
-- of an open-loop run at RATE. When slots do slip (all connections busy), the figures suffer
-- from coordinated omission: done() reports how many slots were more than 1 ms late and the
-- worst lag, so such a run can be recognised and discarded.
--   wrk -t2 -c64 -d20s -H 'Origin: https://acme.com' -s paced.lua 'http://127.0.0.1:8080/v1/widget/bootstrap?key=...' -- RATE THREADS
package.path = (os.getenv("LOAD_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

local interval_ms, next_slot
slots, late, max_lag_ms = 0, 0, 0

function init(args)
  local rate = tonumber(args[1] or error("paced.lua: pass RATE THREADS after --"))
  local nthreads = tonumber(args[2] or "1")
  interval_ms = 1000 / (rate / nthreads)
end

function delay()
  local now = common.now_ms()
  if next_slot == nil then next_slot = now end
  local slot = next_slot
  next_slot = slot + interval_ms
  slots = slots + 1
  local wait = slot - now
  if wait < -1 then
    late = late + 1
    if -wait > max_lag_ms then max_lag_ms = -wait end
  end
  if wait <= 0 then return 0 end
  return math.floor(wait + 0.5)
end

function done(summary, latency, requests)
  local total_slots, total_late, worst = 0, 0, 0
  for _, t in ipairs(threads) do
    total_slots = total_slots + (t:get("slots") or 0)
    total_late = total_late + (t:get("late") or 0)
    worst = math.max(worst, t:get("max_lag_ms") or 0)
  end
  common.done(summary, latency, requests,
      {paced_slots = total_slots, paced_late_slots = total_late, paced_max_lag_ms = worst})
end
