#!/usr/bin/env bash
# End-to-end checks of a running hpc-obs-server, called by Tests/run after the build:
#
#   Tests/e2e/api.sh SERVER_BINARY [POSTGRES_URL]
#
# For SQLite (and PostgreSQL when a URL is given) it starts the server on a free loopback
# port with --seed-demo, then
#   1. sends the reference service's example requests (reference-examples.txt), word for
#      word but for the address, and checks each answers 2xx;
#   2. runs schemathesis against openapi.yaml with a fixed seed and up to 150 examples per
#      operation, checking for 5xx responses and responses that break the schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

server=${1:?usage: api.sh SERVER_BINARY [POSTGRES_URL]}
postgres_url=${2:-}
schemathesis=.build-tools/venv/bin/schemathesis
work=$(mktemp -d /tmp/hpc-obs-e2e.XXXXXX)
pid=""
stop_server() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# SIGTERM is how systemd stops the server: it must finish and exit 0.
stop_server_gracefully() { # name
    checks=$((checks + 1))
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    pid=""
    if [ "$status" = 0 ]; then
        echo "ok   [$1] SIGTERM: exit 0"
    else
        echo "FAIL [$1] SIGTERM: exit $status; log:"
        tail -n 20 "$work/$1.log"
        failures=$((failures + 1))
    fi
}
failures=0
checks=0


start_server() { # name, then environment assignments
    local name=$1
    shift
    port=$(free_port)
    env "$@" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warning "$server" --seed-demo >"$work/$name.log" 2>&1 &
    pid=$!
    wait_for_url "http://127.0.0.1:$port/v1/health" "hpc-obs-server ($name)" || { cat "$work/$name.log" >&2; exit 1; }
}

run_schemathesis() { # name
    checks=$((checks + 1))
    # Checked: no 5xx, and every response (status, content type, headers, body) as the spec
    # documents it. Not checked: positive_data_acceptance, because the service refuses
    # schema-valid input that breaks rules a schema cannot express (CPU use above the job's
    # allocation, a finished job reopened, an end before its start); negative_data_rejection,
    # because `null` for an optional field is read as the field left out.
    if "$schemathesis" run openapi.yaml --url "http://127.0.0.1:$port" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method \
        --phases examples,fuzzing,stateful --seed 20261129 --max-examples 150 --workers 2 \
        --no-color >"$work/schemathesis-$1.log" 2>&1; then
        echo "ok   [$1] schemathesis: $(grep -E 'passed|generated' "$work/schemathesis-$1.log" | tail -n 1)"
    else
        echo "FAIL [$1] schemathesis:"
        tail -n 80 "$work/schemathesis-$1.log"
        failures=$((failures + 1))
    fi
}

start_server sqlite DATABASE_TYPE=sqlite DATABASE_URL="$work/jobs.db"
reference_examples sqlite "http://127.0.0.1:$port" "$work"
run_schemathesis sqlite
stop_server_gracefully sqlite

if [ -n "$postgres_url" ]; then
    schema="e2e_$$"
    psql -q "$postgres_url" -c "CREATE SCHEMA $schema" >/dev/null
    start_server postgres DATABASE_TYPE=postgres DATABASE_URL="$postgres_url?options=-csearch_path%3D$schema"
    reference_examples postgres "http://127.0.0.1:$port" "$work"
    run_schemathesis postgres
    stop_server_gracefully postgres
fi

echo "e2e: $((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
