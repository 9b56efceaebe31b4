#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an overview page shows: how many jobs are where now, and who used (or left idle) how
/// much of the cluster over a window.
///
/// Hours are allocated hours, as XDMoD counts them: a job's CPUs (or GPUs) times the part of
/// its run that falls in the window, whatever it did with them. Idle GPU-hours are a job's
/// GPU-hours times the share of its GPU samples in the window that show its GPUs idle (below
/// ``JobUsage/idleGPUThreshold``); a GPU job without GPU samples counts none, since nothing
/// says they were idle.
public struct ClusterStatistics: Sendable, Hashable {
    /// Every state, with zero for states without jobs.
    public var jobsByState: [JobState: Int]
    /// Pending, running and suspended jobs per partition, partitions by name (jobs without one last).
    public var activeByPartition: [PartitionActivity]
    public var window: StatisticsWindow
    /// Per user, every user with a job in the window; ordered by CPU-hours, then name.
    public var users: [ResourceUse]
    /// Per partition, likewise.
    public var partitions: [ResourceUse]

    public init(
        jobsByState: [JobState: Int],
        activeByPartition: [PartitionActivity],
        window: StatisticsWindow,
        users: [ResourceUse],
        partitions: [ResourceUse]
    ) {
        self.jobsByState = jobsByState
        self.activeByPartition = activeByPartition
        self.window = window
        self.users = users
        self.partitions = partitions
    }
}

/// The jobs of one partition that are not finished.
public struct PartitionActivity: Sendable, Hashable {
    /// Nil for jobs that name no partition.
    public var partition: String?
    public var pending: Int
    public var running: Int
    public var suspended: Int

    public init(partition: String?, pending: Int = 0, running: Int = 0, suspended: Int = 0) {
        self.partition = partition
        self.pending = pending
        self.running = running
        self.suspended = suspended
    }
}

/// What the jobs of one user (or partition) held over a window.
public struct ResourceUse: Sendable, Hashable {
    /// The user or partition; nil for jobs that name no partition.
    public var name: String?
    /// Jobs that ran in the window.
    public var jobs: Int
    public var cpuHours: Double
    public var gpuHours: Double
    public var idleGPUHours: Double

    public init(name: String?, jobs: Int, cpuHours: Double, gpuHours: Double, idleGPUHours: Double) {
        self.name = name
        self.jobs = jobs
        self.cpuHours = cpuHours
        self.gpuHours = gpuHours
        self.idleGPUHours = idleGPUHours
    }
}

/// The span hours are counted over, and the instant that stands for "now" for running jobs.
public struct StatisticsWindow: Sendable, Hashable {
    public var since: Date
    public var until: Date
    public var now: Date

    /// Defaults to the last 24 hours. Throws when a bound is outside the kept range of times
    /// or the window is empty.
    public init(since: Date? = nil, until: Date? = nil, now: Date) throws(ValidationError) {
        let until = until ?? now
        try JobLimits.validateTime(until, field: "until")
        let since = since ?? until.addingTimeInterval(-Self.defaultSeconds)
        try JobLimits.validateTime(since, field: "since")
        guard since < until else {
            throw ValidationError(.inconsistent, field: "since", "must be before until (\(RFC3339.format(until)))")
        }
        self.since = since
        self.until = until
        self.now = now
    }

    public static let defaultSeconds: TimeInterval = 86_400
}

extension ResourceUse {
    /// The entries among the first `top` by CPU-hours, by GPU-hours or by idle GPU-hours, each
    /// once, ordered by CPU-hours (then name). Whoever reads it can rank by any of the three
    /// figures and get the true top `top`; an entry with none of a figure does not rank by it.
    public static func leaders(of all: [ResourceUse], top: Int) -> [ResourceUse] {
        var kept = Set<Int>()
        for figure in [\ResourceUse.cpuHours, \.gpuHours, \.idleGPUHours] as [KeyPath<ResourceUse, Double>] {
            let ranked = all.indices.filter { all[$0][keyPath: figure] > 0 }
                .sorted { (all[$0][keyPath: figure], all[$1].name ?? "") > (all[$1][keyPath: figure], all[$0].name ?? "") }
            kept.formUnion(ranked.prefix(max(0, top)))
        }
        return kept.sorted().map { all[$0] }.sorted { ($0.cpuHours, $1.name ?? "") > ($1.cpuHours, $0.name ?? "") }
    }
}
