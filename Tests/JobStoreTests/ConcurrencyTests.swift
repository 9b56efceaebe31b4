import Foundation
import ObservabilityCore
import SQLJobStore
import TestSupport
import Testing

/// Several writers on one database lose nothing: hooks and the server share a SQLite file,
/// and replicas share a PostgreSQL pool.
@Suite("Concurrent writers")
struct ConcurrencyTests {
    @Test func twoProcessesAppendingToOneSQLiteFileLoseNoRow() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/shared.db"
        let perWriter = 20_000
        // Both processes start on a fresh file: they race on creating the schema, too.
        async let first = StoreBenchProcess.run(["append", "--job", "shared", "--samples", "\(perWriter)", "--batch", "50"], databasePath: path)
        async let second = StoreBenchProcess.run(
            ["append", "--job", "shared", "--samples", "\(perWriter)", "--batch", "50", "--offset", "\(perWriter)"],
            databasePath: path
        )
        let results = try await [first, second]
        for result in results {
            #expect(result.status == 0, "writer failed: \(result.standardError)")
        }
        let store = try await StoreOpener.open(.sqlite(path: path))
        // The writers' rows are one millisecond apart: read them back in windows of 10,000.
        var times = Set<Date>()
        for window in 0..<4 {
            let from = Date(timeIntervalSince1970: 1_780_000_000 + Double(window) * 10)
            let rows = try await store.samples(
                jobID: "shared",
                SampleQuery(from: from, to: from.addingTimeInterval(9.9995), limit: SampleQuery.maxLimit)
            )
            #expect(rows.count == 10_000)
            times.formUnion(rows.map(\.time))
        }
        #expect(times.count == 2 * perWriter)
        await store.close()
    }

    @Test func processesOpeningAFreshFileTogetherMigrateItOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/fresh.db"
        let results = try await withThrowingTaskGroup(of: BuiltExecutable.Result.self) { group in
            for _ in 0..<4 {
                group.addTask { try await StoreBenchProcess.run(["migrate"], databasePath: path) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(result.status == 0, "migration failed: \(result.standardError)")
        }
        let store = try await StoreOpener.open(.sqlite(path: path))
        try await store.checkHealth()
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func concurrentAppendsThatShareATransactionFailAlone(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("ok", state: .running, requestedCPUs: 1, start: 0))
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<60 {
                group.addTask {
                    // Every third request names a job that does not exist, every fifth asks
                    // for more CPU than the job has: those fail, and only those.
                    let job = index % 3 == 0 ? "ghost" : "ok"
                    let cpu: Double = index % 5 == 0 ? 150 : 50
                    do {
                        try await store.appendSamples([sample(job, Double(index), cpu: cpu)])
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        let expected = (0..<60).filter { $0 % 3 != 0 && $0 % 5 != 0 }
        #expect(outcomes.filter(\.value).keys.sorted() == expected)
        let stored = try await store.samples(jobID: "ok", SampleQuery())
        #expect(stored.map(\.time) == expected.map { at(Double($0)) })
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func eightConcurrentTasksLoseNoSampleOrEvent(backend: TestBackend) async throws {
        let store = try await backend.makeStore(poolSize: 4).store
        _ = try await store.createJob(makeJob("pool", state: .running, requestedCPUs: 64, start: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<25 {
                        let base = Double(task * 10_000 + round * 10)
                        try await store.appendSamples((0..<10).map { sample("pool", base + Double($0)) })
                        // Every task also creates jobs through events, racing on the same new ids.
                        _ = try await store.apply(event("t\(task)-r\(round)", job: "ev-\(round)", .started, at: base, nodes: ["n\(task)"]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let samples = try await store.samples(jobID: "pool", SampleQuery(limit: SampleQuery.maxLimit))
        #expect(samples.count == 8 * 25 * 10)
        #expect(Set(samples.map(\.time)).count == 8 * 25 * 10)
        let listing = try await store.listJobs(JobFilter(state: .running), page: JobPage(limit: 1_000))
        #expect(listing.total == 26)
        for job in listing.jobs where job.id != "pool" {
            #expect(Set(job.nodes) == Set((0..<8).map { "n\($0)" }), "job \(job.id) lost a node")
        }
        #expect(try await store.jobsCreatedTotal() == 26)
        await store.close()
    }
}

/// Runs the `hpc-obs-storebench` executable built beside the test bundle.
enum StoreBenchProcess {
    static func run(_ arguments: [String], databasePath: String) async throws -> BuiltExecutable.Result {
        try await BuiltExecutable.run(
            "hpc-obs-storebench",
            arguments: arguments,
            environment: ["DATABASE_TYPE": "sqlite", "DATABASE_URL": databasePath]
        )
    }
}
