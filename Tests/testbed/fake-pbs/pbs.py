"""A stand-in for the `pbs` module OpenPBS gives its Python hooks, which no Debian package
provides: just what hooks/pbs/hpc_obs.py uses, with the job described by the environment
variable FAKE_PBS_JOB (JSON of the job's attributes plus "event" and "in_ms_mom"). It records
the hook's verdict and log lines in FAKE_PBS_RECORD."""
import json
import os

EXECJOB_BEGIN = 1 << 9
EXECJOB_END = 1 << 10
LOG_WARNING = 0x0004

_description = json.loads(os.environ["FAKE_PBS_JOB"])


def _record(line):
    with open(os.environ["FAKE_PBS_RECORD"], "a") as record:
        record.write(line + "\n")


class _Job(object):
    def __init__(self, attributes):
        for name, value in attributes.items():
            setattr(self, name, value)

    def in_ms_mom(self):
        return _description.get("in_ms_mom", True)


class _Event(object):
    def __init__(self):
        self.type = {"execjob_begin": EXECJOB_BEGIN, "execjob_end": EXECJOB_END}[_description["event"]]
        self.job = _Job(_description["job"])

    def accept(self):
        _record("accept")
        raise SystemExit(0)

    def reject(self, message=""):
        _record("reject " + message)
        raise SystemExit(0)


_event = _Event()


def event():
    return _event


def logmsg(level, message):
    _record("log %s" % message)
