import CoreMetrics
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NodeCollector
import ObservabilityCore
import ServiceLifecycle
import SlurmBridge

/// Samples CPU and memory of the jobs running on this server's own node, every interval
/// (`COLLECTOR_ENABLED`, `COLLECT_INTERVAL`), from cgroup v2, cgroup v1 or the jobs'
/// processes, whichever the node offers, and stores them with each job's totals so far
/// (CPU seconds, peak memory), from which `GET /v1/jobs/{jobId}` computes its summary.
struct CollectorService: Service {
    let store: any JobStore
    let slurm: SlurmSession
    let node: String
    let interval: Duration
    let logger: Logger
    let cgroupRoot: String
    let procRoot: String
    let collected: Counter
    let dropped: Counter
    let cycleDuration: Timer

    init(
        store: any JobStore,
        slurm: SlurmSession,
        node: String,
        interval: Duration,
        cgroupRoot: String = "/sys/fs/cgroup",
        procRoot: String = "/proc",
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.store = store
        self.slurm = slurm
        self.node = node
        self.interval = interval
        self.cgroupRoot = cgroupRoot
        self.procRoot = procRoot
        self.logger = logger
        collected = Counter(label: "hpc_obs_collector_samples_total", factory: metricsFactory)
        dropped = Counter(label: "hpc_obs_samples_dropped_total", factory: metricsFactory)
        cycleDuration = Timer(label: "hpc_obs_collector_cycle_duration_seconds", factory: metricsFactory)
    }

    func run() async throws {
        let source = JobUsageSources.detect(cgroupRoot: cgroupRoot, procRoot: procRoot) { [:] }
        logger.info("collector on", metadata: ["node": "\(node)", "source": "\(source.name)", "interval": "\(interval)"])
        var tracker = UsageTracker()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await collectOnce(source: source, tracker: &tracker)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func collectOnce(source: any JobUsageSource, tracker: inout UsageTracker) async {
        let start = ContinuousClock.now
        let readings: [JobUsageReading]
        if source is ProcSource {
            let node = self.node
            do {
                let pids = try await slurm.run { controller throws(SlurmError) in try controller.stepPIDs(onNode: node) }
                readings = ProcSource(procRoot: procRoot) { pids }.read()
            } catch {
                logger.warning("collector cannot list this node's job processes", metadata: ["error": "\(error)"])
                return
            }
        } else {
            readings = source.read()
        }
        let samples = tracker.samples(from: readings, at: Date(), node: node)
        guard !readings.isEmpty else { return }
        do {
            // Only for jobs the store has as running: a job the poller has not recorded yet
            // would make the whole batch fail.
            let running = Set(try await store.runningJobs().map(\.id))
            let known = samples.filter { running.contains($0.jobID) }
            if !known.isEmpty { try await store.appendSamples(known) }
            collected.increment(by: known.count)
            dropped.increment(by: samples.count - known.count)
            // Totals so far, each cycle: the last one before a job ends is its summary's.
            let totals = tracker.totals.filter { running.contains($0.key) }.map { jobID, total in
                JobUsageTotals(jobID: jobID, node: node, cpuSeconds: total.cpuSeconds, peakMemoryBytes: total.peakMemoryBytes)
            }
            if !totals.isEmpty { try await store.recordUsage(totals) }
        } catch {
            dropped.increment(by: samples.count)
            logger.warning("collector could not store samples", metadata: ["error": "\(error)", "samples": "\(samples.count)"])
        }
        let elapsed = ContinuousClock.now - start
        cycleDuration.recordNanoseconds(elapsed.nanoseconds)
    }

    /// This host's short name, which is what Slurm calls the node unless told otherwise.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.prefix { $0 != "." })
    }
}
