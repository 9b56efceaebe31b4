/// A Slurm text field (a hostlist, a TRES string, an exit status) that does not parse.
public struct SlurmFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which field, as Slurm names it: `SLURM_JOB_NODELIST`, `tres_req_str`, …
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
