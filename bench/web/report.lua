-- The `done` hook both wrk scenarios share (dofile'd by users.lua and posts.lua):
-- one parseable line,
--   wrk-result requests=N duration_s=S rps=R p50_ms=A p99_ms=B non2xx=C errors=E
-- latency is in microseconds in wrk; printed in milliseconds. Errors are socket
-- errors (connect, read, write, timeout); non2xx counts HTTP statuses >= 400.
function done(summary, latency, requests)
  local s = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, s.status,
    s.connect + s.read + s.write + s.timeout))
end
