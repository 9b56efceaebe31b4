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
        let ids = jobIDs.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return [:] }
        var nodes: [String: [JobUsageTotals]] = [:]
        let (list, binds) = Self.idList(ids)
        for row in try connection.execute(
            "SELECT job_id, node, cpu_seconds, peak_memory_bytes FROM job_usage WHERE job_id IN (\(list)) ORDER BY job_id, node",
            binds
        ).rows {
            let jobID = try row.string(0)
            nodes[jobID, default: []].append(
                JobUsageTotals(jobID: jobID, node: try row.string(1), cpuSeconds: try row.double(2), peakMemoryBytes: try row.int64(3))
            )
        }
        guard !nodes.isEmpty else { return [:] }
        var usage = nodes.mapValues { JobUsage(nodes: $0) }
        // The counts kept as samples arrive; jobs whose samples came before they were kept
        // have none, and only their samples are counted here.
        var uncounted: [String] = []
        let (reported, reportedIDs) = Self.idList(nodes.keys.sorted())
        for row in try connection.execute("SELECT id, gpu_samples, idle_gpu_samples, last_sample_us FROM jobs WHERE id IN (\(reported))", reportedIDs)
            .rows
        {
            let jobID = try row.string(0)
            if let gpuSamples = try row.optionalInt(1), let idle = try row.optionalInt(2) {
                usage[jobID]?.gpuSamples = gpuSamples
                usage[jobID]?.idleGPUSamples = idle
            } else if try row.optionalInt64(3) != nil {
                uncounted.append(jobID)
            }
        }
        guard !uncounted.isEmpty else { return usage }
        // One pass over each such job's own samples, through the (job_id, time) index.
        let (counted, countedIDs) = Self.idList(uncounted.sorted())
        let countedBinds = countedIDs + [.double(JobUsage.idleGPUThreshold)]
        for row in try connection.execute(
            """
            SELECT job_id, COUNT(gpu_usage), COALESCE(SUM(CASE WHEN gpu_usage < $\(countedBinds.count) THEN 1 ELSE 0 END), 0) \
            FROM samples WHERE job_id IN (\(counted)) GROUP BY job_id
            """,
            countedBinds
        ).rows {
            let jobID = try row.string(0)
            usage[jobID]?.gpuSamples = try row.int(1)
            usage[jobID]?.idleGPUSamples = try row.int(2)
        }
        return usage
    }

    /// Placeholders and binds for `IN (…)` over `ids`, padded (with the last id again) to a
    /// power of two: each connection then prepares a handful of statements, not one per
    /// page size.
    static func idList(_ ids: [String]) -> (placeholders: String, binds: [SQLValue]) {
        var size = 1
        while size < ids.count { size *= 2 }
        let padded = ids + Array(repeating: ids.last ?? "", count: size - ids.count)
        return ((1...size).map { "$\($0)" }.joined(separator: ", "), padded.map { .text($0) })
    }
}
