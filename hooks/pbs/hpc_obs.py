# hpc-obs as an OpenPBS / PBS Professional hook, for sites that run hooks instead of (or as
# well as) the classic prologue and epilogue scripts. On execjob_begin and execjob_end, on the
# job's mother superior, it runs hpc-obs-prolog or hpc-obs-epilog with the arguments a
# prologue or epilogue would get, so events, spooling and deadlines are the same as theirs.
#
# It never rejects an event: whatever goes wrong, the job runs. It runs under Python 2.7
# (PBS Professional before 2020) and 3. Import it with (see hooks/pbs/README.md):
#
#   qmgr -c "create hook hpc_obs"
#   qmgr -c "import hook hpc_obs application/x-python default /usr/share/hpc-obs/pbs/hpc_obs.py"
#   qmgr -c "set hook hpc_obs event = 'execjob_begin,execjob_end'"
#   qmgr -c "set hook hpc_obs alarm = 10"
#   qmgr -c "set hook hpc_obs enabled = true"
import os
import subprocess
import time

import pbs

LIBEXEC = "/usr/libexec/hpc-obs"
# The executables stop themselves after HPC_OBS_HOOK_TIMEOUT (2 s by default). Past this, one
# is sent SIGTERM, on which it spools its event and exits 0; keep the hook's alarm above it.
TIMEOUT_SECONDS = 8
# The resources hpc-obs reads; passing only these keeps the strings far below the 2,048
# bytes a prologue's arguments are cut at.
REQUESTED = ("ncpus", "mem", "ngpus", "naccelerators")
USED = ("cput", "mem", "vmem", "walltime", "ncpus", "cpupercent")


def text(value, unset=""):
    return unset if value is None else str(value)


def resource_string(resources, names):
    if resources is None:
        return ""
    pairs = []
    for name in names:
        try:
            value = resources[name]
        except Exception:
            value = None
        if value is not None:
            pairs.append("%s=%s" % (name, value))
    return ",".join(pairs)


def hosts(job):
    """The job's hosts in the first form this PBS has: `exec_host` (PBS Professional, older
    OpenPBS), else `exec_host2` (`vm:15002/0`) or `exec_vnode` (`(vm:ncpus=1)`), which are all
    an OpenPBS 23.06 MoM's job object holds. hpc-obs-prolog reads every form."""
    for name in ("exec_host", "exec_host2", "exec_vnode"):
        try:
            value = getattr(job, name, None)
        except Exception:
            value = None
        if value:
            return str(value)
    return ""


def arguments(event, job):
    common = [text(job.id), text(job.euser), text(job.egroup)]
    if event.type == pbs.EXECJOB_BEGIN:
        return "hpc-obs-prolog", common + [
            text(job.Job_Name),
            resource_string(job.Resource_List, REQUESTED),
            text(job.queue),
            text(job.Account_Name, "null"),
            "",
        ]
    return "hpc-obs-epilog", common + [
        text(job.Job_Name),
        text(job.session_id),
        resource_string(job.Resource_List, REQUESTED),
        resource_string(job.resources_used, USED),
        text(job.queue),
        text(job.Account_Name, "null"),
        text(job.Exit_status),
    ]


def run():
    event = pbs.event()
    job = event.job
    if event.type not in (pbs.EXECJOB_BEGIN, pbs.EXECJOB_END) or not job.in_ms_mom():
        return
    program, args = arguments(event, job)
    environment = dict(os.environ)
    environment["HPC_OBS_PBS_FLAVOR"] = "OpenPBS"
    environment["HPC_OBS_PBS_EXEC_HOST"] = hosts(job)
    with open(os.devnull, "r+b") as null:
        child = subprocess.Popen(
            [os.path.join(LIBEXEC, program)] + args, env=environment, stdin=null, stdout=null, stderr=null
        )
        status = wait(child, TIMEOUT_SECONDS)
    if status != 0:
        pbs.logmsg(pbs.LOG_WARNING, "hpc-obs: %s exited %s for %s" % (program, status, job.id))


def wait(child, seconds):
    """The child's exit status; past `seconds`, SIGTERM (the executables spool their event on
    it), then SIGKILL a second later. Polls rather than wait(timeout=), which PBS Professional's
    Python 2 lacks."""
    deadline = time.time() + seconds
    for signal_child in (None, child.terminate, child.kill):
        if signal_child is not None:
            signal_child()
            deadline = time.time() + 1
        while time.time() < deadline:
            status = child.poll()
            if status is not None:
                return status
            time.sleep(0.01)
    return child.wait()


try:
    run()
except SystemExit:
    pass
except Exception as error:
    pbs.logmsg(pbs.LOG_WARNING, "hpc-obs: nothing recorded for this job: %r" % (error,))
pbs.event().accept()
