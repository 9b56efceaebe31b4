#!/usr/bin/env bash
# Server-side downsampling (release build): a job with 100,000 samples (one a second on one
# node), read as 1,000 points with `?step=100`, beside reading 1,000 raw samples of the same
# job (`?limit=1000`) and nginx serving the downsampled answer as a file, timed by the same curl
# loop in the same run. SQLite, and PostgreSQL when HPC_OBS_TEST_POSTGRES_URL names one.
# Loopback only, bounded.
#
#   bench/downsample.sh [REQUESTS]   # per case; default 50
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
. bench/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
requests=${1:-50}

packaging/install-build-deps
need_nginx
swift build -c release --product hpc-obs-server >&2
bin=$PWD/.build/release

bench_scratch downsample-bench

nginx_port=$(start_static_nginx "$work" application/json)


stores=("sqlite $work/jobs.db")
[ -n "${HPC_OBS_TEST_POSTGRES_URL:-}" ] && stores+=("postgres $HPC_OBS_TEST_POSTGRES_URL")

printf '%-9s %-32s %8s %8s %8s\n' store case points p50_ms p99_ms
for entry in "${stores[@]}"; do
    type=${entry%% *}
    url=${entry#* }
    port=$(free_port)
    DATABASE_TYPE=$type DATABASE_URL="$url" HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 \
        SQLITE_SYNCHRONOUS=normal HPC_OBS_SPOOL_DIR="$work/spool" "$bin/hpc-obs-server" >"$work/server-$type.log" 2>&1 &
    pids+=("$!")
    base="http://127.0.0.1:$port"
    wait_for_url "$base/v1/health" hpc-obs-server
    job="bench-downsample-$(date +%s%N)"
    curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"id\": \"$job\", \"user\": \"bench\", \"state\": \"running\", \"requestedCpus\": 64}" "$base/v1/jobs"
    python3 - "$base" "$job" <<'PY'
import datetime, json, sys, urllib.request
base, job = sys.argv[1], sys.argv[2]
start = 1_790_000_000
# 5,000 samples a request: under the server's 1 MiB body limit.
for batch in range(20):
    body = []
    for i in range(5_000):
        at = datetime.datetime.fromtimestamp(start + batch * 5_000 + i, datetime.UTC)
        body.append({"timestamp": f"{at:%Y-%m-%dT%H:%M:%SZ}", "cpuUsage": (i * 37) % 6400, "memoryUsageMb": 1024 + i % 4096,
                     "gpuUsage": i % 100, "node": "gpu01"})
    request = urllib.request.Request(f"{base}/v1/jobs/{job}/metrics", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()
PY
    # What autovacuum does to a table that grew over the hours a job takes to gather 100,000
    # samples: statistics (without them PostgreSQL guesses two rows and sorts to group) and
    # the visibility map; done here, it does not start in the middle of the timed requests.
    [ "$type" = postgres ] && psql -q "$url" -c 'VACUUM (ANALYZE) samples'
    points=$(curl -fsS "$base/v1/jobs/$job/metrics?step=100&limit=10000" | tee "$work/www/points-$type.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
    for case in "step=100&limit=10000|downsampled to 1,000 points" "limit=1000|1,000 raw samples (reference)"; do
        query=${case%%|*}
        name=${case#*|}
        count=$(curl -fsS "$base/v1/jobs/$job/metrics?$query" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
        time_requests "$requests" "$base/v1/jobs/$job/metrics?$query" >"$work/times.txt"
        python3 - "$type" "$name" "$count" "$work/times.txt" <<'PY'
import sys
values = sorted(float(v) * 1000 for v in open(sys.argv[4]))
print(f"{sys.argv[1]:<9} {sys.argv[2]:<32} {int(sys.argv[3]):>8,} {values[len(values) // 2]:>8.1f} {values[min(len(values) - 1, int(0.99 * len(values)))]:>8.1f}")
PY
    done
    time_requests "$requests" "http://127.0.0.1:$nginx_port/points-$type.json" >"$work/times.txt"
    python3 - "$type" "$points" "$work/times.txt" <<'PY'
import sys
values = sorted(float(v) * 1000 for v in open(sys.argv[3]))
print(f"{sys.argv[1]:<9} {'nginx, the same points as a file':<32} {int(sys.argv[2]):>8,} {values[len(values) // 2]:>8.1f} {values[min(len(values) - 1, int(0.99 * len(values)))]:>8.1f}")
PY
done
echo "Target: 100,000 samples downsampled to 1,000 points in ≤ 50 ms."
