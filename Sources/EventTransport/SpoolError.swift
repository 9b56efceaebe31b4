/// The spool could not take or give back an event; names the path and the system's reason.
public struct SpoolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var reason: String

    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        reason = SystemError.describe(code)
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
