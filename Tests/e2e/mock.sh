#!/usr/bin/env bash
# hpc-obs-mockserver end to end, called by Tests/run after the build:
#
#   Tests/e2e/mock.sh MOCKSERVER_BINARY
#
# Starts the mock from the checkout (so it reads ./openapi.yaml, as it would from a clone),
# sends the reference service's example requests, and runs schemathesis against it with the
# same spec and checks as against the real server: no 5xx, every answer as documented.
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

mock=${1:?usage: mock.sh MOCKSERVER_BINARY}
schemathesis=.build-tools/venv/bin/schemathesis
work=$(mktemp -d /tmp/hpc-obs-mock.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
checks=0

port=$(free_port)
HOST=127.0.0.1 PORT=$port LOG_LEVEL=warning "$mock" >"$work/mock.log" 2>&1 &
pid=$!
wait_for_url "http://127.0.0.1:$port/v1/health" hpc-obs-mockserver

reference_examples mock "http://127.0.0.1:$port" "$work"

checks=$((checks + 1))
if "$schemathesis" run openapi.yaml --url "http://127.0.0.1:$port" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method \
    --phases examples,fuzzing,stateful --seed 20261129 --max-examples 150 --workers 2 \
    --no-color >"$work/schemathesis.log" 2>&1; then
    echo "ok   [mock] schemathesis: $(grep -E 'passed|generated' "$work/schemathesis.log" | tail -n 1)"
else
    echo "FAIL [mock] schemathesis:"
    tail -n 80 "$work/schemathesis.log"
    failures=$((failures + 1))
fi

echo "mock.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
