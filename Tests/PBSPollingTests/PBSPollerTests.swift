import Foundation
import Logging
import MetricsTestKit
import ObservabilityCore
import SQLJobStore
import Synchronization
import TestSupport
import Testing

@testable import PBSPolling

/// Serves the fixtures' snapshots in the order they were taken, or fails as told.
final class RecordedQstat: QstatSource, Sendable {
    enum Answer: Sendable {
        case snapshot(String)
        case failure
    }

    private let answers = Mutex<[Answer]>([])
    let description = "recorded qstat"

    func hold(_ next: Answer) {
        answers.withLock { $0 = [next] }
    }

    func snapshot() async throws -> Data {
        switch answers.withLock({ $0.first }) {
        case .snapshot(let name)?: return try QstatFixtureTests.snapshot(name)
        case .failure?, nil: throw QstatError(description: "qstat: cannot connect to server vm (errno=15010)")
        }
    }
}

@Suite("PBS poller against a real server's snapshots")
struct PBSPollerTests {
    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    static let moments = ["early", "mixed", "array-finished", "rerun", "select-running", "finished"]

    @Test(arguments: TestBackend.available)
    func everyJobOfTheCaptureEndsAsItDidOnceEach(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        let store = scratch.store
        let qstat = RecordedQstat()
        let metrics = TestMetrics()
        let poller = PBSPoller(store: store, interval: .seconds(30), source: qstat, metricsFactory: metrics, logger: Self.quietLogger)

        qstat.hold(.snapshot("qstat-fx-F-json-early.json"))
        try await poller.pollOnce()
        let afterFirst = try metrics.expectCounter("hpc_obs_pbs_poll_events_total").totalValue
        // The same snapshot again applies nothing.
        try await poller.pollOnce()
        #expect(try metrics.expectCounter("hpc_obs_pbs_poll_events_total").totalValue == afterFirst)

        qstat.hold(.snapshot("qstat-ftx-F-json-mixed.json"))
        try await poller.pollOnce()
        #expect(try await store.job(id: "21.vm", cluster: nil)?.state == .pending)
        #expect(try await store.job(id: "22.vm", cluster: nil)?.state == .pending)
        #expect(try await store.job(id: "20[1].vm", cluster: nil)?.state == .running)
        #expect(try await store.job(id: "20[].vm", cluster: nil) == nil)

        for moment in Self.moments.dropFirst(2) {
            qstat.hold(.snapshot(moment == "early" ? "qstat-fx-F-json-early.json" : "qstat-ftx-F-json-\(moment).json"))
            try await poller.pollOnce()
            if moment == "rerun" { #expect(try await store.job(id: "24.vm", cluster: nil)?.state == .running) }
        }
        let expected: [String: (JobState, Int?)] = [
            "15.vm": (.completed, 0), "16.vm": (.failed, 3), "17.vm": (.timeout, -29), "18.vm": (.cancelled, 143), "19.vm": (.completed, 0),
            "20[1].vm": (.completed, 0), "20[2].vm": (.completed, 0), "20[3].vm": (.completed, 0), "21.vm": (.completed, 0),
            "22.vm": (.completed, 0), "23.vm": (.cancelled, nil), "24.vm": (.completed, 0),
        ]
        for (id, (state, exitCode)) in expected {
            let job = try #require(try await store.job(id: id, cluster: nil), "\(id)")
            #expect(job.state == state && job.exitCode == exitCode, "\(id): \(job.state) \(String(describing: job.exitCode))")
            #expect(job.cluster == "vm" && job.user == "pbsuser")
        }
        let listed = try await store.listJobs(JobFilter(), page: try JobPage(limit: 100, offset: 0))
        #expect(listed.total == expected.count)
        // The queue wait is kept: 21 was submitted at 23:42:39 and started when CPUs were free.
        let waited = try #require(try await store.job(id: "21.vm", cluster: nil))
        #expect(waited.submitTime == RFC3339.parse("2026-12-01T23:42:39Z"))
        #expect(try #require(waited.startTime) > waited.submitTime)
        #expect(try metrics.expectGauge("hpc_obs_pbs_up").lastValue == 1)
        #expect(try metrics.expectGauge("hpc_obs_pbs_jobs").lastValue == 13)
        await store.close()
    }

    @Test func aLiveJobQstatNoLongerListsIsClosed() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let store = scratch.store
        // Recorded running by a hook; its MoM was lost and the server forgot it.
        _ = try await store.apply(
            LifecycleEvent(id: "hook:9", jobID: "9.vm", kind: .started, time: Date(), user: "ann", attributes: JobAttributes(cluster: "vm"))
        )
        // Not this server's, and not a PBS id: left alone.
        _ = try await store.apply(
            LifecycleEvent(id: "hook:10", jobID: "10.other", kind: .started, time: Date(), user: "ann", attributes: JobAttributes(cluster: "other"))
        )
        _ = try await store.apply(
            LifecycleEvent(id: "api:nb", jobID: "notebook", kind: .started, time: Date(), user: "ann", attributes: JobAttributes(cluster: "vm"))
        )
        let qstat = RecordedQstat()
        let poller = PBSPoller(store: store, interval: .seconds(30), source: qstat, metricsFactory: TestMetrics(), logger: Self.quietLogger)
        qstat.hold(.snapshot("qstat-ftx-F-json-mixed.json"))
        try await poller.pollOnce()
        let lost = try #require(try await store.job(id: "9.vm", cluster: nil))
        #expect(lost.state == .failed && lost.exitCode == nil)
        #expect(try await store.job(id: "10.other", cluster: nil)?.state == .running)
        #expect(try await store.job(id: "notebook", cluster: nil)?.state == .running)

        // Later cycles close what the previous one listed live and this one does not.
        qstat.hold(.snapshot("qstat-f-F-json-early.json"))
        try await poller.pollOnce()
        #expect(try await store.job(id: "19.vm", cluster: nil)?.state == .failed)
        #expect(try await store.job(id: "15.vm", cluster: nil)?.state == .completed)
        await store.close()
    }

