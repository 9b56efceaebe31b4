#!/usr/bin/env bash
# HTTP load on loopback, release build, each figure beside two references in the same run:
# nginx answering a fixed body of the same size (the HTTP ceiling on this machine) and a
# trivial route of our own server behind the same middleware (the framework's ceiling).
#
#   bench/api-load.sh [SECONDS]   # per wrk run; default 10
#
# Runs wrk (64 connections, 2 threads) against:
#   POST /v1/jobs/{id}/metrics with one sample, and with a batch of 100, with SQLite's commits
#   waiting for the disk (SQLITE_SYNCHRONOUS=full, the default) and not (normal);
#   GET  /v1/jobs?limit=100 over 200 stored jobs;
# and bench/fixed-rate.py for p99 latency of single-sample ingest at 1,000 requests/s.
# Traffic stays on 127.0.0.1; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
seconds=${1:-10}

packaging/install-build-deps
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || {
        echo "api-load: installing wrk and nginx-light" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null
        break
    }
done
swift build -c release --product hpc-obs-httpbench >&2
server=$PWD/.build/release/hpc-obs-httpbench

work=$(mktemp -d /tmp/hpc-obs-api-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    stop_background "$work" "${pids[@]}"
    rm -rf "$work"
}
trap cleanup EXIT

# Our server, SQLite, as the quick start runs it (commits wait for the disk); and a second one
# whose commits do not (SQLITE_SYNCHRONOUS=normal), for the ingest runs.
port=$(free_port)
DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port "$server" >"$work/server.log" 2>&1 &
pids+=($!)
base=http://127.0.0.1:$port
wait_for_url "$base/v1/health" hpc-obs-httpbench
curl -fsS -X POST "$base/v1/jobs" -H 'Content-Type: application/json' -d '{"id": "bench", "user": "bench", "requestedCpus": 128, "state": "running"}' >/dev/null
normal_port=$(free_port)
SQLITE_SYNCHRONOUS=normal DATABASE_URL="$work/normal.db" HOST=127.0.0.1 PORT=$normal_port "$server" >"$work/normal.log" 2>&1 &
pids+=($!)
normal_base=http://127.0.0.1:$normal_port
wait_for_url "$normal_base/v1/health" "hpc-obs-httpbench (synchronous=normal)"
curl -fsS -X POST "$normal_base/v1/jobs" -H 'Content-Type: application/json' -d '{"id": "bench", "user": "bench", "requestedCpus": 128, "state": "running"}' >/dev/null
for i in $(seq 1 200); do
    echo "{\"id\": \"list-$i\", \"user\": \"user$((i % 7))\", \"nodes\": [\"cn$((i % 50))\"], \"partition\": \"batch\", \"state\": \"running\", \"requestedCpus\": 8}"
done | while IFS= read -r job; do curl -fsS -X POST "$base/v1/jobs" -H 'Content-Type: application/json' -d "$job" >/dev/null; done

# Request bodies, and the response bodies nginx will mirror byte for byte.
echo -n '{"cpuUsage": 75.5, "memoryUsageMb": 4096, "gpuUsage": 50.0}' >"$work/one.json"
python3 -c 'import json; print(json.dumps([{"cpuUsage": 50 + i % 50, "memoryUsageMb": 4096, "gpuUsage": 50.0, "node": "cn001"} for i in range(100)]), end="")' >"$work/batch.json"
mkdir -p "$work/www/v1"
curl -fsS -X POST "$base/v1/jobs/bench/metrics" -H 'Content-Type: application/json' --data-binary @"$work/one.json" >"$work/www/one-response"
curl -fsS -X POST "$base/v1/jobs/bench/metrics" -H 'Content-Type: application/json' --data-binary @"$work/batch.json" >"$work/www/batch-response"
curl -fsS "$base/v1/jobs?limit=100" >"$work/www/list-response"

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx-body;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        default_type application/json;
        # POST to a static file is refused by nginx; serve the bodies through 'return' instead.
        location = /one { return 201 '$(cat "$work/www/one-response")'; }
        location = /batch { return 201 '$(cat "$work/www/batch-response")'; }
        location = /list { try_files /list-response =404; }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
nginx_base=http://127.0.0.1:$nginx_port

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BODY"), "rb"); wrk.body = f:read("*a"); f:close()
LUA

