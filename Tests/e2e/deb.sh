#!/usr/bin/env bash
# The .deb as an admin meets it, called by Tests/run: build it, lintian it, install it, run
# the installed server as its systemd unit would (no systemd needed), send an installed hook
# a Slurm-like environment and see the job appear, run the installed PBS hooks as MoM would
# (pbs.sh), check the Grafana dashboard against the server's real /metrics, then remove
# (data kept) and purge (nothing left). Needs root.
#
#   Tests/e2e/deb.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

work=$(mktemp -d /tmp/hpc-obs-deb-e2e.XXXXXX)
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    dpkg --purge hpc-job-observability >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT


deb=$(packaging/build-deb "$work/out" | tail -n 1)
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

lintian_errors() { lintian --tag-display-limit 0 "$deb" 2>&1 | grep '^E:' || true; }
check "lintian reports no errors" "" lintian_errors
lintian --tag-display-limit 0 "$deb" 2>&1 | sed 's/^/     /' || true

dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
check "installing again (an upgrade to the same version) works" 0 sh -c "dpkg -i '$deb' >/dev/null 2>&1; echo \$?"
check "postinst created the service user" hpc-obs sh -c "getent passwd hpc-obs | cut -d: -f1"
check "the hooks are root's and writable by nobody else" "" sh -c "find /usr/libexec/hpc-obs -type f \\( ! -user root -o -perm /022 \\)"
check "the settings file is a conffile" /etc/hpc-obs/hpc-obs.conf sh -c "dpkg-query -W -f='\${Conffiles}' hpc-job-observability | awk '{print \$1}'"
if command -v systemd-analyze >/dev/null; then
    unit_problems() {
        systemd-analyze verify /lib/systemd/system/hpc-obs-server.service /lib/systemd/system/hpc-obs-agent.service 2>&1 |
            grep -v -e 'Failed to .*bus' -e 'not running' || true
    }
    check "systemd-analyze accepts the server's and the node agent's units" "" unit_problems
fi

# The unit's ExecStart, its User, WorkingDirectory and EnvironmentFile, without systemd.
port=$(free_port)
# The collector on, so that every family the dashboard uses exists (no slurm.conf here: the
# poller reports itself down, which is a value too).
sed -e "s/^PORT=.*/PORT=$port/" -e 's/^HOST=.*/HOST=127.0.0.1/' -e 's/^COLLECTOR_ENABLED=.*/COLLECTOR_ENABLED=true/' \
    -e "s|^HPC_OBS_URL=.*|HPC_OBS_URL=http://127.0.0.1:$port|" /etc/hpc-obs/hpc-obs.conf >"$work/hpc-obs.conf"
(cd /var/lib/hpc-obs && set -a && . "$work/hpc-obs.conf" && set +a && exec runuser -u hpc-obs -- /usr/bin/hpc-obs-server) >"$work/server.log" 2>&1 &
server_pid=$!
wait_for_url "http://127.0.0.1:$port/v1/health" "the installed hpc-obs-server"
check "the installed server answers /v1/health" 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/health"
check "and /metrics" 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics"
check "and its pages" 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/jobs"
check "with the chart library the package depends on (libjs-dygraphs)" 200 \
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/javascript/dygraphs/dygraph.min.js"

env -i SLURM_SCRIPT_CONTEXT=prolog_slurmctld SLURM_JOB_ID=4242 SLURM_JOB_USER=alice SLURM_JOB_UID=1000 \
    SLURM_JOB_PARTITION=debug SLURM_JOB_NODELIST='cn[01-02]' SLURM_CLUSTER_NAME=deb HPC_OBS_CONFIG="$work/hpc-obs.conf" \
    /usr/libexec/hpc-obs/hpc-obs-prolog
