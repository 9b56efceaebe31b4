import ObservabilityAPI
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A page of `GET /v1/jobs` as the store read it, and what each job's entry adds to the
/// job: its summary, from the usage reported, and its verdicts' codes. One place decides
/// both, for the generated types (``ObservabilityAPIHandler/listJobs(_:)``) and for the
/// JSON written straight from the core's types (``JSONWriter/write(_:)-(JobListPage)``).
struct JobListPage {
    let listing: JobListing
    /// Reported use by job key, for the jobs that have any.
    let usage: [String: JobUsage]
    let page: JobPage
    /// The time runtimes and summaries of running jobs are measured to.
    let now: Date
    let thresholds: JobVerdicts.Thresholds

    var nextCursor: String? { listing.nextCursor(limit: page.limit)?.encoded }

    /// Each job in order, with its summary (nil when nothing reported its use) and verdicts.
    func forEachEntry<Failure: Error>(_ body: (Job, JobSummary?, [JobNote]) throws(Failure) -> Void) throws(Failure) {
        for job in listing.jobs {
            let summary = usage[job.id].flatMap { JobSummary(job: job, usage: $0, now: now) }
            try body(job, summary, JobVerdicts.notes(for: job, summary: summary, thresholds: thresholds))
        }
    }
}

extension Components.Schemas.JobList {
    init(_ list: JobListPage) {
        var jobs: [Components.Schemas.Job] = []
        jobs.reserveCapacity(list.listing.jobs.count)
        list.forEachEntry { job, summary, verdicts in
            jobs.append(Components.Schemas.Job(job, now: list.now, summary: summary, verdicts: verdicts))
        }
        self.init(
            jobs: jobs,
            total: Int64(list.listing.total),
            limit: Int64(list.page.limit),
            offset: Int64(list.page.offset),
            nextCursor: list.nextCursor
        )
    }
}
