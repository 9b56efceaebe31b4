"""Starts COUNT hook processes as fast as it can (a job starting on every node at once), each
as slurmd would: an empty environment but for the job's variables. Waits for all; prints a
JSON line with how long the starts took, every exit status and each run's duration.

    hook-storm.py PROLOG SETTINGS_FILE COUNT JOB_ID
"""
import json
import os
import sys
import time

prolog, settings, count, job = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
environments = [[
    f"SLURM_SCRIPT_CONTEXT=prolog_slurmd", f"SLURM_JOB_ID={job}", "SLURM_JOB_USER=alice", "SLURM_JOB_UID=1000",
    "SLURM_JOB_PARTITION=batch", f"SLURMD_NODENAME=cn{node:05d}", f"HPC_OBS_CONFIG={settings}",
] for node in range(count)]
null = os.open(os.devnull, os.O_RDWR)
actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
started_at = {}
started = time.monotonic()
for environment in environments:
    pid = os.posix_spawn(prolog, [prolog], dict(entry.split("=", 1) for entry in environment), file_actions=actions)
    started_at[pid] = time.monotonic()
launched = time.monotonic() - started
durations = []
statuses = {}
while started_at:
    pid, status = os.wait()
    durations.append(time.monotonic() - started_at.pop(pid))
    code = os.waitstatus_to_exitcode(status)
    statuses[code] = statuses.get(code, 0) + 1
durations.sort()
print(json.dumps({
    "hooks": count, "launchSeconds": round(launched, 3), "wallSeconds": round(time.monotonic() - started, 3),
    "exitStatuses": {str(key): value for key, value in statuses.items()},
    "p50Seconds": round(durations[len(durations) // 2], 3), "p99Seconds": round(durations[int(len(durations) * 0.99)], 3),
    "maxSeconds": round(durations[-1], 3),
}))
