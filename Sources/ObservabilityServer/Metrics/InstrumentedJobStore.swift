import Foundation
import ObservabilityCore

/// A ``JobStore`` that times every operation and counts failures into ``ServiceMetrics``.
struct InstrumentedJobStore: JobStore {
    let base: any JobStore
    let metrics: ServiceMetrics

    private func measure<Result>(_ operation: String, _ body: () async throws -> Result) async throws -> Result {
        let start = ContinuousClock.now
        do {
            let result = try await body()
            metrics.recordStoreOperation(operation, nanoseconds: Self.nanoseconds(since: start), errorCode: nil)
            return result
        } catch {
            let code =
                switch error {
                case let error as StoreError: error.code.description
                case is ValidationError: "invalidInput"
                case is JobTransitionError: "illegalTransition"
                default: "other"
                }
            metrics.recordStoreOperation(operation, nanoseconds: Self.nanoseconds(since: start), errorCode: code)
            throw error
        }
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.nanoseconds
    }

    func createJob(_ job: Job) async throws -> Job { try await measure("createJob") { try await base.createJob(job) } }
    func job(id: String) async throws -> Job? { try await measure("getJob") { try await base.job(id: id) } }
    func jobKey(id: String, cluster: String?) async throws -> String? {
        try await measure("resolveJob") { try await base.jobKey(id: id, cluster: cluster) }
    }
    func updateJob(id: String, _ update: JobUpdate, now: Date) async throws -> Job {
        try await measure("updateJob") { try await base.updateJob(id: id, update, now: now) }
    }
    func deleteJob(id: String) async throws { try await measure("deleteJob") { try await base.deleteJob(id: id) } }
    func listJobs(_ filter: JobFilter, page: JobPage) async throws -> JobListing {
        try await measure("listJobs") { try await base.listJobs(filter, page: page) }
    }
    func listJobsWithUsage(_ filter: JobFilter, page: JobPage) async throws -> (listing: JobListing, usage: [String: JobUsage]) {
        try await measure("listJobs") { try await base.listJobsWithUsage(filter, page: page) }
    }
    func appendSamples(_ samples: [MetricSample]) async throws {
        try await measure("appendSamples") { try await base.appendSamples(samples) }
    }
    func samples(jobID: String, _ query: SampleQuery) async throws -> [MetricSample] {
        try await measure("readSamples") { try await base.samples(jobID: jobID, query) }
    }
    func samplePoints(jobID: String, _ query: SampleQuery, stepSeconds: Int) async throws -> [SamplePoint] {
        try await measure("readSamplePoints") { try await base.samplePoints(jobID: jobID, query, stepSeconds: stepSeconds) }
    }
    func reduceRunningJobs<Accumulator: Sendable>(
        into initial: Accumulator,
        _ accumulate: @escaping @Sendable (inout Accumulator, RunningJob) -> Void
    ) async throws -> Accumulator {
        try await measure("runningJobs") { try await base.reduceRunningJobs(into: initial, accumulate) }
    }
    func recordUsage(_ totals: [JobUsageTotals]) async throws { try await measure("recordUsage") { try await base.recordUsage(totals) } }
    func usage(jobIDs: [String]) async throws -> [String: JobUsage] {
        try await measure("readUsage") { try await base.usage(jobIDs: jobIDs) }
    }
    func statistics(over window: StatisticsWindow) async throws -> ClusterStatistics {
        try await measure("statistics") { try await base.statistics(over: window) }
    }
    func jobCountsByState() async throws -> [JobState: Int] { try await measure("jobCountsByState") { try await base.jobCountsByState() } }
    func foldJobStateCounts() async throws { try await measure("foldJobStateCounts") { try await base.foldJobStateCounts() } }
    func jobsCreatedTotal() async throws -> Int { try await measure("jobsCreatedTotal") { try await base.jobsCreatedTotal() } }
    func deleteSamples(olderThan cutoff: Date) async throws -> Int {
        try await measure("deleteSamples") { try await base.deleteSamples(olderThan: cutoff) }
    }
    func apply(_ events: [LifecycleEvent]) async throws -> [EventOutcome] { try await measure("applyEvents") { try await base.apply(events) } }
    func checkHealth() async throws { try await measure("checkHealth") { try await base.checkHealth() } }
    func close() async { await base.close() }
}
