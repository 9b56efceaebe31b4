import Foundation
import ObservabilityAPI
import ObservabilityCore

extension ObservabilityAPIHandler {
    func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        .ok(.init(body: .json(Components.Schemas.JobList(try await jobListPage(input.query)))))
    }

    /// The page `GET /v1/jobs` answers, checked and read, in the core's types: ``JobListRoute``
    /// writes it as JSON without building the generated types first, ``listJobs(_:)`` maps it.
    func jobListPage(_ query: Operations.ListJobs.Input.Query) async throws -> JobListPage {
        let page = try APIProblem.parsingQuery { () throws(ValidationError) in
            try JobPage(
                limit: query.limit.map { Int($0) } ?? JobPage.defaultLimit,
                offset: query.offset.map { Int($0) } ?? 0,
                after: try query.cursor.map { text throws(ValidationError) in try JobCursor(decoding: text) }
            )
        }
        try APIProblem.parsingQuery { () throws(ValidationError) in
            if let user = query.user { try JobLimits.validateName(user, field: "user", maxBytes: JobLimits.maxUserBytes) }
            if let node = query.node { try JobLimits.validateName(node, field: "node") }
            if let partition = query.partition { try JobLimits.validateName(partition, field: "partition") }
            if let cluster = query.cluster { try JobLimits.validateName(cluster, field: "cluster") }
            if let since = query.since { try JobLimits.validateTime(since, field: "since") }
            if let until = query.until { try JobLimits.validateTime(until, field: "until") }
        }
        let filter = JobFilter(
            state: query.state.map(JobState.init),
            user: query.user,
            node: query.node,
            partition: query.partition,
            since: query.since,
            until: query.until,
            cluster: query.cluster
        )
        let (listing, usage) = try await store.listJobsWithUsage(filter, page: page)
        return JobListPage(listing: listing, usage: usage, page: page, now: now(), thresholds: verdicts)
    }

    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedMediaType }
        let now = self.now()
        var job = try Job(creating: body, now: now)
        job.id = JobKey.make(schedulerID: job.id, cluster: job.cluster)
        let created = try await store.createJob(job)
        return .created(
            .init(
                headers: .init(location: Self.location(of: created)),
                body: .json(Components.Schemas.Job(created, now: now))
            )
        )
    }

    func getJob(_ input: Operations.GetJob.Input) async throws -> Operations.GetJob.Output {
        let key = try await jobKey(input.path.jobId, cluster: input.query.cluster)
        guard let job = try await store.job(id: key) else {
            throw StoreError.jobNotFound(input.path.jobId, cluster: input.query.cluster)
        }
        let now = self.now()
        let summary = JobSummary(job: job, usage: try await store.usage(jobID: job.id), now: now)
        let notes = summary.map { JobVerdicts.notes(for: job, summary: $0, thresholds: verdicts) }
        return .ok(.init(body: .json(Components.Schemas.Job(job, now: now, summary: summary, notes: notes))))
    }

    func updateJob(_ input: Operations.UpdateJob.Input) async throws -> Operations.UpdateJob.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedMediaType }
        let now = self.now()
        let update = try JobUpdate(body)
        let key = try await jobKey(input.path.jobId, cluster: input.query.cluster)
        let updated = try await store.updateJob(id: key, update, now: now)
        return .ok(.init(body: .json(Components.Schemas.Job(updated, now: now))))
    }

    func deleteJob(_ input: Operations.DeleteJob.Input) async throws -> Operations.DeleteJob.Output {
        try await store.deleteJob(id: try await jobKey(input.path.jobId, cluster: input.query.cluster))
        return .noContent(.init())
    }

    /// The store's key of the job a path names, with `?cluster=` where several clusters have
    /// the id; a 404 or a 409 naming the clusters otherwise.
    func jobKey(_ id: String, cluster: String?) async throws -> String {
        try await store.existingJobKey(id: id, cluster: try Self.checked(cluster: cluster))
    }

    /// How a write of samples or usage names the job a path names: the store finds it inside
    /// its write (``JobStore/appendSamples(_:)``), which saves ingest a lookup of its own.
    func jobReference(_ id: String, cluster: String?) throws -> String {
        JobKey.make(schedulerID: id, cluster: try Self.checked(cluster: cluster))
    }

    /// `?cluster=` as given, or a 400 naming it when it is no cluster name.
    private static func checked(cluster: String?) throws -> String? {
        if let cluster {
            try APIProblem.parsingQuery { () throws(ValidationError) in try JobLimits.validateName(cluster, field: "cluster") }
        }
        return cluster
    }

    /// `/v1/jobs/4242`, and `?cluster=` where the job has one, so that the URL stays the job's
    /// when another cluster records a job 4242 too.
    static func location(of job: Job) -> String {
        let id = job.schedulerID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? job.schedulerID
        guard let cluster = job.cluster else { return "/v1/jobs/\(id)" }
        return
            "/v1/jobs/\(id)?cluster=\(cluster.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "=", "#"])) ?? cluster)"
    }
}
