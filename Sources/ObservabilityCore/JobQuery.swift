#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Which jobs a listing returns. Every condition given must hold.
public struct JobFilter: Sendable, Hashable {
    public var state: JobState?
    public var user: String?
    /// Jobs that ran on this node (any of their nodes).
    public var node: String?
    public var partition: String?
    /// Jobs still active at or after this instant: not ended, or ended at or after it.
    public var since: Date?
    /// Jobs submitted at or before this instant.
    public var until: Date?
    /// Jobs of this cluster, where several share the service.
    public var cluster: String?

    public init(
        state: JobState? = nil,
        user: String? = nil,
        node: String? = nil,
        partition: String? = nil,
        since: Date? = nil,
        until: Date? = nil,
        cluster: String? = nil
    ) {
        self.cluster = cluster
        self.state = state
        self.user = user
        self.node = node
        self.partition = partition
        self.since = since
        self.until = until
    }
}

/// A window into a listing. Listings are ordered newest submission first, then by id descending,
/// so pages are stable while jobs are only added.
public struct JobPage: Sendable, Hashable {
    public static let defaultLimit = 100
    public static let maxLimit = 1_000

    public var limit: Int
    /// Jobs skipped, after `after` where that is given.
    public var offset: Int
    /// Start right after this job (keyset paging): a deep page then costs what the first does.
    public var after: JobCursor?

    /// Validates like the API does: `limit` 0 to 1,000 (0 returns only the total), `offset` ≥ 0.
    public init(limit: Int = JobPage.defaultLimit, offset: Int = 0, after: JobCursor? = nil) throws(ValidationError) {
        guard (0...JobPage.maxLimit).contains(limit) else {
            throw ValidationError(.outOfRange, field: "limit", "must be between 0 and \(JobPage.maxLimit), got \(limit)")
        }
        guard offset >= 0 else {
            throw ValidationError(.outOfRange, field: "offset", "must not be negative, got \(offset)")
        }
        self.limit = limit
        self.offset = offset
        self.after = after
    }
}

/// One page of jobs and how many match the filter in all.
public struct JobListing: Sendable, Hashable {
    public var jobs: [Job]
    public var total: Int

    public init(jobs: [Job], total: Int) {
        self.jobs = jobs
        self.total = total
    }

    /// Where the next page starts: after this page's last job, when the page is full (a
    /// short page is the last).
    public func nextCursor(limit: Int) -> JobCursor? {
        guard limit > 0, jobs.count == limit, let last = jobs.last else { return nil }
        return JobCursor(after: last)
    }
}

/// Which samples of one job to read.
public struct SampleQuery: Sendable, Hashable {
    public enum Order: Sendable, Hashable {
        case oldestFirst
        case newestFirst
    }

    public static let defaultLimit = 1_000
    public static let maxLimit = 10_000

    /// Inclusive lower bound.
    public var from: Date?
    /// Inclusive upper bound.
    public var to: Date?
    public var limit: Int
    public var order: Order

    public init(from: Date? = nil, to: Date? = nil, limit: Int = SampleQuery.defaultLimit, order: Order = .oldestFirst) throws(ValidationError) {
        guard (0...SampleQuery.maxLimit).contains(limit) else {
            throw ValidationError(.outOfRange, field: "limit", "must be between 0 and \(SampleQuery.maxLimit), got \(limit)")
        }
        if let from { try JobLimits.validateTime(from, field: "from") }
        if let to { try JobLimits.validateTime(to, field: "to") }
        if let from, let to, to < from {
            throw ValidationError(.inconsistent, field: "to", "'to' is before 'from'")
        }
        self.from = from
        self.to = to
        self.limit = limit
        self.order = order
    }
}

/// What `/metrics` needs of a running job: its label fields, its start and its newest
/// sample, and nothing else, so a scrape of 100,000 jobs does not materialise 100,000 full
/// ``Job`` values (names, accounts, node lists) only to drop them.
public struct RunningJob: Sendable, Hashable {
    public var id: String
    public var user: String
    public var partition: String?
    public var cluster: String?
    public var startTime: Date?
    public var latestSample: MetricSample?

    public init(id: String, user: String, partition: String?, cluster: String?, startTime: Date?, latestSample: MetricSample?) {
        self.id = id
        self.user = user
        self.partition = partition
        self.cluster = cluster
        self.startTime = startTime
        self.latestSample = latestSample
    }

    /// Seconds since the job started, never negative; zero before it has a start time.
    public func runtime(at now: Date) -> TimeInterval {
        guard let startTime else { return 0 }
        return Microseconds.seconds(from: startTime, to: now)
    }
}
