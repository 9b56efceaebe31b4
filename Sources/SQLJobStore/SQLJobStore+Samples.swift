public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension SQLJobStore {
    static let sampleColumns = ["job_id", "time_us", "cpu_usage", "memory_bytes", "gpu_usage", "node"]
    static let latestSampleColumns = "last_sample_us, last_cpu_usage, last_memory_bytes, last_gpu_usage, last_sample_node"
    /// Keeps a job's newest sample (for `/metrics` and lists), the times of its first and
    /// newest, which bound every read of its samples (``SampleSpan``), and how many of its
    /// samples had a GPU reading and how many of those were idle (a job's summary, without
    /// reading its samples); `$7` is the batch's oldest, `$8` and `$9` its GPU counts. All
    /// expressions see the row as it was. A job whose samples came before `first_sample_us`
    /// (or the counts) existed has a newest sample and no first, and keeps none.
    static let updateSampleSpanSQL = """
        UPDATE jobs SET \
        first_sample_us = CASE WHEN last_sample_us IS NULL THEN $7 WHEN first_sample_us > $7 THEN $7 ELSE first_sample_us END, \
        gpu_samples = CASE WHEN last_sample_us IS NULL THEN $8 ELSE gpu_samples + $8 END, \
        idle_gpu_samples = CASE WHEN last_sample_us IS NULL THEN $9 ELSE idle_gpu_samples + $9 END, \
        last_cpu_usage = CASE WHEN last_sample_us IS NULL OR last_sample_us <= $2 THEN $3 ELSE last_cpu_usage END, \
        last_memory_bytes = CASE WHEN last_sample_us IS NULL OR last_sample_us <= $2 THEN $4 ELSE last_memory_bytes END, \
        last_gpu_usage = CASE WHEN last_sample_us IS NULL OR last_sample_us <= $2 THEN $5 ELSE last_gpu_usage END, \
        last_sample_node = CASE WHEN last_sample_us IS NULL OR last_sample_us <= $2 THEN $6 ELSE last_sample_node END, \
        last_sample_us = CASE WHEN last_sample_us IS NULL OR last_sample_us <= $2 THEN $2 ELSE last_sample_us END \
        WHERE id = $1
        """

    public func appendSamples(_ samples: [MetricSample]) async throws {
        guard !samples.isEmpty else { return }
        for (index, sample) in samples.enumerated() {
            try ValidationError.naming(index, of: samples.count) { () throws(ValidationError) in
                try sample.validate(allocatedCPUs: nil)
            }
        }
        try await sampleWrites.submit(samples, weight: samples.count)
    }

    /// Appends several requests' samples in one transaction. Each request is checked on its
    /// own (its jobs exist, its CPU use fits their allocations) and fails alone; the rows of
    /// all that pass go in together, with one lookup and one latest-sample update per job.
    static func appendInOneTransaction(_ requests: [[MetricSample]], transactions: TransactionRunner) async throws -> [Result<Void, any Error>] {
        try await transactions.write { connection in
            let jobs = try resolve(references: Set(requests.joined().map(\.jobID)), on: connection)
            let results = requests.map { samples in check(samples, against: jobs) }
            var accepted: [MetricSample] = []
            for (samples, result) in zip(requests, results) {
                guard case .success = result else { continue }
                for var sample in samples {
                    if case .success(let job) = jobs[sample.jobID] { sample.jobID = job.key }
                    accepted.append(sample)
                }
            }
            try insert(accepted, on: connection)
            return results
        }
    }

    /// Each reference's job, or why there is none (unknown, or an id several clusters have).
    private static func resolve(references: Set<String>, on connection: any SQLConnection) throws -> [String: Result<ResolvedJob, StoreError>] {
        var jobs: [String: Result<ResolvedJob, StoreError>] = [:]
        for reference in references.sorted() {
            do {
                jobs[reference] = .success(try resolve(reference: reference, on: connection))
            } catch let error as StoreError where error.code == .notFound || error.code == .ambiguous {
                jobs[reference] = .failure(error)
            }
        }
        return jobs
    }

    private static func check(_ samples: [MetricSample], against jobs: [String: Result<ResolvedJob, StoreError>]) -> Result<Void, any Error> {
        for (index, sample) in samples.enumerated() {
            let cpus: Int?
            switch jobs[sample.jobID] {
            case .success(let job): cpus = job.requestedCPUs
            case .failure(let error): return .failure(error)
            case nil: return .failure(StoreError.jobNotFound(sample.jobID))
            }
            if let cpus {
                let checked = Result { () throws(ValidationError) in
                    try ValidationError.naming(index, of: samples.count) { () throws(ValidationError) in
                        try sample.validate(allocatedCPUs: cpus)
                    }
                }
                if case .failure(let error) = checked { return .failure(error) }
            }
        }
        return .success(())
    }

    private static func insert(_ samples: [MetricSample], on connection: any SQLConnection) throws {
        guard !samples.isEmpty else { return }
        var newest: [String: MetricSample] = [:]
        var oldest: [String: Date] = [:]
        var gpuCounts: [String: (gpu: Int64, idle: Int64)] = [:]
        for sample in samples {
            oldest[sample.jobID] = min(oldest[sample.jobID] ?? sample.time, sample.time)
            if let gpu = sample.gpuUsage {
                let counts = gpuCounts[sample.jobID] ?? (0, 0)
                gpuCounts[sample.jobID] = (counts.gpu + 1, counts.idle + (gpu < JobUsage.idleGPUThreshold ? 1 : 0))
            }
            if let current = newest[sample.jobID], current.time > sample.time { continue }
            newest[sample.jobID] = sample
        }
        try SQLBatch.insert(into: "samples", columns: sampleColumns, rows: samples.map(binds), on: connection)
        // A fixed order, so that two transactions touching the same jobs cannot deadlock.
        for sample in newest.values.sorted(by: { $0.jobID < $1.jobID }) {
            let counts = gpuCounts[sample.jobID] ?? (0, 0)
            try connection.execute(
                updateSampleSpanSQL,
                binds(sample) + [SQLTime.value(oldest[sample.jobID]), .integer(counts.gpu), .integer(counts.idle)]
            )
        }
    }

    /// A sample's values in the order of ``sampleColumns``, which ``updateSampleSpanSQL``
    /// numbers the same way.
    private static func binds(_ sample: MetricSample) -> [SQLValue] {
        [
            .text(sample.jobID), SQLTime.value(sample.time), .double(sample.cpuUsage),
            .integer(sample.memoryBytes), SQLValue(sample.gpuUsage), SQLValue(sample.node),
        ]
    }

    public func samples(jobID: String, _ query: SampleQuery) async throws -> [MetricSample] {
        try await readSamples { connection in
            guard let window = SampleWindow(query, within: try Self.sampleSpan(ofJob: jobID, on: connection)) else { return [] }
            var parameters = SQLParameters()
            let sql = """
                SELECT \(Self.sampleColumns.joined(separator: ", ")) FROM samples \
                WHERE \(Self.sampleRange(ofJob: jobID, window, &parameters))\(Self.timeOrder(query)) \
                LIMIT \(parameters.add(.integer(Int64(query.limit))))
                """
            return try connection.execute(sql, parameters.values).rows.map { row in
                MetricSample(
                    jobID: try row.string(0),
                    time: try row.date(1),
                    cpuUsage: try row.double(2),
                    memoryBytes: try row.int64(3),
                    gpuUsage: try row.optionalDouble(4),
                    node: try row.optionalString(5)
                )
            }
        }
    }

    public func samplePoints(jobID: String, _ query: SampleQuery, stepSeconds: Int) async throws -> [SamplePoint] {
        try SamplePoint.validateStep(stepSeconds)
        let span = try await read { connection in try Self.sampleSpan(ofJob: jobID, on: connection) }
        guard let window = SampleWindow(query, within: span) else { return [] }
        var parts = window.parts(stepSeconds: stepSeconds, maximumParts: min(readers.size, ProcessInfo.processInfo.activeProcessorCount))
        if query.order == .newestFirst { parts.reverse() }
        return try await withThrowingTaskGroup(of: (Int, [SamplePoint]).self) { group in
            for (index, part) in parts.enumerated() {
                group.addTask {
                    let points =
                        self.dialect.groupsSampleSteps
                        ? try await self.groupedSamplePoints(jobID: jobID, query, part, stepSeconds: stepSeconds)
                        : try await self.steppedSamplePoints(jobID: jobID, query, part, stepSeconds: stepSeconds)
                    return (index, points)
                }
            }
            var answers = [[SamplePoint]](repeating: [], count: parts.count)
            for try await (index, points) in group { answers[index] = points }
            return Array(answers.joined().prefix(query.limit))
        }
    }

    /// The points of one part of a job's samples (see ``SampleWindow/parts(stepSeconds:maximumParts:)``),
    /// on one read connection, folded from rows in time order by ``SampleStepper``.
    private func steppedSamplePoints(jobID: String, _ query: SampleQuery, _ window: SampleWindow, stepSeconds: Int) async throws -> [SamplePoint] {
        var parameters = SQLParameters()
        let sql = """
            SELECT time_us, node, cpu_usage, memory_bytes, gpu_usage FROM samples \
            WHERE \(Self.sampleRange(ofJob: jobID, window, &parameters))\(Self.timeOrder(query))
            """
        let binds = parameters.values
        let limit = query.limit
        return try await readSamples { connection in
            var stepper = SampleStepper(stepSeconds: stepSeconds, limit: limit)
            try connection.scan(sql, binds) { row throws(SQLError) in
                stepper.add(
                    timeMicroseconds: try row.int64(0),
                    node: try row.optionalString(1),
                    cpuUsage: try row.double(2),
                    memoryBytes: try row.int64(3),
                    gpuUsage: try row.optionalDouble(4)
                )
            }
            return stepper.finish()
        }
    }

    /// The same points, grouped by the database (see ``SQLDialect/groupsSampleSteps``): one row
    /// per step and node, nodes in byte order with samples naming none first, as
    /// ``SampleStepper`` orders them.
    private func groupedSamplePoints(jobID: String, _ query: SampleQuery, _ window: SampleWindow, stepSeconds: Int) async throws -> [SamplePoint] {
        var parameters = SQLParameters()
        let range = Self.sampleRange(ofJob: jobID, window, &parameters)
        let step = parameters.add(.integer(Int64(stepSeconds) * 1_000_000))
        // Times are after 1970, so integer division floors. The cast keeps PostgreSQL's mean of
        // a bigint out of numeric arithmetic, a fifth of the query's time.
        let sql = """
            SELECT (time_us / \(step)) * \(step) AS step_us, node, COUNT(*), AVG(cpu_usage), MAX(cpu_usage), \
            AVG(CAST(memory_bytes AS DOUBLE PRECISION)), MAX(memory_bytes), AVG(gpu_usage), MAX(gpu_usage) \
            FROM samples WHERE \(range) \
            GROUP BY step_us, node ORDER BY step_us \(query.order == .newestFirst ? "DESC" : "ASC"), COALESCE(node, '')\(dialect.byteOrder) \
            LIMIT \(parameters.add(.integer(Int64(query.limit))))
            """
        let binds = parameters.values
        return try await readSamples { connection in
            try connection.execute(sql, binds).rows.map { row in
                SamplePoint(
                    time: try row.date(0),
                    node: try row.optionalString(1),
                    samples: try row.int(2),
                    cpuUsage: try row.double(3),
                    cpuUsageMax: try row.double(4),
                    memoryBytes: try row.double(5),
                    memoryBytesMax: try row.int64(6),
                    gpuUsage: try row.optionalDouble(7),
                    gpuUsageMax: try row.optionalDouble(8)
                )
            }
        }
    }

    /// A read of a job's samples: the dialect's ``SQLDialect/sampleReadSettings`` first, in
    /// the same transaction, so that every such read runs under them.
    private func readSamples<Result: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Result) async throws -> Result {
        let settings = dialect.sampleReadSettings
        return try await read { connection in
            for setting in settings { _ = try connection.execute(setting) }
            return try body(connection)
        }
    }

    private static func timeOrder(_ query: SampleQuery) -> String {
        query.order == .newestFirst ? " ORDER BY time_us DESC" : " ORDER BY time_us ASC"
    }

    /// The condition for one job's samples in `window`, its values added to `parameters`.
    private static func sampleRange(ofJob jobID: String, _ window: SampleWindow, _ parameters: inout SQLParameters) -> String {
        var condition = "job_id = \(parameters.add(.text(jobID)))"
        if let lower = window.lower { condition += " AND time_us >= \(parameters.add(.integer(lower)))" }
        if let upper = window.upper { condition += " AND time_us <= \(parameters.add(.integer(upper)))" }
        return condition
    }

    /// Where the job's samples lie in time, from its row. An unknown job is
    /// ``StoreError/Code/notFound``, not an empty answer.
    private static func sampleSpan(ofJob jobID: String, on connection: any SQLConnection) throws -> SampleSpan {
        guard let row = try connection.execute("SELECT first_sample_us, last_sample_us FROM jobs WHERE id = $1", [.text(jobID)]).rows.first else {
            throw StoreError.jobNotFound(jobID)
        }
        return SampleSpan(first: try row.optionalInt64(0), last: try row.optionalInt64(1))
    }

    public func reduceRunningJobs<Accumulator: Sendable>(
        into initial: Accumulator,
        _ accumulate: @escaping @Sendable (inout Accumulator, RunningJob) -> Void
    ) async throws -> Accumulator {
        let sql = """
            SELECT id, user_name, partition_name, cluster, start_time_us, \(Self.latestSampleColumns) \
            FROM jobs WHERE state = 'running' ORDER BY id
            """
        return try await read { connection in
            var accumulator = initial
            try connection.forEachRow(sql, []) { row throws(SQLError) in
                accumulate(&accumulator, try Self.runningJob(row))
            }
            return accumulator
        }
    }

    private static func runningJob(_ row: SQLRow) throws(SQLError) -> RunningJob {
        let id = try row.string(0)
        var latest: MetricSample?
        if let time = try row.optionalDate(5) {
            latest = MetricSample(
                jobID: id,
                time: time,
                cpuUsage: try row.optionalDouble(6) ?? 0,
                memoryBytes: try row.optionalInt64(7) ?? 0,
                gpuUsage: try row.optionalDouble(8),
                node: try row.optionalString(9)
            )
        }
        return RunningJob(
            id: id,
            user: try row.string(1),
            partition: try row.optionalString(2),
            cluster: try row.optionalString(3),
            startTime: try row.optionalDate(4),
            latestSample: latest
        )
    }

    public func deleteSamples(olderThan cutoff: Date) async throws -> Int {
        let dialect = self.dialect
        // Whole days first where the backend keeps them apart: a dropped partition costs what
        // its name does, not what its rows do. Then room for the coming days.
        var deleted = try await write { connection in
            try dialect.dropSamples(before: cutoff, on: connection)
        }
        deleted += try await deleteInChunks(dialect.deleteOldSamplesChunk, before: cutoff)
        _ = try await deleteInChunks(
            "DELETE FROM applied_events WHERE event_id IN (SELECT event_id FROM applied_events WHERE applied_us < $1 LIMIT $2)",
            before: cutoff
        )
        try await prepareSampleStorage()
        return deleted
    }

    /// Ahead of the samples of the coming days (PostgreSQL's day partitions); at open and at
    /// each retention pass.
    public func prepareSampleStorage() async throws {
        let dialect = self.dialect
        let now = Date()
        try await write { connection in try dialect.prepareSampleStorage(now: now, on: connection) }
    }

    /// Runs `sql` (`$1` the cutoff, `$2` the chunk) until it deletes less than a chunk: each
    /// chunk its own short transaction, so ingest waits for one chunk at most.
    private func deleteInChunks(_ sql: String, before cutoff: Date) async throws -> Int {
        let chunk = 10_000
        var deleted = 0
        while true {
            let removed = try await write { connection in
                try connection.execute(sql, [SQLTime.value(cutoff), .integer(Int64(chunk))]).affectedRows
            }
            deleted += removed
            if removed < chunk { return deleted }
        }
    }
}