results="$work/results.txt"
run_wrk() { # label url [body]
    local label=$1 url=$2 body=${3:-}
    local out="$work/wrk-$label.txt"
    if [ -n "$body" ]; then
        BODY=$body wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "$url" >"$out"
    else
        wrk -t2 -c64 -d"${seconds}s" --latency "$url" >"$out"
    fi
    local rps p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$out")
    printf '%s %s %s %s\n' "$label" "$rps" "$p99" "${non2xx:-0}" >>"$results"
}

echo "api-load: wrk runs of ${seconds}s each" >&2
run_wrk nginx-one "$nginx_base/one" "$work/one.json"
run_wrk trivial-one "$base/bench/trivial" "$work/one.json"
run_wrk ingest-one "$base/v1/jobs/bench/metrics" "$work/one.json"
run_wrk ingest-one-normal "$normal_base/v1/jobs/bench/metrics" "$work/one.json"
run_wrk nginx-batch "$nginx_base/batch" "$work/batch.json"
run_wrk ingest-batch "$base/v1/jobs/bench/metrics" "$work/batch.json"
run_wrk ingest-batch-normal "$normal_base/v1/jobs/bench/metrics" "$work/batch.json"
run_wrk nginx-list "$nginx_base/list"
run_wrk list "$base/v1/jobs?limit=100"
echo "api-load: fixed rate, 1,000 requests/s for ${seconds}s" >&2
python3 bench/fixed-rate.py "$base/v1/jobs/bench/metrics" "$work/one.json" 1000 "$seconds" 16 >"$work/fixed-rate.json"

python3 - "$results" "$work/fixed-rate.json" "$(stat -c %s "$work/www/list-response")" <<'PY'
import json, sys
rows = {label: (float(rps), p99, int(non2xx)) for label, rps, p99, non2xx in (line.split() for line in open(sys.argv[1]))}
fixed = json.load(open(sys.argv[2]))
def show(label, unit=1, name=None):
    rps, p99, errors = rows[label]
    extra = f"  ({rps * unit:,.0f} samples/s)" if unit > 1 else ""
    print(f"  {name or label:<34}{rps:>12,.0f} req/s   p99 {p99:>8}   non-2xx {errors}{extra}")
print("Single-sample ingest, POST /v1/jobs/{id}/metrics")
show("nginx-one", name="nginx, same response")
show("trivial-one", name="our trivial route")
show("ingest-one", name="ingest, one sample (full)")
show("ingest-one-normal", name="ingest, one sample (normal)")
one, trivial, nginx = rows["ingest-one"][0], rows["trivial-one"][0], rows["nginx-one"][0]
print(f"  ratio to trivial route {one / trivial:.2f}× (target ≥ 0.4×), to nginx {one / nginx:.2f}×; target ≥ 15,000 req/s: {'met' if one >= 15000 else 'MISSED'}")
print(f"  full ÷ normal {one / rows['ingest-one-normal'][0]:.2f}×")
print("Batched ingest, 100 samples per request")
show("nginx-batch", name="nginx, same response")
show("ingest-batch", unit=100, name="ingest, 100 samples (full)")
show("ingest-batch-normal", unit=100, name="ingest, 100 samples (normal)")
batch = rows["ingest-batch"][0] * 100
print(f"  ratio to nginx {rows['ingest-batch'][0] / rows['nginx-batch'][0]:.2f}×; target ≥ 200,000 samples/s: {'met' if batch >= 200000 else 'MISSED'}")
print(f"  full ÷ normal {rows['ingest-batch'][0] / rows['ingest-batch-normal'][0]:.2f}×")
print(f"List, GET /v1/jobs?limit=100 ({int(sys.argv[3]):,} bytes)")
show("nginx-list", name="nginx, same bytes as a file")
show("list", name="GET /v1/jobs?limit=100")
list_ratio = rows['list'][0] / rows['nginx-list'][0]
print(f"  ratio to nginx {list_ratio:.2f}×; target ≥ 0.1×: {'met' if list_ratio >= 0.1 else 'MISSED'}")
print(f"Single-sample ingest at a fixed 1,000 requests/s: p50 {fixed['p50_ms']} ms, p99 {fixed['p99_ms']} ms, max {fixed['max_ms']} ms, "
      f"{fixed['errors']} errors of {fixed['requests']}; target p99 ≤ 20 ms: {'met' if fixed['p99_ms'] <= 20 else 'MISSED'}")
PY