job_state() { curl -fsS "http://127.0.0.1:$port/v1/jobs/4242" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], ",".join(j["nodes"]))'; }
check "an installed hook's event makes the job" "running cn01,cn02" job_state
installed_report() { HPC_OBS_CONFIG="$work/hpc-obs.conf" /usr/bin/hpc-obs job 4242 | sed -n 1p; }
check "the installed hpc-obs reports the job, finding the service in the settings file" "Job 4242: running" installed_report
# The package's list, not the installed files: minimal images tell dpkg to leave /usr/share/man out.
dpkg -c "$deb" >"$work/contents"
check "with its man pages, and the hooks'" yes sh -c "grep -q 'usr/share/man/man1/hpc-obs.1.gz' '$work/contents' && grep -q 'usr/share/man/man1/hpc-obs-server.1.gz' '$work/contents' && grep -q 'man8/hpc-obs-epilog.8.gz -> hpc-obs-prolog.8.gz' '$work/contents' && echo yes"
check "and Slurm's MailProg wrapper" yes sh -c '[ -x /usr/libexec/hpc-obs/mail-with-report ] && echo yes'
pbs_status=0
Tests/e2e/pbs.sh "http://127.0.0.1:$port" "$work/hpc-obs.conf" >"$work/pbs.log" 2>&1 || pbs_status=$?
sed 's/^/     /' "$work/pbs.log"
check "the installed PBS hooks, as MoM runs them (Tests/e2e/pbs.sh above)" 0 echo "$pbs_status"
mock_port=$(free_port)
(cd / && HOST=127.0.0.1 PORT=$mock_port exec /usr/bin/hpc-obs-mockserver) >"$work/mock.log" 2>&1 &
mock_pid=$!
wait_for_url "http://127.0.0.1:$mock_port/v1/health" "the installed hpc-obs-mockserver" || true
check "the installed mock server serves the installed spec" 200 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mock_port/v1/jobs/job-001"
kill "$mock_pid" 2>/dev/null || true

curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
check "the Grafana dashboard parses and names only exported metrics" 0 \
    sh -c "python3 packaging/examples/check-dashboard.py /usr/share/doc/hpc-job-observability/examples/grafana-dashboard.json '$work/metrics.txt' >'$work/dashboard.log' 2>&1; echo \$?"
check "a fresh install refuses an anonymous write" 401 \
    curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"id": "anon", "user": "mallory"}' "http://127.0.0.1:$port/v1/jobs"
check "the generated token is root's and the service group's alone" "root hpc-obs 640" stat -c '%U %G %a' /etc/hpc-obs/api-token
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

spool_status=0
Tests/e2e/spool.sh "$work/hpc-obs.conf" >"$work/spool.log" 2>&1 || spool_status=$?
sed 's/^/     /' "$work/spool.log"
check "the spool shared with the service's group (Tests/e2e/spool.sh above)" 0 echo "$spool_status"

# Admins copy these into mom_priv or /etc/slurm/prolog.d, where they outlive the package.
install -d "$work/left-behind"
cp -p /usr/libexec/hpc-obs/pbs/prologue /usr/libexec/hpc-obs/pbs/epilogue "$work/left-behind/"
cp -p /usr/libexec/hpc-obs/prolog.d/50-hpc-obs "$work/left-behind/slurm-prolog"
cp -p /usr/libexec/hpc-obs/epilog.d/50-hpc-obs "$work/left-behind/slurm-epilog"
dpkg -r hpc-job-observability >/dev/null
check "remove keeps the data and the settings" yes sh -c "[ -d /var/lib/hpc-obs ] && [ -f /etc/hpc-obs/hpc-obs.conf ] && [ ! -e /usr/bin/hpc-obs-server ] && echo yes"
left_behind() { # wrapper, arguments...
    local status=0 output
    output=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SLURM_SCRIPT_CONTEXT=prolog_slurmd SLURM_JOB_ID=4243 \
        "$work/left-behind/$1" "${@:2}" 2>&1 </dev/null) || status=$?
    echo "exit $status output '$output'"
}
check "a PBS prologue left behind in mom_priv exits 0 and writes nothing" "exit 0 output ''" left_behind prologue 1.pbs alice users
check "so does the epilogue" "exit 0 output ''" left_behind epilogue 1.pbs alice users x 1 "" "" workq null 0
slurm_wrappers_left_behind() { echo "$(left_behind slurm-prolog) $(left_behind slurm-epilog)"; }
check "and the Slurm prolog.d and epilog.d wrappers" "exit 0 output '' exit 0 output ''" slurm_wrappers_left_behind
dpkg --purge hpc-job-observability >/dev/null
leftovers() {
    ls -d /etc/hpc-obs /var/lib/hpc-obs /var/spool/hpc-obs /usr/libexec/hpc-obs /usr/share/hpc-obs /usr/share/doc/hpc-job-observability 2>/dev/null
    getent passwd hpc-obs || true
    getent group hpc-obs || true
}
check "purge leaves nothing behind" "" leftovers

echo "deb.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
