#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One measurement of a job's resource use at an instant, on one node or for the whole job.
public struct MetricSample: Sendable, Hashable {
    public var jobID: String
    public var time: Date
    /// CPU use in percent of one core: 100 is one core fully busy, 400 four cores.
    public var cpuUsage: Double
    /// Resident memory in bytes, without page cache.
    public var memoryBytes: Int64
    /// Mean utilisation of the job's GPUs in percent (0 to 100), or nil for a job without GPUs.
    public var gpuUsage: Double?
    /// The node measured, or nil when the sample covers the whole job.
    public var node: String?

    public init(jobID: String, time: Date, cpuUsage: Double, memoryBytes: Int64, gpuUsage: Double? = nil, node: String? = nil) {
        self.jobID = jobID
        self.time = time
        self.cpuUsage = cpuUsage
        self.memoryBytes = memoryBytes
        self.gpuUsage = gpuUsage
        self.node = node
    }

    /// Checks the sample on its own, and CPU use against the job's allocation when it is known:
    /// more than 100 % per allocated CPU means the sample is wrong, not that the job is fast.
    public func validate(allocatedCPUs: Int?) throws(ValidationError) {
        try JobLimits.validateJobKey(jobID, field: "jobId")
        try JobLimits.validateTime(time, field: "timestamp")
        guard cpuUsage.isFinite else {
            throw ValidationError(.notFinite, field: "cpuUsage", "must be a finite number")
        }
        guard cpuUsage >= 0, cpuUsage <= JobLimits.maxCPUUsagePercent else {
            throw ValidationError(.outOfRange, field: "cpuUsage", "must be between 0 and \(JobLimits.maxCPUUsagePercent) %, got \(cpuUsage)")
        }
        if let allocatedCPUs, cpuUsage > 100 * Double(allocatedCPUs) {
            throw ValidationError(
                .outOfRange,
                field: "cpuUsage",
                "\(cpuUsage) % exceeds 100 % per allocated CPU (\(allocatedCPUs) CPUs allow at most \(100 * allocatedCPUs) %)"
            )
        }
        try JobLimits.validateMemory(memoryBytes, field: "memoryUsageMb")
        if let gpuUsage {
            guard gpuUsage.isFinite else {
                throw ValidationError(.notFinite, field: "gpuUsage", "must be a finite number")
            }
            guard (0...100).contains(gpuUsage) else {
                throw ValidationError(.outOfRange, field: "gpuUsage", "must be between 0 and 100, got \(gpuUsage)")
            }
        }
        if let node {
            try JobLimits.validateName(node, field: "node")
        }
    }
}
