#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One step of a job's samples on one node: the mean and the maximum of each series, so that
/// a month-long job's chart needs a few thousand points, not millions, and a short spike
/// still shows in the maximum.
public struct SamplePoint: Sendable, Hashable {
    /// The start of the step (a multiple of the step since the epoch).
    public var time: Date
    /// The node the samples name; nil for samples that name none.
    public var node: String?
    /// How many samples the step holds.
    public var samples: Int
    public var cpuUsage: Double
    public var cpuUsageMax: Double
    public var memoryBytes: Double
    public var memoryBytesMax: Int64
    /// Nil when no sample of the step has a GPU figure.
    public var gpuUsage: Double?
    public var gpuUsageMax: Double?

    public init(
        time: Date,
        node: String?,
        samples: Int,
        cpuUsage: Double,
        cpuUsageMax: Double,
        memoryBytes: Double,
        memoryBytesMax: Int64,
        gpuUsage: Double?,
        gpuUsageMax: Double?
    ) {
        self.time = time
        self.node = node
        self.samples = samples
        self.cpuUsage = cpuUsage
        self.cpuUsageMax = cpuUsageMax
        self.memoryBytes = memoryBytes
        self.memoryBytesMax = memoryBytesMax
        self.gpuUsage = gpuUsage
        self.gpuUsageMax = gpuUsageMax
    }

    /// Steps of one second to about ten years: shorter is every sample, longer is one point.
    public static let stepSecondsRange: ClosedRange<Int> = 1...315_360_000

    public static func validateStep(_ seconds: Int) throws(ValidationError) {
        try JobLimits.validateRange(seconds, field: "step", stepSecondsRange)
    }
}
