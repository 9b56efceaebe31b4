public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension SQLJobStore {
    static let insertJobSQL = SQLBatch.insertStatement(table: "jobs", columns: JobRow.columns, rows: 1)
    static let updateJobSQL = "UPDATE jobs SET \(JobRow.updateAssignments) WHERE id = $1"
    static let selectJobSQL = "SELECT \(JobRow.selectList) FROM jobs WHERE id = $1"

    public func createJob(_ job: Job) async throws -> Job {
        try job.validate()
        let stored = Self.normalized(job)
        return try await write { connection in
            // Also under another key: one stored before clusters were told apart, say.
            if try Self.resolveKey(id: stored.schedulerID, cluster: stored.cluster, adoptingUnclustered: false, on: connection) != nil {
                throw StoreError(
                    .conflict,
                    "a job with id '\(stored.schedulerID)'\(stored.cluster.map { " on cluster '\($0)'" } ?? "") exists already"
                )
            }
            try Self.insert(stored, on: connection)
            return stored
        }
    }

    public func job(id: String) async throws -> Job? {
        try await read { connection in
            try Self.loadJob(id: id, lockSuffix: "", on: connection)
        }
    }

    public func updateJob(id: String, _ update: JobUpdate, now: Date) async throws -> Job {
        let lockSuffix = dialect.lockRowSuffix
        return try await write { connection in
            guard let existing = try Self.loadJob(id: id, lockSuffix: lockSuffix, on: connection) else {
                throw StoreError.jobNotFound(id)
            }
            let updated = Self.normalized(try existing.applying(update, now: now))
            if updated != existing {
                try Self.replace(existing, with: updated, on: connection)
            }
            return updated
        }
    }

    public func deleteJob(id: String) async throws {
        try await write { connection in
            try connection.execute("DELETE FROM samples WHERE job_id = $1", [.text(id)])
            try connection.execute("DELETE FROM job_nodes WHERE job_id = $1", [.text(id)])
            let deleted = try connection.execute("DELETE FROM jobs WHERE id = $1", [.text(id)]).affectedRows
            if deleted == 0 { throw StoreError.jobNotFound(id) }
        }
    }

    public func listJobs(_ filter: JobFilter, page: JobPage) async throws -> JobListing {
        try await listJobs(filter, page: page, withUsage: false).listing
    }

    public func listJobsWithUsage(_ filter: JobFilter, page: JobPage) async throws -> (listing: JobListing, usage: [String: JobUsage]) {
        try await listJobs(filter, page: page, withUsage: true)
    }

    private func listJobs(_ filter: JobFilter, page: JobPage, withUsage: Bool) async throws -> (listing: JobListing, usage: [String: JobUsage]) {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if let state = filter.state { conditions.append("state = \(parameters.add(.text(state.rawValue)))") }
        if let user = filter.user { conditions.append("user_name = \(parameters.add(.text(user)))") }
        if let partition = filter.partition { conditions.append("partition_name = \(parameters.add(.text(partition)))") }
        if let cluster = filter.cluster { conditions.append("cluster = \(parameters.add(.text(cluster)))") }
        if let node = filter.node {
            conditions.append("id IN (SELECT job_id FROM job_nodes WHERE node = \(parameters.add(.text(node))))")
        }
        if let since = filter.since {
            conditions.append("(end_time_us IS NULL OR end_time_us >= \(parameters.add(SQLTime.value(since))))")
        }
        if let until = filter.until { conditions.append("submit_time_us <= \(parameters.add(SQLTime.value(until)))") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countSQL = "SELECT COUNT(*) FROM jobs" + whereClause
        let filterBinds = parameters.values
        var pageWhere = whereClause
        if let after = page.after {
            // A row value, so both engines seek the (submit_time_us DESC, id DESC) index.
            let position = "(submit_time_us, id) < (\(parameters.add(.integer(after.submitMicroseconds))), \(parameters.add(.text(after.id))))"
            pageWhere += conditions.isEmpty ? " WHERE " + position : " AND " + position
        }
        let limitPlaceholder = parameters.add(.integer(Int64(page.limit)))
        let offsetPlaceholder = parameters.add(.integer(Int64(page.offset)))
        let pageSQL =
            "SELECT \(JobRow.selectList) FROM jobs\(pageWhere) ORDER BY submit_time_us DESC, id DESC LIMIT \(limitPlaceholder) OFFSET \(offsetPlaceholder)"
        let pageBinds = parameters.values
        let limit = page.limit
        // Unfiltered or by state alone, the total is a sum of the kept counts.
        let countedByState =
            filter.user == nil && filter.partition == nil && filter.node == nil && filter.since == nil && filter.until == nil && filter.cluster == nil
        let state = filter.state
        return try await read { connection in
            let total: Int
            if countedByState {
                let counts = try Self.jobCountsByState(on: connection)
                total = state.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
            } else {
                total = try connection.execute(countSQL, filterBinds).rows.first?.int(0) ?? 0
            }
            var jobs: [Job] = []
            if limit > 0 {
                jobs.reserveCapacity(limit)
                try connection.scan(pageSQL, pageBinds) { row throws(SQLError) in jobs.append(try JobRow.decode(row)) }
            }
            let usage = withUsage ? try Self.usage(ofDistinct: jobs.map(\.id), on: connection) : [:]
            return (JobListing(jobs: jobs, total: total), usage)
        }
    }

    /// From `job_state_deltas`, which triggers on `jobs` add to in the transaction of each
    /// change (+1 to a new job's state, −1 and +1 when it changes, −1 when it is deleted): a
    /// scrape of `/metrics` reads a row a state, not every job of a year. SQLite adds to a
    /// row a state in place; PostgreSQL, whose writers run at once, adds a row a change,
    /// which ``foldJobStateCounts()`` folds.
    public func jobCountsByState() async throws -> [JobState: Int] {
        try await read { connection in try Self.jobCountsByState(on: connection) }
    }

    /// Folds `job_state_deltas` into a row a state, in one write; nothing, not even a
    /// transaction, where the dialect keeps a row a state already.
    public func foldJobStateCounts() async throws {
        guard let fold = dialect.foldJobStateCountsSQL else { return }
        try await write { connection in _ = try connection.execute(fold) }
    }

    static func jobCountsByState(on connection: any SQLConnection) throws -> [JobState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for row in try connection.execute("SELECT state, SUM(delta) FROM job_state_deltas GROUP BY state").rows {
            if let state = JobState(rawValue: try row.string(0)) {
                counts[state] = try row.int(1)
            }
        }
        return counts
    }

    public func jobsCreatedTotal() async throws -> Int {
        try await read { connection in
            try connection.execute("SELECT value FROM counters WHERE name = 'jobs_created'").rows.first?.int(0) ?? 0
        }
    }

    // MARK: Shared by jobs and events

    static func loadJob(id: String, lockSuffix: String, on connection: any SQLConnection) throws -> Job? {
        guard let row = try connection.execute(selectJobSQL + lockSuffix, [.text(id)]).rows.first else { return nil }
        return try JobRow.decode(row)
    }

    /// Inserts the job and its nodes; counts it in `jobs_created` unless the caller counts a
    /// whole batch at once (``countCreated(_:on:)``).
    static func insert(_ job: Job, on connection: any SQLConnection, counting: Bool = true) throws {
        // A `do`/`catch` here crashes the Swift 6.3.1 compiler (MandatoryAllocBoxToStack).
        let inserted = Result { () throws(SQLError) in try connection.execute(insertJobSQL, JobRow.binds(job)) }
        if case .failure(let error) = inserted {
            if error.kind == .uniqueViolation { throw StoreError(.conflict, "a job with id '\(job.id)' exists already") }
            throw error
        }
        try insertNodes(of: job, on: connection)
        if counting { try countCreated(1, on: connection) }
    }

    static func countCreated(_ jobs: Int, on connection: any SQLConnection) throws(SQLError) {
        guard jobs > 0 else { return }
        try connection.execute("UPDATE counters SET value = value + $1 WHERE name = 'jobs_created'", [.integer(Int64(jobs))])
    }

    static func replace(_ existing: Job, with updated: Job, on connection: any SQLConnection) throws {
        try connection.execute(updateJobSQL, JobRow.binds(updated))
        if updated.nodes != existing.nodes {
            try connection.execute("DELETE FROM job_nodes WHERE job_id = $1", [.text(updated.id)])
            try insertNodes(of: updated, on: connection)
        }
    }

    private static func insertNodes(of job: Job, on connection: any SQLConnection) throws(SQLError) {
        guard !job.nodes.isEmpty else { return }
        try SQLBatch.insert(
            into: "job_nodes",
            columns: ["job_id", "node"],
            rows: job.nodes.map { [.text(job.id), .text($0)] },
            on: connection
        )
    }

    /// The job as the store will give it back: times cut to whole microseconds.
    static func normalized(_ job: Job) -> Job {
        var job = job
        job.submitTime = Microseconds.date(Microseconds.since1970(job.submitTime))
        job.startTime = job.startTime.map { Microseconds.date(Microseconds.since1970($0)) }
        job.endTime = job.endTime.map { Microseconds.date(Microseconds.since1970($0)) }
        return job
    }
}
