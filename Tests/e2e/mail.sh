#!/usr/bin/env bash
# The Slurm MailProg wrapper, hooks/slurm/mail-with-report, against a running server:
#
#   Tests/e2e/mail.sh SERVER_BINARY HPC_OBS_BINARY
#
# Starts the server on loopback with --seed-demo, and gives the wrapper a stand-in mailer that
# writes its arguments (one a line) and its stdin to files. Checks that
#   1. an end mail for a demo job goes out with its arguments intact and the job's report,
#      plain text, appended;
#   2. a begin mail goes out unchanged;
#   3. with the service down, the end mail still goes out, saying the report was not available;
#   4. so does the end mail of a job the service does not know;
#   5. a subject with shell in its job id gets no report and runs nothing;
#   6. the wrapper exits with the real mailer's status.
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

usage="usage: mail.sh SERVER_BINARY HPC_OBS_BINARY"
server=${1:?$usage}
client=${2:?$usage}
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")
client=$(cd "$(dirname "$client")" && pwd)/$(basename "$client")
wrapper=$PWD/hooks/slurm/mail-with-report
work=$(mktemp -d /tmp/hpc-obs-mail.XXXXXX)
pid=""
stop_server() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
trap 'stop_server; rm -rf "$work"' EXIT
failures=0
checks=0

# The stand-in mailer: its arguments, one a line, to argv; its stdin to body; exits
# MAILER_STATUS (0 unless set).
cat >"$work/mailer" <<'EOF'
#!/bin/sh
dir=$(dirname "$0")
printf '%s\n' "$@" >"$dir/argv"
cat >"$dir/body"
exit "${MAILER_STATUS:-0}"
EOF
chmod +x "$work/mailer"

port=$(free_port)
HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 DATABASE_TYPE=sqlite DATABASE_URL="$work/db" \
    "$server" --seed-demo >"$work/server.log" 2>&1 &
pid=$!
wait_for_url "http://127.0.0.1:$port/v1/health" "hpc-obs-server" || { cat "$work/server.log" >&2; exit 1; }

pass() { checks=$((checks + 1)); echo "ok   [mail] $1"; }
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL [mail] $1"
    if [ -f "$work/body" ]; then sed 's/^/       | /' "$work/body"; fi
}
expect() { # description, then a test command
    local description=$1
    shift
    if "$@"; then pass "$description"; else fail "$description"; fi
}

# Runs the wrapper as slurmctld would (-s SUBJECT RECIPIENT, no body) against URL; sets
# `status`. Extra environment assignments may follow the URL.
send() { # url, subject, then environment assignments
    local url=$1 subject=$2
    shift 2
    rm -f "$work/argv" "$work/body"
    status=0
    env HPC_OBS_URL="$url" HPC_OBS_BIN="$client" HPC_OBS_REAL_MAILER="$work/mailer" "$@" \
        "$wrapper" -s "$subject" "bob@example.org" </dev/null >"$work/wrapper.out" 2>&1 || status=$?
}
args_intact() { # subject
    printf '%s\n' -s "$1" "bob@example.org" | cmp -s - "$work/argv"
}
body_has() { grep -qF -- "$1" "$work/body"; }
body_lacks() { ! grep -qF -- "$1" "$work/body"; }
no_ansi() { ! grep -q "$(printf '\033')" "$work/body"; }
exited() { [ "$status" = "$1" ]; }

url="http://127.0.0.1:$port"
closed="http://127.0.0.1:$(free_port)"

# 1. An end mail: arguments intact, report appended, plain.
subject="Slurm Job_id=demo-1017 Name=gromacs-run Ended, Run time 02:14:26, COMPLETED, ExitCode 0"
send "$url" "$subject"
expect "end mail: delivered, wrapper exit 0" exited 0
expect "end mail: arguments intact (-s, subject with spaces, recipient)" args_intact "$subject"
expect "end mail: body has the report (Job demo-1017, Requested and used)" \
    eval 'body_has "Job demo-1017" && body_has "Requested and used"'
