#!/usr/bin/env bash
# Two hpc-obs-server replicas on one PostgreSQL with a real one-node Slurm cluster: only one
# polls slurmctld at any time (an advisory lock), the other takes over when the leader is
# killed (kill -9), every job ends recorded once, in its right state, and a real Prometheus
# scraping both replicas counts each job once.
#
#   Tests/e2e/replicas.sh BIN_DIR POSTGRES_URL
#
# Each replica's polls are counted from its own /metrics (hpc_obs_slurm_load_jobs_duration_seconds_count),
# its role read from /v1/health (`poller`) and /metrics (hpc_obs_slurm_poller_leader), twice a
# second throughout; the two never lead together.
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "${1:?usage: replicas.sh BIN_DIR POSTGRES_URL}" && pwd -P)
database=${2:?usage: replicas.sh BIN_DIR POSTGRES_URL}
work=$(mktemp -d /tmp/hpc-obs-replicas.XXXXXX)
chmod 755 "$work"
declare -A pid=([a]="" [b]="")
declare -A port=([a]="$(free_port)" [b]="$(free_port)")
watcher=""
prometheus_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$prometheus_pid" ] && { kill "$prometheus_pid" 2>/dev/null || true; wait "$prometheus_pid" 2>/dev/null || true; }
    [ -n "$watcher" ] && { kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; }
    for name in a b; do
        [ -n "${pid[$name]}" ] && { kill "${pid[$name]}" 2>/dev/null || true; wait "${pid[$name]}" 2>/dev/null || true; }
    done
    Tests/testbed/slurm.sh stop "$work/cluster" >/dev/null 2>&1 || true
    if [ "$failures" -gt 0 ]; then
        for name in a b; do echo "--- replica $name log (tail)"; tail -n 15 "$work/$name.log" 2>/dev/null || true; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
ok() { checks=$((checks + 1)); echo "ok   [replicas] $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL [replicas] $1"; }

# A schema of its own on the shared server: the replicas share it, nothing else does.
schema=replicas_$$
psql -q "$database" -c "CREATE SCHEMA $schema" >/dev/null
case "$database" in *\?*) url="$database&options=-csearch_path%3D$schema" ;; *) url="$database?options=-csearch_path%3D$schema" ;; esac

cluster_env=$(Tests/testbed/slurm.sh start "$work/cluster")
eval "$cluster_env"

start() { # replica name
    DATABASE_TYPE=postgres DATABASE_URL="$url" HOST=127.0.0.1 PORT=${port[$1]} LOG_LEVEL=info SLURM_POLL_INTERVAL=1 \
        SLURM_CONF=$SLURM_CONF HPC_OBS_SPOOL_DIR="$work/spool-$1" "$bin/hpc-obs-server" >>"$work/$1.log" 2>&1 &
    pid[$1]=$!
    wait_for_url "http://127.0.0.1:${port[$1]}/v1/health" "replica $1"
}
metric() { # replica, family: its value, or "-" when the replica does not answer
    curl -fsS --max-time 2 "http://127.0.0.1:${port[$1]}/metrics" 2>/dev/null | awk -v f="$2" '$1 == f { print $2; found = 1 } END { if (!found) print "-" }'
}
role() { curl -fsS --max-time 2 "http://127.0.0.1:${port[$1]}/v1/health" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin).get("poller", "-"))' 2>/dev/null || echo -; }
leader() { # prints the replica that leads, when exactly one does
    local a b
    a=$(role a)
    b=$(role b)
    if [ "$a" = leader ] && [ "$b" != leader ]; then echo a; elif [ "$b" = leader ] && [ "$a" != leader ]; then echo b; fi
}
await_leader() { # seconds; prints the leader
    local who
    for _ in $(seq 1 $(($1 * 5))); do
        who=$(leader)
        [ -n "$who" ] && { echo "$who"; return 0; }
        sleep 0.2
    done
    return 1
}
polls() { local n; n=$(metric "$1" hpc_obs_slurm_load_jobs_duration_seconds_count); echo "${n%.*}"; }

start a
start b
first=$(await_leader 20) || { fail "one replica leads within 20 s"; exit 1; }
other=$([ "$first" = a ] && echo b || echo a)
ok "replica $first leads, replica $other stands by (/v1/health poller)"

# Both leaders' gauges, twice a second, for the whole run: never 1 and 1.
(
    while true; do
        echo "$(metric a hpc_obs_slurm_poller_leader) $(metric b hpc_obs_slurm_poller_leader)" >>"$work/leaders"
        sleep 0.5
    done
) &
watcher=$!

