import BackgroundWork
public import CoreMetrics
public import Logging
public import ObservabilityCore
import SchedulerPolling
public import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the store in step with slurmctld: one `slurm_load_jobs` per cycle.
///
/// Each cycle passes the previous answer's time, so an idle cluster costs one tiny RPC
/// (`SLURM_NO_CHANGE_IN_DATA`). Jobs whose state moved since the last cycle become lifecycle
/// events (pending jobs, which no hook sees, included); unchanged jobs cost a hash comparison
/// and are never copied out of libslurm. Every `fullLoadEvery` cycles, and at start, a full
/// load also closes jobs the store thinks are live but slurmctld no longer knows (a lost
/// epilog). The interval is never below five times the
/// last RPC's duration; when slurmctld is unreachable, or libslurm cannot be opened yet (a host
/// provisioned package first, slurm.conf later), the poller backs off, up to ten intervals, and
/// says so in the log and in `/metrics`, while the server keeps serving.
///
/// Replicas that share one database take turns through ``PollerLeadership``: only the leader
/// polls, the others stand by (`hpc_obs_slurm_poller_leader` 0) and one of them takes over,
/// starting with a full load compared with the store, when the leader goes.
public final class SlurmPoller: Service, Sendable {
    public let store: any JobStore
    public let interval: Duration
    public let source: any SlurmJobSource
    public let fullLoadEvery: Int
    let clock: any Clock<Duration>
    let logger: Logger
    let metrics: PollerMetrics
    let reconciliation: StoreReconciliation
    let makeLeadership: @Sendable (_ cluster: String?) -> any PollerLeadership
    /// What this replica does now, for `/v1/health`.
    public let role: PollerRoleBoard
    private let state = PollerState()

    /// - Parameters:
    ///   - source: slurmctld (`SlurmSession`), or recorded answers in tests.
    ///   - clock: what the pauses between cycles sleep on; tests pass a manual one.
    public init(
        store: any JobStore,
        interval: Duration,
        source: any SlurmJobSource,
        fullLoadEvery: Int = 10,
        clock: any Clock<Duration> = ContinuousClock(),
        leadership makeLeadership: @escaping @Sendable (_ cluster: String?) -> any PollerLeadership = { _ in SoleLeadership() },
        role: PollerRoleBoard = PollerRoleBoard(),
        metricsFactory: any MetricsFactory,
        logger: Logger
    ) {
        self.makeLeadership = makeLeadership
        self.role = role
        self.store = store
        self.interval = interval
        self.source = source
        self.fullLoadEvery = max(1, fullLoadEvery)
        self.clock = clock
        self.logger = logger
        metrics = PollerMetrics(.slurm, factory: metricsFactory)
        reconciliation = StoreReconciliation(store: store, source: "slurmctld", metrics: metrics, logger: logger)
    }

    public func run() async throws {
        var opened = false
        var failures = 0
        var leadership: (any PollerLeadership)?
        var leading = false
        role.set(.starting)
        await repeatUntilShutdown(on: clock) {
            do {
                if !opened {
                    let cluster = try await source.clusterName()
                    leadership = makeLeadership(cluster)
                    opened = true
                    logger.info(
                        "Slurm poller on",
                        metadata: [
                            "slurmConf": "\(source.configPath)", "interval": "\(interval)", "cluster": "\(cluster ?? "-")",
                            "triesBefore": "\(failures)",
                        ]
                    )
                    failures = 0
                }
                guard await leadership?.lead() ?? true else {
                    if leading { logger.notice("another replica polls slurmctld now; standing by") }
                    leading = false
                    metrics.leading(false)
                    role.set(.standby)
                    return interval
                }
                if !leading {
                    // What the previous leader applied is in the store, not in this state.
                    state.reset()
                    leading = true
                    logger.notice("this replica polls slurmctld")
                }
                metrics.leading(true)
                role.set(.leader)
                let rpc = try await pollOnce()
                if failures > 0 { logger.notice("slurmctld answers again", metadata: ["failedCycles": "\(failures)"]) }
                failures = 0
                return max(interval, rpc * 5)
            } catch {
                failures += 1
                metrics.failed()
                // Log the first failure and then every tenth: an outage is one story, not a flood.
                if failures == 1 || failures % 10 == 0 {
                    if opened {
                        logger.error("cannot read jobs from slurmctld; backing off", metadata: ["error": "\(error)", "failedCycles": "\(failures)"])
                    } else {
                        logger.warning(
                            "Slurm poller waiting: cannot open libslurm yet; trying again with back-off",
                            metadata: [
                                "slurmConf": "\(source.configPath)", "error": "\(error)", "tries": "\(failures)",
                            ]
                        )
                    }
                }
                return PollBackOff.pause(interval: interval, failures: failures)
            }
        }
        await leadership?.resign()
        role.set(.off)
    }

    /// The poller's families in `/metrics`: name and help.
    public static var metricFamilies: [(name: String, help: String)] {
        PollerMetrics.families(.slurm)
    }

