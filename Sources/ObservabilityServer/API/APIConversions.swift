import Foundation
import ObservabilityAPI
import ObservabilityCore

/// Translations between the generated API types and the domain. Values the core would
/// refuse are refused here with the same field names, before anything touches the store.
extension Components.Schemas.Job {
    /// `notes` go inside the summary (a job's own page); `verdicts`, their codes only, beside it
    /// (a list).
    init(_ job: Job, now: Date, summary: JobSummary? = nil, notes: [JobNote]? = nil, verdicts: [JobNote]? = nil) {
        self.init(
            id: job.schedulerID,
            user: job.user,
            nodes: job.nodes,
            state: Components.Schemas.JobState(job.state),
            name: job.name,
            partition: job.partition,
            account: job.account,
            cluster: job.cluster,
            requestedCpus: job.requestedCPUs.map(Int64.init),
            requestedMemoryMb: job.requestedMemoryBytes.map(MemorySize.mebibytes(fromBytes:)),
            requestedGpus: job.requestedGPUs.map(Int64.init),
            exitCode: job.exitCode.map(Int64.init),
            submitTime: job.submitTime,
            startTime: job.startTime,
            endTime: job.endTime,
            runtimeSeconds: job.runtime(at: now),
            summary: summary.map { Components.Schemas.JobSummary($0, notes: notes) },
            verdicts: verdicts?.map { Components.Schemas.JobNoteCode($0.code) }
        )
    }
}

extension Components.Schemas.JobSummary {
    init(_ summary: JobSummary, notes: [JobNote]?) {
        self.init(
            cpuSeconds: summary.cpuSeconds,
            peakMemoryMb: MemorySize.mebibytes(fromBytes: summary.peakMemoryBytes),
            elapsedSeconds: summary.elapsedSeconds,
            cpuEfficiencyPercent: summary.cpuEfficiencyPercent,
            memoryEfficiencyPercent: summary.memoryEfficiencyPercent,
            gpuIdlePercent: summary.gpuIdlePercent,
            notes: notes?.map { Components.Schemas.JobNote(code: .init($0.code), message: $0.message) }
        )
    }
}

extension Components.Schemas.JobNoteCode {
    init(_ code: JobNote.Code) {
        // Both enumerate the same codes; the generated type cannot hold anything else.
        self = Components.Schemas.JobNoteCode(rawValue: code.rawValue)!
    }
}

extension Components.Schemas.Stats {
    init(_ statistics: ClusterStatistics, top: Int) {
        let counts = statistics.jobsByState
        self.init(
            jobsByState: .init(
                pending: Int64(counts[.pending] ?? 0),
                running: Int64(counts[.running] ?? 0),
                suspended: Int64(counts[.suspended] ?? 0),
                completed: Int64(counts[.completed] ?? 0),
                failed: Int64(counts[.failed] ?? 0),
                cancelled: Int64(counts[.cancelled] ?? 0),
                timeout: Int64(counts[.timeout] ?? 0),
                nodeFail: Int64(counts[.nodeFail] ?? 0),
                outOfMemory: Int64(counts[.outOfMemory] ?? 0),
                preempted: Int64(counts[.preempted] ?? 0)
            ),
            activeByPartition: statistics.activeByPartition.map {
                .init(partition: $0.partition, pending: Int64($0.pending), running: Int64($0.running), suspended: Int64($0.suspended))
            },
            window: .init(
                since: statistics.window.since,
                until: statistics.window.until,
                users: ResourceUse.leaders(of: statistics.users, top: top).map(Components.Schemas.ResourceUse.init),
                partitions: ResourceUse.leaders(of: statistics.partitions, top: top).map(Components.Schemas.ResourceUse.init)
            )
        )
    }
}

extension Components.Schemas.ResourceUse {
    /// Hours to the hundredth: enough for a table, and stable across databases' sums.
    init(_ use: ResourceUse) {
        func hours(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        self.init(
            name: use.name,
            jobs: Int64(use.jobs),
            cpuHours: hours(use.cpuHours),
            gpuHours: hours(use.gpuHours),
            idleGpuHours: hours(use.idleGPUHours)
        )
    }
}

extension Components.Schemas.JobState {
    init(_ state: JobState) {
        // Both enumerate the same spellings; the generated type cannot hold anything else.
        self = Components.Schemas.JobState(rawValue: state.rawValue)!
    }
}

extension JobState {
    init(_ state: Components.Schemas.JobState) {
        self = JobState(rawValue: state.rawValue)!
    }

