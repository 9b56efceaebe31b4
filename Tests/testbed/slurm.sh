#!/usr/bin/env bash
# Starts or stops a throwaway one-node Slurm cluster from Debian's packages for the test suite.
#
#   Tests/testbed/slurm.sh start DIR [--prolog PATH] [--epilog PATH]
#                                    [--prolog-slurmctld PATH] [--epilog-slurmctld PATH]
#                                    [--max-jobs N] [--cluster-name NAME]
#                                    # prints: export SLURM_CONF=DIR/slurm.conf
#   Tests/testbed/slurm.sh stop DIR
#   Tests/testbed/slurm.sh stop-slurmctld DIR    # the controller alone, for outage tests
#   Tests/testbed/slurm.sh start-slurmctld DIR   # back again, same slurm.conf and state
#   Tests/testbed/slurm.sh kill-slurmd DIR       # the node lost: slurmd and its jobs' steps killed
#   Tests/testbed/slurm.sh start-slurmd DIR      # the node back (ReturnToService=2 takes it)
#
# The cluster lives entirely in DIR: slurm.conf, state and spool directories, logs, pid files,
# and its own munged (key, socket, seed, log and pid under DIR/munge), so it neither needs nor
# disturbs a system munge or slurm. slurmctld and slurmd listen on free ports; the node is this
# host (`hostname -s`, at 127.0.0.1) with its real CPU count, in one partition `debug`. Its
# ClusterName is `hpcobs-test` unless --cluster-name says otherwise: two DIRs with different
# names are two clusters on this host, each numbering its jobs from 1.
# Run as root (SlurmUser=root; munged runs as the `munge` user). DIR is made world-traversable
# (0755) so that munged and non-root Slurm clients can reach the munge socket inside it.
# Hook scripts must be absolute paths, executable; slurmd and slurmctld run them as root with
# no PATH and little else in the environment. Without PrologFlags=Alloc the Prolog runs when the
# job's first step (the batch script, or srun) starts on the node.
#
# Starting again on a DIR whose cluster still runs only prints the export line. Stopping cancels
# every unfinished job, then stops slurmd (and any slurmstepd left), slurmctld and munged. A
# stopped DIR can be started again: slurm.conf is rewritten (new ports), finished jobs recovered.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage="usage: slurm.sh start DIR [--prolog PATH] [--epilog PATH] [--prolog-slurmctld PATH] [--epilog-slurmctld PATH] [--max-jobs N] [--cluster-name NAME] | slurm.sh stop|stop-slurmctld|start-slurmctld|kill-slurmd|start-slurmd DIR"
action=${1:?$usage}
dir=${2:?$usage}
shift 2

fail() {
    echo "slurm.sh: $*" >&2
    exit 1
}

# Prints the last lines of the given logs on stderr, to say why something did not come up.
log_tails() {
    for log in "$@"; do
        if [ -f "$log" ]; then
            echo "--- last lines of $log:" >&2
            tail -n 20 "$log" >&2
        fi
    done
}

