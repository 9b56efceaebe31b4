import SQLJobStore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// PostgreSQL's spelling of what differs between backends.
struct PostgresDialect: SQLDialect {
    /// Any fixed number works; it only has to be the same in every replica.
    static let migrationLockKey: Int64 = 0x6870_635F_6F62_73  // "hpc_obs"

    let beginWrite = "BEGIN"
    let beginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    let lockRowSuffix = " FOR UPDATE"
    /// On a partitioned table a `ctid` is only unique within one partition: `tableoid` names it.
    let deleteOldSamplesChunk = """
        DELETE FROM samples WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM samples WHERE time_us < $1 LIMIT $2)
        """

    /// A transaction-scoped advisory lock: replicas starting together queue here, and the lock
    /// goes away with the transaction even if the process dies.
    func lockMigrations(on connection: any SQLConnection) throws(SQLError) {
        // Migrations and the wait for another replica's may take longer than a request may:
        // no statement timeout for this transaction.
        try connection.execute("SET LOCAL statement_timeout = 0")
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(Self.migrationLockKey)])
    }

    let migrations = [
        SQLMigration(
            version: 1,
            description: "jobs, nodes, samples, applied events, counters",
            sql: """
                CREATE TABLE jobs (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    user_name TEXT NOT NULL,
                    name TEXT,
                    state TEXT NOT NULL,
                    partition_name TEXT,
                    account TEXT,
                    cluster TEXT,
                    nodes TEXT NOT NULL DEFAULT '',
                    requested_cpus BIGINT,
                    requested_memory_bytes BIGINT,
                    requested_gpus BIGINT,
                    exit_code BIGINT,
                    submit_time_us BIGINT NOT NULL,
                    start_time_us BIGINT,
                    end_time_us BIGINT,
                    last_sample_us BIGINT,
                    last_cpu_usage DOUBLE PRECISION,
                    last_memory_bytes BIGINT,
                    last_gpu_usage DOUBLE PRECISION,
                    last_sample_node TEXT
                );
                CREATE INDEX jobs_state ON jobs (state);
                CREATE INDEX jobs_user ON jobs (user_name);
                CREATE INDEX jobs_partition ON jobs (partition_name);
                CREATE INDEX jobs_submit ON jobs (submit_time_us DESC, id DESC);
                CREATE TABLE job_nodes (
                    job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    node TEXT NOT NULL,
                    PRIMARY KEY (job_id, node)
                );
                CREATE INDEX job_nodes_node ON job_nodes (node);
                CREATE TABLE samples (
                    job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    time_us BIGINT NOT NULL,
                    cpu_usage DOUBLE PRECISION NOT NULL,
                    memory_bytes BIGINT NOT NULL,
                    gpu_usage DOUBLE PRECISION,
                    node TEXT
                );
                CREATE INDEX samples_job_time ON samples (job_id, time_us);
                CREATE INDEX samples_time ON samples (time_us);
                CREATE TABLE applied_events (
                    event_id TEXT PRIMARY KEY,
                    job_id TEXT NOT NULL,
                    applied_us BIGINT NOT NULL
                );
                CREATE INDEX applied_events_time ON applied_events (applied_us);
                CREATE TABLE counters (
                    name TEXT PRIMARY KEY,
                    value BIGINT NOT NULL
                );
                INSERT INTO counters (name, value) VALUES ('jobs_created', 0);
                """
        ),
        SQLMigration(
            version: 2,
            description: "per-node usage totals for job summaries",
            sql: """
                CREATE TABLE job_usage (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    node TEXT NOT NULL,
                    cpu_seconds DOUBLE PRECISION NOT NULL,
                    peak_memory_bytes BIGINT NOT NULL,
                    PRIMARY KEY (job_id, node)
                );
                """
        ),
        SQLMigration(
            version: 3,
            description: "jobs by end time, for statistics over a window",
            sql: "CREATE INDEX jobs_end ON jobs (end_time_us);"
        ),
        SQLMigration(
            version: 4,
            description: "samples partitioned by UTC day, so that retention drops days",
            // Every day the old table holds gets its partition before the rows are copied,
            // so none lands in the default partition. See SamplePartitions.
            sql: """
                ALTER TABLE samples RENAME TO samples_unpartitioned;
                ALTER INDEX samples_job_time RENAME TO samples_unpartitioned_job_time;
                ALTER INDEX samples_time RENAME TO samples_unpartitioned_time;
                CREATE TABLE samples (
                    job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    time_us BIGINT NOT NULL,
                    cpu_usage DOUBLE PRECISION NOT NULL,
                    memory_bytes BIGINT NOT NULL,
                    gpu_usage DOUBLE PRECISION,
                    node TEXT
                ) PARTITION BY RANGE (time_us);
                CREATE INDEX samples_job_time ON samples (job_id, time_us);
                CREATE INDEX samples_time ON samples (time_us);
                CREATE TABLE samples_default PARTITION OF samples DEFAULT;
                DO $$
                DECLARE day BIGINT;
                BEGIN
                    FOR day IN SELECT DISTINCT time_us / 86400000000 FROM samples_unpartitioned WHERE time_us >= 0 LOOP
                        EXECUTE format(
                            'CREATE TABLE %I PARTITION OF samples FOR VALUES FROM (%s) TO (%s)',
                            'samples_' || to_char(to_timestamp(day * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'),
                            day * 86400000000, (day + 1) * 86400000000);
                    END LOOP;
                END $$;
                INSERT INTO samples (job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node)
                    SELECT job_id, time_us, cpu_usage, memory_bytes, gpu_usage, node FROM samples_unpartitioned;
                DROP TABLE samples_unpartitioned;
                """
        ),
        SQLMigration(
            version: 5,
            description: "the time of a job's first sample, so that reading its samples visits only its days",
            // Jobs that already have samples keep NULL: their reads stay unbounded.
            sql: "ALTER TABLE jobs ADD COLUMN first_sample_us BIGINT;"
        ),
        SQLMigration(
            version: 6,
            description: "jobs counted by state as they change, so that counting them costs what the states do, not the jobs",
            // See SQLJobStore.jobCountsByState: each change adds a row (no row is updated, so
            // concurrent writers never wait on each other); they are folded every minute.
            // Inserts and deletes are counted per statement, so a bulk load costs one row a
            // state; a state change per row, and only when the state changes.
            sql: """
                CREATE TABLE job_state_deltas (
                    state TEXT NOT NULL,
                    delta BIGINT NOT NULL
                );
                INSERT INTO job_state_deltas (state, delta) SELECT state, COUNT(*) FROM jobs GROUP BY state;
                CREATE FUNCTION jobs_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO job_state_deltas (state, delta) SELECT state, COUNT(*) FROM inserted GROUP BY state;
                    RETURN NULL;
                END $$;
                CREATE FUNCTION jobs_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO job_state_deltas (state, delta) SELECT state, -COUNT(*) FROM deleted GROUP BY state;
                    RETURN NULL;
                END $$;
                CREATE FUNCTION jobs_count_state_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (OLD.state, -1), (NEW.state, 1);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER jobs_count_inserted AFTER INSERT ON jobs REFERENCING NEW TABLE AS inserted
                    FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_inserted();
                CREATE TRIGGER jobs_count_deleted AFTER DELETE ON jobs REFERENCING OLD TABLE AS deleted
                    FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_deleted();
                CREATE TRIGGER jobs_count_state_changed AFTER UPDATE OF state ON jobs
                    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION jobs_count_state_changed();
                """
        ),
        SQLMigration(
            version: 7,
            description: "jobs of several clusters: the scheduler's id of jobs keyed cluster/id, and listings by cluster",
            // Jobs stored before keep their key and NULL here (their key is the scheduler's id).
            sql: """
                ALTER TABLE jobs ADD COLUMN scheduler_id TEXT COLLATE "C";
                CREATE INDEX jobs_scheduler_id ON jobs (scheduler_id) WHERE scheduler_id IS NOT NULL;
                CREATE INDEX jobs_cluster_submit ON jobs (cluster, submit_time_us DESC, id DESC);
                """
        ),
        SQLMigration(
            version: 8,
            description: "how many of a job's samples had a GPU reading and how many were idle, kept as they arrive",
            // NULL until a job's first sample; jobs with samples already keep NULL, and their
            // summaries count their samples, as before.
            sql: """
                ALTER TABLE jobs ADD COLUMN gpu_samples BIGINT;
                ALTER TABLE jobs ADD COLUMN idle_gpu_samples BIGINT;
                """
        ),
        SQLMigration(
            version: 9,
            description: "running jobs in id order, for /metrics",
            // With statistics that say a state holds an eighth of the jobs, the planner read all
            // of them in id order rather than sort the running ones: 134 ms a scrape at 1 M jobs.
            sql: "CREATE INDEX jobs_running ON jobs (id) WHERE state = 'running';"
        ),
        SQLMigration(
            version: 10,
            description: "a user's jobs newest first, with their end time, for a user's listings and their totals",
            // By user_name alone, a user's month read each of the user's jobs from the table to
            // test its end time for the total, and the page was sorted after: at 10 M jobs, p99
            // 72-130 ms. This index gives the page in order and the total from the index alone.
            sql: """
                CREATE INDEX jobs_user_submit ON jobs (user_name, submit_time_us DESC, id DESC, end_time_us);
                DROP INDEX jobs_user;
                """
        ),
    ]

    let groupsSampleSteps = true
    /// The store already reads a long job's samples in parts on several connections, so no
    /// parallel workers besides (on a small host they would only share its cores); room to
    /// group a part in memory, where the planner, not knowing how few steps there are, would
    /// otherwise sort on disk; and a plan for each read's own times. At its sixth run a
    /// prepared statement would get a generic plan, built over every day partition: 59 ms once
    /// per statement and connection with a year of days, against 3-6 ms for the read itself.
    let sampleReadSettings = [
        "SET LOCAL max_parallel_workers_per_gather = 0", "SET LOCAL work_mem = '16MB'", "SET LOCAL plan_cache_mode = force_custom_plan",
    ]
    let byteOrder = #" COLLATE "C""#

    func prepareSampleStorage(now: Date, on connection: any SQLConnection) throws(SQLError) {
        try SamplePartitions.prepare(now: now, on: connection)
    }

    func dropSamples(before cutoff: Date, on connection: any SQLConnection) throws(SQLError) -> Int {
        try SamplePartitions.drop(before: cutoff, on: connection)
    }

    /// All rows in one statement, which folds exactly the rows it deletes: a row other writers
    /// add meanwhile is neither lost nor counted twice, and they do not wait for it.
    let foldJobStateCountsSQL: String? = """
        WITH folded AS (DELETE FROM job_state_deltas RETURNING state, delta) \
        INSERT INTO job_state_deltas (state, delta) SELECT state, SUM(delta) FROM folded GROUP BY state HAVING SUM(delta) <> 0
        """
}