    init(_ state: Components.Schemas.FinalJobState) {
        self = JobState(rawValue: state.rawValue)!
    }
}

/// Integers arrive as Int64; the domain's fields are Int within the limits the core checks.
private func integer(_ value: Int64?, field: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int? {
    guard let value else { return nil }
    guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
        throw ValidationError(.outOfRange, field: field, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
    return Int(value)
}

private func mebibytes(_ value: Double?, field: String) throws(ValidationError) -> Int64? {
    guard let value else { return nil }
    return try MemorySize.bytes(fromMiB: value, field: field)
}

/// The request bodies that carry a job's attributes (a new job, a change, an event): read
/// and checked the same way for all three.
protocol JobAttributesBody {
    var name: String? { get }
    var partition: String? { get }
    var account: String? { get }
    var cluster: String? { get }
    var requestedCpus: Int64? { get }
    var requestedMemoryMb: Double? { get }
    var requestedGpus: Int64? { get }
}

extension JobAttributesBody {
    func attributes() throws(ValidationError) -> JobAttributes {
        JobAttributes(
            name: name,
            partition: partition,
            account: account,
            cluster: cluster,
            requestedCPUs: try integer(requestedCpus, field: "requestedCpus", in: JobLimits.requestedCPURange),
            requestedMemoryBytes: try mebibytes(requestedMemoryMb, field: "requestedMemoryMb"),
            requestedGPUs: try integer(requestedGpus, field: "requestedGpus", in: JobLimits.requestedGPURange)
        )
    }
}

extension Components.Schemas.JobCreate: JobAttributesBody {}
extension Components.Schemas.JobUpdate: JobAttributesBody {}
extension Components.Schemas.LifecycleEvent: JobAttributesBody {}

extension Job {
    init(creating body: Components.Schemas.JobCreate, now: Date) throws(ValidationError) {
        self.init(
            id: body.id,
            user: body.user,
            nodes: body.nodes ?? [],
            state: body.state.map(JobState.init) ?? .pending,
            attributes: try body.attributes(),
            exitCode: try integer(body.exitCode, field: "exitCode", in: JobLimits.exitCodeRange),
            submitTime: body.submitTime ?? now,
            startTime: body.startTime,
            endTime: body.endTime
        )
        // A job created as running or finished without times gets them now, as a PATCH would.
        if state == .running, startTime == nil { startTime = max(now, submitTime) }
        if state.isTerminal, endTime == nil { endTime = max(now, startTime ?? submitTime) }
    }
}

extension JobUpdate {
    init(_ body: Components.Schemas.JobUpdate) throws(ValidationError) {
        self = .nothing
        state = body.state.map(JobState.init)
        user = body.user
        nodes = body.nodes
        attributes = try body.attributes()
        exitCode = try integer(body.exitCode, field: "exitCode", in: JobLimits.exitCodeRange)
        startTime = body.startTime
        endTime = body.endTime
    }
}

extension MetricSample {
    init(jobID: String, input: Components.Schemas.MetricSampleInput, now: Date) throws(ValidationError) {
        self.init(
            jobID: jobID,
            time: input.timestamp ?? now,
            cpuUsage: input.cpuUsage,
            memoryBytes: try MemorySize.bytes(fromMiB: input.memoryUsageMb, field: "memoryUsageMb"),
            gpuUsage: input.gpuUsage,
            node: input.node
        )
    }
}

extension Components.Schemas.MetricSample {
    init(_ sample: MetricSample) {
        self.init(
            timestamp: sample.time,
            cpuUsage: sample.cpuUsage,
            memoryUsageMb: MemorySize.mebibytes(fromBytes: sample.memoryBytes),
            gpuUsage: sample.gpuUsage,
            node: sample.node
        )
    }

    init(_ point: SamplePoint) {
        self.init(
            timestamp: point.time,
            cpuUsage: point.cpuUsage,
            memoryUsageMb: point.memoryBytes / Double(MemorySize.bytesPerMiB),
            gpuUsage: point.gpuUsage,
            node: point.node,
            cpuUsageMax: point.cpuUsageMax,
            memoryUsageMaxMb: MemorySize.mebibytes(fromBytes: point.memoryBytesMax),
            gpuUsageMax: point.gpuUsageMax,
            samples: Int64(point.samples)
        )
    }
}

extension LifecycleEvent {
    init(_ body: Components.Schemas.LifecycleEvent) throws(ValidationError) {
        self.init(
            id: body.eventId,
            jobID: body.jobId,
            kind: LifecycleEvent.Kind(rawValue: body.kind.rawValue)!,
            time: body.time,
            user: body.user,
            nodes: body.nodes ?? [],
            finalState: body.finalState.map(JobState.init),
            exitCode: try integer(body.exitCode, field: "exitCode", in: JobLimits.exitCodeRange),
            attributes: try body.attributes(),
            submitTime: body.submitTime,
            startTime: body.startTime,
            usage: try body.usage.map { usage throws(ValidationError) in
                LifecycleEvent.Usage(
                    node: usage.node,
                    cpuSeconds: usage.cpuSeconds,
                    peakMemoryBytes: try MemorySize.bytes(fromMiB: usage.peakMemoryMb, field: "usage.peakMemoryMb")
                )
            }
        )
    }
}

extension Components.Schemas.EventResult {
    init(_ outcome: EventOutcome, eventID: String) {
        switch outcome {
        case .duplicate:
            self.init(eventId: eventID, outcome: .duplicate)
        case .applied(let change):
            let kind: Components.Schemas.EventResult.OutcomePayload =
                switch change {
                case .create: .created
                case .update: .updated
                case .unchanged: .unchanged
                }
            self.init(eventId: eventID, outcome: kind, jobId: change.job.schedulerID, state: Components.Schemas.JobState(change.job.state))
        }
    }
}
