#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Something the scheduler told us about a job: it was submitted, started, ended, was requeued.
///
/// Hooks, `POST /v1/events` and the poller all speak in events, and ``LifecycleTranslator``
/// decides once, for all of them, what an event does to the stored job. Events arrive late,
/// twice, and out of order (a spooled prolog replayed after its epilog), so every field but
/// ``id``, ``jobID``, ``kind``, ``time`` and ``user`` is optional and merged, never required.
/// The job's name, partition and requests are its ``attributes``, read as `event.partition`.
public struct LifecycleEvent: CarriesJobAttributes, Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// The job is known and waiting (the poller sees pending jobs; no hook does).
        case submitted
        /// The job started, on all or some of its nodes (a prolog ran).
        case started
        /// The job ended; ``LifecycleEvent/finalState`` says how.
        case ended
        /// The scheduler put the job back in the queue: the one way out of a terminal state.
        case requeued
        case suspended
        case resumed
    }

    /// A stable id: the same occurrence delivered twice carries the same id, and the second
    /// delivery changes nothing.
    public var id: String
    public var jobID: String
    public var kind: Kind
    public var time: Date
    public var user: String
    public var nodes: [String]
    /// For ``Kind/ended``: how the job ended. Without it, exit code 0 means completed and
    /// anything else failed.
    public var finalState: JobState?
    public var exitCode: Int?
    public var attributes: JobAttributes
    /// Submission time where the source knows it (the poller does; hooks do not).
    public var submitTime: Date?
    /// Start time where the source knows it better than ``time`` (the poller, a late epilog).
    /// On a ``Kind/requeued`` event, where known, the start of the run the requeue ended: a
    /// late copy of it then cannot undo a later run.
    public var startTime: Date?
    /// What the job used, where the scheduler reports it with the end (PBS's `resources_used`):
    /// recorded with the event, in the same transaction, as that node's totals.
    public var usage: Usage?

    /// A job's CPU time and peak memory as one node (for PBS, the mother superior, for the
    /// whole job) reports them.
    public struct Usage: Sendable, Hashable {
        public var node: String
        public var cpuSeconds: Double
        public var peakMemoryBytes: Int64

        public init(node: String, cpuSeconds: Double, peakMemoryBytes: Int64) {
            self.node = node
            self.cpuSeconds = cpuSeconds
            self.peakMemoryBytes = peakMemoryBytes
        }
    }

    /// ``usage`` as the store keeps it.
    public var usageTotals: JobUsageTotals? {
        usage.map { JobUsageTotals(jobID: jobID, node: $0.node, cpuSeconds: $0.cpuSeconds, peakMemoryBytes: $0.peakMemoryBytes) }
    }

    public init(
        id: String,
        jobID: String,
        kind: Kind,
        time: Date,
        user: String,
        nodes: [String] = [],
        finalState: JobState? = nil,
        exitCode: Int? = nil,
        attributes: JobAttributes = JobAttributes(),
        submitTime: Date? = nil,
        startTime: Date? = nil,
        usage: Usage? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.kind = kind
        self.time = time
        self.user = user
        self.nodes = nodes
        self.finalState = finalState
        self.exitCode = exitCode
        self.attributes = attributes
        self.submitTime = submitTime
        self.startTime = startTime
        self.usage = usage
    }

    public static let maxEventIDBytes = 255

    /// Checks the event's own fields; the job it produces is validated again by the translator.
    public func validate() throws(ValidationError) {
        let idBytes = id.utf8
        if idBytes.isEmpty {
            throw ValidationError(.missing, field: "eventId", "an event id must not be empty")
        }
        if idBytes.count > Self.maxEventIDBytes {
            throw ValidationError(.tooLong, field: "eventId", "an event id is at most \(Self.maxEventIDBytes) bytes, got \(idBytes.count)")
        }
        guard idBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationError(.invalidCharacters, field: "eventId", "an event id is printable ASCII without spaces")
        }
        try JobLimits.validateJobID(jobID, field: "jobId")
        try JobLimits.validateTime(time, field: "time")
        if let submitTime { try JobLimits.validateTime(submitTime, field: "submitTime") }
        if let startTime { try JobLimits.validateTime(startTime, field: "startTime") }
        try validateUsage()
        if let finalState {
            guard kind == .ended else {
                throw ValidationError(.inconsistent, field: "finalState", "only an 'ended' event carries a final state")
            }
            guard finalState.isTerminal else {
                throw ValidationError(
                    .unknownValue,
                    field: "finalState",
                    "'\(finalState.rawValue)' is not a final state; use one of \(JobState.allCases.filter(\.isTerminal).map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
    }

    /// ``usage``'s rules, with its fields named as in the event (`usage.cpuSeconds`).
    func validateUsage() throws(ValidationError) {
        if let usageTotals, case .failure(let error) = Result(catching: { () throws(ValidationError) in try usageTotals.validate() }) {
            throw ValidationError(error.code, field: "usage.\(error.field)", error.message)
        }
    }

    /// The state an ``Kind/ended`` event leaves the job in.
    public var resolvedFinalState: JobState {
        if let finalState { return finalState }
        return (exitCode ?? 0) == 0 ? .completed : .failed
    }
}
