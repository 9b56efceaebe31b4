#!/usr/bin/env bash
# The Slurm integration on a real one-node cluster (Tests/testbed/slurm.sh): hpc-obs-prolog and
# hpc-obs-epilog run as PrologSlurmctld/EpilogSlurmctld and post to a running hpc-obs-server,
# whose poller reads slurmctld through libslurm. Checks that jobs end in the right state with
# the right exit code, that pending jobs come from the poller alone, that an array gives one job
# per task, that nothing is lost or doubled while the service is down (the hooks spool, the
# server replays), and that the poller rides out a slurmctld outage.
#
#   Tests/e2e/slurm.sh BIN_DIR     # the directory holding hpc-obs-server, -prolog and -epilog
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "${1:?usage: slurm.sh BIN_DIR}" && pwd -P)
work=$(mktemp -d /tmp/hpc-obs-slurm.XXXXXX)
chmod 755 "$work"
server_pid=""
agent_pid=""
late_pid=""
cleanup() {
    for pid in "$server_pid" "$agent_pid" "$late_pid"; do
        [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    done
    Tests/testbed/slurm.sh stop "$work/cluster" >/dev/null 2>&1 || true
    if [ "$failures" -gt 0 ]; then
        echo "--- server log (tail)"; tail -n 30 "$work/server.log" 2>/dev/null || true
        echo "--- slurmctld log (tail)"; tail -n 15 "$work/cluster/slurmctld.log" 2>/dev/null || true
    fi
    rm -rf "$work"
}
failures=0
checks=0
trap cleanup EXIT

port=$(free_port)
base=http://127.0.0.1:$port
head -c 24 /dev/urandom | base64 >"$work/token"
chmod 600 "$work/token"
cat >"$work/hpc-obs.conf" <<CONF
# What /etc/hpc-obs/hpc-obs.conf holds on a real controller.
HPC_OBS_URL=$base
HPC_OBS_TOKEN_FILE=$work/token
HPC_OBS_SPOOL_DIR=$work/spool
API_TOKEN_FILE=$work/token
CONF
mkdir -p "$work/hooks"
for role in prolog epilog; do
    # slurmctld runs hooks with a clean environment: the wrapper says where the settings are.
    printf '#!/bin/sh\nHPC_OBS_CONFIG=%s exec %s\n' "$work/hpc-obs.conf" "$bin/hpc-obs-$role" >"$work/hooks/$role"
    chmod 755 "$work/hooks/$role"
done

# An assignment, not eval "$(…)", so that a cluster that does not start stops the script.
cluster_env=$(Tests/testbed/slurm.sh start "$work/cluster" --prolog-slurmctld "$work/hooks/prolog" --epilog-slurmctld "$work/hooks/epilog")
eval "$cluster_env"

start_server() {
    set -a
    . "$work/hpc-obs.conf"
    set +a
    DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=info SLURM_POLL_INTERVAL=1 SLURM_CONF=$SLURM_CONF \
        COLLECTOR_ENABLED=true COLLECT_INTERVAL=2 NODE_NAME="$(hostname -s)" \
        "$bin/hpc-obs-server" >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_for_url "$base/v1/health" hpc-obs-server
}
stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# One field of a job as the API reports it, or "absent".
field() { # job_id field
    curl -sS "$base/v1/jobs/$1" | python3 -c '
import json, sys
try:
    job = json.load(sys.stdin)
except ValueError:
    job = {}
value = job.get(sys.argv[1], "absent") if "id" in job else "absent"
print(",".join(value) if isinstance(value, list) else value)' "$2"
}


# Waits up to SECONDS (default 60) for a job's field to read `expected`.
await() { # job_id field expected [seconds]
    for _ in $(seq 1 $((${4:-60} * 5))); do
        [ "$(field "$1" "$2")" = "$3" ] && return 0
        sleep 0.2
    done
    return 1
}
await_check() { # description job_id field expected [seconds]
    checks=$((checks + 1))
    if await "$2" "$3" "$4" "${5:-60}"; then
        echo "ok   $1"
    else
        echo "FAIL $1: job $2 $3 is '$(field "$2" "$3")', expected '$4'"
        failures=$((failures + 1))
    fi
}
submit() { sbatch --parsable -o /dev/null -e /dev/null "$@"; }
slurm_state() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
await_slurm_state() { # job_id state
    for _ in $(seq 1 300); do
        [ "$(slurm_state "$1")" = "$2" ] && return 0
        sleep 0.2
    done
    echo "Slurm job $1 is $(slurm_state "$1"), never $2" >&2
    return 1
}

start_server
node=$(hostname -s)

# A node agent beside the server's own collector: the same node sampled twice, once through
# the store and once over HTTP, so both ways are checked on the same job.
agent_port=$(free_port)
HPC_OBS_URL=$base HPC_OBS_TOKEN_FILE=$work/token HOST=127.0.0.1 PORT=$agent_port COLLECT_INTERVAL=2 \
    NODE_NAME="$node" SLURM_CONF=$SLURM_CONF LOG_LEVEL=info "$bin/hpc-obs-server" --collector-only >"$work/agent.log" 2>&1 &
agent_pid=$!
wait_for_url "http://127.0.0.1:$agent_port/metrics" "hpc-obs-server --collector-only"

# One core busy for 20 s while holding 200 MiB, sampled every 2 s by the server's collector.
# The job writes down the CPU time it got: on a loaded 2-core machine that is less than 20 s.
busy=$(submit --wrap "python3 -c 'import time
block = bytearray(b\"x\") * (200 << 20)
start = time.time()
end = start + 20
cpu = time.process_time()
while time.time() < end: pass
open(\"$work/busy-share\", \"w\").write(str((time.process_time() - cpu) / (time.time() - start) * 100))'")

ok=$(submit --wrap 'exit 0')
fail=$(submit --wrap 'exit 3')
steps=$(submit --wrap 'srun true; srun true')
await_check "a job that exits 0 is completed" "$ok" state completed
check "  with exit code 0" 0 field "$ok" exitCode
check "  on this node" "$node" field "$ok" nodes
check "  with start and end times" yes sh -c "[ '$(field "$ok" startTime)' != absent ] && [ '$(field "$ok" endTime)' != absent ] && echo yes"
await_check "a job that exits 3 is failed" "$fail" state failed
check "  with exit code 3" 3 field "$fail" exitCode
await_check "a job of two srun steps is completed" "$steps" state completed

long=$(submit --wrap 'sleep 300')
await_check "a running job is running" "$long" state running
scancel "$long"
await_check "a cancelled job is cancelled (the poller refines the epilog's exit status)" "$long" state cancelled

held=$(submit --hold --wrap true)
await_check "a held job is pending, from the poller alone" "$held" state pending
check "  in partition debug" debug field "$held" partition

array=$(submit --array=1-3 --wrap true)
for task in 1 2 3; do
    await_check "array task ${array}_$task is a job of its own, completed" "${array}_$task" state completed
done
check "  and the array's own id is not a job" absent field "$array" state

await_check "a job that kept a core busy is completed" "$busy" state completed
# Samples from the busy phase: the first few seconds are Python starting and filling memory.
check "its samples show the core share it got (±15 points) and 200 MiB (±10 %)" yes \
    sh -c "curl -fsS '$base/v1/jobs/$busy/metrics?limit=1000' | python3 -c '
import json, statistics, sys
body = json.load(sys.stdin)
samples = body[\"samples\"]
got = float(open(\"$work/busy-share\").read())
busy = [s for s in samples if s[\"memoryUsageMb\"] > 150]
cpu = statistics.median(s[\"cpuUsage\"] for s in busy) if busy else 0
memory = statistics.median(s[\"memoryUsageMb\"] for s in busy) if busy else 0
ok = len(busy) >= 3 and got >= 50 and abs(cpu - got) <= 15 and 180 <= memory <= 220
print(f\"     {len(busy)} samples: median cpu {cpu:.1f} % (the job got {got:.1f} %), memory {memory:.1f} MiB\", file=open(\"$work/measured\", \"a\"))
print(\"yes\" if ok else f\"{len(busy)} samples, median cpu {cpu} % where the job got {got:.1f} %, memory {memory} MiB\")'"
check "its summary's CPU efficiency is its CPU seconds ÷ (elapsed × CPUs)" yes \
    sh -c "curl -fsS '$base/v1/jobs/$busy' | python3 -c '
import json, sys
job = json.load(sys.stdin)
s = job.get(\"summary\") or {}
print(f\"     summary: {s}\", file=open(\"$work/measured\", \"a\"))
expected = s.get(\"cpuSeconds\", 0) / max(1e-9, s.get(\"elapsedSeconds\", 0) * job.get(\"requestedCpus\", 0)) * 100
loop = float(open(\"$work/busy-share\").read()) * 20 / 100
ok = s and abs(s.get(\"cpuEfficiencyPercent\", -1) - expected) < 0.2 and abs(s[\"cpuSeconds\"] - loop) <= 3
print(\"yes\" if ok else json.dumps(job))'"

cat "$work/measured" 2>/dev/null || true
agent_has_sent() {
    sent=$(curl -fsS "http://127.0.0.1:$agent_port/metrics" | awk '/^hpc_obs_collector_samples_total/ {print $2}')
    [ "${sent:-0}" -gt 0 ] && echo yes || echo "the agent sent ${sent:-no} samples"
}
check "the node agent sent samples of its own over HTTP" yes agent_has_sent

# The service goes away while jobs start and end: hooks exit 0 (or Slurm would requeue the
# jobs), spool their events, and the server replays them when it is back.
stop_server
down_ok=$(submit --wrap 'exit 0')
down_fail=$(submit --wrap 'exit 7')
await_slurm_state "$down_ok" COMPLETED
await_slurm_state "$down_fail" FAILED
check "while the service is down, the hooks' events wait in the spool" yes \
    sh -c "[ \$(ls '$work/spool' | grep -c '\.json\$') -ge 4 ] && echo yes"
restarts=$(for job in "$down_ok" "$down_fail"; do scontrol -o show job "$job" | grep -o 'Restarts=[0-9]*'; done | sort -u)
check "  and no job was requeued for a failing hook" "Restarts=0" echo "$restarts"
start_server
await_check "after the service is back, a job that ran meanwhile is completed" "$down_ok" state completed
await_check "  and one that exited 7 is failed with exit code 7" "$down_fail" exitCode 7
check "  the spool is empty again" 0 sh -c "ls '$work/spool' | grep -c '\.json\$' || true"
total=$(curl -fsS "$base/v1/jobs?limit=1000" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["jobs"]) if isinstance(d, dict) and "jobs" in d else len(d))')
check "  nothing lost or doubled: one job per Slurm job and array task" 11 echo "$total"

# slurmctld goes away: the poller backs off, the server keeps answering, and catches up.
Tests/testbed/slurm.sh stop-slurmctld "$work/cluster"
poller_up() { curl -fsS "$base/metrics" | grep '^hpc_obs_slurm_up ' || true; }
# libslurm itself retries a dead controller for about MessageTimeout before it gives up.
for _ in $(seq 1 150); do
    [ "$(poller_up)" = "hpc_obs_slurm_up 0" ] && break
    sleep 0.2
done
check "with slurmctld down, /metrics says the poller cannot reach it" "hpc_obs_slurm_up 0" poller_up
check "  the log says so" yes sh -c "grep -q 'cannot read jobs from slurmctld' '$work/server.log' && echo yes"
check "  and the server still answers" 200 curl -s -o /dev/null -w '%{http_code}' "$base/v1/health"
Tests/testbed/slurm.sh start-slurmctld "$work/cluster"
late=$(submit --hold --wrap true)
await_check "after slurmctld is back, the poller catches up" "$late" state pending
check "  and /metrics says so" "hpc_obs_slurm_up 1" poller_up

# Jobs slurmctld describes in ways the store refuses: the poller keeps the job and leaves out
# the value, as the hooks do (it once dropped the whole job, and with it Slurm's final state).
odd=$(submit --hold -J "$(printf 'odd\tname')" --wrap true)
await_check "a pending job with a tab in its name is recorded" "$odd" state pending
check "  without the name the store refuses" absent field "$odd" name
long_name=$(printf 'n%.0s' $(seq 1 300))
named=$(submit --hold -J "$long_name" --wrap true)
await_check "a pending job with a 300-character name is recorded, name and all" "$named" name "$long_name"
scancel "$odd"
await_check "  and the odd one's end reaches the store" "$odd" state cancelled

# slurmctld restarted while a job runs, and the job ending while it is away: no epilog reaches
# the service from slurmctld, and the poller reconciles once it is back.
brief=$(submit --wrap 'sleep 8')
await_check "a job runs before slurmctld goes away" "$brief" state running
Tests/testbed/slurm.sh stop-slurmctld "$work/cluster"
sleep 12
Tests/testbed/slurm.sh start-slurmctld "$work/cluster"
await_check "  it ended while slurmctld was down, and is completed once slurmctld is back" "$brief" state completed 90

# A node lost while a job runs on it (slurmd and the job's steps killed, no epilog):
# slurmctld fails the job after SlurmdTimeout, and the poller ends it in the store.
lost=$(submit --no-requeue --wrap 'sleep 300')
await_check "a job runs on the node" "$lost" state running
Tests/testbed/slurm.sh kill-slurmd "$work/cluster"
await_check "  the node is lost: the job is node_fail, not running forever" "$lost" state node_fail 150
Tests/testbed/slurm.sh start-slurmd "$work/cluster"
for _ in $(seq 1 300); do
    case "$(sinfo -h -n "$node" -o %t 2>/dev/null)" in idle | mix | alloc) break ;; esac
    sleep 0.2
done
check "  and the node comes back" yes sh -c "sinfo -h -n '$node' -o %t | grep -qE 'idle|mix|alloc' && echo yes"

# hpc-obs doctor on this controller: libslurm and slurmctld of one release, and slurm.conf
# running our hooks (through the wrappers above, which name them).
doctor_line() { # subject
    HPC_OBS_CONFIG="$work/hpc-obs.conf" SLURM_CONF=$SLURM_CONF "$bin/hpc-obs" doctor 2>&1 | grep -E "^[a-z]+ +$1 " | sed -E 's/ +/ /g' || true
}
library=$(dpkg-query -W -f='${Version}' libslurm-dev | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/')
controller=$(scontrol version | awk '{print $2}')
check "doctor finds libslurm and slurmctld of one release" "ok Slurm versions libslurm $library, slurmctld $controller" doctor_line "Slurm versions"
check "doctor finds our hooks in slurm.conf" "ok scheduler hooks $SLURM_CONF runs hpc-obs from PrologSlurmctld, EpilogSlurmctld" doctor_line "scheduler hooks"

# A host provisioned package first, slurm.conf later: a second server starts before its
# slurm.conf exists, and polls once it does (it once gave up until a restart).
late_port=$(free_port)
mkdir -p "$work/late"
DATABASE_URL="$work/late.db" HOST=127.0.0.1 PORT=$late_port SLURM_POLL_INTERVAL=1 SLURM_CONF="$work/late/slurm.conf" \
    HPC_OBS_SPOOL_DIR="$work/late/spool" "$bin/hpc-obs-server" >"$work/late.log" 2>&1 &
late_pid=$!
wait_for_url "http://127.0.0.1:$late_port/v1/health" "a server without slurm.conf"
late_up() { curl -fsS "http://127.0.0.1:$late_port/metrics" | grep '^hpc_obs_slurm_up ' || true; }
sleep 2
check "a server started before slurm.conf exists says it cannot poll" "hpc_obs_slurm_up 0" late_up
check "  and waits, saying so in the log" yes sh -c "grep -q 'Slurm poller waiting' '$work/late.log' && echo yes"
cp "$SLURM_CONF" "$work/late/slurm.conf"
for _ in $(seq 1 150); do
    [ "$(late_up)" = "hpc_obs_slurm_up 1" ] && break
    sleep 0.2
done
check "  once slurm.conf is there, it polls" "hpc_obs_slurm_up 1" late_up
kill "$late_pid"
wait "$late_pid" 2>/dev/null || true
late_pid=""

echo "slurm.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
