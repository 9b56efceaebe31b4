#!/usr/bin/env bash
# Append throughput through JobStore, release build, beside the sqlite3 command-line tool.
#
#   bench/store-append.sh
#
# For SQLite and PostgreSQL, appends samples in batches of 1, 100 and 1,000 through
# `JobStore.appendSamples` (hpc-obs-storebench), and times the sqlite3 tool inserting the
# same rows, one INSERT each, in one transaction, into the same schema and settings (WAL,
# synchronous=NORMAL, foreign keys on), in the same run. PostgreSQL runs with its durable
# defaults (fsync and synchronous_commit on). Prints a table and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

packaging/install-build-deps --test
swift build -c release --product hpc-obs-storebench >&2
bench=$PWD/.build/release/hpc-obs-storebench

work=$(mktemp -d /tmp/hpc-obs-bench.XXXXXX)
chmod 755 "$work"
trap 'Tests/testbed/postgres.sh stop "$work/postgres" || true; rm -rf "$work"' EXIT
postgres_env=$(HPC_OBS_PG_DURABLE=1 Tests/testbed/postgres.sh start "$work/postgres")
eval "$postgres_env"
results="$work/results.jsonl"

sqlite_run() { # batch samples
    local db="$work/sqlite-$1.db"
    DATABASE_TYPE=sqlite DATABASE_URL="$db" "$bench" append --batch "$1" --samples "$2" >>"$results"
}

postgres_run() { # batch samples
    local schema="bench_$1"
    psql -q "$HPC_OBS_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    DATABASE_TYPE=postgres DATABASE_URL="$HPC_OBS_TEST_POSTGRES_URL?options=-csearch_path%3D$schema" \
        "$bench" append --batch "$1" --samples "$2" >>"$results"
}

sqlite_tool_run() { # samples
    local db="$work/sqlite-tool.db" sql="$work/rows.sql"
    DATABASE_TYPE=sqlite DATABASE_URL="$db" "$bench" append --samples 0 >/dev/null  # schema and job row
    { echo "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"; "$bench" emit-sql --samples "$1"; } >"$sql"
    local start end
    start=$(date +%s%N)
    sqlite3 "$db" <"$sql"
    end=$(date +%s%N)
    python3 -c "import json,sys; s=($end-$start)/1e9; print(json.dumps({'backend':'sqlite3 tool','batch':$1,'samples':$1,'seconds':s,'samplesPerSecond':int($1/s)}))" >>"$results"
}

echo "bench: sqlite3 tool" >&2
sqlite_tool_run 200000
for batch in 1 100 1000; do
    samples=$([ "$batch" = 1 ] && echo 20000 || echo 200000)
    echo "bench: SQLite, batches of $batch" >&2
    sqlite_run "$batch" "$samples"
done
for batch in 1 100 1000; do
    samples=$([ "$batch" = 1 ] && echo 5000 || echo 100000)
    echo "bench: PostgreSQL, batches of $batch" >&2
    postgres_run "$batch" "$samples"
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
tool = next(r for r in rows if r["backend"] == "sqlite3 tool")["samplesPerSecond"]
targets = {"sqlite": 200_000, "postgres": 50_000}
print(f"{'backend':<14}{'batch':>7}{'samples':>10}{'seconds':>10}{'samples/s':>12}{'× sqlite3 tool':>16}  target (batched)")
for r in rows:
    ratio = r["samplesPerSecond"] / tool
    target = targets.get(r["backend"])
    verdict = ""
    if target and r["batch"] > 1:
        verdict = f"≥ {target:,}/s: {'met' if r['samplesPerSecond'] >= target else 'MISSED'}"
        if r["backend"] == "sqlite":
            verdict += f"; ≥ 0.5× tool: {'met' if ratio >= 0.5 else 'MISSED'}"
    batch = r["batch"] if r["backend"] != "sqlite3 tool" else "1 tx"
    print(f"{r['backend']:<14}{batch:>7}{r['samples']:>10}{r['seconds']:>10.3f}{r['samplesPerSecond']:>12,}{ratio:>15.2f}×  {verdict}")
PY
