import ArgumentParser
import CoreMetrics
import Foundation
import Logging
import ObservabilityCore
import SlurmBridge
import SlurmPolling
import StorageBackends

extension StoreBench {
    /// Times the Slurm poller's cycles against the cluster SLURM_CONF names. See bench/slurm-poll.sh.
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time poll cycles against a live slurmctld and print them as JSON.",
            discussion: "The store should be empty: the first cycle records every job slurmctld holds."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Repetitions of the forced full and the unchanged cycle.") var repeats = 10

        func run() async throws {
            var logger = Logger(label: "pollbench")
            logger.logLevel = .error
            let store = try await JobStoreFactory.open(try database.configuration(), logger: logger)
            let configPath = SlurmController.configPath(environment: ProcessInfo.processInfo.environment)
            let poller = SlurmPoller(
                store: store,
                interval: .seconds(30),
                source: SlurmSession(configPath: configPath),
                fullLoadEvery: Int.max,
                metricsFactory: NOOPMetricsHandler.instance,
                logger: logger
            )
            func timed(forceFull: Bool) async throws -> Double {
                let start = ContinuousClock.now
                try await poller.pollOnce(forceFullLoad: forceFull)
                let elapsed = ContinuousClock.now - start
                return elapsed.seconds * 1_000
            }
            let first = try await timed(forceFull: true)
            var full: [Double] = []
            var unchanged: [Double] = []
            for _ in 0..<repeats {
                full.append(try await timed(forceFull: true))
                unchanged.append(try await timed(forceFull: false))
            }
            let jobs = try await store.listJobs(JobFilter(), page: try JobPage(limit: 0)).total
            await store.close()
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            print(
                #"{"jobsRecorded": \#(jobs), "firstCycleMs": \#(first), "fullCycleMs": \#(median(full)), "unchangedCycleMs": \#(median(unchanged))}"#
            )
        }
    }
}
