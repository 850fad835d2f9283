-- Shared by the load harness's wrk scripts (they find it through LOAD_DIR, which run.sh sets).
--
-- common.done(summary, latency, requests): prints one line "RESULT {json}" with throughput,
--   latency percentiles (microseconds) and wrk's error counters; run.sh parses it.
-- common.valid_key() / common.invalid_key(): random widget keys in the real format
--   ("pk_live_" + 30 base62 digits + 6 base62 digits of the CRC-32 of the first 38 characters,
--   see WidgetKeyFormat): well-formed (so unknown to every store), or with a wrong checksum.
-- common.now_ms(): monotonic time in ms (LuaJIT FFI clock_gettime), for paced.lua's schedule.

local common = {}
local bit = require("bit")
local ffi = require("ffi")

ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } we_timespec;
int clock_gettime(int clk_id, we_timespec *tp);
]]
local ts = ffi.new("we_timespec")

-- wrk's setup(thread) for a script whose threads need to tell themselves apart: numbers them
-- 1, 2, ... in the order wrk creates them, as the global thread_id of each thread's Lua state.
local thread_count = 0
function common.number_threads(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

-- Monotonic time in milliseconds (fractional).
function common.now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- Seeds this Lua state's generator differently per thread and per run.
function common.seed(extra)
  ffi.C.clock_gettime(1, ts)
  math.randomseed((tonumber(ts.tv_nsec) + (extra or 0) * 7919) % 2147483647)
  for _ = 1, 10 do math.random() end
end

local ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local DIGITS = {}
for i = 1, 62 do DIGITS[i - 1] = ALPHABET:sub(i, i) end

local CRC_TABLE = {}
for n = 0, 255 do
  local c = n
  for _ = 1, 8 do
    if bit.band(c, 1) ~= 0 then
      c = bit.bxor(0xEDB88320, bit.rshift(c, 1))
    else
      c = bit.rshift(c, 1)
    end
  end
  CRC_TABLE[n] = c
end

-- CRC-32 (IEEE, as java.util.zip.CRC32) of an ASCII string, as an unsigned number.
function common.crc32(s)
  local crc = -1 -- 0xFFFFFFFF
  for i = 1, #s do
    crc = bit.bxor(CRC_TABLE[bit.band(bit.bxor(crc, s:byte(i)), 0xFF)], bit.rshift(crc, 8))
  end
  crc = bit.bnot(crc)
  if crc < 0 then crc = crc + 4294967296 end
  return crc
end

local function base62_padded(value, width)
  local out = {}
  for i = width, 1, -1 do
    out[i] = DIGITS[value % 62]
    value = math.floor(value / 62)
  end
  return table.concat(out)
end

local function random_digits(n)
  local out = {}
  for i = 1, n do out[i] = DIGITS[math.random(0, 61)] end
  return table.concat(out)
end

-- A random key with a valid checksum: well-formed, and (with 62^30 possibilities) in no store.
function common.valid_key()
  local checked = "pk_live_" .. random_digits(30)
  return checked .. base62_padded(common.crc32(checked), 6)
end

-- A random key of the right shape whose checksum is wrong (its last digit changed).
function common.invalid_key()
  local key = common.valid_key()
  local last = key:sub(44, 44)
  return key:sub(1, 43) .. (last == "0" and "1" or "0")
end

local function percentile(latency, p)
  return latency:percentile(p)
end

-- Prints the run's figures as one JSON line; `extra` (a table of numbers/strings) is merged in.
function common.done(summary, latency, requests, extra)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local fields = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_s":%.3f', seconds),
    string.format('"rps":%.1f', summary.requests / seconds),
    string.format('"bytes":%d', summary.bytes),
    string.format('"lat_mean_us":%.1f', latency.mean),
    string.format('"lat_max_us":%d', latency.max),
    string.format('"p50_us":%d', percentile(latency, 50)),
    string.format('"p90_us":%d', percentile(latency, 90)),
    string.format('"p99_us":%d', percentile(latency, 99)),
    string.format('"p999_us":%d', percentile(latency, 99.9)),
    string.format('"err_connect":%d', e.connect),
    string.format('"err_read":%d', e.read),
    string.format('"err_write":%d', e.write),
    string.format('"err_timeout":%d', e.timeout),
    -- wrk counts every response with a status above 399 here.
    string.format('"status_4xx_5xx":%d', e.status),
  }
  for k, v in pairs(extra or {}) do
    if type(v) == "number" then
      fields[#fields + 1] = string.format('"%s":%.3f', k, v)
    else
      fields[#fields + 1] = string.format('"%s":"%s"', k, tostring(v))
    end
  end
  io.write("RESULT {" .. table.concat(fields, ",") .. "}\n")
end

return common
