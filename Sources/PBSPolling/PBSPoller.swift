import BackgroundWork
public import CoreMetrics
public import Logging
public import ObservabilityCore
import SchedulerPolling
public import ServiceLifecycle
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps the store in step with a PBS server: one `qstat -f -t -x -F json` per cycle.
///
/// Each job's state becomes the event the hooks would have sent, under their ids, so a job
/// both see is one job; what no hook sees is recorded here: pending and held jobs, the queue
/// wait (`ctime`), deletions (`cancelled`, not the epilogue's `failed`/143) and jobs whose MoM
/// was lost. A job the store holds live that qstat no longer lists ended unseen and is closed
/// as `failed`: at the first cycle those the store knows for this server, later those the
/// previous cycle listed. That needs the server's job history (`job_history_enable = True`),
/// or finished jobs leave qstat before their end is read.
///
/// A failing, hanging or flooding qstat backs off (2, 4, 8, then 10 intervals), is logged at
/// the first failure and every tenth, and shows as `hpc_obs_pbs_up` 0, while the server keeps
/// serving. Replicas on one database take turns through ``PollerLeadership``.
public final class PBSPoller: Service, Sendable {
    public let store: any JobStore
    public let interval: Duration
    public let source: any QstatSource
    /// `CLUSTER_NAME`; without it, each job's server name, as the hooks do.
    public let cluster: String?
    let clock: any Clock<Duration>
    let logger: Logger
    let metrics: PollerMetrics
    let reconciliation: StoreReconciliation
    let leadership: any PollerLeadership
    private let memory = Mutex(Memory())

    /// What the previous cycles applied and saw, so that an unchanged job costs nothing.
    private struct Memory {
        /// Each listed job's last applied event id.
        var applied: [String: String] = [:]
        /// Jobs the last cycle listed live.
        var live: Set<String> = []
        var hasReconciledWithStore = false
    }

    public init(
        store: any JobStore,
        interval: Duration,
        source: any QstatSource,
        cluster: String? = nil,
        clock: any Clock<Duration> = ContinuousClock(),
        leadership: any PollerLeadership = SoleLeadership(),
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.store = store
        self.interval = interval
        self.source = source
        self.cluster = cluster
        self.clock = clock
        self.leadership = leadership
        self.logger = logger
        metrics = PollerMetrics(.pbs, factory: metricsFactory)
        reconciliation = StoreReconciliation(store: store, source: "qstat", metrics: metrics, logger: logger)
    }

    /// The poller's families in `/metrics`: name and help.
    public static var metricFamilies: [(name: String, help: String)] {
        PollerMetrics.families(.pbs)
    }

    public func run() async throws {
        logger.info("PBS poller on", metadata: ["qstat": "\(source.description)", "interval": "\(interval)"])
        var failures = 0
        var leading = false
        await repeatUntilShutdown(on: clock) {
            guard await leadership.lead() else {
                if leading { logger.notice("another replica polls PBS now; standing by") }
                leading = false
                metrics.leading(false)
                return interval
            }
            if !leading {
                // What another replica applied is in the store, not in this memory.
                memory.withLock { $0 = Memory() }
                leading = true
            }
            metrics.leading(true)
            do {
                let took = try await pollOnce()
                if failures > 0 { logger.notice("qstat answers again", metadata: ["failedCycles": "\(failures)"]) }
                failures = 0
                return max(interval, took * 5)
            } catch {
                failures += 1
                metrics.failed()
                if failures == 1 || failures % 10 == 0 {
                    logger.error("cannot read jobs from PBS; backing off", metadata: ["error": "\(error)", "failedCycles": "\(failures)"])
                }
                return PollBackOff.pause(interval: interval, failures: failures)
            }
        }
        await leadership.resign()
    }

    /// One cycle; returns how long qstat took. Public for the tests.
    @discardableResult
    public func pollOnce() async throws -> Duration {
        let start = ContinuousClock.now
        let data = try await source.snapshot()
        let took = ContinuousClock.now - start
        metrics.read(took: took)
        let parsed = try QstatJSON.parse(data)
        if !parsed.skipped.isEmpty {
            logger.warning(
                "left out jobs qstat described in a way the service cannot record",
                metadata: ["count": "\(parsed.skipped.count)", "first": "\(parsed.skipped[0].id): \(parsed.skipped[0].reason)"]
            )
        }
        let now = Date()
        var events: [LifecycleEvent] = []
        var live = Set<String>()
        var listed = Set<String>()
        for record in parsed.jobs {
            listed.insert(record.id)
            guard let mapped = PBSJobMapper.event(for: record, cluster: cluster, now: now) else { continue }
            let (event, dropped) = mapped.keepingValidFields()
            if event.kind != .ended { live.insert(event.jobID) }
            guard memory.withLock({ $0.applied[event.jobID] != event.id }) else { continue }
            if !dropped.isEmpty {
                logger.notice(
                    "left out what the store would refuse from a job qstat reported",
                    metadata: ["jobId": "\(event.jobID)", "fields": "\(dropped.map(\.description).joined(separator: "; "))"]
                )
            }
            events.append(event)
        }
        // The clusters this server's jobs are recorded under, as the mapper names them.
        let clusters = Set((cluster.map { [$0] } ?? parsed.jobs.compactMap(\.server)) + [parsed.server].compactMap { $0 })
        let vanished = try await vanishedJobs(listed: listed, clusters: clusters)
        try await reconciliation.apply(events) { batch in
            self.memory.withLock { memory in
                for event in batch { memory.applied[event.jobID] = event.id }
            }
        }
        try await reconciliation.close(vanished, prefix: "pbs-poll", at: now)
        memory.withLock { memory in
            memory.applied = memory.applied.filter { listed.contains($0.key) }
            memory.live = live
            memory.hasReconciledWithStore = true
        }
        metrics.succeeded(jobs: parsed.jobs.count)
        return took
    }

    /// Live jobs qstat no longer lists: at the first cycle, the store's live jobs with PBS ids
    /// of this server's clusters; then those the last cycle listed live.
    private func vanishedJobs(listed: Set<String>, clusters: Set<String>) async throws -> [Job] {
        let (previous, reconciled) = memory.withLock { ($0.live, $0.hasReconciledWithStore) }
        var vanished: [Job] = []
        var found = Set<String>()
        if !reconciled {
            let stored = try await reconciliation.liveJobs { job in
                !listed.contains(job.schedulerID) && Self.isPBSJobID(job.schedulerID) && job.cluster.map(clusters.contains) == true
            }
            for job in stored where found.insert(job.id).inserted { vanished.append(job) }
        }
        for id in previous.subtracting(listed).sorted() {
            if let job = try await store.job(id: id, cluster: cluster), !job.state.isTerminal, found.insert(job.id).inserted {
                vanished.append(job)
            }
        }
        return vanished
    }

    /// `15.vm`, `20[1].vm`: ids PBS gives; jobs made through the API keep their own.
    static func isPBSJobID(_ id: String) -> Bool {
        let digits = id.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        let rest = id.dropFirst(digits.count)
        return rest.first == "." || rest.first == "["
    }
}
