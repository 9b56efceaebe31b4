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
