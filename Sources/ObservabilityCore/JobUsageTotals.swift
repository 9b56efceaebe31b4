/// What a job used on one node over its life, as the node's collector last measured it.
public struct JobUsageTotals: Sendable, Hashable {
    public var jobID: String
    public var node: String
    public var cpuSeconds: Double
    public var peakMemoryBytes: Int64

    public init(jobID: String, node: String, cpuSeconds: Double, peakMemoryBytes: Int64) {
        self.jobID = jobID
        self.node = node
        self.cpuSeconds = cpuSeconds
        self.peakMemoryBytes = peakMemoryBytes
    }

    public func validate() throws(ValidationError) {
        try JobLimits.validateJobKey(jobID, field: "jobId")
        try JobLimits.validateName(node, field: "node", maxBytes: JobLimits.maxNameBytes)
        guard cpuSeconds.isFinite, cpuSeconds >= 0, cpuSeconds <= JobLimits.maxCPUSeconds else {
            throw ValidationError(
                .outOfRange,
                field: "cpuSeconds",
                "CPU seconds are a finite number from 0 to \(JobLimits.maxCPUSeconds), got \(cpuSeconds)"
            )
        }
        try JobLimits.validateMemory(peakMemoryBytes, field: "peakMemoryMb")
    }
}

/// What the store knows of a job's use: each node's totals, and how many of its samples had
/// GPU figures and how many of those showed its GPUs idle (below 1 %).
public struct JobUsage: Sendable, Hashable {
    public var nodes: [JobUsageTotals]
    public var gpuSamples: Int
    public var idleGPUSamples: Int

    public init(nodes: [JobUsageTotals], gpuSamples: Int = 0, idleGPUSamples: Int = 0) {
        self.nodes = nodes
        self.gpuSamples = gpuSamples
        self.idleGPUSamples = idleGPUSamples
    }

    /// A sample's GPU use below this, in percent, counts as idle.
    public static let idleGPUThreshold = 1.0
}
