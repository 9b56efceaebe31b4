/// A setting that stops the program at start-up, naming the variable and what it accepts.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let variable: String
    public let value: String
    public let accepted: String

    public init(variable: String, value: String, accepted: String) {
        self.variable = variable
        self.value = value
        self.accepted = accepted
    }

    public var description: String { "\(variable)='\(value)' is not valid: \(accepted)" }
}
