#!/usr/bin/env bash
# promtool checks the exposition, then a real Prometheus (Debian's package) scrapes a running hpc-obs-server every second; the
# reference service's three example queries are then asked of Prometheus' HTTP API for a
# known set of jobs, and a job that completes must drop out of hpc_job_cpu_usage_percent.
#
#   Tests/e2e/prometheus.sh SERVER_BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

server=${1:?usage: prometheus.sh SERVER_BINARY}
work=$(mktemp -d /tmp/hpc-obs-prometheus.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
checks=0

port=$(free_port)
DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning "$server" >"$work/server.log" 2>&1 &
pids+=($!)
base=http://127.0.0.1:$port
wait_for_url "$base/v1/health" hpc-obs-server

post() { curl -fsS -X "$1" "$base$2" -H 'Content-Type: application/json' -d "$3" >/dev/null; }
post POST /v1/jobs '{"id": "p-1", "user": "alice", "state": "running", "partition": "batch", "requestedCpus": 4}'
post POST /v1/jobs '{"id": "p-2", "user": "bob", "state": "running", "partition": "gpu", "requestedCpus": 2}'
post POST /v1/jobs '{"id": "p-3", "user": "carol", "state": "running", "partition": "gpu", "requestedCpus": 1}'
post POST /v1/jobs '{"id": "p-4", "user": "dave", "state": "pending"}'
post POST /v1/jobs '{"id": "p-5", "user": "erin", "state": "completed"}'
post POST /v1/jobs/p-1/metrics '{"cpuUsage": 50, "memoryUsageMb": 102400}'
post POST /v1/jobs/p-2/metrics '{"cpuUsage": 90, "memoryUsageMb": 1024, "gpuUsage": 70}'
post POST /v1/jobs/p-3/metrics '{"cpuUsage": 30, "memoryUsageMb": 512}'

checks=$((checks + 1))
lint=$(curl -fsS "$base/metrics" | promtool check metrics 2>&1 || true)
if [ "$lint" = 'hpc_job_state_total non-counter metrics should not have "_total" suffix' ]; then
    echo "ok   promtool check metrics: only the _total warning kept for compatibility"
else
    echo "FAIL promtool check metrics: $lint"
    failures=$((failures + 1))
fi

checks=$((checks + 1))
if promtool check rules packaging/examples/hpc-obs-rules.yml >/dev/null && promtool check config packaging/examples/prometheus.yml >/dev/null; then
    echo "ok   packaging/examples: rules and scrape config pass promtool"
else
    echo "FAIL packaging/examples: promtool refuses the rules or the scrape config"
    failures=$((failures + 1))
fi

prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: hpc-obs
    static_configs:
      - targets: ["127.0.0.1:$port"]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom=http://127.0.0.1:$prom_port
wait_for_url "$prom/-/ready" Prometheus

query() { # promql → the result vector as JSON
    curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["data"]["result"]))'
}

expect() { # description, promql, python expression over `r` (the result vector)
    checks=$((checks + 1))
    local result=""
    for _ in $(seq 1 40); do
        result=$(query "$2")
        if python3 -c "import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if ($3) else 1)" "$result" 2>/dev/null; then
            echo "ok   $1"
            return 0
        fi
        sleep 0.25
    done
    echo "FAIL $1: $2 returned $result"
    failures=$((failures + 1))
}

expect "the target is up" 'up{job="hpc-obs"}' 'len(r) == 1 and r[0]["value"][1] == "1"'
expect "avg(hpc_job_cpu_usage_percent{state=\"running\"}) is the mean of 50, 90 and 30" \
    'avg(hpc_job_cpu_usage_percent{state="running"})' 'len(r) == 1 and abs(float(r[0]["value"][1]) - 170 / 3) < 1e-9'
expect "count(hpc_job_memory_usage_bytes > 80 GiB) finds the 100 GiB job only" \
    'count(hpc_job_memory_usage_bytes > 80 * 1024 * 1024 * 1024)' 'len(r) == 1 and r[0]["value"][1] == "1"'
expect "hpc_job_state_total counts every state" 'hpc_job_state_total' \
    'len(r) == 10 and {s["metric"]["state"]: s["value"][1] for s in r} == {"pending": "1", "running": "3", "suspended": "0", "completed": "1", "failed": "0", "cancelled": "0", "timeout": "0", "node_fail": "0", "out_of_memory": "0", "preempted": "0"}'
expect "hpc_job_total counts every job created" 'hpc_job_total' 'len(r) == 1 and r[0]["value"][1] == "5"'

post PATCH /v1/jobs/p-1 '{"state": "completed"}'
expect "a completed job drops out of hpc_job_cpu_usage_percent" 'hpc_job_cpu_usage_percent' \
    'sorted(s["metric"]["job_id"] for s in r) == ["p-2", "p-3"]'
expect "and the running average follows: the mean of 90 and 30" 'avg(hpc_job_cpu_usage_percent{state="running"})' \
    'len(r) == 1 and abs(float(r[0]["value"][1]) - 60) < 1e-9'
expect "the target is still up" 'up{job="hpc-obs"}' 'len(r) == 1 and r[0]["value"][1] == "1"'

echo "prometheus: $((checks - failures)) passed, $failures failed"
if [ "$failures" != 0 ]; then
    echo "--- server log"; tail -n 20 "$work/server.log"; echo "--- prometheus log"; tail -n 20 "$work/prometheus.log"
fi
[ "$failures" = 0 ]