# Prints the pid recorded in pid file $1 when that process still runs.
live_pid() {
    local pid
    [ -f "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# Waits up to $2 × 0.2 s for process $1 to be gone.
exited() {
    for _ in $(seq 1 "$2"); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.2
    done
    return 1
}

# Stops the process in pid file $1 ($2 names it): TERM, then up to 20 s, then KILL.
stop_pidfile() {
    local pid
    pid=$(live_pid "$1") || { rm -f "$1"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    exited "$pid" 100 && { rm -f "$1"; return 0; }
    echo "slurm.sh: $2 (pid $pid) did not exit within 20 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    exited "$pid" 25 && { rm -f "$1"; return 0; }
    echo "slurm.sh: $2 (pid $pid) survived SIGKILL" >&2
    return 1
}

# Prints the pids of this cluster's slurmstepd processes: those working in DIR or holding a file
# under it (slurmd starts them in DIR, with its log open).
stepd_pids() {
    local pid link
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [ "$(cat "$proc/comm" 2>/dev/null)" = slurmstepd ] || continue
        for link in "$proc/cwd" "$proc"/fd/*; do
            case "$(readlink "$link" 2>/dev/null)" in
            "$dir" | "$dir"/*) echo "$pid"; break ;;
            esac
        done
    done
}

# Prints pid $1 and all its descendants.
process_tree() {
    local child
    echo "$1"
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do process_tree "$child"; done
}

case "$action" in
start)
    prolog="" epilog="" prolog_ctld="" epilog_ctld="" max_jobs=10000 cluster_name=hpcobs-test
    while [ $# -gt 0 ]; do
        case "$1" in
        --prolog) prolog=${2:?$usage}; shift 2 ;;
        --epilog) epilog=${2:?$usage}; shift 2 ;;
        --prolog-slurmctld) prolog_ctld=${2:?$usage}; shift 2 ;;
        --epilog-slurmctld) epilog_ctld=${2:?$usage}; shift 2 ;;
        --max-jobs) max_jobs=${2:?$usage}; shift 2 ;;
        --cluster-name) cluster_name=${2:?$usage}; shift 2 ;;
        *) echo "slurm.sh: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
        esac
    done
    case "$max_jobs" in '' | *[!0-9]*) fail "--max-jobs wants a number, not '$max_jobs'" ;; esac
    case "$cluster_name" in '' | *[!a-z0-9_-]*) fail "--cluster-name wants lower-case letters, digits, - and _, not '$cluster_name'" ;; esac
    for hook in "$prolog" "$epilog" "$prolog_ctld" "$epilog_ctld"; do
        [ -z "$hook" ] && continue
        case "$hook" in /*) ;; *) fail "hook script '$hook' must be an absolute path" ;; esac
        [ -x "$hook" ] || fail "hook script '$hook' is not an executable file"
    done

    [ "$(id -u)" = 0 ] || fail "must run as root (the cluster runs with SlurmUser=root)"
    for tool in munged mungekey slurmctld slurmd sinfo; do
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] \
            || fail "'$tool' is missing; install Debian's slurmctld slurmd slurm-client munge (packaging/install-build-deps --test)"
    done
    id munge >/dev/null 2>&1 || fail "no 'munge' user; install Debian's 'munge' package"
    PATH=$PATH:/usr/sbin

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    conf=$dir/slurm.conf
    export SLURM_CONF=$conf

    if live_pid "$dir/slurmctld.pid" >/dev/null && live_pid "$dir/slurmd.pid" >/dev/null \
        && live_pid "$dir/munge/munged.pid" >/dev/null; then
        echo "export SLURM_CONF=$conf"
        exit 0
    fi
    # Half a cluster (one daemon died) is stopped first, then started whole.
    "$0" stop "$dir"

    socket=$dir/munge/munge.socket.2
    # A unix socket path holds at most 107 bytes (munged adds ".lock" beside it).
    [ "${#socket}" -le 100 ] || fail "DIR '$dir' is too long for a unix socket path under it (keep it under 80 characters)"

    chmod 0755 "$dir"
    runuser -u munge -- test -x "$dir" \
        || fail "the munge user cannot reach $dir: make its parent directories traversable (chmod 755)"
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
    chown munge: "$dir/munge"
    chmod 0755 "$dir/munge"
    if [ ! -s "$dir/munge/munge.key" ]; then
        runuser -u munge -- mungekey --create --keyfile="$dir/munge/munge.key" >"$dir/mungekey.log" 2>&1 \
            || { cat "$dir/mungekey.log" >&2; fail "mungekey could not make a key in $dir/munge"; }
    fi
    runuser -u munge -- munged --socket="$socket" --key-file="$dir/munge/munge.key" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" --num-threads=4 >"$dir/munged.out" 2>&1 \
        || { cat "$dir/munged.out" >&2; log_tails "$dir/munge/munged.log"; fail "munged did not start"; }
    for _ in $(seq 1 50); do
        [ -S "$socket" ] && break
        sleep 0.1
    done
    [ -S "$socket" ] || { log_tails "$dir/munge/munged.log"; fail "munged made no socket at $socket"; }

    host=$(hostname -s)
    cpus=$(nproc)
    ctld_port=$(free_port)
    slurmd_port=$(free_port)
    while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
    {
        echo "# Written by Tests/testbed/slurm.sh; rewritten at every start."
        echo "ClusterName=$cluster_name"
        echo "SlurmctldHost=$host(127.0.0.1)"
        echo "SlurmctldPort=$ctld_port"
        echo "SlurmdPort=$slurmd_port"
        echo "SlurmUser=root"
        echo "SlurmdUser=root"
        echo "AuthType=auth/munge"
        echo "CredType=cred/munge"
        echo "AuthInfo=socket=$socket"
        echo "StateSaveLocation=$dir/state"
        echo "SlurmdSpoolDir=$dir/spool"
        echo "SlurmctldPidFile=$dir/slurmctld.pid"
        echo "SlurmdPidFile=$dir/slurmd.pid"
        echo "SlurmctldLogFile=$dir/slurmctld.log"
        echo "SlurmdLogFile=$dir/slurmd.log"
        echo "SlurmctldDebug=info"
        echo "SlurmdDebug=info"
        echo "PlugStackConfig=$dir/plugstack.conf"
        echo "ProctrackType=proctrack/linuxproc"
        echo "TaskPlugin=task/none"
        echo "SelectType=select/cons_tres"
        echo "SelectTypeParameters=CR_Core_Memory"
        # Without a default, CR_Core_Memory gives each job all the node's memory: one job at a time.
        echo "DefMemPerCPU=100"
        echo "SchedulerType=sched/backfill"
        echo "JobAcctGatherType=jobacct_gather/none"
        echo "AccountingStorageType=accounting_storage/none"
        echo "JobCompType=jobcomp/none"
        echo "MpiDefault=none"
        echo "MailProg=/bin/true"
        echo "MaxJobCount=$max_jobs"
        echo "MinJobAge=300"
        echo "ReturnToService=2"
        echo "SlurmctldTimeout=30"
        echo "SlurmdTimeout=30"
        echo "MessageTimeout=10"
        echo "KillWait=5"
        echo "InactiveLimit=0"
        echo "Waittime=0"
        [ -n "$prolog" ] && echo "Prolog=$prolog"
        [ -n "$epilog" ] && echo "Epilog=$epilog"
        [ -n "$prolog_ctld" ] && echo "PrologSlurmctld=$prolog_ctld"
        [ -n "$epilog_ctld" ] && echo "EpilogSlurmctld=$epilog_ctld"
        echo "NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=2000 State=UNKNOWN"
        echo "PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP"
    } >"$conf"
    # An empty plugstack.conf keeps Slurm from reading the system's /etc/slurm/plugstack.conf.
    : >"$dir/plugstack.conf"
    chmod 0644 "$conf" "$dir/plugstack.conf"

    slurmctld -f "$conf" >"$dir/slurmctld.out" 2>&1 \
        || { cat "$dir/slurmctld.out" >&2; log_tails "$dir/slurmctld.log"; fail "slurmctld did not start"; }
    slurmd -f "$conf" >"$dir/slurmd.out" 2>&1 \
        || { cat "$dir/slurmd.out" >&2; log_tails "$dir/slurmd.log"; fail "slurmd did not start"; }

    state=""
    for _ in $(seq 1 300); do
        state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
        case "$state" in idle | mix | alloc) break ;; esac
        sleep 0.2
    done
    case "$state" in
    idle | mix | alloc) ;;
    *)
        log_tails "$dir/munge/munged.log" "$dir/slurmctld.log" "$dir/slurmd.log"
        fail "node $host is not up after 60 s (sinfo says '${state:-nothing}'); logs are in $dir"
        ;;
    esac
    echo "export SLURM_CONF=$conf"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd -P)
    status=0
    # Cancel all unfinished jobs first (pending ones too, lest they start while slurmd stops),
    # so that their steps end, their srun clients return and their epilogs run.
    if live_pid "$dir/slurmctld.pid" >/dev/null && [ -f "$dir/slurm.conf" ]; then
        jobs=$(SLURM_CONF=$dir/slurm.conf timeout 15 squeue -h -o %A 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086 # one word per job id
            SLURM_CONF=$dir/slurm.conf timeout 15 scancel $jobs 2>/dev/null || true
            for _ in $(seq 1 75); do
                [ -z "$(stepd_pids)" ] && break
                sleep 0.2
            done
        fi
    fi
    stop_pidfile "$dir/slurmd.pid" slurmd || status=1
    # slurmstepd outlives slurmd: end what is left of this cluster's steps, with their processes.
    for stepd in $(stepd_pids); do
        for pid in $(process_tree "$stepd"); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    stop_pidfile "$dir/slurmctld.pid" slurmctld || status=1
    stop_pidfile "$dir/munge/munged.pid" munged || status=1
    exit "$status"
    ;;
stop-slurmctld)
    stop_pidfile "$dir/slurmctld.pid" slurmctld
    ;;
start-slurmctld)
    [ -f "$dir/slurm.conf" ] || fail "no cluster in $dir (run start first)"
    live_pid "$dir/slurmctld.pid" >/dev/null && exit 0
    PATH=$PATH:/usr/sbin
    slurmctld -f "$dir/slurm.conf" >"$dir/slurmctld.out" 2>&1 \
        || { cat "$dir/slurmctld.out" >&2; log_tails "$dir/slurmctld.log"; fail "slurmctld did not start"; }
    for _ in $(seq 1 150); do
        SLURM_CONF=$dir/slurm.conf scontrol ping 2>/dev/null | grep -q UP && exit 0
        sleep 0.2
    done
    log_tails "$dir/slurmctld.log"
    fail "slurmctld does not answer after 30 s"
    ;;
kill-slurmd)
    # As a node that loses power: no epilog, no goodbye to slurmctld.
    pid=$(live_pid "$dir/slurmd.pid") && kill -KILL "$pid" 2>/dev/null || true
    for stepd in $(stepd_pids); do
        for pid in $(process_tree "$stepd"); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    rm -f "$dir/slurmd.pid"
    ;;
start-slurmd)
    [ -f "$dir/slurm.conf" ] || fail "no cluster in $dir (run start first)"
    live_pid "$dir/slurmd.pid" >/dev/null && exit 0
    PATH=$PATH:/usr/sbin
    slurmd -f "$dir/slurm.conf" >"$dir/slurmd.out" 2>&1 \
        || { cat "$dir/slurmd.out" >&2; log_tails "$dir/slurmd.log"; fail "slurmd did not start"; }
    ;;
*)
    echo "slurm.sh: unknown action '$action' (use start, stop, stop-slurmctld, start-slurmctld, kill-slurmd or start-slurmd)" >&2
    exit 2
    ;;
esac
