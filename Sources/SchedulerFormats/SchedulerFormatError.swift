/// A scheduler's text value that does not parse: a Slurm host list, TRES string or exit
/// status, a PBS size, time or exit status.
public struct SchedulerFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which field, as the scheduler names it: `SLURM_JOB_NODELIST`, `resources_used.mem`, …
    public var field: String
    public var value: String
    public var reason: String

    public init(field: String, value: String, reason: String) {
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String {
        "\(field) '\(value.prefix(200))' does not parse: \(reason)"
    }
}
