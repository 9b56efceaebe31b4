#!/usr/bin/env bash
# A year of a 2,000-node cluster (release build): 10 million jobs and 100 million samples on
# PostgreSQL, a tenth of that on SQLite, generated in SQL, then measured through the API as a
# user would meet it. Loopback only; every loop bounded.
#
#   bench/year.sh [SCALE [REQUESTS]]   # SCALE 1 is the full year (default); 0.1 a tenth of it
#
# PostgreSQL: HPC_OBS_TEST_POSTGRES_URL, else a server of the run's own (Tests/testbed/postgres.sh).
# Measures, per store, p50/p99 of REQUESTS requests each (default 50), after one untimed:
#   - a user's jobs over the last month (GET /v1/jobs?user=…&since=…), target p99 ≤ 50 ms;
#   - one job's 10,000 samples as 1,000 points (?step=10), target p99 ≤ 50 ms;
#   - page 5,000 of the newest-first listing through the cursor against page 1 (target ≤ 2×),
#     and through offset, for comparison (the deepest page there is, on a smaller store);
#   - the longest single-sample ingest stall (bench/fixed-rate.py, 200 requests/s) while a
#     second server's retention pass removes the oldest day, target ≤ 100 ms;
#   - bytes on disk per sample and per job (XDMoD states about 300 MB per million jobs);
#   - GET /metrics with 10,000 running jobs among the rest, beside a store holding only those
#     10,000 (bench/metrics-scrape.sh's case) in the same run (target within 1.5×).
set -euo pipefail
cd "$(dirname "$0")/.."
. Tests/testbed/common.sh
. bench/common.sh
export PATH="/opt/swift/usr/bin:$PATH"
scale=${1:-1}
requests=${2:-50}

packaging/install-build-deps
swift build -c release --product hpc-obs-server >&2
swift build -c release --product hpc-obs-storebench >&2
bin=$PWD/.build/release
bench_scratch year-bench

own_postgres=false
if [ -z "${HPC_OBS_TEST_POSTGRES_URL:-}" ]; then
    postgres_env=$(Tests/testbed/postgres.sh start "$work/postgres")
    eval "$postgres_env"
    own_postgres=true
