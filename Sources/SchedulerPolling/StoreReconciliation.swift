public import Logging
public import ObservabilityCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What every scheduler poller does with the store: apply its events in bounded batches, and
/// find and close the live jobs its scheduler no longer lists.
public struct StoreReconciliation: Sendable {
    public let store: any JobStore
    /// `slurmctld`, `qstat`: who reported the jobs, for the log.
    public let source: String
    let metrics: PollerMetrics
    let logger: Logger

    public init(store: any JobStore, source: String, metrics: PollerMetrics, logger: Logger) {
        self.store = store
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }

    /// Events per store transaction, so that one never holds the store for long.
    public static let batchSize = 1_000

    /// Applies in batches of ``batchSize``. A batch the store refuses for one event (a name
    /// too long, a job id several clusters have and no cluster to choose) is applied one by
    /// one, the refused logged and skipped, so one job described oddly never blocks the rest.
    /// `applied` sees each batch once it is stored.
    public func apply(_ events: [LifecycleEvent], applied: ([LifecycleEvent]) -> Void = { _ in }) async throws {
        var start = 0
        while start < events.count {
            let batch = Array(events[start..<min(start + Self.batchSize, events.count)])
            do {
                _ = try await store.apply(batch)
            } catch let error where Self.refusesOneEvent(error) {
                for event in batch {
                    do {
                        _ = try await store.apply(event)
                    } catch let error where Self.refusesOneEvent(error) {
                        logger.warning("skipping a job \(source) reported", metadata: ["jobId": "\(event.jobID)", "error": "\(error)"])
                    }
                }
            }
            applied(batch)
            metrics.applied(batch.count)
            start += batch.count
        }
    }

    /// Errors that one event of a batch causes, which retrying the batch would meet again.
    static func refusesOneEvent(_ error: any Error) -> Bool {
        error is ValidationError || (error as? StoreError)?.code == .ambiguous
    }

    /// The store's pending, running and suspended jobs that `isOurs`, page by page.
    public func liveJobs(where isOurs: (Job) -> Bool) async throws -> [Job] {
        var jobs: [Job] = []
        for state in [JobState.pending, .running, .suspended] {
            var offset = 0
            while true {
                let page = try await store.listJobs(JobFilter(state: state), page: try JobPage(limit: JobPage.maxLimit, offset: offset))
                jobs += page.jobs.filter(isOurs)
                offset += page.jobs.count
                if page.jobs.isEmpty || offset >= page.total { break }
            }
        }
        return jobs
    }

    /// Closes jobs that ended unseen: their end is unknown, so they close as failed, without
    /// an exit code, at this poll. `prefix` starts their event ids (`slurm-poll`).
    public func close(_ vanished: [Job], prefix: String, at now: Date) async throws {
        guard !vanished.isEmpty else { return }
        logger.warning(
            "closing jobs \(source) no longer lists, whose end was never seen",
            metadata: ["count": "\(vanished.count)", "first": "\(vanished[0].schedulerID)"]
        )
        try await apply(
            vanished.map { job in
                LifecycleEvent(
                    id: "\(prefix):\(job.schedulerID):vanished:\(Int64(now.timeIntervalSince1970))",
                    jobID: job.schedulerID,
                    kind: .ended,
                    time: now,
                    user: job.user,
                    finalState: .failed,
                    attributes: JobAttributes(cluster: job.cluster)
                )
            }
        )
    }
}
