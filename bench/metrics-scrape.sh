#!/usr/bin/env bash
# /metrics with 1,000, 10,000 and 100,000 running jobs (release build): render time p50/p99,
# body bytes and the server's RSS growth during scrapes, beside nginx serving the same body
# as a static file, timed by the same curl loop in the same run. Loopback only, bounded.
#
#   bench/metrics-scrape.sh [SCRAPES]   # per size; default 30
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
. bench/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
scrapes=${1:-30}

packaging/install-build-deps
need_nginx
swift build -c release --product hpc-obs-server >&2
swift build -c release --product hpc-obs-storebench >&2
bin=$PWD/.build/release

bench_scratch metrics-bench

nginx_port=$(start_static_nginx "$work" text/plain)


printf '%-8s %12s %10s %10s %10s %10s %8s %12s\n' jobs bytes p50_ms p99_ms nginx_p50 nginx_p99 ratio rss_growth_MB
for jobs in 1000 10000 100000; do
    db="$work/jobs-$jobs.db"
    DATABASE_URL="$db" "$bin/hpc-obs-storebench" seed-running --jobs "$jobs" 2>/dev/null
    port=$(free_port)
    # No cap: the point is to render every job (the default cap is 100,000 series).
    DATABASE_URL="$db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning METRICS_MAX_JOB_SERIES=10000000 \
        "$bin/hpc-obs-server" >"$work/server-$jobs.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-server
    curl -fsS "http://127.0.0.1:$port/metrics" -o "$work/www/metrics-$jobs.txt"
    rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    hwm_before=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    time_requests "$scrapes" "http://127.0.0.1:$port/metrics" >"$work/ours-$jobs.txt"
    hwm_after=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    time_requests "$scrapes" "http://127.0.0.1:$nginx_port/metrics-$jobs.txt" >"$work/nginx-$jobs.txt"
    kill "$pid"
    python3 - "$jobs" "$(stat -c %s "$work/www/metrics-$jobs.txt")" "$work/ours-$jobs.txt" "$work/nginx-$jobs.txt" "$rss_before" "$hwm_before" "$hwm_after" <<'PY'
import sys
jobs, size = int(sys.argv[1]), int(sys.argv[2])
def pct(path, q):
    values = sorted(float(v) * 1000 for v in open(path))
    return values[min(len(values) - 1, int(q * len(values)))]
ours50, ours99 = pct(sys.argv[3], 0.5), pct(sys.argv[3], 0.99)
nginx50, nginx99 = pct(sys.argv[4], 0.5), pct(sys.argv[4], 0.99)
rss_before, hwm_before, hwm_after = (int(v) for v in sys.argv[5:8])
growth = (max(hwm_after, rss_before) - rss_before) / 1024
print(f"{jobs:<8} {size:>12,} {ours50:>10.1f} {ours99:>10.1f} {nginx50:>10.1f} {nginx99:>10.1f} {ours50 / nginx50:>7.1f}× {growth:>12.1f}")
PY
done
echo "Targets: 10,000 jobs p99 ≤ 50 ms and ≤ 10× nginx for the same bytes; 100,000 jobs p99 ≤ 1 s; RSS growth ≤ 64 MB."
