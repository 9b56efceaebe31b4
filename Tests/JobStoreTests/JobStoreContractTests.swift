import Foundation
import TestSupport
import Testing

@testable import ObservabilityCore
@testable import SQLJobStore

/// One behaviour, every backend: each test runs against SQLite and PostgreSQL alike.
@Suite("JobStore contract")
struct JobStoreContractTests {
    // MARK: Create and read

    @Test(arguments: TestBackend.available)
    func createdJobReadsBackIdentically(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        let store = scratch.store
        var job = makeJob("job-001", nodes: ["node-1", "node-2"], state: .running, start: 10)
        job.name = "train model"
        job.exitCode = nil
        let created = try await store.createJob(job)
        #expect(created == job)
        #expect(try await store.job(id: "job-001") == job)
        #expect(try await store.job(id: "job-404") == nil)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func duplicateIDIsAConflictAndChangesNothing(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("42", user: "alice"))
        let error = await #expect(throws: StoreError.self) {
            try await store.createJob(makeJob("42", user: "mallory"))
        }
        #expect(error?.code == .conflict)
        #expect(try await store.job(id: "42")?.user == "alice")
        #expect(try await store.jobsCreatedTotal() == 1)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func invalidJobsAreRefusedWithTheirField(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let cases: [(Job, String, ValidationError.Code)] = [
            (makeJob(""), "id", .missing),
            (makeJob(String(repeating: "9", count: 129)), "id", .tooLong),
            (makeJob("a/b"), "id", .invalidCharacters),
            (makeJob("a b"), "id", .invalidCharacters),
            (makeJob("ok", user: ""), "user", .missing),
            (makeJob("ok", nodes: ["n1", "n1"]), "nodes[1]", .duplicate),
            (makeJob("ok", nodes: ["n1,n2"]), "nodes[0]", .invalidCharacters),
            (makeJob("ok", requestedCPUs: 0), "requestedCpus", .outOfRange),
            (makeJob("ok", start: 100, end: 50), "endTime", .inconsistent),
        ]
        for (job, field, code) in cases {
            let error = await #expect(throws: ValidationError.self) { try await store.createJob(job) }
            #expect(error?.field == field)
            #expect(error?.code == code)
        }
        #expect(try await store.listJobs(JobFilter(), page: JobPage()).total == 0)
        await store.close()
    }

    // MARK: Update

    @Test(arguments: TestBackend.available)
    func updateMovesStateAndStampsTimes(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("7"))
        let running = try await store.updateJob(id: "7", JobUpdate(state: .running), now: at(60))
        #expect(running.state == .running)
        #expect(running.startTime == at(60))
        let done = try await store.updateJob(id: "7", JobUpdate(state: .completed, exitCode: 0), now: at(120))
        #expect(done.endTime == at(120))
        #expect(done.exitCode == 0)
        #expect(try await store.job(id: "7") == done)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func illegalTransitionIsRefusedAndChangesNothing(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("8", state: .completed, start: 1, end: 2))
        let error = await #expect(throws: JobTransitionError.self) {
            try await store.updateJob(id: "8", JobUpdate(state: .running, user: "bob"), now: at(10))
        }
        #expect(error?.from == .completed)
        #expect(error?.to == .running)
        #expect(try await store.job(id: "8")?.user == "alice")
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func updatingNodesMovesTheNodeFilter(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("9", nodes: ["a"]))
        _ = try await store.updateJob(id: "9", JobUpdate(nodes: ["b", "c"]), now: at(1))
        #expect(try await store.listJobs(JobFilter(node: "a"), page: JobPage()).total == 0)
        #expect(try await store.listJobs(JobFilter(node: "c"), page: JobPage()).jobs.map(\.id) == ["9"])
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func updateOfUnknownJobIsNotFound(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let error = await #expect(throws: StoreError.self) {
            try await store.updateJob(id: "nope", JobUpdate(state: .running), now: at(0))
        }
        #expect(error?.code == .notFound)
        await store.close()
    }

    // MARK: Delete

    @Test(arguments: TestBackend.available)
    func deleteRemovesJobAndSamplesButNotTheCreatedCount(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("d1", state: .running, start: 0))
        try await store.appendSamples([sample("d1", 1), sample("d1", 2)])
        try await store.deleteJob(id: "d1")
        #expect(try await store.job(id: "d1") == nil)
        await #expect(throws: StoreError.self) { try await store.samples(jobID: "d1", SampleQuery()) }
        #expect(try await store.jobsCreatedTotal() == 1)
        // The id is free again, and the new job starts without the old samples.
        _ = try await store.createJob(makeJob("d1"))
        #expect(try await store.samples(jobID: "d1", SampleQuery()).isEmpty)
        let error = await #expect(throws: StoreError.self) { try await store.deleteJob(id: "never") }
        #expect(error?.code == .notFound)
        await store.close()
    }

    // MARK: List

    @Test(arguments: TestBackend.available)
    func listFiltersAndPages(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(
            makeJob("1", user: "alice", nodes: ["n1"], state: .completed, partition: "batch", submit: 0, start: 5, end: 100)
        )
        _ = try await store.createJob(makeJob("2", user: "bob", nodes: ["n1", "n2"], state: .running, partition: "gpu", submit: 10, start: 20))
        _ = try await store.createJob(makeJob("3", user: "alice", nodes: ["n3"], state: .running, partition: "batch", submit: 20, start: 30))
        _ = try await store.createJob(makeJob("4", user: "carol", nodes: [], state: .pending, partition: nil, submit: 30))

        func ids(_ filter: JobFilter, limit: Int = 100, offset: Int = 0) async throws -> [String] {
            try await store.listJobs(filter, page: JobPage(limit: limit, offset: offset)).jobs.map(\.id)
        }
        #expect(try await ids(JobFilter()) == ["4", "3", "2", "1"])
        #expect(try await ids(JobFilter(state: .running)) == ["3", "2"])
        #expect(try await ids(JobFilter(user: "alice")) == ["3", "1"])
        #expect(try await ids(JobFilter(node: "n1")) == ["2", "1"])
        #expect(try await ids(JobFilter(partition: "batch")) == ["3", "1"])
        #expect(try await ids(JobFilter(since: at(101))) == ["4", "3", "2"])
        #expect(try await ids(JobFilter(until: at(10))) == ["2", "1"])
        #expect(try await ids(JobFilter(state: .running, user: "alice", node: "n3", partition: "batch")) == ["3"])
        #expect(try await ids(JobFilter(user: "nobody")) == [])
        #expect(try await ids(JobFilter(node: "no-such-node")) == [])

        let firstPage = try await store.listJobs(JobFilter(), page: JobPage(limit: 2))
        #expect(firstPage.jobs.map(\.id) == ["4", "3"])
        #expect(firstPage.total == 4)
        #expect(try await ids(JobFilter(), limit: 2, offset: 2) == ["2", "1"])
        let countOnly = try await store.listJobs(JobFilter(state: .running), page: JobPage(limit: 0))
        #expect(countOnly.jobs.isEmpty)
        #expect(countOnly.total == 2)
        let beyond = try await store.listJobs(JobFilter(), page: JobPage(limit: 10, offset: 1_000_000))
        #expect(beyond.jobs.isEmpty)
        #expect(beyond.total == 4)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func cursorsWalkTheListingAsOffsetsDoAndSurviveNewJobs(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        // Ties on the submission time are broken by id, so equal times page without gaps.
        for index in 0..<23 {
            _ = try await store.createJob(
                makeJob("j\(index)", user: index % 3 == 0 ? "alice" : "bob", nodes: [], state: .pending, submit: Double(index / 4))
            )
        }
        var added = 0
        for filter in [JobFilter(), JobFilter(user: "bob")] {
            let all = try await store.listJobs(filter, page: JobPage(limit: 1_000)).jobs.map(\.id)
            var walked: [String] = []
            var cursor: JobCursor?
            repeat {
                let page = try await store.listJobs(filter, page: JobPage(limit: 5, after: cursor))
                walked += page.jobs.map(\.id)
                cursor = page.nextCursor(limit: 5)
                if cursor == nil { #expect(page.jobs.count < 5 || walked.count == all.count) }
                // A job submitted meanwhile, newest of all, shifts offsets but not cursors.
                added += 1
                _ = try await store.createJob(makeJob("new\(added)", user: "bob", nodes: [], state: .pending, submit: Double(10_000 + added)))
            } while cursor != nil && walked.count < 100
            #expect(walked == all)
        }
        let decoded = try JobCursor(decoding: JobCursor(submitMicroseconds: 5_000_000, id: "4242_7").encoded)
        #expect(decoded == JobCursor(submitMicroseconds: 5_000_000, id: "4242_7"))
        for bad in ["", "x", "djE", JobCursor(submitMicroseconds: 1, id: "a b").encoded, "dj2.1.a", String(repeating: "A", count: 300)] {
            #expect(throws: ValidationError.self) { try JobCursor(decoding: bad) }
        }
        await store.close()
    }

    @Test func pageLimitsAreValidated() {
        #expect(throws: ValidationError.self) { try JobPage(limit: -1) }
        #expect(throws: ValidationError.self) { try JobPage(limit: 1_001) }
        #expect(throws: ValidationError.self) { try JobPage(offset: -5) }
        #expect(throws: ValidationError.self) { try SampleQuery(limit: 10_001) }
        #expect(throws: ValidationError.self) { try SampleQuery(from: at(10), to: at(5)) }
    }

    // MARK: Samples

    @Test(arguments: TestBackend.available)
    func samplesAppendAndReadByRangeLimitAndOrder(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("s1", state: .running, start: 0))
        try await store.appendSamples([sample("s1", 30, cpu: 10)])
        try await store.appendSamples((1...5).map { sample("s1", Double($0) * 60, cpu: Double($0)) })
        let all = try await store.samples(jobID: "s1", SampleQuery())
        #expect(all.map(\.time) == [30, 60, 120, 180, 240, 300].map { at(Double($0)) })
        #expect(all.last == sample("s1", 300, cpu: 5))
        let window = try await store.samples(jobID: "s1", SampleQuery(from: at(60), to: at(180)))
        #expect(window.map(\.cpuUsage) == [1, 2, 3])
        let newest = try await store.samples(jobID: "s1", SampleQuery(limit: 2, order: .newestFirst))
        #expect(newest.map(\.cpuUsage) == [5, 4])
        #expect(try await store.samples(jobID: "s1", SampleQuery(limit: 0)).isEmpty)
        await store.close()
    }

    /// Downsampling in the database: one point per step and node, with each series' mean and
    /// maximum, ordered the same way by both backends (samples without a node first).
    @Test(arguments: TestBackend.available)
    func samplePointsHoldTheMeanAndMaximumOfEachStepAndNode(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("p1", state: .running, start: 0))
        // node-1: every 10 s for 600 s, CPU and memory climbing; node-2: two GPU samples; one
        // sample naming no node.
        var samples = (0..<60).map { i in sample("p1", Double(i) * 10, cpu: Double(i), memoryMiB: 1024 + Int64(i)) }
        samples += [sample("p1", 0, cpu: 100, gpu: 50, node: "node-2"), sample("p1", 300, cpu: 100, gpu: 70, node: "node-2")]
        samples.append(sample("p1", 10, cpu: 1, node: nil))
        try await store.appendSamples(samples)

        let points = try await store.samplePoints(jobID: "p1", SampleQuery(), stepSeconds: 100)
        #expect(points.count == 6 + 2 + 1)
        #expect(points.prefix(3).map(\.node) == [nil, "node-1", "node-2"])
        let nodeOne = points.filter { $0.node == "node-1" }
        #expect(nodeOne.map(\.time) == (0..<6).map { at(Double($0) * 100) })
        #expect(nodeOne.allSatisfy { $0.samples == 10 && $0.gpuUsage == nil && $0.gpuUsageMax == nil })
        // Step k holds samples 10k … 10k+9.
        #expect(nodeOne.map(\.cpuUsage) == (0..<6).map { Double($0) * 10 + 4.5 })
        #expect(nodeOne.map(\.cpuUsageMax) == (0..<6).map { Double($0) * 10 + 9 })
        let mebibyte: Int64 = 1 << 20
        let maxima: [Int64] = (0..<6).map { step in (1024 + Int64(step) * 10 + 9) * mebibyte }
        #expect(nodeOne.map(\.memoryBytesMax) == maxima)
        // Samples 1,024 … 1,033 MiB: a mean of 1,028.5 MiB.
        #expect(nodeOne[0].memoryBytes == 1_028.5 * Double(mebibyte))
        let nodeTwo = points.filter { $0.node == "node-2" }
        #expect(nodeTwo.map(\.time) == [at(0), at(300)] && nodeTwo.map(\.gpuUsage) == [50, 70] && nodeTwo.map(\.gpuUsageMax) == [50, 70])

        // The range, the limit (counting points) and the order apply as for samples.
        let window = try await store.samplePoints(jobID: "p1", SampleQuery(from: at(100), to: at(199)), stepSeconds: 100)
        #expect(window.map(\.node) == ["node-1"] && window.first?.samples == 10 && window.first?.cpuUsage == 14.5)
        #expect(try await store.samplePoints(jobID: "p1", SampleQuery(limit: 2), stepSeconds: 100).count == 2)
        #expect(try await store.samplePoints(jobID: "p1", SampleQuery(order: .newestFirst), stepSeconds: 100).first?.time == at(500))
        // One step for everything: one point a node.
        #expect(try await store.samplePoints(jobID: "p1", SampleQuery(), stepSeconds: 86_400).map(\.samples).sorted() == [1, 2, 60])

        await #expect(throws: ValidationError.self) { _ = try await store.samplePoints(jobID: "p1", SampleQuery(), stepSeconds: 0) }
        let missing = await #expect(throws: StoreError.self) { _ = try await store.samplePoints(jobID: "nope", SampleQuery(), stepSeconds: 60) }
        #expect(missing?.code == .notFound)
        await store.close()
    }

    /// A long job's points are those of one pass over its samples, however the store splits
    /// the read (SQLite cuts it at step boundaries across its read connections), and samples
    /// older than the job's first, arriving later, are still read.
    @Test(arguments: TestBackend.available)
    func samplePointsOfALongJobAreThoseOfOnePass(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("long", state: .running, start: 0))
        let samples = (0..<2_000).map { (i: Int) -> MetricSample in
            let gpu: Double? = i.isMultiple(of: 3) ? Double(i % 100) : nil
            return sample(
                "long",
                Double(i) * 3,
                cpu: Double(i % 97),
                memoryMiB: 1024 + Int64(i % 13),
                gpu: gpu,
                node: i.isMultiple(of: 5) ? "b" : "a"
            )
        }
        // The newest half first, then the oldest: the first sample's time moves back.
        try await store.appendSamples(Array(samples[1_000...]))
        try await store.appendSamples(Array(samples[..<1_000]))

        let all = onePass(samples[...], stepSeconds: 10)
        // 600 steps, two nodes in some of them.
        #expect(all.count > 600)
        #expect(nearlyEqual(try await store.samplePoints(jobID: "long", SampleQuery(limit: 10_000), stepSeconds: 10), all))
        let newest = try await store.samplePoints(jobID: "long", SampleQuery(limit: 7, order: .newestFirst), stepSeconds: 10)
        // Steps newest first, nodes within a step as before.
        let newestExpected = all.indices.sorted { a, b in all[a].time != all[b].time ? all[a].time > all[b].time : a < b }.map { all[$0] }
        #expect(nearlyEqual(newest, Array(newestExpected.prefix(7))))
        let middle = try await store.samplePoints(jobID: "long", SampleQuery(from: at(1_505), to: at(4_499), limit: 10_000), stepSeconds: 10)
        #expect(nearlyEqual(middle, onePass(samples[502...1_499], stepSeconds: 10)))
        #expect(try await store.samples(jobID: "long", SampleQuery(limit: 1)).first?.time == at(0))
        #expect(try await store.samplePoints(jobID: "long", SampleQuery(from: at(7_000)), stepSeconds: 10).isEmpty)
        await store.close()
    }

    /// Nodes within a step in byte order on both backends (PostgreSQL groups in SQL, SQLite in
    /// the store), whatever the database's collation: capitals before small letters, UTF-8 last.
    @Test(arguments: TestBackend.available)
    func samplePointNodesAreInByteOrder(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("o", state: .running, start: 0))
        try await store.appendSamples(["b", "é", "B", "a"].map { sample("o", 5, node: $0) } + [sample("o", 6, node: nil)])
        let points = try await store.samplePoints(jobID: "o", SampleQuery(), stepSeconds: 60)
        #expect(points.map(\.node) == [nil, "B", "a", "b", "é"])
        let newest = try await store.samplePoints(jobID: "o", SampleQuery(limit: 3, order: .newestFirst), stepSeconds: 1)
        #expect(newest.map(\.node) == [nil, "B", "a"] && newest.map(\.time) == [at(6), at(5), at(5)])
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func largeBatchesAcrossJobsAreStoredWhole(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("b1", state: .running, start: 0))
        _ = try await store.createJob(makeJob("b2", state: .running, start: 0))
        let batch = (0..<2_500).map { sample($0.isMultiple(of: 2) ? "b1" : "b2", Double($0), cpu: Double($0 % 400), gpu: 50) }
        try await store.appendSamples(batch)
        #expect(try await store.samples(jobID: "b1", SampleQuery(limit: 10_000)).count == 1_250)
        #expect(try await store.samples(jobID: "b2", SampleQuery(limit: 10_000)).count == 1_250)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func aBadSampleRejectsTheWholeBatch(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("v1", state: .running, requestedCPUs: 2, start: 0))
        let invalid: [(MetricSample, String)] = [
            (sample("v1", 1, cpu: -1), "[1].cpuUsage"),
            (sample("v1", 1, cpu: .nan), "[1].cpuUsage"),
            (sample("v1", 1, cpu: .infinity), "[1].cpuUsage"),
            (sample("v1", 1, cpu: 201), "[1].cpuUsage"),
            (sample("v1", 1, gpu: 100.5), "[1].gpuUsage"),
            (sample("v1", 1, gpu: -0.1), "[1].gpuUsage"),
            (MetricSample(jobID: "v1", time: at(1), cpuUsage: 1, memoryBytes: -1), "[1].memoryUsageMb"),
        ]
        for (bad, field) in invalid {
            let error = await #expect(throws: ValidationError.self) {
                try await store.appendSamples([sample("v1", 0), bad])
            }
            #expect(error?.field == field)
        }
        let unknown = await #expect(throws: StoreError.self) {
            try await store.appendSamples([sample("v1", 0), sample("ghost", 1)])
        }
        #expect(unknown?.code == .notFound)
        #expect(try await store.samples(jobID: "v1", SampleQuery()).isEmpty)
        #expect(try await store.runningJobs().first?.latestSample == nil)
        // 200 % is exactly two full CPUs: allowed.
        try await store.appendSamples([sample("v1", 2, cpu: 200)])
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func snapshotsHoldTheNewestSampleOfRunningJobsOnly(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("r1", state: .running, start: 0))
        _ = try await store.createJob(makeJob("r2", state: .running, start: 0))
        _ = try await store.createJob(makeJob("p1", state: .pending))
        try await store.appendSamples([sample("r1", 20, cpu: 20), sample("r1", 10, cpu: 10), sample("p1", 5)])
        // A late, older sample does not replace the newest.
        try await store.appendSamples([sample("r1", 15, cpu: 15)])
        let snapshots = try await store.runningJobs()
        #expect(snapshots.map(\.id) == ["r1", "r2"])
        #expect(snapshots[0].user == "alice" && snapshots[0].partition == "batch" && snapshots[0].startTime == at(0))
        #expect(snapshots[0].latestSample == sample("r1", 20, cpu: 20))
        #expect(snapshots[1].latestSample == nil)
        _ = try await store.updateJob(id: "r1", JobUpdate(state: .completed), now: at(30))
        #expect(try await store.runningJobs().map(\.id) == ["r2"])
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func usageTotalsAreReplacedPerNodeAndGoWithTheJob(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("u1", state: .running, start: 0))
        try await store.recordUsage([
            JobUsageTotals(jobID: "u1", node: "n2", cpuSeconds: 5, peakMemoryBytes: 50),
            JobUsageTotals(jobID: "u1", node: "n1", cpuSeconds: 1.5, peakMemoryBytes: 10),
        ])
        try await store.recordUsage([JobUsageTotals(jobID: "u1", node: "n1", cpuSeconds: 3, peakMemoryBytes: 20)])
        try await store.appendSamples([sample("u1", 1, cpu: 10, gpu: 0.5), sample("u1", 2, cpu: 10, gpu: 80), sample("u1", 3, cpu: 10)])
        #expect(
            try await store.usage(jobID: "u1")
                == JobUsage(
                    nodes: [
                        JobUsageTotals(jobID: "u1", node: "n1", cpuSeconds: 3, peakMemoryBytes: 20),
                        JobUsageTotals(jobID: "u1", node: "n2", cpuSeconds: 5, peakMemoryBytes: 50),
                    ],
                    gpuSamples: 2,
                    idleGPUSamples: 1
                )
        )
        let unknown = await #expect(throws: StoreError.self) {
            try await store.recordUsage([
                JobUsageTotals(jobID: "u1", node: "n3", cpuSeconds: 1, peakMemoryBytes: 1),
                JobUsageTotals(jobID: "ghost", node: "n1", cpuSeconds: 1, peakMemoryBytes: 1),
            ])
        }
        #expect(unknown?.code == .notFound)
        #expect(try await store.usage(jobID: "u1").nodes.count == 2)
        await #expect(throws: ValidationError.self) {
            try await store.recordUsage([JobUsageTotals(jobID: "u1", node: "n1", cpuSeconds: -1, peakMemoryBytes: 1)])
        }
        try await store.deleteJob(id: "u1")
        #expect(try await store.usage(jobID: "u1").nodes.isEmpty)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func usageOfAPageOfJobsComesInOneAnswer(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        for id in ["p1", "p2", "p3"] { _ = try await store.createJob(makeJob(id, state: .running, start: 0)) }
        try await store.recordUsage([
            JobUsageTotals(jobID: "p1", node: "n1", cpuSeconds: 1, peakMemoryBytes: 10),
            JobUsageTotals(jobID: "p3", node: "n1", cpuSeconds: 3, peakMemoryBytes: 30),
        ])
        try await store.appendSamples([sample("p3", 1, gpu: 0), sample("p3", 2, gpu: 0.5), sample("p3", 3, gpu: 90), sample("p1", 1)])
        // Three ids ask for a padded list of four; a repeated id counts once.
        let usage = try await store.usage(jobIDs: ["p3", "p1", "p2", "p1", "ghost"])
        #expect(Set(usage.keys) == ["p1", "p3"])
        #expect(usage["p1"] == JobUsage(nodes: [JobUsageTotals(jobID: "p1", node: "n1", cpuSeconds: 1, peakMemoryBytes: 10)]))
        #expect(usage["p3"]?.gpuSamples == 3)
        #expect(usage["p3"]?.idleGPUSamples == 2)
        #expect(try await store.usage(jobIDs: []).isEmpty)
        let many = (0..<700).map { "none-\($0)" }
        #expect(try await store.usage(jobIDs: many + ["p1"]).keys.sorted() == ["p1"])
        await store.close()
    }

    /// A summary's GPU counts are kept on the job as samples arrive, batch by batch, so a page
    /// of long jobs costs no pass over their samples; a job whose samples came before the
    /// counts were kept is counted from its samples, with the same result.
    @Test(arguments: TestBackend.available)
    func gpuCountsAreKeptAsSamplesArriveAndCountedForOlderJobs(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        for id in ["g1", "g2"] { _ = try await store.createJob(makeJob(id, state: .running, start: 0)) }
        try await store.recordUsage(["g1", "g2"].map { JobUsageTotals(jobID: $0, node: "n1", cpuSeconds: 1, peakMemoryBytes: 10) })
        try await store.appendSamples([sample("g1", 1, gpu: 0), sample("g1", 2, gpu: 50), sample("g1", 3), sample("g2", 1, gpu: 0.2)])
        try await store.appendSamples([sample("g1", 4, gpu: 0.9), sample("g2", 2, gpu: 70)])
        let kept = try await store.usage(jobIDs: ["g1", "g2"])
        #expect(kept["g1"]?.gpuSamples == 3 && kept["g1"]?.idleGPUSamples == 2)
        #expect(kept["g2"]?.gpuSamples == 2 && kept["g2"]?.idleGPUSamples == 1)
        try await store.write { connection in
            try connection.execute("UPDATE jobs SET gpu_samples = NULL, idle_gpu_samples = NULL WHERE id = 'g1'")
        }
        #expect(try await store.usage(jobIDs: ["g1", "g2"]) == kept)
        // A job stored before the counts keeps none as more samples come, and is still counted.
        try await store.appendSamples([sample("g1", 5, gpu: 0)])
        #expect(try await store.usage(jobID: "g1").idleGPUSamples == 3)
        await store.close()
    }

    // MARK: Statistics

    @Test(arguments: TestBackend.available)
    func statisticsCountHoursHeldInTheWindow(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let hour = 3_600.0
        func gpuJob(_ id: String, user: String, gpus: Int, start: Double, end: Double?, state: JobState) -> Job {
            var job = makeJob(id, user: user, state: state, partition: "gpu", requestedCPUs: 8, start: start, end: end)
            job.requestedGPUs = gpus
            return job
        }
        // The window is hours 10 to 20; "now" is hour 15.
        _ = try await store.createJob(makeJob("inside", user: "alice", state: .completed, requestedCPUs: 4, start: 11 * hour, end: 13 * hour))
        _ = try await store.createJob(makeJob("straddles", user: "alice", state: .failed, requestedCPUs: 2, start: 8 * hour, end: 12 * hour))
        _ = try await store.createJob(makeJob("before", user: "bob", state: .completed, requestedCPUs: 64, start: 1 * hour, end: 9 * hour))
        _ = try await store.createJob(makeJob("queued", user: "bob", state: .pending, partition: nil))
        _ = try await store.createJob(
            makeJob("no-cpus", user: "carol", state: .completed, partition: nil, requestedCPUs: nil, start: 12 * hour, end: 14 * hour)
        )
        _ = try await store.createJob(gpuJob("running", user: "bob", gpus: 2, start: 14 * hour, end: nil, state: .running))
        _ = try await store.createJob(gpuJob("idle", user: "carol", gpus: 4, start: 10 * hour, end: 12 * hour, state: .completed))
        // Half of "idle"'s GPU samples in the window are idle; one outside the window does not count.
        try await store.appendSamples([
            sample("idle", 10.5 * hour, gpu: 0), sample("idle", 11 * hour, gpu: 0.2), sample("idle", 11.5 * hour, gpu: 50),
            sample("idle", 11.9 * hour, gpu: 70), sample("idle", 9 * hour, gpu: 0),
        ])
        let window = try StatisticsWindow(since: at(10 * hour), until: at(20 * hour), now: at(15 * hour))
        let statistics = try await store.statistics(over: window)

        #expect(statistics.jobsByState[.completed] == 4)
        #expect(statistics.jobsByState[.running] == 1)
        #expect(statistics.jobsByState[.preempted] == 0)
        #expect(
            statistics.activeByPartition == [PartitionActivity(partition: "gpu", running: 1), PartitionActivity(partition: nil, pending: 1)]
        )
        func close(_ left: Double, _ right: Double) -> Bool { abs(left - right) < 1e-6 }
        let users = Dictionary(uniqueKeysWithValues: statistics.users.map { ($0.name ?? "", $0) })
        // alice: 4 CPUs × 2 h + 2 CPUs × 2 h in the window.
        #expect(users["alice"]?.jobs == 2)
        #expect(users["alice"].map { close($0.cpuHours, 12) } == true)
        // bob: "before" ended before the window; "running" holds 8 CPUs and 2 GPUs from 14 h to now (15 h).
        #expect(users["bob"]?.jobs == 1)
        #expect(users["bob"].map { close($0.cpuHours, 8) && close($0.gpuHours, 2) && close($0.idleGPUHours, 0) } == true)
        // carol: unknown CPUs count none; 4 GPUs × 2 h, idle in half the samples.
        #expect(users["carol"]?.jobs == 2)
        #expect(users["carol"].map { close($0.cpuHours, 16) && close($0.gpuHours, 8) && close($0.idleGPUHours, 4) } == true)
        #expect(statistics.users.map(\.name) == ["carol", "alice", "bob"])
        let partitions = Dictionary(uniqueKeysWithValues: statistics.partitions.map { ($0.name ?? "(none)", $0) })
        #expect(partitions["batch"].map { $0.jobs == 2 && close($0.cpuHours, 12) } == true)
        #expect(partitions["gpu"].map { $0.jobs == 2 && close($0.cpuHours, 24) && close($0.gpuHours, 10) } == true)
        #expect(partitions["(none)"]?.jobs == 1)

        let empty = try await store.statistics(over: try StatisticsWindow(since: at(100 * hour), until: at(101 * hour), now: at(15 * hour)))
        #expect(empty.users.isEmpty && empty.partitions.isEmpty)
        await store.close()
    }

    // MARK: Counts and retention

    @Test(arguments: TestBackend.available)
    func countsCoverEveryStateAndTheCreatedTotalOnlyGrows(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        #expect(try await store.jobCountsByState() == Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) }))
        _ = try await store.createJob(makeJob("c1", state: .running, start: 0))
        _ = try await store.createJob(makeJob("c2", state: .running, start: 0))
        _ = try await store.createJob(makeJob("c3", state: .failed, start: 0, end: 1))
        let counts = try await store.jobCountsByState()
        #expect(counts[.running] == 2)
        #expect(counts[.failed] == 1)
        #expect(counts[.pending] == 0)
        #expect(counts.count == JobState.allCases.count)
        try await store.deleteJob(id: "c1")
        #expect(try await store.jobsCreatedTotal() == 3)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func retentionDeletesOnlyOlderSamples(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("old", state: .running, start: 0))
        try await store.appendSamples((0..<25).map { sample("old", Double($0)) })
        #expect(try await store.deleteSamples(olderThan: at(20)) == 20)
        #expect(try await store.samples(jobID: "old", SampleQuery()).map(\.time) == (20..<25).map { at(Double($0)) })
        #expect(try await store.deleteSamples(olderThan: at(20)) == 0)
        await store.close()
    }

    // MARK: Lifecycle events

    @Test(arguments: TestBackend.available)
    func replayedEventChangesNothing(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let start = event("e1", job: "100", .started, at: 10, nodes: ["n1"])
        let first = try await store.apply(start)
        guard case .applied(.create(let created)) = first else {
            Issue.record("expected a created job, got \(first)")
            return
        }
        #expect(created.state == .running)
        #expect(try await store.apply(start) == .duplicate(eventID: "e1"))
        #expect(try await store.job(id: "100") == created)
        #expect(try await store.jobsCreatedTotal() == 1)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func prologsFromEveryNodeAndALateReplayBuildOneJob(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.apply([
            event("p-n1", job: "200", .started, at: 10, nodes: ["n1"]),
            event("p-n2", job: "200", .started, at: 11, nodes: ["n2"]),
        ])
        _ = try await store.apply(event("e-n1", job: "200", .ended, at: 50, exitCode: 3))
        // The second node's epilog and a spooled prolog arrive after the end.
        _ = try await store.apply(event("e-n2", job: "200", .ended, at: 51, finalState: .completed, exitCode: 0))
        _ = try await store.apply(event("p-n3", job: "200", .started, at: 12, nodes: ["n3"]))
        let job = try #require(try await store.job(id: "200"))
        #expect(job.nodes == ["n1", "n2", "n3"])
        #expect(job.state == .failed)
        #expect(job.exitCode == 3)
        #expect(job.startTime == at(10))
        #expect(job.endTime == at(50))
        #expect(try await store.listJobs(JobFilter(node: "n3"), page: JobPage()).total == 1)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func anEpilogWithoutPrologStillRecordsTheJob(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.apply(event("only-end", job: "300", .ended, at: 70, nodes: ["n9"], finalState: .timeout, exitCode: 0))
        let job = try #require(try await store.job(id: "300"))
        #expect(job.state == .timeout)
        #expect(job.endTime == at(70))
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func requeueReopensAFinishedJob(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.apply([
            event("s", job: "400", .started, at: 1, nodes: ["n1"]),
            event("e", job: "400", .ended, at: 2, finalState: .nodeFail),
            event("q", job: "400", .requeued, at: 3),
            event("s2", job: "400", .started, at: 4, nodes: ["n5"]),
        ])
        let job = try #require(try await store.job(id: "400"))
        #expect(job.state == .running)
        #expect(job.nodes == ["n5"])
        #expect(job.startTime == at(4))
        #expect(job.endTime == nil)
        #expect(job.exitCode == nil)
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func anInvalidEventRejectsTheWholeBatch(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let error = await #expect(throws: ValidationError.self) {
            try await store.apply([
                event("ok", job: "500", .started, at: 1),
                event("bad", job: "500", .started, at: 2, finalState: .completed),
            ])
        }
        #expect(error?.field == "[1].finalState")
        #expect(try await store.job(id: "500") == nil)
        // The valid event was not remembered either: applying it now creates the job.
        guard case .applied(.create) = try await store.apply(event("ok", job: "500", .started, at: 1)) else {
            Issue.record("the first event of a rejected batch was remembered")
            return
        }
        await store.close()
    }

    @Test(arguments: TestBackend.available)
    func anEndCarryingUsageRecordsItWithTheEventOnly(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        var end = event("pbs-end", job: "1234.pbs01", .ended, at: 90, nodes: ["cn12"], exitCode: 0)
        end.usage = LifecycleEvent.Usage(node: "cn12", cpuSeconds: 160.5, peakMemoryBytes: 1 << 30)
        // The job is created by the end itself: the usage row must follow the job's row.
        _ = try await store.apply(end)
        let recorded = JobUsageTotals(jobID: "1234.pbs01", node: "cn12", cpuSeconds: 160.5, peakMemoryBytes: 1 << 30)
        #expect(try await store.usage(jobID: "1234.pbs01").nodes == [recorded])
        // A replay is a duplicate and writes nothing, even with other figures.
        end.usage?.cpuSeconds = 1
        #expect(try await store.apply(end) == .duplicate(eventID: "pbs-end"))
        #expect(try await store.usage(jobID: "1234.pbs01").nodes == [recorded])

        var bad = event("bad-usage", job: "1235.pbs01", .ended, at: 91, exitCode: 0)
        bad.usage = LifecycleEvent.Usage(node: "cn12", cpuSeconds: -1, peakMemoryBytes: 0)
        let error = await #expect(throws: ValidationError.self) {
            try await store.apply([event("ok", job: "1235.pbs01", .started, at: 1), bad])
        }
        #expect(error?.field == "[1].usage.cpuSeconds")
        #expect(try await store.job(id: "1235.pbs01") == nil)
        await store.close()
    }

    // MARK: Health and migrations

    @Test(arguments: TestBackend.available)
    func reopeningAppliesNoMigrationTwice(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        _ = try await scratch.store.createJob(makeJob("keep"))
        try await scratch.store.checkHealth()
        await scratch.store.close()
        let reopened = try await StoreOpener.open(scratch.configuration)
        #expect(try await reopened.job(id: "keep") != nil)
        await reopened.close()
    }

    @Test(arguments: TestBackend.available)
    func aClosedStoreRefusesWork(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        await store.close()
        let error = await #expect(throws: StoreError.self) { try await store.checkHealth() }
        #expect(error?.code == .closed)
    }
}
