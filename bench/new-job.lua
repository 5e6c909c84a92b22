-- wrk script for mvm-ci: each request is POST /new-job with a form body url=https://example.com/N,
-- N unique per request (process, thread, counter).
-- usage: WRK_TAG=1 WRK_HIST=/tmp/h wrk -t2 -c16 -d10s --latency -s bench/new-job.lua http://127.0.0.1:3020/new-job
-- At the end it prints one machine-readable line
--   RESULT requests=<n> seconds=<s> rps=<r> p50_ms=<ms> p99_ms=<ms> non201=<n> socket_errors=<n>
-- and, if WRK_HIST names a file, writes the latency distribution to it ("<microseconds> <weight>"
-- lines), so that runs of several wrk processes (one per node) can be merged.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  prefix = (os.getenv("WRK_TAG") or "0") .. tid .. "0000000"
  n = 0
  non201 = 0
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
  n = n + 1
  return wrk.format("POST", nil, headers, "url=https://example.com/" .. (prefix + n))
end

function response(status, hdrs, body)
  if status ~= 201 then
    non201 = non201 + 1
    if non201 <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. (body or "") .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non201") end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non201=%d socket_errors=%d\n",
      summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, bad, socket_errors))
  local hist = os.getenv("WRK_HIST")
  if hist and hist ~= "" then
    local f = assert(io.open(hist, "w"))
    -- wrk's Lua API gives percentiles, not the raw histogram: write 2,000 evenly spaced quantiles, each
    -- standing for 1/2000 of this process's requests; merging them is exact to 0.05 percentile points.
    local w = summary.requests / 2000
    for i = 1, 2000 do
      f:write(string.format("%d %.6f\n", latency:percentile((i - 0.5) / 20), w))
    end
    f:close()
  end
end
