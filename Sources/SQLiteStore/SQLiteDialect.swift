import SQLJobStore

/// SQLite's spelling of what differs between backends.
struct SQLiteDialect: SQLDialect {
    let beginWrite = "BEGIN IMMEDIATE"
    let beginRead = "BEGIN"
    let lockRowSuffix = ""
    let deleteOldSamplesChunk = "DELETE FROM samples WHERE rowid IN (SELECT rowid FROM samples WHERE time_us < $1 LIMIT $2)"

    /// `BEGIN IMMEDIATE` already holds the database's single write lock.
    func lockMigrations(on connection: any SQLConnection) throws(SQLError) {}

    let migrations = [
        SQLMigration(
            version: 1,
            description: "jobs, nodes, samples, applied events, counters",
            sql: """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_name TEXT NOT NULL,
                    name TEXT,
                    state TEXT NOT NULL,
                    partition_name TEXT,
                    account TEXT,
                    cluster TEXT,
                    nodes TEXT NOT NULL DEFAULT '',
                    requested_cpus INTEGER,
                    requested_memory_bytes INTEGER,
                    requested_gpus INTEGER,
                    exit_code INTEGER,
                    submit_time_us INTEGER NOT NULL,
                    start_time_us INTEGER,
                    end_time_us INTEGER,
                    last_sample_us INTEGER,
                    last_cpu_usage REAL,
                    last_memory_bytes INTEGER,
                    last_gpu_usage REAL,
                    last_sample_node TEXT
                );
                CREATE INDEX jobs_state ON jobs (state);
                CREATE INDEX jobs_user ON jobs (user_name);
                CREATE INDEX jobs_partition ON jobs (partition_name);
                CREATE INDEX jobs_submit ON jobs (submit_time_us DESC, id DESC);
                CREATE TABLE job_nodes (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    node TEXT NOT NULL,
                    PRIMARY KEY (job_id, node)
                ) WITHOUT ROWID;
                CREATE INDEX job_nodes_node ON job_nodes (node);
                CREATE TABLE samples (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    time_us INTEGER NOT NULL,
                    cpu_usage REAL NOT NULL,
                    memory_bytes INTEGER NOT NULL,
                    gpu_usage REAL,
                    node TEXT
                );
                CREATE INDEX samples_job_time ON samples (job_id, time_us);
                CREATE INDEX samples_time ON samples (time_us);
                CREATE TABLE applied_events (
                    event_id TEXT PRIMARY KEY NOT NULL,
                    job_id TEXT NOT NULL,
                    applied_us INTEGER NOT NULL
                );
                CREATE INDEX applied_events_time ON applied_events (applied_us);
                CREATE TABLE counters (
                    name TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
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
                    cpu_seconds REAL NOT NULL,
                    peak_memory_bytes INTEGER NOT NULL,
                    PRIMARY KEY (job_id, node)
                ) WITHOUT ROWID;
                """
        ),
        SQLMigration(
            version: 3,
            description: "jobs by end time, for statistics over a window",
            sql: "CREATE INDEX jobs_end ON jobs (end_time_us);"
        ),
        SQLMigration(
            version: 4,
            description: "the time of a job's first sample, so that reading its samples can be split by time",
            // Jobs that already have samples keep NULL: their reads stay unbounded.
            sql: "ALTER TABLE jobs ADD COLUMN first_sample_us INTEGER;"
        ),
        SQLMigration(
            version: 5,
            description: "jobs counted by state as they change, so that counting them costs what the states do, not the jobs",
            // See SQLJobStore.jobCountsByState: each change adds a row; they are folded every minute.
            sql: """
                CREATE TABLE job_state_deltas (
                    state TEXT NOT NULL,
                    delta INTEGER NOT NULL
                );
                INSERT INTO job_state_deltas (state, delta) SELECT state, COUNT(*) FROM jobs GROUP BY state;
                CREATE TRIGGER jobs_count_inserted AFTER INSERT ON jobs BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (NEW.state, 1);
                END;
                CREATE TRIGGER jobs_count_deleted AFTER DELETE ON jobs BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (OLD.state, -1);
                END;
                CREATE TRIGGER jobs_count_state_changed AFTER UPDATE OF state ON jobs WHEN OLD.state IS NOT NEW.state BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (OLD.state, -1), (NEW.state, 1);
                END;
                """
        ),
        SQLMigration(
            version: 6,
            description: "jobs of several clusters: the scheduler's id of jobs keyed cluster/id, and listings by cluster",
            // Jobs stored before keep their key and NULL here (their key is the scheduler's id).
            sql: """
                ALTER TABLE jobs ADD COLUMN scheduler_id TEXT;
                CREATE INDEX jobs_scheduler_id ON jobs (scheduler_id) WHERE scheduler_id IS NOT NULL;
                CREATE INDEX jobs_cluster_submit ON jobs (cluster, submit_time_us DESC, id DESC);
                """
        ),
        SQLMigration(
            version: 7,
            description: "how many of a job's samples had a GPU reading and how many were idle, kept as they arrive",
            // NULL until a job's first sample; jobs with samples already keep NULL, and their
            // summaries count their samples, as before.
            sql: """
                ALTER TABLE jobs ADD COLUMN gpu_samples INTEGER;
                ALTER TABLE jobs ADD COLUMN idle_gpu_samples INTEGER;
                """
        ),
        SQLMigration(
            version: 8,
            description: "running jobs in id order, for /metrics",
            // With statistics that say a state holds an eighth of the jobs, the planner read all
            // of them in id order rather than sort the running ones: 134 ms a scrape at 1 M jobs.
            sql: "CREATE INDEX jobs_running ON jobs (id) WHERE state = 'running';"
        ),
        SQLMigration(
            version: 9,
            description: "a user's jobs newest first, with their end time, for a user's listings and their totals",
            // By user_name alone, a user's month read each of the user's jobs from the table to
            // test its end time for the total, and the page was sorted after: at 10 M jobs, p99
            // 72-130 ms. This index gives the page in order and the total from the index alone.
            sql: """
                CREATE INDEX jobs_user_submit ON jobs (user_name, submit_time_us DESC, id DESC, end_time_us);
                DROP INDEX jobs_user;
                """
        ),
        SQLMigration(
            version: 10,
            description: "jobs counted by state in a row a state, changed in place",
            // A row a change made every count (a list's total, a scrape) sort the changes since
            // the last fold: 200 of them cost a page of jobs 40 µs. SQLite has one writer at a
            // time, so a row a state, updated in place, makes no writer wait for another; the
            // rows a change were for PostgreSQL's concurrent writers, which keep them.
            sql: """
                DROP TRIGGER jobs_count_inserted;
                DROP TRIGGER jobs_count_deleted;
                DROP TRIGGER jobs_count_state_changed;
                CREATE TABLE job_state_counts (
                    state TEXT PRIMARY KEY NOT NULL,
                    delta INTEGER NOT NULL
                );
                INSERT INTO job_state_counts (state, delta) SELECT state, SUM(delta) FROM job_state_deltas GROUP BY state;
                DROP TABLE job_state_deltas;
                ALTER TABLE job_state_counts RENAME TO job_state_deltas;
                CREATE TRIGGER jobs_count_inserted AFTER INSERT ON jobs BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (NEW.state, 1)
                        ON CONFLICT (state) DO UPDATE SET delta = delta + excluded.delta;
                END;
                CREATE TRIGGER jobs_count_deleted AFTER DELETE ON jobs BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (OLD.state, -1)
                        ON CONFLICT (state) DO UPDATE SET delta = delta + excluded.delta;
                END;
                CREATE TRIGGER jobs_count_state_changed AFTER UPDATE OF state ON jobs WHEN OLD.state IS NOT NEW.state BEGIN
                    INSERT INTO job_state_deltas (state, delta) VALUES (OLD.state, -1), (NEW.state, 1)
                        ON CONFLICT (state) DO UPDATE SET delta = delta + excluded.delta;
                END;
                """
        ),
    ]
}
