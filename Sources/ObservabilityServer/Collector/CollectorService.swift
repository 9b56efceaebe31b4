import CoreMetrics
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NodeCollector
import ObservabilityCore
import ServiceLifecycle
import SlurmBridge

/// Samples CPU and memory of the jobs running on this node every interval, from cgroup v2,
/// cgroup v1 or the jobs' processes, whichever the node offers, and hands the samples and
/// each job's totals so far (CPU seconds, peak memory) to a sink: the store inside the
/// server (`COLLECTOR_ENABLED`), or the service over HTTP in a node agent
/// (`hpc-obs-server --collector-only`). `GET /v1/jobs/{jobId}` computes summaries from the totals.
struct CollectorService: Service {
    let sink: any CollectorSink
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
        sink: any CollectorSink,
        slurm: SlurmSession,
        node: String,
        interval: Duration,
        cgroupRoot: String = "/sys/fs/cgroup",
        procRoot: String = "/proc",
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.sink = sink
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
        logger.info("collector on", metadata: [
            "node": "\(node)", "source": "\(source.name)", "interval": "\(interval)", "gpus": "\(GPUDevices.available ? "nvml" : "none")",
        ])
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
        let samples = tracker.samples(from: readings, at: Date(), node: node, gpus: GPUDevices.read())
        let totals = tracker.totals.map { jobID, total in
            JobUsageTotals(jobID: jobID, node: node, cpuSeconds: total.cpuSeconds, peakMemoryBytes: total.peakMemoryBytes)
        }
        if !readings.isEmpty {
            let outcome = await sink.deliver(samples: samples, totals: totals)
            collected.increment(by: outcome.stored)
            dropped.increment(by: outcome.dropped)
        }
        cycleDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
    }
}
