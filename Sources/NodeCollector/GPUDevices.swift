import CNVMLLoader

/// One GPU's use now.
public struct GPUUsage: Sendable, Hashable {
    public var index: Int
    public var utilizationPercent: Double
    public var memoryUsedBytes: Int64

    public init(index: Int, utilizationPercent: Double, memoryUsedBytes: Int64) {
        self.index = index
        self.utilizationPercent = utilizationPercent
        self.memoryUsedBytes = memoryUsedBytes
    }
}

/// The node's GPUs through NVML, loaded at run time. No driver, no GPU: an empty list and no
/// error, so GPU-less nodes export no GPU series.
public enum GPUDevices {
    public static var available: Bool { hpc_nvml_open() == 0 }

    public static func read() -> [GPUUsage] {
        var count: UInt32 = 0
        guard hpc_nvml_device_count(&count) == 0 else { return [] }
        return (0..<count).compactMap { index in
            var utilization: UInt32 = 0
            var used: UInt64 = 0
            var total: UInt64 = 0
            guard hpc_nvml_device_usage(index, &utilization, &used, &total) == 0 else { return nil }
            return GPUUsage(index: Int(index), utilizationPercent: Double(utilization), memoryUsedBytes: Int64(clamping: used))
        }
    }

    /// A job's mean utilisation over the GPUs Slurm gave it on this node (its allocation);
    /// nil when it has none or they are not among `devices`.
    public static func jobUtilization(gpuIndices: [Int], devices: [GPUUsage]) -> Double? {
        let mine = devices.filter { gpuIndices.contains($0.index) }
        guard !mine.isEmpty else { return nil }
        return (mine.reduce(0) { $0 + $1.utilizationPercent } / Double(mine.count) * 100).rounded() / 100
    }
}
