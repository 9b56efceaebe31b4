#!/usr/bin/env bash
# hpc-obs, the command, against a server started with --seed-demo under a frozen clock
# (libfaketime), so the demo's times and every report are the same on each run:
#
#   Tests/e2e/cli.sh BIN_DIR                 # holding hpc-obs and hpc-obs-server
#   Tests/e2e/cli.sh BIN_DIR --write         # rewrite Tests/e2e/cli-expected/ from this run
#
# Checks each subcommand's plain output against Tests/e2e/cli-expected/, --json against the
# API's own answer, every exit status (1 unknown job, 2 bad usage, 3 service down or token
# refused), colour and glyphs on a terminal (script(1)) and none in a pipe or with NO_COLOR,
# an empty stderr on success, and `hpc-obs doctor` on a host set up well and badly.
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "${1:?usage: cli.sh BIN_DIR [--write]}" && pwd -P)
write=${2:-}
expected=Tests/e2e/cli-expected
work=$(mktemp -d /tmp/hpc-obs-cli.XXXXXX)
pid=""
failures=0
checks=0
cleanup() {
    # faketime forks the server: stop the whole process group setsid made, not faketime alone.
    if [ -n "$pid" ]; then kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    [ "$failures" -eq 0 ] || { echo "--- server log (tail)"; tail -n 20 "$work/server.log" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

for tool in faketime script; do
    command -v "$tool" >/dev/null || { echo "FAIL [cli] $tool is missing: packaging/install-build-deps --test installs it" >&2; exit 1; }
done

port=$(free_port)
url=http://127.0.0.1:$port
token=$(head -c 24 /dev/urandom | base64)
printf '%s\n' "$token" >"$work/token"
printf 'not-the-token\n' >"$work/wrong-token"
chmod 600 "$work/token" "$work/wrong-token"
# Reads need the token too, so a wrong or missing one shows.
# `-f` without `@`: the clock stands still, so a running job's runtime is the same each time.
(cd "$work" && FAKETIME_DONT_FAKE_MONOTONIC=1 exec setsid faketime -f '2026-11-29 08:00:00' env \
    HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 DATABASE_TYPE=sqlite DATABASE_URL="$work/jobs.db" \
    API_TOKEN="$token" API_READ_TOKEN_REQUIRED=true "$bin/hpc-obs-server" --seed-demo >"$work/server.log" 2>&1) &
pid=$!
wait_for_url "$url/v1/health" "hpc-obs-server --seed-demo"

# What a user's shell would hold; no settings file, so nothing of this host's leaks in.
export HPC_OBS_URL=$url HPC_OBS_TOKEN_FILE=$work/token HPC_OBS_CONFIG=$work/absent.conf TZ=UTC COLUMNS=100
unset NO_COLOR HPC_OBS_CA_FILE
printf '' >"$work/absent.conf"
obs() { "$bin/hpc-obs" "$@"; }

ok() { checks=$((checks + 1)); echo "ok   [cli] $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL [cli] $1"; }

# Output for each of these against its expected file; stderr must stay empty.
compare() { # name, hpc-obs arguments...
    local name=$1
    shift
    local status=0
    obs "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
    if [ "$write" = --write ]; then cp "$work/$name.out" "$expected/$name.txt"; fi
    if [ "$status" -ne 0 ]; then
        fail "hpc-obs $* exits 0 (got $status: $(cat "$work/$name.err"))"
    elif [ -s "$work/$name.err" ]; then
        fail "hpc-obs $* writes nothing on stderr (got: $(cat "$work/$name.err"))"
    elif diff -u "$expected/$name.txt" "$work/$name.out" >"$work/$name.diff"; then
        ok "hpc-obs $* prints $expected/$name.txt"
    else
        fail "hpc-obs $* differs from $expected/$name.txt:"
        cat "$work/$name.diff"
    fi
}
compare job-gpu job demo-1017
compare job-two-nodes job demo-1028
compare job-timeout job demo-1032
compare job-pending job demo-1015
compare jobs-failed jobs --state failed
compare jobs-bob jobs --user bob --limit 4
compare jobs-narrow jobs --limit 5 --since 2026-11-29T06:00:00Z
COLUMNS=60 compare jobs-60-columns jobs --limit 5
# The next page through the cursor the first page's last line gives.
next=$(obs jobs --user bob --limit 4 | sed -n 's/.*the next page: --cursor //p')
compare jobs-bob-next jobs --user bob --limit 4 --cursor "$next"
compare stats stats --since 2026-11-28T08:00:00Z --until 2026-11-29T08:00:00Z --top 3

# --json is the API's document.
same_json() { # description, API path, hpc-obs arguments...
    local description=$1 path=$2
    shift 2
    curl -fsS -H "Authorization: Bearer $token" "$url$path" >"$work/api.json"
    obs "$@" --json >"$work/cli.json"
    if python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$work/api.json" "$work/cli.json"; then
        ok "$description"
    else
        fail "$description: $(diff <(python3 -m json.tool --sort-keys "$work/api.json") <(python3 -m json.tool --sort-keys "$work/cli.json") | head -20)"
    fi
}
same_json "job --json is GET /v1/jobs/{id}" /v1/jobs/demo-1017 job demo-1017
same_json "jobs --json is GET /v1/jobs" "/v1/jobs?state=running&limit=50&offset=0" jobs --state running
same_json "stats --json is GET /v1/stats" "/v1/stats?since=2026-11-28T08:00:00Z&until=2026-11-29T08:00:00Z&top=10" \
    stats --since 2026-11-28T08:00:00Z --until 2026-11-29T08:00:00Z
same_json "health --json is GET /v1/health" /v1/health health

# Exit statuses, each with one line on stderr that says what to do.
status_of() { # expected status, what stderr must mention, description, hpc-obs arguments...
    local want=$1 mention=$2 description=$3 status=0
    shift 3
    obs "$@" >"$work/out" 2>"$work/err" || status=$?
    if [ "$status" -eq "$want" ] && grep -q -- "$mention" "$work/err" && [ "$(wc -l <"$work/err")" -ge 1 ]; then
        ok "$description: exit $want, says '$mention'"
    else
        fail "$description: wanted exit $want mentioning '$mention', got $status: $(head -c 400 "$work/err")"
    fi
}
status=0
obs health >"$work/out" 2>"$work/err" || status=$?
if [ "$status" -eq 0 ] && [ ! -s "$work/err" ] && grep -q '^ok: hpc-obs-server .* store reachable, reads need a token$' "$work/out"; then
    ok "health of a healthy service: exit 0, one line"
else
    fail "health of a healthy service: exit $status: $(cat "$work/out" "$work/err")"
fi
status_of 1 "has no job" "an unknown job" job 999999
status_of 2 "is invalid for '--state" "an unknown state" jobs --state finished
status_of 2 "is not an RFC 3339 time" "a time that is not one" jobs --since yesterday-ish
status_of 2 "--limit must be" "a limit out of range" jobs --limit 0
status_of 2 "is not a job id" "a job id with a slash" job 'a/b'
status_of 2 "Missing expected argument" "no job id" job
HPC_OBS_URL='' status_of 2 "no service URL" "no URL anywhere" health
status_of 2 "is not a service URL" "a URL without a scheme" health --url 127.0.0.1:$port
status_of 3 "cannot reach the service" "a service that is down" health --url "http://127.0.0.1:$(free_port)" --timeout 2
HPC_OBS_TOKEN_FILE=$work/wrong-token status_of 3 "refused the token" "a wrong token" jobs
HPC_OBS_TOKEN_FILE=$work/missing status_of 3 "cannot be read by this user" "a token file that is not there" jobs
HPC_OBS_TOKEN_FILE='' status_of 3 "no token is configured" "no token" job demo-1017

# A terminal gets colour and glyphs; NO_COLOR keeps the glyphs; a pipe gets neither.
script -qec "'$bin/hpc-obs' job demo-1017" /dev/null >"$work/tty.out"
if grep -q $'\e\[' "$work/tty.out" && grep -q '█' "$work/tty.out"; then ok "a terminal gets colour and bar glyphs"; else fail "a terminal gets colour and bar glyphs: $(head -c 300 "$work/tty.out")"; fi
NO_COLOR=1 script -qec "'$bin/hpc-obs' job demo-1017" /dev/null >"$work/nocolor.out"
if ! grep -q $'\e\[' "$work/nocolor.out" && grep -q '█' "$work/nocolor.out"; then ok "NO_COLOR on a terminal: glyphs, no colour"; else fail "NO_COLOR on a terminal: glyphs, no colour"; fi
obs job demo-1017 | cat >"$work/pipe.out"
if ! grep -q $'\e\[' "$work/pipe.out" && ! grep -q '█' "$work/pipe.out"; then ok "a pipe gets plain text"; else fail "a pipe gets plain text"; fi
# doctor on a host set up well, then badly. The spool and token are this run's. The
# server's clock stands at 2026-11-29 08:00, so the doctor must see that it is days off.
install -d -m 2770 "$work/spool"
cat >"$work/doctor.conf" <<CONF
HPC_OBS_URL=$url
HPC_OBS_TOKEN_FILE=$work/token
HPC_OBS_SPOOL_DIR=$work/spool
CONF
doctor() { # settings file, doctor arguments...
    local conf=$1
    shift
    env -u HPC_OBS_URL -u HPC_OBS_TOKEN_FILE HPC_OBS_CONFIG="$conf" SLURM_CONF="$work/no-slurm.conf" PBS_HOME="$work/no-pbs" "$bin/hpc-obs" doctor "$@"
}
status=0
doctor "$work/doctor.conf" >"$work/doctor.out" 2>"$work/doctor.err" || status=$?
if [ "$(id -u)" = 0 ]; then
    if [ "$status" -eq 0 ] && grep -qE '^ok +token +the service accepts' "$work/doctor.out" && grep -qE '^ok +service ' "$work/doctor.out" \
        && grep -qE '^ok +spool .*nothing waiting' "$work/doctor.out" \
        && grep -qE '^warning +scheduler hooks' "$work/doctor.out" && grep -qE '^ok +collector sources' "$work/doctor.out" && [ ! -s "$work/doctor.err" ]; then
        ok "doctor on a good setup: exit 0, service, token and spool ok"
    else
        fail "doctor on a good setup (exit $status): $(cat "$work/doctor.out" "$work/doctor.err")"
    fi
else
    echo "note [cli] not root: the spool's owner check is root's, so the good-setup doctor run is left to the full suite"
fi
chmod 644 "$work/wrong-token"
touch "$work/spool/1.json" "$work/spool/2.json"
cat >"$work/doctor-bad.conf" <<CONF
HPC_OBS_URL=$url
HPC_OBS_TOKEN_FILE=$work/wrong-token
HPC_OBS_SPOOL_DIR=$work/spool
this line is not a setting
CONF
status=0
doctor "$work/doctor-bad.conf" >"$work/doctor.out" 2>&1 || status=$?
if [ "$status" -eq 1 ] && grep -qE '^problem +settings file .*line 4' "$work/doctor.out" \
    && grep -qE '^problem +token file .*mode 0644' "$work/doctor.out" && grep -q 'fix: chmod 0640' "$work/doctor.out" \
    && grep -qE '^problem +token +the service refuses' "$work/doctor.out" && grep -qE '^warning +spool +2 events wait' "$work/doctor.out"; then
    ok "doctor on a bad setup: exit 1, the bad line, the open token file, the refused token and the waiting events, each with a fix"
else
    fail "doctor on a bad setup (exit $status): $(cat "$work/doctor.out")"
fi
if grep -qE "^warning +clock +this host's clock is [0-9]+ s ahead of the service's" "$work/doctor.out" && grep -q 'fix: run an NTP client' "$work/doctor.out"; then
    ok "doctor sees the service's clock standing days behind this host's"
else
    fail "doctor sees the service's clock days behind: $(grep clock "$work/doctor.out")"
fi
status=0
doctor "$work/doctor.conf" --url "http://127.0.0.1:$(free_port)" >"$work/doctor.out" 2>&1 || status=$?
if [ "$status" -eq 1 ] && grep -qE '^problem +service .*cannot|^problem +service .*refused' "$work/doctor.out"; then
    ok "doctor with the service down: exit 1, says so"
else
    fail "doctor with the service down (exit $status): $(cat "$work/doctor.out")"
fi

echo "cli.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