submit() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
jobs=()
for _ in 1 2 3; do jobs+=("$(submit --wrap 'sleep 1')"); done
sleep 4
standby_polls=$(polls "$other")
leader_polls=$(polls "$first")
if [ "$standby_polls" = 0 ] && [ "${leader_polls:-0}" -gt 0 ]; then
    ok "only the leader asks slurmctld: $leader_polls polls by $first, 0 by $other"
else
    fail "only the leader polls: $first polled $leader_polls times, $other $standby_polls"
fi

kill -9 "${pid[$first]}"
wait "${pid[$first]}" 2>/dev/null || true
pid[$first]=""
killed=$(date +%s.%N)
for _ in 1 2 3; do jobs+=("$(submit --wrap 'sleep 1')"); done
if [ "$(await_leader 20)" = "$other" ]; then
    took=$(python3 -c "import time; print(f'{time.time() - $killed:.1f}')")
    ok "after kill -9 of $first, $other leads within ${took} s (bound: 1 s interval + 15 s)"
else
    fail "after kill -9 of $first, $other leads within 16 s"
fi
start "$first"
sleep 3
if [ "$(role "$first")" = standby ]; then ok "$first, restarted, stands by"; else fail "$first, restarted, stands by (is $(role "$first"))"; fi

state() { curl -fsS "http://127.0.0.1:${port[$other]}/v1/jobs/$1" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>/dev/null || echo absent; }
all_completed() {
    for job in "${jobs[@]}"; do [ "$(state "$job")" = completed ] || return 1; done
}
for _ in $(seq 1 150); do all_completed && break; sleep 0.2; done
if all_completed; then ok "all ${#jobs[@]} jobs, before and after the kill, end completed"; else
    fail "all jobs end completed: $(for job in "${jobs[@]}"; do printf '%s=%s ' "$job" "$(state "$job")"; done)"
fi
total=$(curl -fsS "http://127.0.0.1:${port[$first]}/v1/jobs?limit=0" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
if [ "$total" = "${#jobs[@]}" ]; then ok "each recorded once: $total jobs in the store"; else fail "each recorded once: $total jobs for ${#jobs[@]} submitted"; fi

# A real Prometheus scraping both replicas: the store's families come from the leader only,
# so sums and counts over them are not doubled.
long=("$(submit --wrap 'sleep 120')" "$(submit --wrap 'sleep 120')")
for _ in $(seq 1 150); do
    [ "$(state "${long[0]}")" = running ] && [ "$(state "${long[1]}")" = running ] && break
    sleep 0.2
done
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: hpc-obs
    static_configs:
      - targets: ["127.0.0.1:${port[a]}", "127.0.0.1:${port[b]}"]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
wait_for_url "http://127.0.0.1:$prom_port/-/ready" Prometheus
promql() { # query, python expression over r (the result vector): waits up to 15 s for it to hold
    local result=""
    for _ in $(seq 1 60); do
        result=$(curl -fsS --get "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["data"]["result"]))')
        python3 -c "import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$result" 2>/dev/null && return 0
        sleep 0.25
    done
    echo "$result"
    return 1
}
if promql 'count(up{job="hpc-obs"} == 1)' 'r and r[0]["value"][1] == "2"' >/dev/null \
    && out=$(promql 'count(hpc_job_runtime_seconds)' 'r and r[0]["value"][1] == "2"'); then
    ok "Prometheus scraping both replicas counts the 2 running jobs once: count(hpc_job_runtime_seconds) = 2"
else
    fail "count(hpc_job_runtime_seconds) over both replicas is 2: $out"
fi
if out=$(promql 'sum(hpc_job_total)' "r and r[0]['value'][1] == '$((${#jobs[@]} + 2))'"); then
    ok "and sum(hpc_job_total) = $((${#jobs[@]} + 2)), the store's count, not twice it"
else
    fail "sum(hpc_job_total) over both replicas is the store's count: $out"
fi
kill "$prometheus_pid" 2>/dev/null || true
wait "$prometheus_pid" 2>/dev/null || true
scancel "${long[@]}" 2>/dev/null || true

kill "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=""
both=$(grep -c '^1 1' "$work/leaders" || true)
samples=$(wc -l <"$work/leaders")
if [ "$both" = 0 ] && [ "$samples" -gt 10 ]; then ok "never two leaders in $samples samples"; else fail "two leaders at once in $both of $samples samples"; fi

psql -q "$database" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
echo "replicas.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