    /// One cycle; returns how long the RPC took. Public for the benchmark and the tests.
    @discardableResult
    public func pollOnce(forceFullLoad: Bool = false) async throws -> Duration {
        let cycle = state.beginCycle(fullLoadEvery: fullLoadEvery, force: forceFullLoad)
        let start = ContinuousClock.now
        let state = self.state
        let load = try await source.loadJobs(changedSince: cycle.isFullLoad ? 0 : cycle.lastUpdate) { id, fingerprint in
            state.isUnchanged(slurmJobID: id, fingerprint: fingerprint)
        }
        let rpc = ContinuousClock.now - start
        metrics.read(took: rpc)
        guard case .jobs(let changed, let unchanged, let lastUpdate) = load else {
            metrics.succeeded(jobs: nil)
            return rpc
        }
        let now = Date()
        var seen = Set(state.jobIDs(ofSlurmJobs: unchanged))
        var records: [(slurmJobID: UInt32, fingerprint: Int, jobIDs: [String])] = []
        records.reserveCapacity(changed.count)
        if cycle.isFullLoad {
            // Before this cycle's events, so that the store shows what was live before it.
            for record in changed {
                for id in SlurmJobMapper.jobIDs(for: record) { seen.insert(id) }
            }
            let cluster = try await source.clusterName()
            let vanished = try await vanishedJobs(seen: seen, withStore: cycle.reconcilesWithStore, cluster: cluster)
            try await close(vanished, at: now)
        }
        // Each batch is applied while the next one is mapped: on a queue of new jobs the two
        // take about as long as each other. At most one batch is in the store's hands, so a
        // job's events keep their order; a failed batch ends the cycle and nothing is left
        // running behind it.
        try await withThrowingTaskGroup(of: Void.self) { applying in
            var next = 0
            while next < changed.count {
                let end = min(next + StoreReconciliation.batchSize, changed.count)
                var events: [LifecycleEvent] = []
                for record in changed[next..<end] {
                    let user = record.userName ?? UserNames.shared.name(of: record.userID)
                    let recordEvents = SlurmJobMapper.events(for: record, userName: user, now: now)
                    // A job in transit (being requeued) is looked at again next cycle.
                    if !recordEvents.isEmpty {
                        records.append((record.jobID, record.fingerprint, recordEvents.map(\.jobID)))
                    }
                    for mapped in recordEvents {
                        // As the hooks do: a value the store would refuse (a name with a tab, a
                        // memory request past 1 EiB) costs that value, not the job.
                        let (event, dropped) = mapped.keepingValidFields()
                        if !dropped.isEmpty, state.isNew(event) {
                            logger.notice(
                                "left out what the store would refuse from a job slurmctld reported",
                                metadata: [
                                    "jobId": "\(event.jobID)", "fields": "\(dropped.map(\.description).joined(separator: "; "))",
                                ]
                            )
                        }
                        seen.insert(event.jobID)
                        if state.isNew(event) { events.append(event) }
                    }
                }
                _ = try await applying.next()
                let batch = events
                applying.addTask { try await self.apply(batch) }
                next = end
            }
            try await applying.waitForAll()
        }
        let fullLoad = cycle.isFullLoad ? (Set(unchanged).union(changed.map(\.jobID)), seen) : nil
        state.finishCycle(lastUpdate: lastUpdate, records: records, fullLoad: fullLoad, reconciledWithStore: cycle.reconcilesWithStore)
        metrics.succeeded(jobs: changed.count + unchanged.count)
        return rpc
    }

    /// Applies in batches, remembering what each stored.
    private func apply(_ events: [LifecycleEvent]) async throws {
        let state = self.state
        try await reconciliation.apply(events) { batch in
            for event in batch { state.remember(event) }
        }
    }

    /// Live jobs that slurmctld no longer holds ended unseen: a lost epilog and a poller that
    /// was down past `MinJobAge`. Those the poller saw live are known from its memory; at the
    /// first full load after start, the store's live jobs of this cluster are checked too.
    private func vanishedJobs(seen: Set<String>, withStore: Bool, cluster: String?) async throws -> [Job] {
        var vanished: [Job] = []
        var found = Set<String>()
        if withStore, let cluster {
            let live = try await reconciliation.liveJobs { job in
                job.cluster == cluster && !seen.contains(job.schedulerID) && Self.isSlurmJobID(job.schedulerID)
            }
            for job in live where found.insert(job.id).inserted { vanished.append(job) }
        }
        for id in state.vanished(seen: seen) {
            if let job = try await store.job(id: id, cluster: cluster), !job.state.isTerminal, found.insert(job.id).inserted {
                vanished.append(job)
            }
        }
        return vanished
    }

    private func close(_ vanished: [Job], at now: Date) async throws {
        try await reconciliation.close(vanished, prefix: "slurm-poll", at: now)
    }

    /// `123` or `120_2`: jobs the poller may close. Jobs made through the API keep their own ids.
    static func isSlurmJobID(_ id: String) -> Bool {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
