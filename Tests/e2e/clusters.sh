#!/usr/bin/env bash
# Two real Slurm clusters on this host (Tests/testbed/slurm.sh with ClusterNames alpha and
# beta, each its own slurmctld, slurmd, munged and ports) share one hpc-obs-server: both run our
# hooks as PrologSlurmctld/EpilogSlurmctld, the server polls alpha through libslurm. Each
# cluster numbers its jobs from 1, so the same job number is a job in both: they must stay two
# jobs, each with its own state, exit code and samples, told apart by `?cluster=` in the API,
# by the `cluster` label on /metrics, and by `hpc-obs --cluster`.
#
#   Tests/e2e/clusters.sh BIN_DIR     # the directory holding hpc-obs-server, -prolog, -epilog, hpc-obs
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "${1:?usage: clusters.sh BIN_DIR}" && pwd -P)
work=$(mktemp -d /tmp/hpc-obs-clusters.XXXXXX)
chmod 755 "$work"
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    for cluster in alpha beta; do Tests/testbed/slurm.sh stop "$work/$cluster" >/dev/null 2>&1 || true; done
    if [ "$failures" -gt 0 ]; then
        echo "--- server log (tail)"; tail -n 30 "$work/server.log" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
base=http://127.0.0.1:$port
head -c 24 /dev/urandom | base64 >"$work/token"
chmod 600 "$work/token"
declare -A conf
for cluster in alpha beta; do
    mkdir -p "$work/hooks-$cluster"
    # Each cluster's controller has its own settings file and spool; the service is one.
    printf 'HPC_OBS_URL=%s\nHPC_OBS_TOKEN_FILE=%s\nHPC_OBS_SPOOL_DIR=%s\n' "$base" "$work/token" "$work/spool-$cluster" >"$work/hooks-$cluster/hpc-obs.conf"
    for role in prolog epilog; do
        printf '#!/bin/sh\nHPC_OBS_CONFIG=%s exec %s\n' "$work/hooks-$cluster/hpc-obs.conf" "$bin/hpc-obs-$role" >"$work/hooks-$cluster/$role"
        chmod 755 "$work/hooks-$cluster/$role"
    done
    cluster_env=$(Tests/testbed/slurm.sh start "$work/$cluster" --cluster-name "$cluster" \
        --prolog-slurmctld "$work/hooks-$cluster/prolog" --epilog-slurmctld "$work/hooks-$cluster/epilog")
    conf[$cluster]=${cluster_env#export SLURM_CONF=}
done

API_TOKEN_FILE=$work/token DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=info SLURM_POLL_INTERVAL=1 \
    SLURM_CONF=${conf[alpha]} HPC_OBS_SPOOL_DIR="$work/spool-server" "$bin/hpc-obs-server" >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "$base/v1/health" hpc-obs-server

submit() { SLURM_CONF=${conf[$1]} sbatch --parsable -o /dev/null -e /dev/null "${@:2}"; }
# A job's field as the API gives it, or the problem's status; $3 is the cluster or "".
field() { # job_id field cluster
    curl -sS "$base/v1/jobs/$1${3:+?cluster=$3}" | python3 -c '
import json, sys
body = json.load(sys.stdin)
print(body.get(sys.argv[1], "absent") if "id" in body else body.get("status", "?"))' "$2"
}
await() { # job_id field cluster expected
    for _ in $(seq 1 300); do
        [ "$(field "$1" "$2" "$3")" = "$4" ] && return 0
        sleep 0.2
    done
    return 1
}
await_check() { # description job_id field cluster expected
    checks=$((checks + 1))
    if await "$2" "$3" "$4" "$5"; then
        echo "ok   $1"
    else
        echo "FAIL $1: job $2 on ${4:-any cluster} has $3 '$(field "$2" "$3" "$4")', expected '$5'"
        failures=$((failures + 1))
    fi
}

# The first job of each cluster: the same number, one completes, the other fails.
first_alpha=$(submit alpha --wrap 'exit 0')
first_beta=$(submit beta --wrap 'exit 3')
check "both clusters gave their first job the same number" "$first_alpha" echo "$first_beta"
id=$first_alpha
await_check "alpha's job $id is completed" "$id" state alpha completed
await_check "beta's job $id is failed" "$id" state beta failed
check "  with its own exit code" 3 field "$id" exitCode beta
check "  alpha's kept exit code 0" 0 field "$id" exitCode alpha
check "the id alone names two jobs: 409" 409 field "$id" state ""
check "  and the answer names both clusters" yes sh -c "curl -sS '$base/v1/jobs/$id' | grep -q 'alpha, beta' && echo yes"
check "the list holds two jobs $id, one a cluster" "alpha $id,beta $id" sh -c "curl -fsS '$base/v1/jobs?limit=100' | python3 -c '
import json, sys
print(\",\".join(sorted(j[\"cluster\"] + \" \" + j[\"id\"] for j in json.load(sys.stdin)[\"jobs\"] if j[\"id\"] == \"$id\")))'"
check "a cluster's list holds its own" "1 beta" sh -c "curl -fsS '$base/v1/jobs?cluster=beta' | python3 -c '
import json, sys
body = json.load(sys.stdin)
print(body[\"total\"], *{j[\"cluster\"] for j in body[\"jobs\"]})'"

# Running jobs with the same number on both: samples go to each one's own job, and /metrics
# tells their series apart by cluster.
second_alpha=$(submit alpha --wrap 'sleep 120')
second_beta=$(submit beta --wrap 'sleep 120')
check "both clusters gave their second job the same number" "$second_alpha" echo "$second_beta"
id=$second_alpha
await_check "alpha's job $id runs" "$id" state alpha running
await_check "beta's job $id runs" "$id" state beta running
post_sample() { # cluster cpu
    curl -fsS -o /dev/null -w '%{http_code}' -X POST "$base/v1/jobs/$id/metrics?cluster=$1" -H "Authorization: Bearer $(cat "$work/token")" \
        -H 'Content-Type: application/json' -d "{\"cpuUsage\": $2, \"memoryUsageMb\": 100}"
}
check "a sample for alpha's job $id is taken" 201 post_sample alpha 11
check "a sample for beta's job $id is taken" 201 post_sample beta 77
samples() { curl -fsS "$base/v1/jobs/$id/metrics?cluster=$1" | python3 -c 'import json, sys; print(*["%g" % s["cpuUsage"] for s in json.load(sys.stdin)["samples"]])'; }
check "alpha's job has alpha's sample only" 11 samples alpha
check "beta's job has beta's sample only" 77 samples beta
series() { # cluster
    curl -fsS "$base/metrics" | grep -E "^hpc_job_cpu_usage_percent\{" | grep "job_id=\"$id\"" | grep -o "cluster=\"$1\"" || true
}
check "/metrics has alpha's job $id" "cluster=\"alpha\"" series alpha
check "/metrics has beta's job $id, a series of its own" "cluster=\"beta\"" series beta
check "hpc-obs job --cluster reports beta's job" yes sh -c "HPC_OBS_URL=$base '$bin/hpc-obs' job '$id' --cluster beta --json | python3 -c '
import json, sys
job = json.load(sys.stdin)
print(\"yes\" if job[\"cluster\"] == \"beta\" and job[\"state\"] == \"running\" else job)'"
check "hpc-obs job without --cluster says to give one" yes sh -c "HPC_OBS_URL=$base '$bin/hpc-obs' job '$id' 2>&1 | grep -q 'give the cluster' && echo yes"
check "hpc-obs jobs shows whose each job $id is" "alpha beta" sh -c "HPC_OBS_URL=$base COLUMNS=200 '$bin/hpc-obs' jobs --state running \
    | awk '\$1 == \"JOBID\" && \$2 == \"CLUSTER\" { header = 1 } header && \$1 == \"$id\" { print \$2 }' | sort | xargs"

# Ending one cluster's job leaves the other's running.
SLURM_CONF=${conf[beta]} scancel "$id"
for _ in $(seq 1 300); do
    case "$(field "$id" state beta)" in running | pending) sleep 0.2 ;; *) break ;; esac
done
check "  beta's job $id is no longer running" yes sh -c "case '$(field "$id" state beta)' in running|pending) echo no ;; *) echo yes ;; esac"
check "  alpha's job $id still runs" running field "$id" state alpha
SLURM_CONF=${conf[alpha]} scancel "$id"
await_check "alpha's job $id is cancelled (alpha's poller refines its epilog)" "$id" state alpha cancelled

echo "clusters.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
