# Helpers the benchmarks share (sourced after Tests/testbed/common.sh).

# Starts nginx serving WORK/www as files on a free loopback port; prints the port. The caller's
# cleanup stops it (its pid file is WORK/nginx.pid).
start_static_nginx() { # work, content type
    local work=$1 type=$2 port
    port=$(free_port)
    mkdir -p "$work/www"
    cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    server { listen 127.0.0.1:$port; root $work/www; default_type $type; }
}
CONF
    nginx -c "$work/nginx.conf" -p "$work"
    echo "$port"
}

# COUNT requests to URL, one after another: one line of seconds each.
time_requests() { # count, url
    for _ in $(seq 1 "$1"); do curl -fsS -o /dev/null -w '%{time_total}\n' "$2"; done
}

# nginx, the reference some benchmarks measure beside, from Debian's nginx-light.
need_nginx() {
    command -v nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
}

# A scratch directory for the run, in $work; the background processes whose pids the script
# adds to $pids are stopped and the directory removed on exit, whatever happens.
bench_scratch() { # name
    work=$(mktemp -d "/tmp/hpc-obs-$1.XXXXXX")
    chmod 755 "$work"
    pids=()
    trap 'stop_background "$work" "${pids[@]}"; rm -rf "$work"' EXIT
}
