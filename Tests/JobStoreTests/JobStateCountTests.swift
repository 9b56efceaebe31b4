import Foundation
import ObservabilityCore
import TestSupport
import Testing

@testable import SQLJobStore

/// Jobs are counted by state from rows that triggers on `jobs` add as jobs change, so that
/// `/metrics`, `/v1/stats` and list totals need not count every job. The counts must equal a
/// count of the jobs after any mix of changes, and after the rows are folded.
@Suite("Job counts by state")
struct JobStateCountTests {
    static func counted(_ store: SQLJobStore) async throws -> [JobState: Int] {
        try await store.read { connection in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try connection.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").rows {
                counts[JobState(rawValue: try row.string(0))!] = try row.int(1)
            }
            return counts
        }
    }

    static func deltaRows(_ store: SQLJobStore) async throws -> Int {
        try await store.read { connection in try connection.execute("SELECT COUNT(*) FROM job_state_deltas").rows[0].int(0) }
    }

    @Test(arguments: TestBackend.available)
    func countsFollowEveryChangeAndSurviveFolding(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        for index in 0..<12 { _ = try await store.createJob(makeJob("c\(index)", state: index < 8 ? .pending : .running, start: 1)) }
        var running = JobUpdate.nothing
        running.state = .running
        for index in 0..<4 { _ = try await store.updateJob(id: "c\(index)", running, now: at(5)) }
        var completed = JobUpdate.nothing
        completed.state = .completed
        _ = try await store.updateJob(id: "c8", completed, now: at(9))
        // A change that leaves the state as it is adds nothing.
        var renamed = JobUpdate.nothing
        renamed.attributes.name = "renamed"
        _ = try await store.updateJob(id: "c9", renamed, now: at(9))
        try await store.deleteJob(id: "c10")
        // Events: a new job, a start, an end; a duplicate changes nothing.
        _ = try await store.apply([
            event("e1", job: "ev", .submitted, at: 1), event("e2", job: "ev", .started, at: 2, nodes: ["node-1"]),
            event("e3", job: "c4", .ended, at: 3, finalState: .failed, exitCode: 1),
            event("e3", job: "c4", .ended, at: 3, finalState: .failed, exitCode: 1),
        ])
        try await store.appendSamples([sample("c1", 10)])

        let expected = try await Self.counted(store)
        #expect(expected[.running] == 7 && expected[.pending] == 3 && expected[.completed] == 1 && expected[.failed] == 1)
        #expect(try await store.jobCountsByState() == expected)
        #expect(try await store.listJobs(JobFilter(), page: try JobPage()).total == 12)
        #expect(try await store.listJobs(JobFilter(state: .running), page: try JobPage()).total == 7)
        #expect(try await store.statistics(over: try StatisticsWindow(since: at(0), until: at(100), now: at(100))).jobsByState == expected)

        // SQLite keeps a row a state; PostgreSQL a row a change, until they are folded into a
        // row a state, with the counts as they were.
        #expect(try await Self.deltaRows(store) > JobState.allCases.count || backend == .sqlite)
        #expect(try await Self.deltaRows(store) <= JobState.allCases.count || backend != .sqlite)
        try await store.foldJobStateCounts()
        #expect(try await Self.deltaRows(store) == expected.values.filter { $0 != 0 }.count)
        #expect(try await store.jobCountsByState() == expected)

        // Folded again after more changes, the counts stay too.
        for index in 20..<40 { _ = try await store.createJob(makeJob("c\(index)", state: index.isMultiple(of: 3) ? .running : .pending)) }
        for index in 0..<6 { try await store.deleteJob(id: "c\(index)") }
        let fewer = try await Self.counted(store)
        try await store.foldJobStateCounts()
        #expect(try await store.jobCountsByState() == fewer)
        #expect(try await Self.deltaRows(store) <= JobState.allCases.count)
        // PostgreSQL folds them all in one statement; SQLite has none to fold.
        #expect((store.dialect.foldJobStateCountsSQL == nil) == (backend == .sqlite))
        await store.close()
    }

    /// A SQLite database from before the counts were kept in place: its rows of changes, a
    /// row a state or many, become a row a state with their sums, and later changes add to them.
    @Test func sqliteFoldsTheRowsOfChangesIntoARowAState() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let store = scratch.store
        let rowsAChange = try #require(store.dialect.migrations.first { $0.version == 5 }).sql
        try await store.write { connection in
            try connection.executeScript(
                """
                DROP TRIGGER jobs_count_inserted; DROP TRIGGER jobs_count_deleted; DROP TRIGGER jobs_count_state_changed;
                DROP TABLE job_state_deltas;
                \(rowsAChange)
                DELETE FROM schema_migrations WHERE version = 10;
                """
            )
        }
        for index in 0..<6 { _ = try await store.createJob(makeJob("f\(index)", state: index < 4 ? .pending : .running)) }
        var running = JobUpdate.nothing
        running.state = .running
        _ = try await store.updateJob(id: "f0", running, now: at(5))
        try await store.deleteJob(id: "f5")
        #expect(try await Self.deltaRows(store) == 6 + 2 + 1)
        await store.close()

        let reopened = try await StoreOpener.open(scratch.configuration)
        let migrated = try #require(reopened as? SQLJobStore)
        #expect(try await Self.deltaRows(migrated) == 2)
        #expect(try await migrated.jobCountsByState() == Self.counted(migrated))
        _ = try await migrated.createJob(makeJob("f6", state: .pending))
        try await migrated.deleteJob(id: "f4")
        #expect(try await Self.deltaRows(migrated) == 2)
        let counts = try await migrated.jobCountsByState()
        #expect(counts == (try await Self.counted(migrated)) && counts[.pending] == 4 && counts[.running] == 1)
        await migrated.close()
    }

    /// A database from before the counts were kept gets them, counted from its jobs, when the
    /// migration that adds them runs.
    @Test(arguments: TestBackend.available)
    func theMigrationCountsTheJobsAlreadyThere(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        for index in 0..<5 { _ = try await scratch.store.createJob(makeJob("m\(index)", state: index < 2 ? .running : .pending)) }
        // SQLite's counts in place (its migration 10) are made from those rows again.
        let versions = backend == .sqlite ? "5, 10" : "6"
        try await scratch.store.write { connection in
            try connection.executeScript(
                backend == .sqlite
                    ? """
                    DROP TRIGGER jobs_count_inserted; DROP TRIGGER jobs_count_deleted; DROP TRIGGER jobs_count_state_changed;
                    DROP TABLE job_state_deltas; DELETE FROM schema_migrations WHERE version IN (\(versions));
                    """
                    : """
                    DROP TABLE job_state_deltas; DROP TRIGGER jobs_count_inserted ON jobs; DROP TRIGGER jobs_count_deleted ON jobs;
                    DROP TRIGGER jobs_count_state_changed ON jobs; DROP FUNCTION jobs_count_inserted(); DROP FUNCTION jobs_count_deleted();
                    DROP FUNCTION jobs_count_state_changed(); DELETE FROM schema_migrations WHERE version IN (\(versions));
                    """
            )
        }
        await scratch.store.close()
        let reopened = try await StoreOpener.open(scratch.configuration)
        let counts = try await reopened.jobCountsByState()
        #expect(counts[.running] == 2 && counts[.pending] == 3 && counts.values.reduce(0, +) == 5)
        await reopened.close()
    }
}
