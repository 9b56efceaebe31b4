/// Converts between the API's mebibytes (`memoryUsageMb`, as the reference service named it)
/// and the bytes the core stores and Prometheus exports.
public enum MemorySize {
    public static let bytesPerMiB: Int64 = 1_048_576
    /// The largest MiB value the service keeps: ``JobLimits/memoryBytesRange``'s upper bound.
    public static let maxMiB: Int64 = JobLimits.memoryBytesRange.upperBound / bytesPerMiB

    /// Bytes for a MiB value, rounded to the nearest byte; refuses values outside
    /// ``JobLimits/memoryBytesRange``.
    public static func bytes(fromMiB value: Double, field: String) throws(ValidationError) -> Int64 {
        guard value.isFinite else {
            throw ValidationError(.notFinite, field: field, "must be a finite number")
        }
        guard value >= 0 else {
            throw ValidationError(.outOfRange, field: field, "must not be negative, got \(value)")
        }
        guard value <= Double(maxMiB) else {
            throw ValidationError(.outOfRange, field: field, "must be at most \(maxMiB) MiB (1 EiB), got \(value)")
        }
        // At most 2^60 after the check: the conversion cannot trap.
        return Int64((value * Double(bytesPerMiB)).rounded())
    }

    public static func mebibytes(fromBytes bytes: Int64) -> Double {
        Double(bytes) / Double(bytesPerMiB)
    }
}
