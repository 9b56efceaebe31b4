# Shell helpers shared by the test, testbed and benchmark scripts. Source it; it runs nothing.

# Prints a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to 30 s for URL to answer 2xx; says what did not come up and fails otherwise.
wait_for_url() { # url, what
    for _ in $(seq 1 150); do
        if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "$(basename "$0"): $2 did not come up at $1" >&2
    return 1
}

# Sends the reference service's example requests (Tests/e2e/reference-examples.txt), word for
# word but for the address, and checks each answers 2xx. Counts into the caller's `checks`
# and `failures`; the last body is left in SCRATCH/body.
reference_examples() { # name, base URL (http://127.0.0.1:PORT), scratch directory
    local line status
    while IFS= read -r line; do
        checks=$((checks + 1))
        status=$(eval "${line//http:\/\/localhost:8080/$2} -sS -o '$3/body' -w '%{http_code}'")
        if [[ "$status" == 2?? ]]; then
            echo "ok   [$1] $status  $line"
        else
            echo "FAIL [$1] $status  $line: $(cat "$3/body")"
            failures=$((failures + 1))
        fi
    done <Tests/e2e/reference-examples.txt
}

# Runs a command and compares what it prints (stdout and stderr) with what is expected,
# printing ok or FAIL; counts into the caller's `checks` and `failures`.
check() { # description, expected, command...
    local description=$1 expected=$2 actual
    shift 2
    checks=$((checks + 1))
    actual=$("$@" 2>&1 || true)
    if [ "$actual" = "$expected" ]; then
        echo "ok   $description"
    else
        echo "FAIL $description: expected '$expected', got '$actual'"
        failures=$((failures + 1))
    fi
}

# Kills background processes a benchmark started, and nginx when DIR holds its pid file
# (nginx daemonizes, so its master's pid is only there).
stop_background() { # dir, pid...
    local dir=$1 pid
    shift
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    if [ -s "$dir/nginx.pid" ]; then kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true; fi
}
