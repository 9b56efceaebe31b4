import ArgumentParser
import Foundation
import JobReports
import ObservabilityAPI
import ServiceClient

/// `hpc-obs job ID`.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "A job's report: who, where, when, how it ended, requested against used CPU, memory and GPU, and verdicts.",
        discussion: "Exit status 1 when the service does not know the job."
    )

    @Argument(help: ArgumentHelp("The job's id, as the scheduler gave it (1234, 1234_7 for an array task).", valueName: "id"))
    var id: String

    @Option(help: "The job's cluster, where several clusters share the service and more than one has a job with this id.")
    var cluster: String?

    @Flag(help: "Print the service's document for the job (GET /v1/jobs/{id}) instead.")
    var json = false

    @OptionGroup var service: ServiceOptions

    func validate() throws {
        guard !id.isEmpty, id.utf8.count <= 128, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !"/?#%\\\"'`".utf8.contains($0) }) else {
            throw ValidationError("'\(id.prefix(64))' is not a job id: printable ASCII without spaces or / ? # % \\ \" ' `, at most 128 characters")
        }
    }

    func run() async throws {
        let style = Output.style
        let text = try await service.withService { service in
            let job: Components.Schemas.Job
            do {
                job = try await service.job(id: id, cluster: cluster)
            } catch ServiceError.notFound {
                throw CommandFailure(
                    .unknownJob,
                    "the service at \(service.settings.url) has no job \(id): `hpc-obs jobs --user USER` lists a user's jobs"
                )
            }
            if json { return try Output.json(job) }
            var metrics: Components.Schemas.MetricList?
            if job.startTime != nil {
                let query = JobReport.metricsQuery(for: job, style: style)
                // The report stands without its sparklines: a failure here costs only them.
                metrics = try? await service.metrics(jobID: id, cluster: job.cluster, step: query.step, limit: query.limit)
            }
            return JobReport(job: job, metrics: metrics).render(style: style)
        }
        Output.print(text)
    }
}

/// `hpc-obs jobs`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Jobs, newest first, with how well each used its CPUs, memory and GPUs; the filters of GET /v1/jobs."
    )

    @Option(help: "Only jobs in this state.")
    var state: StateOption?

    @Option(help: "Only this user's jobs.")
    var user: String?

    @Option(help: "Only jobs in this partition.")
    var partition: String?

    @Option(help: "Only jobs that ran on this node.")
    var node: String?

    @Option(help: "Only jobs of this cluster, where several share the service.")
    var cluster: String?

    @Option(
        help: ArgumentHelp("Only jobs active at or after this time: 2026-12-01T08:00:00Z, 2026-12-01, now, or 90m, 12h, 7d back.", valueName: "time"),
        transform: parseTime
    )
    var since: Date?

    @Option(help: ArgumentHelp("Only jobs submitted at or before this time (same forms as --since).", valueName: "time"), transform: parseTime)
    var until: Date?

    @Option(help: "Jobs at most (1 to 1000).")
    var limit: Int = 50

    @Option(help: "Jobs to skip.")
    var offset: Int = 0

    @Option(help: ArgumentHelp("Start after the previous page: the cursor its last line gave.", valueName: "cursor"))
    var cursor: String?

    @Flag(help: "Print the service's document (GET /v1/jobs) instead.")
    var json = false

    @OptionGroup var service: ServiceOptions

    func validate() throws {
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
        guard offset >= 0, offset <= 1_000_000_000 else { throw ValidationError("--offset must be from 0 to 1000000000") }
    }

    func run() async throws {
        let style = Output.style
        let query = Operations.ListJobs.Input.Query(
            state: state?.state,
            user: user,
            node: node,
            partition: partition,
            cluster: cluster,
            since: since,
            until: until,
            limit: limit,
            offset: offset,
            cursor: cursor
        )
        let text = try await service.withService { service in
            let list = try await service.jobs(query)
            return json ? try Output.json(list) : JobsTable(list: list).render(style: style)
        }
        Output.print(text)
    }
}

/// A `--state` value: one of the API's job states.
struct StateOption: ExpressibleByArgument {
    var state: Components.Schemas.JobState

    init?(argument: String) {
        guard let state = Components.Schemas.JobState(rawValue: argument) else { return nil }
        self.state = state
    }

    static var allValueStrings: [String] { Components.Schemas.JobState.allCases.map(\.rawValue) }
}

/// `hpc-obs stats`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The cluster now (jobs by state, active partitions) and its heaviest users and partitions over a window."
    )

    @Option(help: ArgumentHelp("The window's start (default: 24 hours ago); same forms as jobs --since.", valueName: "time"), transform: parseTime)
    var since: Date?

    @Option(help: ArgumentHelp("The window's end (default: now).", valueName: "time"), transform: parseTime)
    var until: Date?

    @Option(help: "Users and partitions to list (1 to 1000).")
    var top: Int = 10

    @Flag(help: "Print the service's document (GET /v1/stats) instead.")
    var json = false

    @OptionGroup var service: ServiceOptions

    func validate() throws {
        guard (1...1_000).contains(top) else { throw ValidationError("--top must be from 1 to 1000") }
    }

    func run() async throws {
        let style = Output.style
        let text = try await service.withService { service in
            let stats = try await service.stats(.init(since: since, until: until, top: top))
            return json ? try Output.json(stats) : StatsReport(stats: stats).render(style: style)
        }
        Output.print(text)
    }
}

/// `hpc-obs health`.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Whether the service and its store answer, and the service's version.",
        discussion: "Exit status 0 when healthy, 3 when the store is unreachable or the service does not answer."
    )

    @Flag(help: "Print the service's document (GET /v1/health) instead.")
    var json = false

    @OptionGroup var service: ServiceOptions

    func run() async throws {
        let style = Output.style
        let report = try await service.withService { service in
            HealthReport(health: try await service.health(), url: service.settings.url)
        }
        Output.print(json ? try Output.json(report.health) : report.render(style: style))
        if !report.isHealthy { throw CommandFailure(.service, "the service's store is unreachable: see the server's log") }
    }
}