expect "end mail: blank line before the report" eval '[ "$(head -n 1 "$work/body")" = "" ]'
expect "end mail: no ANSI escapes" no_ansi
expect "end mail: wrapper prints nothing" eval '[ ! -s "$work/wrapper.out" ]'

# A failed job's mail and an array task's id get the same treatment.
subject="Slurm Job_id=demo-1017 Name=gromacs-run Failed, Run time 02:14:26, FAILED, ExitCode 1"
send "$url" "$subject"
expect "failed mail: report appended" eval 'args_intact "$subject" && body_has "Job demo-1017"'
subject="Slurm Array Task Job_id=4242_7 (4250) Name=sweep Ended, Run time 00:00:05, COMPLETED, ExitCode 0"
send "$url" "$subject"
expect "array task mail: id 4242_7 asked for" eval 'exited 0 && args_intact "$subject" && body_has "job 4242_7 was not available"'

# 2. A begin mail goes out unchanged.
subject="Slurm Job_id=demo-1017 Name=x Began, Queued time 00:00:01"
send "$url" "$subject"
expect "begin mail: delivered unchanged, no report" \
    eval 'exited 0 && args_intact "$subject" && [ ! -s "$work/body" ]'

# 3. The service down: a closed port, then the server stopped.
subject="Slurm Job_id=demo-1017 Name=gromacs-run Ended, Run time 02:14:26, COMPLETED, ExitCode 0"
send "$closed" "$subject"
expect "service unreachable: delivered, exit 0, 'not available' line, no report" \
    eval 'exited 0 && args_intact "$subject" && body_has "was not available" && body_lacks "Requested and used"'
expect "service unreachable: no stderr noise in the body" eval '[ "$(grep -c . "$work/body")" = 1 ] && body_lacks "hpc-obs:"'

# 4. A job the service does not know.
subject="Slurm Job_id=999999999 Name=x Ended, Run time 00:00:05, COMPLETED, ExitCode 0"
send "$url" "$subject"
expect "unknown job: delivered, exit 0, 'not available' line" \
    eval 'exited 0 && args_intact "$subject" && body_has "was not available" && body_lacks "Requested and used"'

# 5. Shell in the job id: no report, nothing run.
pwned="$work/pwned"
subject="Slurm Job_id=1;touch $pwned Ended, Run time 00:00:05, COMPLETED, ExitCode 0"
send "$url" "$subject"
expect "hostile subject: delivered intact, exit 0" eval 'exited 0 && args_intact "$subject"'
expect "hostile subject: no report, nothing executed" \
    eval '[ ! -e "$pwned" ] && body_lacks "Job " && body_lacks "not available"'
subject='Slurm Job_id=$(touch${IFS}'"$pwned"') Name=x Ended, Run time 00:00:05, COMPLETED, ExitCode 0'
send "$url" "$subject"
expect "hostile subject \$(...): delivered intact, nothing executed" \
    eval 'exited 0 && args_intact "$subject" && [ ! -e "$pwned" ]'
subject="Slurm Job_id=--help Name=x Ended, Run time 00:00:05, COMPLETED, ExitCode 0"
send "$url" "$subject"
expect "option-like job id: no report" eval 'exited 0 && args_intact "$subject" && body_lacks "USAGE" && body_lacks "not available"'

# 6. The real mailer's status passes through, report or not.
subject="Slurm Job_id=demo-1017 Name=gromacs-run Ended, Run time 02:14:26, COMPLETED, ExitCode 0"
send "$url" "$subject" MAILER_STATUS=7
expect "mailer exit 7 on an end mail: wrapper exits 7" eval 'exited 7 && body_has "Job demo-1017"'
send "$url" "Slurm Job_id=demo-1017 Name=x Began, Queued time 00:00:01" MAILER_STATUS=7
expect "mailer exit 7 on a begin mail: wrapper exits 7" exited 7

# 3, again: the server itself gone.
stop_server
send "$url" "$subject"
expect "server stopped: delivered, exit 0, 'not available' line" \
    eval 'exited 0 && args_intact "$subject" && body_has "was not available"'

if [ "$failures" -gt 0 ]; then
    echo "mail.sh: $failures of $checks checks failed"
    exit 1
fi
echo "mail.sh: all $checks checks passed"
