#!/usr/bin/env bash
# The PBS poller in a real hpc-obs-server, reading a stand-in qstat found the way PBS's tools
# are found (PBS_EXEC in the pbs.conf that PBS_CONF_FILE names). The stand-in prints what a
# real OpenPBS 23.06 server printed (Tests/PBSPollingTests/Fixtures/openpbs-23.06), one moment
# after another; then it fails, hangs and floods, and the server must keep serving, back off
# and show it on /metrics, and pick up again. Loopback only, bounded.
#
#   Tests/e2e/pbs-poller.sh BIN_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "${1:?usage: pbs-poller.sh BIN_DIR}" && pwd -P)
fixtures=$PWD/Tests/PBSPollingTests/Fixtures/openpbs-23.06
work=$(mktemp -d /tmp/hpc-obs-pbs-poller.XXXXXX)
server=""
failures=0
checks=0
cleanup() {
    [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
    [ "$failures" -gt 0 ] && { echo "--- server log (tail)"; tail -n 20 "$work/server.log" || true; }
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/pbs/bin"
printf 'PBS_SERVER=vm\nPBS_EXEC=%s/pbs\nPBS_HOME=/var/spool/pbs\n' "$work" >"$work/pbs.conf"
# The stand-in: what $work/answer names, as qstat -f -t -x -F json would print it; it
# records its arguments and TZ so the test can see how it was run.
cat >"$work/pbs/bin/qstat" <<QSTAT
#!/bin/sh
echo "\$* TZ=\$TZ" >"$work/last-call"
case \$(cat "$work/answer") in
fail) echo "Connection refused" >&2; echo "qstat: cannot connect to server vm (errno=15010)" >&2; exit 2 ;;
hang) exec sleep 600 ;;
flood) exec head -c 700000000 /dev/zero ;;
*) exec cat "$fixtures/\$(cat "$work/answer")" ;;
esac
QSTAT
chmod 755 "$work/pbs/bin/qstat"
# The early moment had no array, so it has no -t capture; the -x one is the same jobs.
echo qstat-fx-F-json-early.json >"$work/answer"

port=$(free_port)
base=http://127.0.0.1:$port
DATABASE_TYPE=sqlite DATABASE_URL="$work/jobs.db" HOST=127.0.0.1 PORT=$port LOG_LEVEL=info SLURM_POLL_INTERVAL=0 \
    PBS_POLL_INTERVAL=1 PBS_CONF_FILE="$work/pbs.conf" PATH=/usr/bin:/bin HPC_OBS_SPOOL_DIR="$work/spool" \
    "$bin/hpc-obs-server" >"$work/server.log" 2>&1 &
server=$!
wait_for_url "$base/v1/health" hpc-obs-server

state() { curl -fsS "$base/v1/jobs/$1" 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j.get("exitCode"))' 2>/dev/null || echo missing; }
metric() { curl -fsS "$base/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
# Waits up to 30 s for a command to print what is expected, then checks it once more.
until_check() { # description, expected, command...
    local expected=$2
    for _ in $(seq 1 150); do
        [ "$("${@:3}" 2>&1 || true)" = "$expected" ] && break
        sleep 0.2
    done
    check "$@"
}
# Moments are at least a poll apart: the poller must see each.
moment() {
    echo "qstat-ftx-F-json-$1.json" >"$work/answer"
    local before
    before=$(metric hpc_obs_pbs_qstat_duration_seconds_count)
    for _ in $(seq 1 100); do
        [ "$(metric hpc_obs_pbs_qstat_duration_seconds_count)" != "$before" ] && [ "$(metric hpc_obs_pbs_up)" = 1 ] && return 0
        sleep 0.2
    done
}

echo "-- the capture, moment by moment"
until_check "17.vm runs in the early moment" "running None" state 17.vm
check "qstat ran as -f -t -x -F json, with TZ=UTC" "-f -t -x -F json TZ=UTC" cat "$work/last-call"
moment mixed
check "18.vm, deleted while running, is cancelled with 128+SIGTERM" "cancelled 143" state 18.vm
check "21.vm waits in the queue: pending" "pending None" state 21.vm
check "22.vm is held: pending" "pending None" state 22.vm
check "23.vm, deleted while held, is cancelled" "cancelled None" state 23.vm
check "the array's running task is a job" "running None" state '20%5B1%5D.vm'
check "the array's parent is not" missing state '20%5B%5D.vm'
moment array-finished
moment rerun
check "24.vm runs again after qrerun" "running None" state 24.vm
moment select-running
moment finished
for entry in 15.vm:completed:0 16.vm:failed:3 17.vm:timeout:-29 19.vm:completed:0 21.vm:completed:0 22.vm:completed:0 \
    24.vm:completed:0 '20%5B3%5D.vm:completed:0'; do
    IFS=: read -r id expected code <<<"$entry"
    check "$id ends $expected" "$expected $code" state "$id"
done
waited() { curl -fsS "$base/v1/jobs/21.vm" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["submitTime"], j["startTime"] > j["submitTime"])'; }
check "21.vm keeps its queue wait (submitted 23:42:39, started later)" "2026-12-01T23:42:39.000Z True" waited
total() { curl -fsS "$base/v1/jobs?limit=100" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
check "each job recorded once: 12 jobs" 12 total

echo "-- a failing, a hanging and a flooding qstat"
logged_before=$(grep -c "cannot read jobs from PBS" "$work/server.log" || true)
echo fail >"$work/answer"
until_check "a failing qstat shows as hpc_obs_pbs_up 0" 0 metric hpc_obs_pbs_up
check "and the server keeps serving" 200 curl -s -o /dev/null -w '%{http_code}' "$base/v1/health"
logged() { echo $(($(grep -c "cannot read jobs from PBS" "$work/server.log") - logged_before)); }
check "logged once for the outage, not once a cycle" 1 logged
echo qstat-ftx-F-json-finished.json >"$work/answer"
until_check "qstat answers again: up 1" 1 metric hpc_obs_pbs_up
echo hang >"$work/answer"
started=$(date +%s)
until_check "a hanging qstat is stopped (after 10 s) and counted down" 0 metric hpc_obs_pbs_up
stopped() { [ $(($(date +%s) - started)) -le 30 ] && ! pgrep -f "sleep 600" >/dev/null && echo yes; }
check "within 30 s, and nothing of it is left running" yes stopped
check "while it hung, the server answered" 200 curl -s -o /dev/null -w '%{http_code}' "$base/v1/health"
echo flood >"$work/answer"
failures_before=$(metric hpc_obs_pbs_poll_failures_total)
flooded() { [ "$(metric hpc_obs_pbs_poll_failures_total)" != "$failures_before" ] && echo counted; }
until_check "more than 512 MiB of output is refused" counted flooded
check "the server's memory stayed bounded (RSS under 400 MiB)" yes \
    sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$server/status) -lt 409600 ] && echo yes"
echo qstat-ftx-F-json-finished.json >"$work/answer"
until_check "and back again" 1 metric hpc_obs_pbs_up

echo "pbs-poller.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
