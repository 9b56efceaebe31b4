/// A libslurm call that failed, with Slurm's own words for why.
public struct SlurmError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String

    public init(operation: String, code: Int32, message: String) {
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String { "\(operation): \(message) (Slurm error \(code))" }
}
