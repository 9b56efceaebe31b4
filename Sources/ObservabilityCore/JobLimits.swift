#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The limits every stored value obeys, and the checks that enforce them.
///
/// They are generous for real schedulers (Slurm job ids, PBS `42[3].server` ids, 10,000-node
/// jobs) and tight enough that no value can break a URL path, a Prometheus label or a log line.
public enum JobLimits {
    public static let maxJobIDBytes = 128
    public static let maxUserBytes = 64
    public static let maxNameBytes = 255
    public static let maxJobNameBytes = 1024
    public static let maxNodes = 100_000
    public static let requestedCPURange = 1...10_000_000
    public static let requestedGPURange = 0...1_000_000
    public static let exitCodeRange = Int(Int32.min)...Int(Int32.max)
    /// Memory in bytes, requested or used: up to 1 EiB, which a MiB figure in JSON (2^40 MiB)
    /// carries exactly, so a value a hook keeps is never one the server refuses.
    public static let memoryBytesRange: ClosedRange<Int64> = 0...(1 << 60)
    /// CPU use in percent of one core: 100 % for each CPU the largest job may ask for.
    public static let maxCPUUsagePercent = 100 * Double(requestedCPURange.upperBound)
    /// CPU seconds on one node: ten million cores for a thousand years is far below this, and
    /// the sum over 100,000 nodes stays finite.
    public static let maxCPUSeconds = 1e15
    /// The instants the service keeps, from the Unix epoch to the start of 2200: every time it
    /// takes in (REST, events, hooks, the poller, the spool) is checked against them, so that
    /// no conversion to the store's microseconds can overflow.
    public static let timeRange = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 7_258_118_400)
    /// Characters a job id may not contain, beyond whitespace and control characters: they would
    /// need escaping in the `/v1/jobs/{jobId}` path or in shells.
    static let forbiddenInJobID: Set<UInt8> = Set("/?#%\\\"'`".utf8)

    /// A job id is 1 to 128 bytes of printable ASCII without `/ ? # % \ " ' \``.
    public static func validateJobID(_ id: String, field: String = "id") throws(ValidationError) {
        let bytes = id.utf8
        if bytes.isEmpty {
            throw ValidationError(.missing, field: field, "a job id must not be empty")
        }
        if bytes.count > maxJobIDBytes {
            throw ValidationError(.tooLong, field: field, "a job id is at most \(maxJobIDBytes) bytes, got \(bytes.count)")
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbiddenInJobID.contains($0) }) else {
            throw ValidationError(
                .invalidCharacters,
                field: field,
                "a job id is printable ASCII without spaces or any of / ? # % \\ \" ' `"
            )
        }
    }

    /// A job's key in the store (``JobKey``): a job id, or a cluster name and a job id joined
    /// by `/` (``JobKey/parts(of:)``).
    public static func validateJobKey(_ key: String, field: String = "jobId") throws(ValidationError) {
        let (cluster, id) = JobKey.parts(of: key)
        if let cluster { try validateName(cluster, field: "cluster") }
        try validateJobID(id, field: field)
    }

    /// A name (user, node, partition, account, cluster) is 1 to `maxBytes` bytes of UTF-8
    /// without whitespace, control characters or commas.
    public static func validateName(_ value: String, field: String, maxBytes: Int = maxNameBytes) throws(ValidationError) {
        let bytes = value.utf8
        if bytes.isEmpty {
            throw ValidationError(.missing, field: field, "must not be empty")
        }
        if bytes.count > maxBytes {
            throw ValidationError(.tooLong, field: field, "is at most \(maxBytes) bytes, got \(bytes.count)")
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: ",") }) else {
            throw ValidationError(.invalidCharacters, field: field, "must not contain whitespace, control characters or commas")
        }
    }

    static func validateOptionalName(_ value: String?, field: String) throws(ValidationError) {
        if let value { try validateName(value, field: field) }
    }

    /// Free text (a job name) may hold spaces but no control characters.
    static func validateOptionalText(_ value: String?, field: String, maxBytes: Int) throws(ValidationError) {
        guard let value else { return }
        let bytes = value.utf8
        if bytes.count > maxBytes {
            throw ValidationError(.tooLong, field: field, "is at most \(maxBytes) bytes, got \(bytes.count)")
        }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw ValidationError(.invalidCharacters, field: field, "must not contain control characters")
        }
    }

    static func validateNodes(_ nodes: [String]) throws(ValidationError) {
        if nodes.count > maxNodes {
            throw ValidationError(.tooLong, field: "nodes", "a job has at most \(maxNodes) nodes, got \(nodes.count)")
        }
        var seen = Set<String>(minimumCapacity: nodes.count)
        for (index, node) in nodes.enumerated() {
            try validateName(node, field: "nodes[\(index)]")
            if !seen.insert(node).inserted {
                throw ValidationError(.duplicate, field: "nodes[\(index)]", "node '\(node)' is listed twice")
            }
        }
    }

    static func validateRange<Value: BinaryInteger>(_ value: Value, field: String, _ range: ClosedRange<Value>) throws(ValidationError) {
        guard range.contains(value) else {
            throw ValidationError(.outOfRange, field: field, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// A time within ``timeRange``.
    public static func validateTime(_ time: Date, field: String) throws(ValidationError) {
        guard time.timeIntervalSince1970.isFinite else {
            throw ValidationError(.notFinite, field: field, "is not a valid time")
        }
        guard timeRange.contains(time) else {
            throw ValidationError(.outOfRange, field: field, "must be between \(timeRangeDescription), got \(RFC3339.format(time))")
        }
    }

    /// ``timeRange`` as the errors state it.
    public static let timeRangeDescription = "\(RFC3339.format(timeRange.lowerBound)) and \(RFC3339.format(timeRange.upperBound))"

    /// Memory in bytes within ``memoryBytesRange``, named in MiB as the API spells it.
    static func validateMemory(_ bytes: Int64, field: String) throws(ValidationError) {
        guard memoryBytesRange.contains(bytes) else {
            throw ValidationError(
                .outOfRange,
                field: field,
                "must be between 0 and \(MemorySize.maxMiB) MiB (1 EiB), got \(MemorySize.mebibytes(fromBytes: bytes)) MiB"
            )
        }
    }
}
