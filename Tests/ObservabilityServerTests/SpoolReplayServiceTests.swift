import EventTransport
import Foundation
import Logging
import MetricsTestKit
import ObservabilityCore
import SQLJobStore
import TestSupport
import Testing

@testable import ObservabilityServer

/// The spool replay service in-process: a spool in a temporary directory, a real store, a
/// manual clock.
@Suite("Spool replay service on a manual clock")
struct SpoolReplayServiceTests {
    static func event(_ job: String) -> LifecycleEvent {
        LifecycleEvent(
            id: "slurm:\(job):prolog_slurmctld",
            jobID: job,
            kind: .started,
            time: Date(timeIntervalSince1970: 1_790_000_000),
            user: "alice"
        )
    }

    @Test(arguments: TestBackend.available)
    func spooledEventsReachTheStoreAtStartAndEachIntervalAfter(backend: TestBackend) async throws {
        let scratch = try await backend.makeStore()
        let spool = EventSpool(directory: FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-replay-\(UUID().uuidString)").path)
        defer { try? FileManager.default.removeItem(atPath: spool.directory) }
        try spool.store(EventWireFormat.encode(Self.event("1")), as: EventSpool.fileName(nanoseconds: 1, process: 1, sequence: 0))
        // Refused for good (not an event): moved to rejected/, not tried again.
        try spool.store(Array("not an event".utf8), as: EventSpool.fileName(nanoseconds: 2, process: 1, sequence: 1))
        let clock = ManualClock()
        let metrics = TestMetrics()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = SpoolReplayService(
            spool: spool,
            store: scratch.store,
            interval: .seconds(60),
            clock: clock,
            metricsFactory: metrics,
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await service.run() }
            #expect(clock.now.duration(to: await clock.nextSleep()) == .seconds(60))
            #expect(try await scratch.store.job(id: "1")?.state == .running)
            #expect(try metrics.expectCounter("hpc_obs_spool_replayed_total").totalValue == 1)
            #expect(try metrics.expectCounter("hpc_obs_spool_rejected_total").totalValue == 1)
            #expect(try metrics.expectGauge("hpc_obs_spool_depth").lastValue == 0)

            // A hook spools while the store is away; the next cycle delivers it.
            try spool.store(EventWireFormat.encode(Self.event("2")), as: EventSpool.fileName(nanoseconds: 3, process: 1, sequence: 2))
            #expect(try await scratch.store.job(id: "2") == nil)
            clock.advance(by: .seconds(60))
            await clock.nextSleep()
            #expect(try await scratch.store.job(id: "2")?.state == .running)
            #expect(try metrics.expectCounter("hpc_obs_spool_replayed_total").totalValue == 2)
            #expect(spool.census() == EventSpool.Census())
            group.cancelAll()
        }
        await scratch.store.close()
    }
}
