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
            for id in Set(totals.map(\.jobID)).sorted() {
                guard try !connection.execute("SELECT 1 FROM jobs WHERE id = $1", [.text(id)]).rows.isEmpty else {
                    throw StoreError.jobNotFound(id)
                }
            }
            for total in totals { try Self.upsert(total, on: connection) }
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

    public func usage(jobID: String) async throws -> JobUsage {
        try await read { connection in
            let nodes = try connection.execute(
                "SELECT node, cpu_seconds, peak_memory_bytes FROM job_usage WHERE job_id = $1 ORDER BY node",
                [.text(jobID)]
            ).rows.map { row in
                JobUsageTotals(jobID: jobID, node: try row.string(0), cpuSeconds: try row.double(1), peakMemoryBytes: try row.int64(2))
            }
            guard !nodes.isEmpty else { return JobUsage(nodes: []) }
            // One pass over the job's own samples, through the (job_id, time) index.
            let gpu = try connection.execute(
                "SELECT COUNT(gpu_usage), COALESCE(SUM(CASE WHEN gpu_usage < $2 THEN 1 ELSE 0 END), 0) FROM samples WHERE job_id = $1",
                [.text(jobID), .double(JobUsage.idleGPUThreshold)]
            ).rows.first
            return JobUsage(nodes: nodes, gpuSamples: try gpu?.int(0) ?? 0, idleGPUSamples: try gpu?.int(1) ?? 0)
        }
    }
}
