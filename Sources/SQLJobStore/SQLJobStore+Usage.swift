public import ObservabilityCore

extension SQLJobStore {
    public func recordUsage(_ totals: [JobUsageTotals]) async throws {
        guard !totals.isEmpty else { return }
        for (index, total) in totals.enumerated() {
            try ValidationError.naming(index, of: totals.count) { () throws(ValidationError) in
                try total.validate()
            }
        }
        try await write { connection in
            var keys: [String: String] = [:]
            for reference in Set(totals.map(\.jobID)).sorted() {
                keys[reference] = try Self.resolve(reference: reference, on: connection).key
            }
            for var total in totals {
                total.jobID = keys[total.jobID] ?? total.jobID
                try Self.upsert(total, on: connection)
            }
        }
    }

    /// A node's later report replaces its earlier one.
    static func upsert(_ total: JobUsageTotals, on connection: any SQLConnection) throws {
        try connection.execute(
            """
            INSERT INTO job_usage (job_id, node, cpu_seconds, peak_memory_bytes) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (job_id, node) DO UPDATE SET cpu_seconds = excluded.cpu_seconds, peak_memory_bytes = excluded.peak_memory_bytes
            """,
            [.text(total.jobID), .text(total.node), .double(total.cpuSeconds), .integer(total.peakMemoryBytes)]
        )
    }

    public func usage(jobIDs: [String]) async throws -> [String: JobUsage] {
        guard !jobIDs.isEmpty else { return [:] }
        return try await read { connection in try Self.usage(of: jobIDs, on: connection) }
    }

    static func usage(of jobIDs: [String], on connection: any SQLConnection) throws -> [String: JobUsage] {
        var seen = Set<String>()
        return try usage(ofDistinct: jobIDs.filter { seen.insert($0).inserted }, on: connection)
    }

    /// ``usage(of:on:)`` for ids known to be distinct, such as a page's keys.
    static func usage(ofDistinct ids: [String], on connection: any SQLConnection) throws -> [String: JobUsage] {
        guard !ids.isEmpty else { return [:] }
        // A site without collectors has no totals at all: one probe, not one for each job.
        guard try !connection.execute("SELECT 1 FROM job_usage LIMIT 1").rows.isEmpty else { return [:] }
        var usage: [String: JobUsage] = [:]
        usage.reserveCapacity(ids.count)
        // The counts kept as samples arrive are read with each job's first node; jobs whose
        // samples came before they were kept have none, and only their samples are counted here.
        var uncounted: [String] = []
        let (totalsSQL, binds) = totalsOfJobs.statement(for: ids)
        try connection.scan(totalsSQL, binds) { row throws(SQLError) in
            let jobID = try row.string(0)
            let totals = JobUsageTotals(jobID: jobID, node: try row.string(1), cpuSeconds: try row.double(2), peakMemoryBytes: try row.int64(3))
            if usage[jobID] != nil {
                usage[jobID]?.nodes.append(totals)
                return
            }
            var first = JobUsage(nodes: [totals])
            if let gpuSamples = try row.optionalInt(4), let idle = try row.optionalInt(5) {
                first.gpuSamples = gpuSamples
                first.idleGPUSamples = idle
            } else if try row.optionalInt64(6) != nil {
                uncounted.append(jobID)
            }
            usage[jobID] = first
        }
        guard !uncounted.isEmpty else { return usage }
        // One pass over each such job's own samples, through the (job_id, time) index.
        let (countSQL, countedIDs) = gpuCountsFromSamples.statement(for: uncounted.sorted())
        try connection.forEachRow(countSQL, countedIDs + [.double(JobUsage.idleGPUThreshold)]) { row throws(SQLError) in
            let jobID = try row.string(0)
            usage[jobID]?.gpuSamples = try row.int(1)
            usage[jobID]?.idleGPUSamples = try row.int(2)
        }
        return usage
    }

    /// Each node's totals, with the job's kept GPU counts and newest sample time beside them.
    private static let totalsOfJobs = IDListStatement { ids, _ in
        """
        SELECT u.job_id, u.node, u.cpu_seconds, u.peak_memory_bytes, j.gpu_samples, j.idle_gpu_samples, j.last_sample_us \
        FROM job_usage u JOIN jobs j ON j.id = u.job_id WHERE u.job_id IN (\(ids)) ORDER BY u.job_id, u.node
        """
    }

    /// The idle threshold is bound after the ids.
    private static let gpuCountsFromSamples = IDListStatement { ids, count in
        """
        SELECT job_id, COUNT(gpu_usage), COALESCE(SUM(CASE WHEN gpu_usage < $\(count + 1) THEN 1 ELSE 0 END), 0) \
        FROM samples WHERE job_id IN (\(ids)) GROUP BY job_id
        """
    }
}

/// A statement over `IN (…)` a list of ids, bound as `$1` to `$n`. The list is padded (with
/// its last id again) to a power of two, so each connection prepares a handful of statements,
/// not one per page size; the texts up to a page's largest are written once, not per request.
struct IDListStatement: Sendable {
    /// The statement for `ids`, given as placeholders, and how many there are.
    typealias Template = @Sendable (_ ids: String, _ count: Int) -> String

    private let template: Template
    /// Index `k`: the statement for 2^k ids.
    private let written: [String]

    init(_ template: @escaping Template) {
        self.template = template
        written = (0...Self.writtenPowers).map { power in Self.text(template, count: 1 << power) }
    }

    /// Up to 1,024 ids, a page of ``JobPage/maxLimit`` jobs.
    private static let writtenPowers = 10

    func statement(for ids: [String]) -> (sql: String, binds: [SQLValue]) {
        var power = 0
        while 1 << power < ids.count { power += 1 }
        let count = 1 << power
        var binds = ids.map { SQLValue.text($0) }
        binds.append(contentsOf: repeatElement(.text(ids.last ?? ""), count: count - ids.count))
        return (power < written.count ? written[power] : Self.text(template, count: count), binds)
    }

    private static func text(_ template: Template, count: Int) -> String {
        template((1...count).map { "$\($0)" }.joined(separator: ", "), count)
    }
}
