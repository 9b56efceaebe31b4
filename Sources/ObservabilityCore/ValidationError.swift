/// Input that cannot be stored, with the field at fault named as the REST API spells it.
///
/// Surfaces as a `4xx` problem response whose detail is ``message``; the core never stores
/// anything that failed validation.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of rule the input broke. A struct rather than an enum, so adding a rule does
    /// not break callers that switch over codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A required value is missing or empty.
        public static let missing = Code("missing")
        /// A string is longer than its limit, or a list has more entries than allowed.
        public static let tooLong = Code("tooLong")
        /// A string holds characters it may not hold (control characters, whitespace, separators).
        public static let invalidCharacters = Code("invalidCharacters")
        /// A number is outside its allowed range.
        public static let outOfRange = Code("outOfRange")
        /// A number is NaN or infinite.
        public static let notFinite = Code("notFinite")
        /// A value is not one of an enumerated set (a state, a database type).
        public static let unknownValue = Code("unknownValue")
        /// A value is not written as its type is (a time, an integer).
        public static let malformed = Code("malformed")
        /// Two fields contradict each other (an end before a start).
        public static let inconsistent = Code("inconsistent")
        /// A list holds the same entry twice.
        public static let duplicate = Code("duplicate")

        public var description: String { name }
    }

    public let code: Code
    /// The field at fault, in the API's spelling (`cpuUsage`, `nodes[2]`).
    public let field: String
    public let message: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension ValidationError {
    /// Runs `body` for element `index` of a batch of `count`, naming the element in its
    /// error (`[3].cpuUsage`) when the batch has more than one.
    public static func naming<Value>(_ index: Int, of count: Int, _ body: () throws(ValidationError) -> Value) throws(ValidationError) -> Value {
        switch Result(catching: body) {
        case .success(let value):
            return value
        case .failure(let error):
            guard count > 1 else { throw error }
            throw ValidationError(error.code, field: "[\(index)].\(error.field)", error.message)
        }
    }
}