fi
schema="year_$(date +%s)"
psql -q -v ON_ERROR_STOP=1 "$HPC_OBS_TEST_POSTGRES_URL" -c "CREATE SCHEMA $schema"
pg_url="$HPC_OBS_TEST_POSTGRES_URL$([[ $HPC_OBS_TEST_POSTGRES_URL == *\?* ]] && echo '&' || echo '?')options=-csearch_path%3D$schema"
# The servers, then the schema, or the whole PostgreSQL server when it is the run's own.
cleanup() {
    # Servers start in command substitutions (subshells), so their pids live in files.
    local pidfile
    for pidfile in "$work"/*.pid; do
        [ -e "$pidfile" ] || continue
        stop_server "$(basename "$pidfile" .pid)"
    done
    if $own_postgres; then
        Tests/testbed/postgres.sh stop "$work/postgres" >/dev/null 2>&1 || true
    else
        psql -q "$HPC_OBS_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

now_us=$(($(date +%s) * 1000000))
day_us=86400000000
year_days=365
first_day=$((now_us / day_us - year_days))
span_us=$((year_days * day_us))
start_us=$((first_day * day_us))

# Starts a server on a store; prints its base URL. Extra environment in front: VAR=value…
start_server() { # name, type, url, [VAR=value…]
    local name=$1 type=$2 url=$3 port
    shift 3
    port=$(free_port)
    env DATABASE_TYPE="$type" DATABASE_URL="$url" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warning SLURM_POLL_INTERVAL=0 \
        PBS_POLL_INTERVAL=0 METRICS_RETENTION_DAYS=36500 HPC_OBS_SPOOL_DIR="$work/spool-$name" "$@" \
        "$bin/hpc-obs-server" >"$work/$name.log" 2>&1 &
    echo "$!" >"$work/$name.pid"
    wait_for_url "http://127.0.0.1:$port/v1/health" "hpc-obs-server ($name)" >&2
    echo "http://127.0.0.1:$port"
}

# Stops a server start_server started, so that it does not run beside the next store's figures.
stop_server() { # name
    kill "$(cat "$work/$1.pid")" 2>/dev/null || true
    rm -f "$work/$1.pid"
}

# p50 and p99 in ms of REQUESTS sequential requests to a URL.
# One request first, untimed: the server's connections are opened and their statements
# prepared once in its life, not per request.
timed() { # url
    curl -fsS -o /dev/null "$1" || true
    time_requests "$requests" "$1" | python3 -c '
import sys
values = sorted(float(v) * 1000 for v in sys.stdin)
print(f"{values[len(values) // 2]:.1f} {values[min(len(values) - 1, int(0.99 * len(values)))]:.1f}")'
}

cursor_for() { # submit_us id: the cursor that continues after this job (JobCursor's encoding)
    printf 'v1.%s.%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='
}

# The job rows, the same on both stores: a job every span/jobs µs, one node each, 10 minutes
# to 2 hours long; every twentieth failed.
job_select() { # jobs
    cat <<SQL
SELECT CAST(n AS TEXT), 'user' || (n % 2000), 'job' || (n % 100),
       CASE WHEN n % 20 = 0 THEN 'failed' ELSE 'completed' END,
       CASE n % 4 WHEN 0 THEN 'batch' WHEN 1 THEN 'gpu' WHEN 2 THEN 'long' ELSE 'short' END,
       'acct' || (n % 50), 'hpc1', 'cn' || (n % 2000), 1 + n % 64, 4294967296,
       CASE WHEN n % 4 = 1 THEN 1 ELSE NULL END, CASE WHEN n % 20 = 0 THEN 1 ELSE 0 END,
       $start_us + n * ($span_us / $1), $start_us + n * ($span_us / $1) + 60000000,
       $start_us + n * ($span_us / $1) + 60000000 + CAST(600 + n % 6600 AS BIGINT) * 1000000,
       $start_us + n * ($span_us / $1) + 60000000, $start_us + n * ($span_us / $1) + 60000000 + 540000000
SQL
}
# The last two: the job's first and newest sample times, which the service keeps as it stores samples.
job_columns="id, user_name, name, state, partition_name, account, cluster, nodes, requested_cpus, requested_memory_bytes, requested_gpus, exit_code, submit_time_us, start_time_us, end_time_us, first_sample_us, last_sample_us"
# Ten samples a job, a minute apart from its start; one job of 10,000 samples, a second apart.
samples_select="SELECT id, start_time_us + k * 60000000, (k * 37) % 6400, 1073741824 + k * 1048576, NULL, nodes FROM jobs, ks"
big_select() { echo "SELECT 'big', $((now_us - 20000 * 1000000)) + CAST(n AS BIGINT) * 1000000, n % 6400, 1073741824, n % 100, 'cn1' FROM seq"; }
# What the server's fold, a minute after the load, leaves of the counts by state it keeps.
fold_sql="DELETE FROM job_state_deltas; INSERT INTO job_state_deltas (state, delta) SELECT state, COUNT(*) FROM jobs GROUP BY state"
running_sql="UPDATE jobs SET state = 'running', end_time_us = NULL, exit_code = NULL, last_sample_us = $now_us, last_cpu_usage = 640, last_memory_bytes = 2147483648, last_sample_node = nodes WHERE id IN (SELECT id FROM jobs ORDER BY submit_time_us DESC LIMIT 10000)"

# Writes out what the load left dirty before anything is timed: a year generated in minutes
# leaves gigabytes for the checkpointer and the kernel to write, which a site's store, filled
# over a year, never has at once. Its writes landed in the first run's timed requests.
settle() {
    psql -q "$HPC_OBS_TEST_POSTGRES_URL" -c CHECKPOINT \
        || echo "year: CHECKPOINT refused (it needs a superuser or pg_checkpoint); the first timings may include the load's writes" >&2
    sync
}

measure() { # label, base url, sql command (reads SQL on stdin), jobs
    local label=$1 base=$2 sql=$3 jobs=$4 month_ago row submit id page
    month_ago=$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)
    echo "$label user-month $(timed "$base/v1/jobs?user=user42&since=$month_ago&limit=100")" >>"$work/results"
    echo "$label downsample $(timed "$base/v1/jobs/big/metrics?step=10&limit=10000")" >>"$work/results"
    echo "$label page-1 $(timed "$base/v1/jobs?limit=100")" >>"$work/results"
    page=$((jobs / 100 < 5000 ? jobs / 100 : 5000))
    row=$(echo "SELECT submit_time_us, id FROM jobs ORDER BY submit_time_us DESC, id DESC LIMIT 1 OFFSET $(((page - 1) * 100 - 1))" | $sql)
    submit=${row%%|*}
    id=${row#*|}
    echo "$label page-$page-cursor $(timed "$base/v1/jobs?limit=100&cursor=$(cursor_for "$submit" "$id")")" >>"$work/results"
    echo "$label page-$page-offset $(timed "$base/v1/jobs?limit=100&offset=$(((page - 1) * 100))")" >>"$work/results"
    echo "$label metrics $(timed "$base/metrics")" >>"$work/results"
}

# A second server on the same store whose retention removes the oldest day at start, while
# the first takes one sample every 5 ms; the longest wait is the stall.
retention_stall() { # label, base url, type, url
    local label=$1 base=$2 type=$3 url=$4
    echo -n '{"cpuUsage": 75.5, "memoryUsageMb": 4096}' >"$work/one.json"
    python3 bench/fixed-rate.py "$base/v1/jobs/big/metrics" "$work/one.json" 200 12 4 >"$work/stall-$label.json" &
    local ingest=$!
    sleep 2
    start_server "retention-$label" "$type" "$url" METRICS_RETENTION_DAYS=$((year_days - 1)) >/dev/null
    wait "$ingest"
    python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); print(sys.argv[2], "ingest-during-retention", r["p50_ms"], r["max_ms"], r.get("errors", 0))' \
        "$work/stall-$label.json" "$label" >>"$work/results"
    stop_server "retention-$label"
}

jobs_pg=$(python3 -c "print(int(10_000_000 * $scale))")
jobs_sqlite=$((jobs_pg / 10))
: >"$work/results"

echo "year: PostgreSQL, $jobs_pg jobs and $((jobs_pg * 10)) samples (schema $schema)" >&2
base=$(start_server pg postgres "$pg_url")
psql_run() { psql -q -v ON_ERROR_STOP=1 -At "$pg_url"; }
started=$(date +%s)
psql_run <<SQL
SET statement_timeout = 0;
DO \$\$ DECLARE day BIGINT; BEGIN
    FOR day IN SELECT generate_series($first_day, $((first_day + year_days + 1))) LOOP
        IF to_regclass('samples_' || to_char(to_timestamp(day * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD')) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF samples FOR VALUES FROM (%s) TO (%s)',
                'samples_' || to_char(to_timestamp(day * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'), day * $day_us, (day + 1) * $day_us);
        END IF;
    END LOOP;
END \$\$;
INSERT INTO jobs ($job_columns) $(job_select "$jobs_pg") FROM generate_series(1, $jobs_pg) n;
INSERT INTO job_nodes (job_id, node) SELECT id, nodes FROM jobs;
CREATE TEMP TABLE ks AS SELECT generate_series(0, 9) k;
INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node) $samples_select;
INSERT INTO jobs ($job_columns) VALUES ('big', 'user42', 'big', 'running', 'gpu', 'acct1', 'hpc1', 'cn1', 64, 4294967296, 1, NULL,
    $((now_us - 20000 * 1000000)), $((now_us - 20000 * 1000000)), NULL, $((now_us - 20000 * 1000000)), $((now_us - 10001 * 1000000)));
INSERT INTO job_nodes (job_id, node) VALUES ('big', 'cn1');
CREATE TEMP TABLE seq AS SELECT generate_series(0, 9999) n;
INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node) $(big_select);
$running_sql;
$fold_sql;
VACUUM ANALYZE;
SQL
echo "postgres generate-seconds $(($(date +%s) - started))" >>"$work/results"
settle
psql_run <<'SQL' | sed 's/^/postgres /' >>"$work/results"
SELECT 'bytes-per-sample', round(sum(pg_total_relation_size(c.oid))::numeric / (SELECT count(*) FROM samples), 1)
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('samples');
SELECT 'bytes-per-job', round((pg_total_relation_size('jobs') + pg_total_relation_size('job_nodes'))::numeric / (SELECT count(*) FROM jobs), 1);
SQL
measure postgres "$base" psql_run "$jobs_pg"
retention_stall postgres "$base" postgres "$pg_url"
stop_server pg

echo "year: SQLite, $jobs_sqlite jobs and $((jobs_sqlite * 10)) samples" >&2
db="$work/year.db"
base=$(start_server sqlite sqlite "$db")
sqlite_run() { sqlite3 -bail "$db"; }
started=$(date +%s)
sqlite_run <<SQL
PRAGMA busy_timeout = 60000;
BEGIN;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $jobs_sqlite)
INSERT INTO jobs ($job_columns) $(job_select "$jobs_sqlite") FROM g;
INSERT INTO job_nodes (job_id, node) SELECT id, nodes FROM jobs;
CREATE TEMP TABLE ks AS WITH RECURSIVE g(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM g WHERE k < 9) SELECT k FROM g;
INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node) $samples_select;
INSERT INTO jobs ($job_columns) VALUES ('big', 'user42', 'big', 'running', 'gpu', 'acct1', 'hpc1', 'cn1', 64, 4294967296, 1, NULL,
    $((now_us - 20000 * 1000000)), $((now_us - 20000 * 1000000)), NULL, $((now_us - 20000 * 1000000)), $((now_us - 10001 * 1000000)));
INSERT INTO job_nodes (job_id, node) VALUES ('big', 'cn1');
CREATE TEMP TABLE seq AS WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < 9999) SELECT n FROM g;
INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node) $(big_select);
$running_sql;
$fold_sql;
COMMIT;
ANALYZE;
SQL
echo "sqlite generate-seconds $(($(date +%s) - started))" >>"$work/results"
settle
sqlite_run <<'SQL' | sed 's/^/sqlite /' >>"$work/results"
SELECT 'bytes-per-sample', round(CAST((SELECT sum(pgsize) FROM dbstat WHERE name IN ('samples', 'samples_job_time', 'samples_time')) AS REAL) / (SELECT count(*) FROM samples), 1);
SELECT 'bytes-per-job', round(CAST((SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'jobs%' OR name LIKE 'job_nodes%' OR name LIKE 'sqlite_autoindex_job%') AS REAL) / (SELECT count(*) FROM jobs), 1);
SQL
measure sqlite "$base" sqlite_run "$jobs_sqlite"
retention_stall sqlite "$base" sqlite "$db"
stop_server sqlite

echo "year: /metrics of a store holding only 10,000 running jobs, for the comparison" >&2
DATABASE_URL="$work/running-only.db" "$bin/hpc-obs-storebench" seed-running --jobs 10000 2>/dev/null
reference=$(start_server running-only sqlite "$work/running-only.db")
echo "running-only metrics $(timed "$reference/metrics")" >>"$work/results"

echo
echo "bench/year.sh at scale $scale (PostgreSQL $jobs_pg jobs, SQLite $jobs_sqlite; $requests requests each)"
cat "$work/results"
echo "Targets: user-month and downsample p99 ≤ 50 ms; page-5000-cursor ≤ 2× page-1; ingest stall (max_ms) ≤ 100 ms;"
echo "/metrics within 1.5× of the running-only store's; XDMoD: about 300 bytes per job (300 MB per million)."
