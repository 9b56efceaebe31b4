/// What a job asked for, read from a Slurm TRES string such as
/// `cpu=4,mem=8G,node=1,billing=4,gres/gpu=2`.
public struct SlurmTRES: Sendable, Hashable {
    public var cpus: Int?
    public var memoryBytes: Int64?
    public var gpus: Int?

    public init(cpus: Int? = nil, memoryBytes: Int64? = nil, gpus: Int? = nil) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.gpus = gpus
    }

    /// Parses the fields the service keeps and ignores the rest (billing, licenses, energy).
    /// GPUs are `gres/gpu`, or the sum of `gres/gpu:TYPE` when only typed counts are given.
    public init(parsing text: String) throws(SchedulerFormatError) {
        self.init()
        var typedGPUs: Int?
        for entry in text.split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else {
                throw SchedulerFormatError(field: "TRES", value: text, reason: "'\(entry)' is not name=value")
            }
            let name = pair[0]
            let value = pair[1]
            switch name {
            case "cpu": cpus = try Self.count(value, in: text)
            case "mem": memoryBytes = try Self.memory(value, in: text)
            case "gres/gpu": gpus = try Self.count(value, in: text)
            default:
                if name.hasPrefix("gres/gpu:") {
                    let (sum, overflow) = (typedGPUs ?? 0).addingReportingOverflow(try Self.count(value, in: text))
                    guard !overflow else {
                        throw SchedulerFormatError(field: "TRES", value: text, reason: "the GPU counts add up past any real count")
                    }
                    typedGPUs = sum
                }
            }
        }
        if gpus == nil { gpus = typedGPUs }
    }

    private static func count(_ value: Substring, in text: String) throws(SchedulerFormatError) -> Int {
        guard let number = Int(value), number >= 0 else {
            throw SchedulerFormatError(field: "TRES", value: text, reason: "'\(value)' is not a count")
        }
        return number
    }

    /// Slurm writes memory in MiB by default, with an optional K, M, G, T or P suffix.
    private static func memory(_ value: Substring, in text: String) throws(SchedulerFormatError) -> Int64 {
        var digits = value
        var multiplier: Int64 = 1 << 20
        if let unit = value.last, !unit.isNumber {
            digits = value.dropLast()
            switch unit.uppercased() {
            case "K": multiplier = 1 << 10
            case "M": multiplier = 1 << 20
            case "G": multiplier = 1 << 30
            case "T": multiplier = 1 << 40
            case "P": multiplier = 1 << 50
            default: throw SchedulerFormatError(field: "TRES", value: text, reason: "'\(value)' has an unknown memory unit")
            }
        }
        guard let amount = Double(digits), amount >= 0, amount * Double(multiplier) < Double(Int64.max) else {
            throw SchedulerFormatError(field: "TRES", value: text, reason: "'\(value)' is not an amount of memory")
        }
        return Int64((amount * Double(multiplier)).rounded())
    }
}
