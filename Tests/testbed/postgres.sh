#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server from Debian's packages for the test suite.
#
#   Tests/testbed/postgres.sh start DIR   # prints: export HPC_OBS_TEST_POSTGRES_URL=...
#   Tests/testbed/postgres.sh stop DIR
#
# The server lives entirely in DIR (data, socket, log), listens on 127.0.0.1 on a free port,
# trusts local connections, and has a database `hpc_obs_test`. It runs as the `postgres`
# system user, because initdb refuses to run as root. Durability is off (fsync=off) for speed,
# unless HPC_OBS_PG_DURABLE=1, which benchmarks set to measure PostgreSQL as sites run it.
set -euo pipefail
. "$(dirname "$0")/common.sh"

action=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql; install Debian's 'postgresql' package" >&2
    exit 1
fi

run_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}


case "$action" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        run_as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if [ -f "$dir/port" ] && run_as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "export HPC_OBS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$(cat "$dir/port")/hpc_obs_test"
        exit 0
    fi
    # Started again after a stop (the fault tests take it away and bring it back): same port.
    if [ -f "$dir/port" ]; then port=$(cat "$dir/port"); else port=$(free_port); fi
    durability="-c fsync=off"
    if [ "${HPC_OBS_PG_DURABLE:-0}" = 1 ]; then durability=""; fi
    run_as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir $durability -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    run_as_postgres "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
        -c "SELECT 1 FROM pg_database WHERE datname = 'hpc_obs_test'" | grep -q 1 \
        || run_as_postgres "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres hpc_obs_test
    echo "export HPC_OBS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/hpc_obs_test"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        run_as_postgres "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    ;;
*)
    echo "postgres.sh: unknown action '$action' (use start or stop)" >&2
    exit 2
    ;;
esac
