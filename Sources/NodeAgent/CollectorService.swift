import BackgroundWork
public import CoreMetrics
public import Logging
public import NodeCollector
import ObservabilityCore
public import ServiceLifecycle

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Samples CPU and memory of the jobs running on this node every interval, from cgroup v2,
/// cgroup v1 or the jobs' processes, whichever the node offers, and hands the samples and
/// each job's totals so far (CPU seconds, peak memory) to a sink: the store inside the
/// server (`COLLECTOR_ENABLED`), or the service over HTTP in a node agent
/// (`hpc-obs-server --collector-only`). `GET /v1/jobs/{jobId}` computes summaries from the totals.
///
/// Jobs are named by what Slurm wrote (cgroup paths, root's `slurmstepd`, step records) and
/// given their service ids and GPUs by slurmctld's record of them (``JobIdentities``), never
/// by what their own processes say.
public struct CollectorService: Service {
    let sink: any CollectorSink
    let processes: any StepProcessSource
    let allocations: any JobAllocationSource
    let node: String
    let interval: Duration
    let logger: Logger
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let cgroupRoot: String
    let procRoot: String
    let collected: Counter
    let dropped: Counter
    let unmapped: Gauge
    let cycleDuration: Timer

    /// - Parameters:
    ///   - processes: where a node without job cgroups learns which processes are a job's.
    ///   - allocations: slurmctld's record of each job on this node (its id, its GPUs).
    ///   - clock: what the pauses between cycles sleep on; tests pass a manual one.
    ///   - now: the samples' time, which CPU use divides by; tests pass one that follows `clock`.
    public init(
        sink: any CollectorSink,
        processes: any StepProcessSource,
        allocations: any JobAllocationSource,
        node: String,
        interval: Duration,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        cgroupRoot: String = "/sys/fs/cgroup",
        procRoot: String = "/proc",
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.sink = sink
        self.processes = processes
        self.allocations = allocations
        self.clock = clock
        self.now = now
        self.node = node
        self.interval = interval
        self.cgroupRoot = cgroupRoot
        self.procRoot = procRoot
        self.logger = logger
        collected = Counter(label: Family.collected.rawValue, factory: metricsFactory)
        dropped = Counter(label: Family.dropped.rawValue, factory: metricsFactory)
        unmapped = Gauge(label: Family.unmapped.rawValue, factory: metricsFactory)
        cycleDuration = Timer(label: Family.cycleDuration.rawValue, factory: metricsFactory)
    }

    /// The families, named and described here only; the server's registry takes the help.
    enum Family: String, CaseIterable {
        case collected = "hpc_obs_collector_samples_total"
        case dropped = "hpc_obs_samples_dropped_total"
        case unmapped = "hpc_obs_collector_unmapped_jobs"
        case cycleDuration = "hpc_obs_collector_cycle_duration_seconds"

        var help: String {
            switch self {
            case .collected: "Samples this server's collector stored for jobs on its node."
            case .dropped: "Samples the collector took but could not store (the store failed, or the job is not recorded as running)."
            case .unmapped:
                "Jobs read on this node in the last cycle that Slurm could not place (no job id or allocation from slurmctld): their use is left out."
            case .cycleDuration: "Time one collection cycle took."
            }
        }
    }

    /// The collector's families in `/metrics`: name and help.
    public static var metricFamilies: [(name: String, help: String)] {
        Family.allCases.map { ($0.rawValue, $0.help) }
    }

    public func run() async throws {
        let source = JobUsageSources.detect(cgroupRoot: cgroupRoot, procRoot: procRoot) { [:] }
        logger.info(
            "collector on",
            metadata: [
                "node": "\(node)", "source": "\(source.name)", "interval": "\(interval)", "gpus": "\(GPUDevices.available ? "nvml" : "none")",
            ]
        )
        var tracker = UsageTracker()
        var identities = JobIdentities()
        await repeatUntilShutdown(on: clock) {
            await collectOnce(source: source, tracker: &tracker, identities: &identities)
            return interval
        }
    }

    func collectOnce(source: any JobUsageSource, tracker: inout UsageTracker, identities: inout JobIdentities) async {
        let start = ContinuousClock.now
        let nodeReadings: [JobUsageReading]
        if source is ProcSource {
            do {
                let pids = try await processes.stepPIDs(onNode: node)
                nodeReadings = ProcSource(procRoot: procRoot) { pids }.read()
            } catch {
                logger.warning("collector cannot list this node's job processes", metadata: ["error": "\(error)"])
                return
            }
        } else {
            nodeReadings = source.read()
        }
        let unmappedBefore = identities.unmapped
        let readings = await identities.resolve(nodeReadings, node: node, source: allocations)
        unmapped.record(identities.unmapped)
        if identities.unmapped > 0, identities.unmapped != unmappedBefore {
            logger.warning(
                "collector cannot tell which job some of this node's usage belongs to; left out",
                metadata: [
                    "jobs": "\(identities.unmapped)", "reason": "\(identities.lastFailure ?? "unknown")",
                ]
            )
        }
        let samples = tracker.samples(from: readings, at: now(), node: node, gpus: GPUDevices.read())
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