    /// A server with no job left to list still names itself (`pbs_server`): its jobs the
    /// store holds live are closed at start.
    @Test func anEmptyAnswerStillClosesTheServersLiveJobs() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        _ = try await scratch.store.apply(
            LifecycleEvent(id: "hook:5", jobID: "5.vm", kind: .started, time: Date(), user: "ann", attributes: JobAttributes(cluster: "vm"))
        )
        let qstat = RecordedQstat()
        let poller = PBSPoller(store: scratch.store, interval: .seconds(30), source: qstat, metricsFactory: TestMetrics(), logger: Self.quietLogger)
        qstat.hold(.snapshot("qstat-f-F-json-finished.json"))
        try await poller.pollOnce()
        #expect(try await scratch.store.job(id: "5.vm", cluster: nil)?.state == .failed)
        await scratch.store.close()
    }

    @Test func aFailingQstatBacksOffAndShowsOnMetrics() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let qstat = RecordedQstat()
        let metrics = TestMetrics()
        let clock = ManualClock()
        let poller = PBSPoller(
            store: scratch.store,
            interval: .seconds(30),
            source: qstat,
            clock: clock,
            metricsFactory: metrics,
            logger: Self.quietLogger
        )
        qstat.hold(.failure)
        await #expect(throws: QstatError.self) { try await poller.pollOnce() }
        let running = Task { try await poller.run() }
        // The first cycle fails at once; the next waits 2 intervals, not 1.
        let first = await clock.nextSleep()
        #expect(first.offset == .seconds(60))
        #expect(try metrics.expectGauge("hpc_obs_pbs_up").lastValue == 0)
        #expect(try metrics.expectCounter("hpc_obs_pbs_poll_failures_total").totalValue >= 1)
        qstat.hold(.snapshot("qstat-ftx-F-json-mixed.json"))
        clock.advance(by: .seconds(60))
        let second = await clock.nextSleep()
        #expect(second.offset == .seconds(90))
        #expect(try metrics.expectGauge("hpc_obs_pbs_up").lastValue == 1)
        #expect(try await scratch.store.job(id: "19.vm", cluster: nil)?.state == .running)
        running.cancel()
        _ = try? await running.value
        await scratch.store.close()
    }
}
