#!/usr/bin/env bash
# The installed PBS hooks as PBS MoM runs them, called by Tests/e2e/deb.sh while the package
# is installed and its server runs. No PBS server is packaged for Debian, so this does what
# MoM does, from its documented invocation: install the wrappers into a mom_priv directory
# with MoM's ownership rules, run them as root with MoM's argument lists (OpenPBS and Torque)
# and a MoM-like environment, and run the OpenPBS Python hook against a stand-in for the
# `pbs` module. Checks each job's recorded state and usage through the API. Needs root.
#
#   Tests/e2e/pbs.sh BASE_URL SETTINGS_FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh
base=${1:?usage: pbs.sh BASE_URL SETTINGS_FILE}
settings=${2:?usage: pbs.sh BASE_URL SETTINGS_FILE}

work=$(mktemp -d /tmp/hpc-obs-pbs-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0
host=$(hostname -s)

mom_priv=$work/pbs_home/mom_priv
install -d -m 0750 "$mom_priv"
# MoM runs a prologue only if it is a regular file owned by root, executable by root and
# writable by nobody else: as the package installs them, and as copied with their modes.
mom_accepts() { [ -f "$1" ] && [ "$(stat -c %u "$1")" = 0 ] && [ -x "$1" ] && [ -z "$(find "$1" -perm /022)" ] && echo yes; }
check "MoM would run the packaged prologue" yes mom_accepts /usr/libexec/hpc-obs/pbs/prologue
check "and the packaged epilogue" yes mom_accepts /usr/libexec/hpc-obs/pbs/epilogue
cp -p /usr/libexec/hpc-obs/pbs/prologue /usr/libexec/hpc-obs/pbs/epilogue "$mom_priv/"
both_copies_accepted() { echo "$(mom_accepts "$mom_priv/prologue") $(mom_accepts "$mom_priv/epilogue")"; }
check "and both copied into mom_priv" "yes yes" both_copies_accepted

cp "$settings" "$work/hpc-obs.conf"
echo "HPC_OBS_SPOOL_DIR=$work/spool" >>"$work/hpc-obs.conf"

# MoM's own environment, inherited by its scripts (OpenPBS adds PBS_JOBDIR); the settings file
# is the installed one at a site, a copy here.
mom() { # script, arguments...
    local script=$1 status=0
    shift
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PBS_JOBDIR=/root HPC_OBS_CONFIG="$work/hpc-obs.conf" ${MOM_ENV:-} \
        "$mom_priv/$script" "$@" >"$work/out" 2>&1 </dev/null || status=$?
    # MoM copies a prologue's output into the job's own files: there must be none.
    echo "exit $status output '$(cat "$work/out")'"
}
job() { # id, python expression over the job as j
    curl -fsS "$base/v1/jobs/$1" | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}
state_line='j["state"], j.get("exitCode"), ",".join(j["nodes"]), j.get("partition"), j.get("cluster")'
# A prologue and epilogue run a moment apart here, so CPU efficiency (over the recorded
# runtime) is only checked where the start comes from the epilogue's walltime.
usage_line='float(j["summary"]["cpuSeconds"]), float(j["summary"]["peakMemoryMb"]), float(j["summary"]["memoryEfficiencyPercent"])'
used="cpupercent=190,cput=00:09:30,mem=1048576kb,ncpus=2,vmem=2097152kb,walltime=00:05:00"
requested="mem=4gb,ncpus=2,nodect=1,place=pack,select=1:ncpus=2:mem=4gb,walltime=01:00:00"

echo "-- OpenPBS: prologue (3 arguments) and epilogue (10)"
check "the prologue exits 0 and writes nothing" "exit 0 output ''" mom prologue 1001.pbstest alice users
check "the job is running on this host" "running None $host None pbstest" job 1001.pbstest "$state_line"
check "the epilogue exits 0 and writes nothing" "exit 0 output ''" \
    mom epilogue 1001.pbstest alice users train 4711 "$requested" "$used" workq null 0
check "the job completed, with its queue" "completed 0 $host workq pbstest" job 1001.pbstest "$state_line"
check "its usage and memory efficiency come from resources_used" "570.0 1024.0 25.0" job 1001.pbstest "$usage_line"

mom prologue 1002.pbstest bob users >/dev/null
mom epilogue 1002.pbstest bob users sim 4712 "$requested" "$used" workq proj7 271 >/dev/null
check "killed by SIGTERM (271): failed with 143" "failed 143 $host workq pbstest" job 1002.pbstest "$state_line"
mom epilogue 1003.pbstest bob users sim 4713 "$requested" "$used" workq proj7 -29 >/dev/null
check "JOB_EXEC_KILL_WALLTIME (-29), no prologue seen: timeout" "timeout -29 $host workq pbstest" job 1003.pbstest "$state_line"
check "with its start from walltime, and so its CPU efficiency" "300.0 95.0" \
    job 1003.pbstest 'float(j["runtimeSeconds"]), float(j["summary"]["cpuEfficiencyPercent"])'

mom prologue 1004.pbstest carol users >/dev/null
# A run that lasted a moment, as the prologue just before says.
mom epilogue 1004.pbstest carol users rerun 4714 "$requested" "cput=00:00:00,mem=1024kb,walltime=00:00:00" workq null -11 >/dev/null
check "JOB_EXEC_RERUN (-11) puts the job back in the queue" "pending None  workq pbstest" job 1004.pbstest "$state_line"
sleep 0.01
mom prologue 1004.pbstest carol users >/dev/null
check "its next run starts it again" "running None $host workq pbstest" job 1004.pbstest "$state_line"
mom epilogue 1004.pbstest carol users rerun 4715 "$requested" "$used" workq null 0 >/dev/null
check "and ends it" "completed 0 $host workq pbstest" job 1004.pbstest "$state_line"

echo "-- Torque: prologue (8 arguments) and epilogue (11), with MoM's PBS_MSHOST and PBS_NODEFILE"
printf 'tn01\ntn01\ntn02\ntn02\n' >"$work/nodefile"
MOM_ENV="PBS_MSHOST=tn01 PBS_NODENUM=0 PBS_NODEFILE=$work/nodefile"
check "the Torque prologue exits 0 and writes nothing" "exit 0 output ''" \
    mom prologue 77.torque-srv dave staff sim "nodes=2:ppn=2,walltime=00:10:00" batch "" /var/spool/torque/mom_priv/jobs/77.SC
check "the job runs on the node file's hosts" "running None tn01,tn02 batch torque-srv" job 77.torque-srv "$state_line"
check "the Torque epilogue exits 0 and writes nothing" "exit 0 output ''" \
    mom epilogue 77.torque-srv dave staff sim 999 "nodes=2:ppn=2,walltime=00:10:00" \
    "cput=00:01:40,energy_used=0,mem=204800kb,vmem=409600kb,walltime=00:00:50" batch "" -11 /var/spool/torque/mom_priv/jobs/77.SC
check "Torque's -11 is a walltime kill" "timeout -11 tn01,tn02 batch torque-srv" job 77.torque-srv "$state_line"
check "with its usage, on the mother superior" "100.0 200.0" job 77.torque-srv 'float(j["summary"]["cpuSeconds"]), float(j["summary"]["peakMemoryMb"])'
MOM_ENV=""

echo "-- the service unreachable"
unreachable="HPC_OBS_URL=http://127.0.0.1:$(free_port)"
MOM_ENV=$unreachable
check "the prologue still exits 0 and writes nothing" "exit 0 output ''" mom prologue 1005.pbstest erin users
MOM_ENV=""
check "its event waits in the spool" 1 sh -c "ls '$work/spool'/*.json | wc -l"
mom epilogue 1005.pbstest erin users late 4716 "$requested" "$used" workq null 0 >/dev/null
check "the next hook delivers it" 0 sh -c "ls '$work/spool'/*.json 2>/dev/null | wc -l"
check "and the job has its start and end" "completed 300.0" job 1005.pbstest 'j["state"], float(j["runtimeSeconds"])'

echo "-- bad invocations"
check "too few arguments: exit 0, nothing written" "exit 0 output ''" mom epilogue 1006.pbstest frank
check "a non-numeric exit status and usage: exit 0, nothing written" "exit 0 output ''" \
    mom epilogue 1006.pbstest frank users x 1 "ncpus=lots" "cput=soon,mem=12qb" workq null done
check "the job is still recorded, as failed" "failed None $host workq pbstest" job 1006.pbstest "$state_line"

echo "-- the OpenPBS hook (execjob_begin, execjob_end) against a stand-in pbs module"
hook() { # event, in_ms_mom, exit status, job id[, hook file]
    local description file=${5:-/usr/share/hpc-obs/pbs/hpc_obs.py}
    # HOOK_HOSTS: the job object's host attributes as JSON; by default an exec_host.
    local default_hosts='{"exec_host": "gpu3/0*2+gpu4/0*2"}'
    description=$(python3 -c 'import json,sys; job = {
        "id": sys.argv[4], "euser": "gina", "egroup": "users", "Job_Name": "hooked", "queue": "gpuq", "Account_Name": None,
        "session_id": 5150, "Exit_status": None if sys.argv[3] == "none" else int(sys.argv[3]),
        "Resource_List": {"ncpus": 4, "mem": "8gb", "ngpus": 2, "walltime": "01:00:00"},
        "resources_used": {"cput": "01:00:00", "mem": "2097152kb", "walltime": "00:30:00", "ncpus": 4, "cpupercent": 200}}
job.update(json.loads(sys.argv[5]))
print(json.dumps({"event": sys.argv[1], "in_ms_mom": sys.argv[2] == "yes", "job": job}))' \
        "$1" "$2" "$3" "$4" "${HOOK_HOSTS:-$default_hosts}")
    rm -f "$work/record"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HPC_OBS_CONFIG="$work/hpc-obs.conf" FAKE_PBS_JOB="$description" \
        FAKE_PBS_RECORD="$work/record" PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$PWD/Tests/testbed/fake-pbs" python3 "$file"
    echo "exit $? $(tr '\n' ' ' <"$work/record")"
}
check "execjob_begin accepts" "exit 0 accept " hook execjob_begin yes none 3001.pbstest
check "the job runs on exec_host's hosts with its name, queue and requests" "running gpu3,gpu4 hooked gpuq 4 2" \
    job 3001.pbstest 'j["state"], ",".join(j["nodes"]), j["name"], j["partition"], j["requestedCpus"], j["requestedGpus"]'
check "execjob_end accepts" "exit 0 accept " hook execjob_end yes 0 3001.pbstest
check "the job completed with its usage" "completed 3600.0 2048.0 25.0" job 3001.pbstest 'j["state"], '"$usage_line"
check "on a sister MoM the hook records nothing" "exit 0 accept " hook execjob_begin no none 3002.pbstest
check "(no job 3002)" 404 curl -s -o /dev/null -w '%{http_code}' "$base/v1/jobs/3002.pbstest"
hook execjob_begin yes none 3003.pbstest >/dev/null
check "a walltime kill (-29) through the hook" "exit 0 accept " hook execjob_end yes -29 3003.pbstest
check "is recorded as a timeout" "timeout -29" job 3003.pbstest 'j["state"], j["exitCode"]'
check "an end without an Exit_status is accepted" "exit 0 accept " hook execjob_end yes none 3004.pbstest
check "and recorded as failed" "failed None" job 3004.pbstest 'j["state"], j.get("exitCode")'
# OpenPBS 23.06's MoM gives the hook no exec_host (see ../shared/fixtures/openpbs-23.06).
HOOK_HOSTS='{"exec_host2": "gpu5:15002/0*2+gpu6:15002/0*2", "exec_vnode": "(gpu5:ncpus=2)+(gpu6:ncpus=2)"}' \
    hook execjob_begin yes none 3006.pbstest >/dev/null
check "without exec_host, the hosts come from exec_host2" "running gpu5,gpu6" job 3006.pbstest 'j["state"], ",".join(j["nodes"])'
HOOK_HOSTS='{"exec_vnode": "(gpu7:ncpus=2:mem=2gb)+(gpu8[0]:ncpus=1+gpu8[1]:ncpus=1)"}' \
    hook execjob_begin yes none 3007.pbstest >/dev/null
check "and with only exec_vnode, from its vnodes' hosts" "running gpu7,gpu8" job 3007.pbstest 'j["state"], ",".join(j["nodes"])'
sed 's|^LIBEXEC = .*|LIBEXEC = "/nonexistent/hpc-obs"|' /usr/share/hpc-obs/pbs/hpc_obs.py >"$work/broken_hook.py"
broken_hook() { hook execjob_begin yes none 3005.pbstest "$work/broken_hook.py" | sed -E 's/: [A-Za-z]*Error\(.*\) accept/ accept/'; }
check "executables missing: the hook logs it and still accepts" "exit 0 log hpc-obs: nothing recorded for this job accept " broken_hook

echo "pbs.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
