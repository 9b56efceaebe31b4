import Foundation
import Logging
import MetricsTestKit
import ObservabilityCore
import SQLJobStore
import SlurmBridge
import SlurmPolling
import TestSupport
import Testing

@Suite("Slurm poller start")
struct SlurmPollerStartTests {
    /// A host provisioned in the usual order (package first, slurm.conf later) once never
    /// polled: the poller gave up at start until a restart. It now tries again with back-off,
    /// counting each try as a failed cycle and keeping `hpc_obs_slurm_up` at 0.
    @Test func withoutSlurmConfThePollerKeepsTrying() async throws {
        let scratch = try await TestBackend.sqlite.makeStore()
        let metrics = TestMetrics()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let poller = SlurmPoller(
            store: scratch.store,
            interval: .milliseconds(20),
            source: SlurmSession(configPath: "/nonexistent/hpc-obs-test/slurm.conf"),
            metricsFactory: metrics,
            logger: logger
        )
        func tries() -> Int64 { (try? metrics.expectCounter("hpc_obs_slurm_poll_failures_total").totalValue) ?? 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await poller.run() }
            let start = ContinuousClock.now
            while tries() < 3, ContinuousClock.now - start < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        #expect(tries() >= 3)
        #expect(try metrics.expectGauge("hpc_obs_slurm_up").lastValue == 0)
        await scratch.store.close()
    }
}
