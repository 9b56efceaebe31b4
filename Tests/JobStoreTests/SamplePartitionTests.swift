import Foundation
import ObservabilityCore
import PostgresStore
import TestSupport
import Testing

@testable import SQLJobStore

/// PostgreSQL keeps samples in one partition per UTC day, made a week ahead; retention drops
/// whole days. Run where PostgreSQL is (always under CI=true, where its absence fails).
@Suite("Samples partitioned by day on PostgreSQL", .enabled(if: TestBackend.postgresURL != nil || TestBackend.isCI))
struct SamplePartitionTests {
    static let day: TimeInterval = 86_400
    /// The start of today, UTC, plus `days` days and `seconds`.
    static func today(_ days: Double, _ seconds: TimeInterval = 0) -> Date {
        let now = Date().timeIntervalSince1970
        return Date(timeIntervalSince1970: (now - now.truncatingRemainder(dividingBy: day)) + days * day + seconds)
    }

    static func name(_ date: Date) -> String {
        "samples_" + RFC3339.format(date).prefix(10).filter { $0 != "-" }
    }

    static func partitions(_ store: SQLJobStore) async throws -> [String] {
        try await store.read { connection in
            try connection.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('samples') ORDER BY 1"
            ).rows.map { try $0.string(0) }
        }
    }

    static func count(_ store: SQLJobStore, _ table: String) async throws -> Int {
        try await store.read { connection in try connection.execute("SELECT count(*) FROM \(table)").rows[0].int(0) }
    }

    static func samples(_ jobID: String, at times: [Date]) -> [MetricSample] {
        times.map { MetricSample(jobID: jobID, time: $0, cpuUsage: 10, memoryBytes: 1 << 20, gpuUsage: nil, node: "n1") }
    }

    @Test func daysAreMadeAheadAndRetentionDropsWholeDays() async throws {
        let store = try await TestBackend.postgres.makeStore().store
        let made = try await Self.partitions(store)
        #expect(made.contains("samples_default"))
        for day in -1...7 { #expect(made.contains(Self.name(Self.today(Double(day)))), "day \(day)") }

        _ = try await store.createJob(makeJob("p", state: .running, start: 0))
        // Today and yesterday have partitions; ten and three days ago, and a month ahead, not yet.
        let times = [-10, -3, -1, 0, 30].map { Self.today(Double($0), 3_600) }
        try await store.appendSamples(Self.samples("p", at: times))
        #expect(try await Self.count(store, "samples_default") == 3)

        // The next pass gives those days their partitions and moves their samples in.
        try await store.prepareSampleStorage()
        #expect(try await Self.count(store, "samples_default") == 0)
        for time in times { #expect(try await Self.partitions(store).contains(Self.name(time))) }
        #expect(try await store.samples(jobID: "p", SampleQuery()).map(\.time) == times)

        // Retention to the start of two days ago drops the days before it whole: no DELETE.
        #expect(try await store.deleteSamples(olderThan: Self.today(-2)) == 2)
        let left = try await Self.partitions(store)
        #expect(!left.contains(Self.name(times[0])) && !left.contains(Self.name(times[1])))
        #expect(try await store.samples(jobID: "p", SampleQuery()).map(\.time) == Array(times.dropFirst(2)))
        // A cutoff inside a day deletes that day's older samples row by row, and keeps its partition.
        #expect(try await store.deleteSamples(olderThan: Self.today(-1, 7_200)) == 1)
        #expect(try await Self.partitions(store).contains(Self.name(times[2])))
        await store.close()
    }

    /// A database from before partitions (schema version 3) is moved over when it opens:
    /// every sample kept, each in its day's partition, none in the default one.
    @Test func migrationMovesAnUnpartitionedTableOver() async throws {
        let scratch = try await TestBackend.postgres.makeStore()
        guard case .postgres(let url) = scratch.configuration else { throw TestSetupError("a PostgreSQL store") }
        _ = try await scratch.store.createJob(makeJob("old", state: .running, start: 0))
        // The table as version 1 made it, holding samples of three days.
        try await scratch.store.write { connection in
            try connection.executeScript(
                """
                DROP TABLE samples;
                CREATE TABLE samples (
                    job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    time_us BIGINT NOT NULL, cpu_usage DOUBLE PRECISION NOT NULL, memory_bytes BIGINT NOT NULL,
                    gpu_usage DOUBLE PRECISION, node TEXT
                );
                CREATE INDEX samples_job_time ON samples (job_id, time_us);
                CREATE INDEX samples_time ON samples (time_us);
                DELETE FROM schema_migrations WHERE version = 4;
                """
            )
        }
        let times = [-40, -20, 0].map { Self.today(Double($0), 60) }
        try await scratch.store.appendSamples(Self.samples("old", at: times))
        await scratch.store.close()

        let reopened = try await PostgresJobStore.open(connectionString: url, logger: TestBackend.logger)
        #expect(try await reopened.samples(jobID: "old", SampleQuery()).map(\.time) == times)
        #expect(try await Self.count(reopened, "samples_default") == 0)
        let made = try await Self.partitions(reopened)
        for time in times { #expect(made.contains(Self.name(time))) }
        #expect(try await reopened.deleteSamples(olderThan: Self.today(-10)) == 2)
        await reopened.close()
    }
}
