public import ObservabilityCore

extension SQLJobStore {
    public func statistics(over window: StatisticsWindow) async throws -> ClusterStatistics {
        let binds: [SQLValue] = [
            SQLTime.value(window.since), SQLTime.value(window.until), SQLTime.value(window.now), .double(JobUsage.idleGPUThreshold),
        ]
        return try await read { connection in
            let byState = try Self.jobCountsByState(on: connection)
            var active: [String?: PartitionActivity] = [:]
            for row in try connection.execute(
                "SELECT partition_name, state, COUNT(*) FROM jobs WHERE state IN ('pending', 'running', 'suspended') GROUP BY partition_name, state"
            ).rows {
                let partition = try row.optionalString(0)
                let count = try row.int(2)
                var activity = active[partition] ?? PartitionActivity(partition: partition)
                switch JobState(rawValue: try row.string(1)) {
                case .pending: activity.pending = count
                case .running: activity.running = count
                default: activity.suspended = count
                }
                active[partition] = activity
            }
            return ClusterStatistics(
                jobsByState: byState,
                activeByPartition: active.values.sorted { namedFirst($0.partition, $1.partition) },
                window: window,
                users: try Self.resourceUse(groupedBy: "user_name", binds: binds, on: connection),
                partitions: try Self.resourceUse(groupedBy: "partition_name", binds: binds, on: connection)
            )
        }
    }

    /// Hours held in the window (`$1` since, `$2` until, `$3` now, `$4` the idle GPU
    /// threshold) per value of `column`. A job counts from its start, or the window's, to its
    /// end, the window's, or now while it runs; hours are computed as floating point, so no
    /// product of CPUs and microseconds can overflow. The idle share reads only the GPU jobs'
    /// own samples in the window, through the (job_id, time) index.
    static func resourceUse(groupedBy column: String, binds: [SQLValue], on connection: any SQLConnection) throws -> [ResourceUse] {
        let sql = """
            WITH windowed AS (
                SELECT id, \(column) AS group_key, requested_cpus, requested_gpus,
                    CAST(
                        (CASE WHEN COALESCE(end_time_us, $3) < $2 THEN COALESCE(end_time_us, $3) ELSE $2 END)
                        - (CASE WHEN start_time_us > $1 THEN start_time_us ELSE $1 END)
                    AS DOUBLE PRECISION) / 3600000000.0 AS hours
                FROM jobs
                WHERE start_time_us IS NOT NULL AND start_time_us < $2
                    AND (end_time_us > $1 OR (end_time_us IS NULL AND state IN ('running', 'suspended')))
            )
            SELECT group_key, COUNT(*),
                SUM(COALESCE(requested_cpus, 0) * hours),
                SUM(COALESCE(requested_gpus, 0) * hours),
                SUM(CASE WHEN requested_gpus > 0 THEN requested_gpus * hours * COALESCE((
                    SELECT SUM(CASE WHEN samples.gpu_usage < $4 THEN 1.0 ELSE 0.0 END) / COUNT(*)
                    FROM samples
                    WHERE samples.job_id = windowed.id AND samples.gpu_usage IS NOT NULL
                        AND samples.time_us >= $1 AND samples.time_us < $2
                ), 0) ELSE 0 END)
            FROM windowed WHERE hours > 0 GROUP BY group_key
            """
        return try connection.execute(sql, binds).rows.map { row in
            ResourceUse(
                name: try row.optionalString(0),
                jobs: try row.int(1),
                cpuHours: try row.double(2),
                gpuHours: try row.double(3),
                idleGPUHours: try row.double(4)
            )
        }
        .sorted { ($0.cpuHours, $1.name ?? "") > ($1.cpuHours, $0.name ?? "") }
    }
}

/// Names in order, nil (jobs that name none) after every name.
private func namedFirst(_ left: String?, _ right: String?) -> Bool {
    switch (left, right) {
    case (let left?, let right?): left < right
    case (.some, nil): true
    case (nil, _): false
    }
}
