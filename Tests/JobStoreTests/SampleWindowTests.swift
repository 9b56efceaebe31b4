import Foundation
import ObservabilityCore
import TestSupport
import Testing

@testable import SQLJobStore

/// How a read of one job's samples is bounded by its row's first and newest sample times, and
/// cut into parts at step boundaries.
@Suite("Sample windows")
struct SampleWindowTests {
    private let second: Int64 = 1_000_000

    @Test func aSpanComesFromTheRowsFirstAndNewestTimes() {
        #expect(SampleSpan(first: nil, last: nil) == .empty)
        #expect(SampleSpan(first: 5, last: nil) == .empty)
        // Samples from before the first time was kept: no bound.
        #expect(SampleSpan(first: nil, last: 9) == .unknown)
        #expect(SampleSpan(first: 3, last: 9) == .between(3, 9))
        // A row that contradicts itself still bounds every sample it could mean.
        #expect(SampleSpan(first: 9, last: 3) == .between(3, 9))
    }

    @Test func theQueryIsNarrowedToTheSpan() throws {
        let unbounded = try SampleQuery()
        #expect(SampleWindow(unbounded, within: .empty) == nil)
        #expect(SampleWindow(unbounded, within: .unknown) == SampleWindow(lower: nil, upper: nil))
        #expect(SampleWindow(unbounded, within: .between(10, 20)) == SampleWindow(lower: 10, upper: 20))
        let query = try SampleQuery(from: Date(timeIntervalSince1970: 15), to: Date(timeIntervalSince1970: 100))
        #expect(SampleWindow(query, within: .unknown) == SampleWindow(lower: 15 * second, upper: 100 * second))
        #expect(SampleWindow(query, within: .between(0, 50 * second)) == SampleWindow(lower: 15 * second, upper: 50 * second))
        // A range the job has no samples in.
        #expect(SampleWindow(query, within: .between(200 * second, 300 * second)) == nil)
    }

    @Test func partsMeetAtStepBoundariesAndCoverTheWindow() {
        let window = SampleWindow(lower: 1_003 * second + 7, upper: 2_998 * second)
        let parts = window.parts(stepSeconds: 10, maximumParts: 3)
        #expect(parts.count == 3)
        #expect(parts.first?.lower == window.lower && parts.last?.upper == window.upper)
        for (left, right) in zip(parts, parts.dropFirst()) {
            let cut = try! #require(right.lower)
            #expect(cut % (10 * second) == 0)
            #expect(left.upper == cut - 1)
        }
    }

    @Test func shortOrOpenWindowsStayWhole() {
        // 99 steps: fewer than 50 a part for two parts.
        let short = SampleWindow(lower: 0, upper: 98 * second)
        #expect(short.parts(stepSeconds: 1, maximumParts: 4) == [short])
        #expect(SampleWindow(lower: 0, upper: 100 * second).parts(stepSeconds: 1, maximumParts: 4).count == 2)
        let open = SampleWindow(lower: nil, upper: 1_000_000 * second)
        #expect(open.parts(stepSeconds: 1, maximumParts: 4) == [open])
        let wide = SampleWindow(lower: 0, upper: 1_000_000 * second)
        #expect(wide.parts(stepSeconds: 1, maximumParts: 1) == [wide])
        #expect(wide.parts(stepSeconds: 1, maximumParts: 4).count == 4)
        // Times a database should never hold do not overflow the cut.
        let hostile = SampleWindow(lower: 0, upper: .max)
        #expect(hostile.parts(stepSeconds: 1, maximumParts: 4).count == 4)
        #expect(SampleWindow(lower: -5, upper: 10).parts(stepSeconds: 1, maximumParts: 4).count == 1)
    }

    /// A job whose samples came before the store kept the first one's time (migrated from an
    /// older schema) reads all of them, and keeps no first time when new samples arrive.
    @Test(arguments: TestBackend.available)
    func samplesFromBeforeTheFirstTimeWasKeptAreAllRead(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("old", state: .running, start: 0))
        try await store.appendSamples([sample("old", 100), sample("old", 200)])
        try await store.write { connection in _ = try connection.execute("UPDATE jobs SET first_sample_us = NULL WHERE id = 'old'") }
        try await store.appendSamples([sample("old", 300), sample("old", 50)])
        #expect(try await store.samples(jobID: "old", SampleQuery()).map(\.time) == [50, 100, 200, 300].map { at($0) })
        #expect(try await store.samplePoints(jobID: "old", SampleQuery(), stepSeconds: 1).count == 4)
        let first = try await store.read { connection in
            try connection.execute("SELECT first_sample_us FROM jobs WHERE id = 'old'").rows[0].optionalInt64(0)
        }
        #expect(first == nil)
        await store.close()
    }

    /// A job without samples answers at once, with nothing.
    @Test(arguments: TestBackend.available)
    func aJobWithoutSamplesHasNone(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        _ = try await store.createJob(makeJob("new", state: .pending))
        #expect(try await store.samples(jobID: "new", SampleQuery()).isEmpty)
        #expect(try await store.samplePoints(jobID: "new", SampleQuery(), stepSeconds: 60).isEmpty)
        await #expect(throws: StoreError.self) { _ = try await store.samples(jobID: "missing", SampleQuery()) }
        await store.close()
    }
}
