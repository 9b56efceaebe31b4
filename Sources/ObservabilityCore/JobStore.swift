#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The storage every part of the service writes and reads through: hooks in direct mode, the
/// REST handlers, the poller, `/metrics` and retention.
///
/// Backends behave identically; the contract test suite runs the same cases against each.
/// Writes are transactional: an operation that throws has changed nothing. Errors are
/// ``ValidationError`` (bad input), ``JobTransitionError`` (a state change the job does not
/// allow) or ``StoreError`` (everything else, with ``StoreError/isRetryable``).
public protocol JobStore: Sendable {
    /// Stores a new job. Throws ``StoreError/Code/conflict`` when the id exists.
    func createJob(_ job: Job) async throws -> Job

    /// The job, or nil when there is none with this id.
    func job(id: String) async throws -> Job?

    /// The key (``Job/id``) of the job the scheduler calls `id` on `cluster`, or on any cluster
    /// when `cluster` is nil; nil when there is none. Throws ``StoreError/Code/ambiguous`` when
    /// `cluster` is nil and several clusters have a job `id`. Every other method names jobs by key.
    func jobKey(id: String, cluster: String?) async throws -> String?

    /// Applies a partial update, checking the state transition. Throws ``StoreError/Code/notFound``.
    func updateJob(id: String, _ update: JobUpdate, now: Date) async throws -> Job

    /// Deletes the job and all its samples. Throws ``StoreError/Code/notFound``.
    func deleteJob(id: String) async throws

    /// One page of the jobs matching `filter`, and their total count.
    func listJobs(_ filter: JobFilter, page: JobPage) async throws -> JobListing

    /// ``listJobs(_:page:)`` and the page's ``usage(jobIDs:)`` in one read: a table of jobs
    /// with their summaries costs one trip to the store, not two.
    func listJobsWithUsage(_ filter: JobFilter, page: JobPage) async throws -> (listing: JobListing, usage: [String: JobUsage])

    /// Appends samples, any number of jobs, in one transaction: all or none are stored.
    /// A sample names its job by key, by `cluster/id`, or by the scheduler's id alone (found
    /// inside the write, so that ingest costs no separate lookup). Throws
    /// ``StoreError/Code/notFound`` when a sample names an unknown job,
    /// ``StoreError/Code/ambiguous`` when an id alone names jobs of several clusters.
    func appendSamples(_ samples: [MetricSample]) async throws

    /// Samples of one job. Throws ``StoreError/Code/notFound`` for an unknown job.
    func samples(jobID: String, _ query: SampleQuery) async throws -> [MetricSample]

    /// A job's samples in `query`'s range, one point per `stepSeconds` (and per node where
    /// samples name one), computed by the database; `query.limit` counts points. Throws
    /// ``StoreError/Code/notFound`` for an unknown job.
    func samplePoints(jobID: String, _ query: SampleQuery, stepSeconds: Int) async throws -> [SamplePoint]

    /// Folds every running job, with its newest sample, into `initial` row by row inside one
    /// read: no sample history is scanned and the rows are never all held at once, which is
    /// what lets `/metrics` render 100,000 jobs in bounded memory.
    func reduceRunningJobs<Accumulator: Sendable>(
        into initial: Accumulator,
        _ accumulate: @escaping @Sendable (inout Accumulator, RunningJob) -> Void
    ) async throws -> Accumulator

    /// Records what jobs used on a node over their lives (the collector's totals), replacing
    /// an earlier report for the same job and node; jobs are named as in ``appendSamples(_:)``.
    /// All or none; throws ``StoreError/Code/notFound`` when a job is unknown.
    func recordUsage(_ totals: [JobUsageTotals]) async throws

    /// Every node's totals for each job and its GPU samples' idle count, for their summaries
    /// (a page of a job list at once). Jobs without totals are absent.
    func usage(jobIDs: [String]) async throws -> [String: JobUsage]

    /// Counts and hours for an overview, computed by the database over `window`; see
    /// ``ClusterStatistics``.
    func statistics(over window: StatisticsWindow) async throws -> ClusterStatistics

    /// How many jobs are in each state; states without jobs count zero.
    func jobCountsByState() async throws -> [JobState: Int]

    /// Compacts what the store keeps to count jobs by state without reading every job; the
    /// server calls it every minute, so that a count reads about a minute of changes. A store
    /// that keeps one count a state has nothing to compact.
    func foldJobStateCounts() async throws

    /// How many jobs were ever created; deleting jobs does not lower it.
    func jobsCreatedTotal() async throws -> Int

    /// Deletes samples (and remembered event ids) older than `cutoff`; returns how many samples went.
    func deleteSamples(olderThan cutoff: Date) async throws -> Int

    /// Applies lifecycle events in one transaction, in order. An event whose id was applied
    /// before changes nothing and reports ``EventOutcome/duplicate``.
    func apply(_ events: [LifecycleEvent]) async throws -> [EventOutcome]

    /// Throws unless the store answers a trivial query now.
    func checkHealth() async throws

    /// Waits for work in flight, then releases connections. The store is unusable afterwards.
    func close() async
}

extension JobStore {
    /// The job the scheduler calls `id` on `cluster` (any, when nil); see ``jobKey(id:cluster:)``.
    public func job(id: String, cluster: String?) async throws -> Job? {
        guard let key = try await jobKey(id: id, cluster: cluster) else { return nil }
        return try await job(id: key)
    }

    /// ``jobKey(id:cluster:)``, throwing ``StoreError/Code/notFound`` when there is no such job.
    public func existingJobKey(id: String, cluster: String?) async throws -> String {
        guard let key = try await jobKey(id: id, cluster: cluster) else { throw StoreError.jobNotFound(id, cluster: cluster) }
        return key
    }

    /// Every running job with its newest sample; see ``reduceRunningJobs(into:_:)``.
    public func runningJobs() async throws -> [RunningJob] {
        try await reduceRunningJobs(into: []) { $0.append($1) }
    }

    /// Every node's totals for a job and its GPU samples' idle count, for its summary.
    public func usage(jobID: String) async throws -> JobUsage {
        try await usage(jobIDs: [jobID])[jobID] ?? JobUsage(nodes: [])
    }

    /// Applies one event; see ``apply(_:)-(LifecycleEvent)``.
    public func apply(_ event: LifecycleEvent) async throws -> EventOutcome {
        let outcomes = try await apply([event])
        return outcomes[0]
    }
}
