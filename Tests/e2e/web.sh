#!/usr/bin/env bash
# The web pages in Debian's headless Chromium (Selenium from PyPI), called by Tests/run:
#
#   Tests/e2e/web.sh SERVER_BINARY [SCREENSHOT_DIR]
#
# Starts the server twice on loopback with --seed-demo: open reads, then reads that need a
# token (API_READ_TOKEN_REQUIRED=true). Tests/e2e/web_test.py checks each page; screenshots
# of every page go to SCREENSHOT_DIR (default: a folder under /tmp that the run names).
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

server=${1:?usage: web.sh SERVER_BINARY [SCREENSHOT_DIR]}
work=$(mktemp -d /tmp/hpc-obs-web.XXXXXX)
screenshots=${2:-$work/screenshots}
mkdir -p "$screenshots"
python=.build-tools/venv/bin/python
pid=""
stop_server() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
trap 'stop_server; [ -n "${2:-}" ] || echo "web.sh: screenshots in $screenshots (removed at exit)"; rm -rf "$work"' EXIT

for tool in /usr/bin/chromium /usr/bin/chromedriver /usr/share/javascript/dygraphs/dygraph.min.js; do
    [ -e "$tool" ] || { echo "FAIL [web] $tool is missing: packaging/install-build-deps --test installs it" >&2; exit 1; }
done

start_server() { # name, then environment assignments
    local name=$1
    shift
    port=$(free_port)
    env "$@" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 DATABASE_TYPE=sqlite DATABASE_URL="$work/$name.db" \
        "$server" --seed-demo >"$work/$name.log" 2>&1 &
    pid=$!
    wait_for_url "http://127.0.0.1:$port/v1/health" "hpc-obs-server ($name)" || { cat "$work/$name.log" >&2; exit 1; }
}

status=0
start_server open
"$python" Tests/e2e/web_test.py --url "http://127.0.0.1:$port" --screenshots "$screenshots" || status=1
stop_server

token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
start_server token API_TOKEN="$token" API_READ_TOKEN_REQUIRED=true
"$python" Tests/e2e/web_test.py --url "http://127.0.0.1:$port" --screenshots "$screenshots" --token "$token" || status=1
stop_server
exit "$status"
